from django.contrib.auth import views as auth_views
from django.utils.translation import gettext as _

from . import throttle


class LoginView(auth_views.LoginView):
    """The login page, under the password-guessing throttle of ``accounts.throttle`` (the same
    rule the API's HTTP Basic authentication obeys)."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if throttle.sign_in_refused(request, request.POST.get("username", "")):
            # An unbound form: a refused request must not reach authentication at all.
            form = self.get_form_class()(
                request=request, initial={"username": request.POST.get("username", "")}
            )
            form.cleaned_data = {}
            form.add_error(None, _("登录尝试过于频繁，请稍后再试。"))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form):
        throttle.sign_in_failed(self.request, self.request.POST.get("username", ""))
        return super().form_invalid(form)
