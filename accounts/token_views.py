"""The API token settings page (API 令牌): a user's own tokens, create one (its key is shown
once), revoke one. Thin views over ``accounts.tokens``."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.validators import MaxValueValidator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from workflow.pages import form_errors, redirect_on_error

from . import tokens
from .models import ApiToken


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("名称"),
        max_length=100,
        help_text=gettext_lazy("用途或对接系统，如：12345热线系统"),
    )
    scope = forms.ChoiceField(
        label=gettext_lazy("权限范围"),
        choices=ApiToken.Scope.choices,
        initial=ApiToken.Scope.READ,
        help_text=gettext_lazy("只读令牌只能查询；读写令牌可按您的权限办理业务。"),
    )
    days = forms.IntegerField(label=gettext_lazy("有效天数"), min_value=1, initial=90)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read per form: the limit is a setting.
        days = self.fields["days"]
        days.max_value = settings.API_TOKEN_MAX_DAYS
        days.widget.attrs["max"] = settings.API_TOKEN_MAX_DAYS
        days.validators.append(MaxValueValidator(settings.API_TOKEN_MAX_DAYS))


def _page(request, form, *, key=None, status=200):
    return render(
        request,
        "accounts/api_tokens.html",
        {
            "form": form,
            "key": key,
            "tokens": ApiToken.objects.filter(user=request.user),
            "now": timezone.now(),
        },
        status=status,
    )


@login_required
def api_token_list(request):
    if request.method != "POST":
        return _page(request, ApiTokenForm())
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    with form_errors(form) as outcome:
        token, key = tokens.api_token_create(
            user=request.user,
            name=form.cleaned_data["name"],
            scope=form.cleaned_data["scope"],
            days=form.cleaned_data["days"],
            by=request.user,
        )
    if outcome.failed:
        return _page(request, form, status=outcome.status)
    # The key is shown in this response only: it is never stored and never shown again.
    return _page(request, ApiTokenForm(), key=key)


@login_required
@require_POST
@redirect_on_error(lambda request, pk: reverse("accounts:api_tokens"))
def api_token_revoke(request, pk):
    token = get_object_or_404(ApiToken.objects.filter(user=request.user), pk=pk)
    tokens.api_token_revoke(token=token, by=request.user)
    messages.success(request, _("令牌“%(name)s”已撤销。") % {"name": token.name})
    return redirect("accounts:api_tokens")
