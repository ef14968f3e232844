from django.conf import settings
from django.contrib.auth import views as auth_views
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django_ratelimit.decorators import ratelimit


def _rate_per_username(group, request):
    return settings.LOGIN_RATE_PER_USERNAME


def _rate_per_ip(group, request):
    return settings.LOGIN_RATE_PER_IP


# Password guessing: a few tries a minute per account and per address, then a clear message.
# Rates are read per request so they can be tuned from the environment (and in tests).
@method_decorator(
    ratelimit(key="post:username", rate=_rate_per_username, method="POST", block=False),
    name="post",
)
@method_decorator(ratelimit(key="ip", rate=_rate_per_ip, method="POST", block=False), name="post")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if getattr(request, "limited", False):
            # An unbound form: a limited request must not reach authentication at all.
            form = self.get_form_class()(
                request=request, initial={"username": request.POST.get("username", "")}
            )
            form.cleaned_data = {}
            form.add_error(None, _("登录尝试过于频繁，请稍后再试。"))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)
