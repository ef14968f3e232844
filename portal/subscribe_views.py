"""The subscriber's pages: subscribe (from a target or department page), confirm by the link in
the e-mail and its page's button, unsubscribe (the link's page, or a mail client's one click),
delete one's data. Never cached: each answers one person's token."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from workflow.pages import public_errors

from . import selectors, subscriptions, throttle
from .models import Subscription
from .views import chosen_language
from .views import message_page as _page


# The public pages are cached without a CSRF token; the form needs none: subscribing signs no
# one in and changes nothing until the address's owner confirms (double opt-in). A refused
# address is answered by the public error path with the service's message alone (the field's
# problem would only repeat it).
@csrf_exempt
@require_POST
@public_errors(_page, title=gettext_lazy("未能订阅"), details=False)
def subscribe(request):
    with translation.override(chosen_language(request)):
        if not throttle.allow(request, "subscribe"):
            return _page(
                request,
                _("请稍后再试"),
                _("来自您的地址的订阅请求过多，请一小时后再试。"),
                status=429,
            )
        target_id, department_id = (
            request.POST.get("target", ""),
            request.POST.get("department", ""),
        )
        public_target = department = None
        if target_id.isdigit():
            public_target = selectors.public_target(int(target_id))
        elif department_id.isdigit():
            department = selectors.public_department(int(department_id))
        subscriptions.subscription_request(
            email=request.POST.get("email", ""),
            public_target=public_target,
            department=department,
        )
        return _page(
            request,
            _("请查收确认邮件"),
            _("我们已向您的邮箱发送确认邮件，请打开邮件中的链接完成订阅。确认前不会发送任何动态。"),
        )


def _masked(email: str) -> str:
    """z***@example.com: the page names the address without spelling it out, since the link
    that opens it may have been forwarded."""
    local, _at, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


def _invalid_link(request):
    return _page(request, _("链接无效"), _("链接无效或订阅已删除。"), status=404)


# Opening a link in a message (GET or HEAD) changes nothing: corporate mail scanners and link
# previewers fetch every link in a message, and would confirm an address its owner never saw or
# unsubscribe (and, unconfirmed, delete) one without asking. The link shows a page whose button
# posts back to it. The token in the URL is the authorisation, not a session: the form carries a
# CSRF token as every form does, but the view is exempt, as the unsubscribe link's must be for a
# mail client's one-click post (RFC 8058), which comes without one.
# An unknown or deleted token is refused by the service on POST; the link answers 404.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
@public_errors(_page, title=gettext_lazy("链接无效"), status=404)
def confirm(request, token: str):
    with translation.override(chosen_language(request)):
        if request.method == "POST":
            subscriptions.subscription_confirm(token=token)
        else:
            subscription = selectors.subscription_for_token(token)
            if subscription is None:
                return _invalid_link(request)
            if subscription.confirmed_at is None:
                return _page(
                    request,
                    _("确认订阅"),
                    _(
                        "确认后，您关注的目标有新动态时，我们每天最多给 %(email)s 发送一封摘要邮件。"
                        "如果不是您本人订阅，请不要确认，直接关闭本页即可。"
                    )
                    % {"email": _masked(subscription.email)},
                    post_to=reverse("portal:confirm", args=[token]),
                    post_label=_("确认订阅"),
                )
        return _page(
            request,
            _("订阅已确认"),
            _(
                "订阅已确认。您关注的目标有新动态时，我们每天最多给您发送一封摘要邮件；每封邮件都有一键退订链接。"
            ),
        )


# GET / HEAD show the page with the button (see ``confirm``); the button's POST unsubscribes and
# shows the outcome; a mail client's one-click POST (body ``List-Unsubscribe=One-Click``,
# RFC 8058) unsubscribes and is answered 204.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token: str):
    with translation.override(chosen_language(request)):
        if request.method != "POST":
            return _unsubscribe_page(request, token)
        subscription = subscriptions.subscription_unsubscribe(token=token)
        if subscription is None:
            return _invalid_link(request)
        if "List-Unsubscribe" in request.POST:
            return HttpResponse(status=204)
        if subscription.pk is None:  # never confirmed: deleted with the unsubscribing
            return _page(
                request,
                _("已退订"),
                _("您已退订，不会再收到任何邮件。您的订阅从未确认，我们已删除您的邮箱地址。"),
            )
        return _page(
            request,
            _("已退订"),
            _("您已退订，不会再收到任何邮件。我们仍保存着您的邮箱地址，您可以在下面把它彻底删除。"),
            delete_token=subscription.token,
        )


def _unsubscribe_page(request, token: str):
    subscription = selectors.subscription_for_token(token)
    if subscription is None:
        return _invalid_link(request)
    if subscription.confirmed_at is None:
        message = _(
            "退订后，%(email)s 将不再收到任何邮件。这个地址的订阅从未确认，退订时我们会删除它。"
        )
    else:
        message = _("退订后，%(email)s 将不再收到任何邮件。")
    return _page(
        request,
        _("退订"),
        message % {"email": _masked(subscription.email)},
        post_to=reverse("portal:unsubscribe", args=[token]),
        post_label=_("退订"),
    )


@csrf_exempt
@require_POST
def delete(request, token: str):
    get_object_or_404(Subscription, token=token)
    subscriptions.subscription_delete(token=token)
    return _page(request, _("数据已删除"), _("您的邮箱地址和关注记录已全部删除。"))
