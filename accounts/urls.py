from django.contrib.auth import views as auth_views
from django.urls import path

from . import audit_views, token_views, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("security/", views.security, name="security"),
    # API tokens (issue 17 item 4, accounts.tokens).
    path("tokens/", token_views.api_token_list, name="api_tokens"),
    path("tokens/<int:pk>/revoke/", token_views.api_token_revoke, name="api_token_revoke"),
    # The audit chain's verification, for auditors (issue 17 item 5).
    path("audit-chain/", audit_views.audit_chain, name="audit_chain"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("two-factor/verify/", views.otp_verify, name="otp_verify"),
    path("two-factor/enrol/", views.otp_enrol, name="otp_enrol"),
    path("two-factor/recovery-codes/", views.otp_recovery_codes, name="otp_recovery_codes"),
    path("oidc/authenticate/", views.oidc_authenticate, name="oidc_authenticate"),
    path("oidc/callback/", views.oidc_callback, name="oidc_callback"),
]
