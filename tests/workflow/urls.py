"""Pages that raise what services raise, for the error path's tests (test_pages.py)."""

from django import forms
from django.http import HttpResponse, JsonResponse
from django.urls import include, path

from workflow.errors import Conflict, NotFoundForUser, NotPermitted, ValidationFailed
from workflow.pages import form_errors, public_errors, redirect_on_error


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


def public_page(request, title, message, *, status):
    """A public site's message page, as ``portal.views.message_page`` (its own layout)."""
    return HttpResponse(f"<h1>{title}</h1><p>{message}</p>", status=status)


@public_errors(public_page, title="未能提交")
def public_refused(request):
    raise ValidationFailed("未提交，请更正标出的问题。", field_errors={"text": ["请填写内容。"]})


@public_errors(public_page, title="未能订阅", details=False)
def public_refused_briefly(request):
    raise ValidationFailed("请填写有效的电子邮箱。", field_errors={"email": ["格式不正确。"]})


@public_errors(public_page, title="链接无效", status=404)
def public_link_gone(request):
    raise ValidationFailed("链接无效或订阅已删除。")


@public_errors(public_page, title="未能提交")
def public_raced(request):
    raise Conflict("评议期已结束。")


urlpatterns = [
    path("", include("config.urls")),
    path("t/refuses/", refuses),
    path("t/hides/", hides),
    path("t/raced/", raced),
    path("t/raced-nowhere/", raced_nowhere),
    path("t/validates/", validates),
    path("t/public/refused/", public_refused),
    path("t/public/refused-briefly/", public_refused_briefly),
    path("t/public/link-gone/", public_link_gone),
    path("t/public/raced/", public_raced),
]
