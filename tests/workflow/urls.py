"""Pages that raise what services raise, for the error path's tests (test_pages.py)."""

from django import forms
from django.http import JsonResponse
from django.urls import include, path

from workflow.errors import Conflict, NotFoundForUser, NotPermitted, ValidationFailed
from workflow.pages import form_errors, redirect_on_error


class NameForm(forms.Form):
    name = forms.CharField(required=False)


def refuses(request):
    raise NotPermitted("您无权查看该目标。")


def hides(request):
    raise NotFoundForUser("不存在")


@redirect_on_error("home")
def raced(request):
    raise Conflict("目标已被他人处理，请刷新后查看。")


def raced_nowhere(request):
    raise Conflict("目标已被他人处理，请刷新后查看。")


def validates(request):
    form = NameForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with form_errors(form) as outcome:
            raise ValidationFailed("未保存。", field_errors={"name": ["请填写名称。"]})
        return JsonResponse(form.errors, status=outcome.status)
    return JsonResponse({})


urlpatterns = [
    path("", include("config.urls")),
    path("t/refuses/", refuses),
    path("t/hides/", hides),
    path("t/raced/", raced),
    path("t/raced-nowhere/", raced_nowhere),
    path("t/validates/", validates),
]
