"""What every evaluation page shares."""

from django.shortcuts import get_object_or_404, render

from .. import selectors
from ..models import EvaluationScheme

PAGE_SIZE = 50


def _forbidden(request, message):
    return render(request, "targets/forbidden.html", {"message": message}, status=403)


def _scheme(request, pk) -> EvaluationScheme:
    return get_object_or_404(selectors.visible_schemes(request.user), pk=pk)
