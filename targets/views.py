from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def target_list(request):
    return HttpResponse("")


@login_required
def target_detail(request, pk):
    return HttpResponse("")
