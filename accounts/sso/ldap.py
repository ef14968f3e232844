"""Sign-in against the city's directory (LDAP / Active Directory) with django-auth-ldap: the
directory checks the password; our memberships follow its department and groups
(``accounts.sso.mapping``). A locked account is refused before the directory is asked."""

from django.conf import settings
from django_auth_ldap.backend import LDAPBackend

from .. import signin
from ..models import User
from . import mapping

SOURCE = User.IdentitySource.LDAP


class DirectoryBackend(LDAPBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        existing = signin.find_account(username)
        if signin.is_locked(existing) or not mapping.may_sign_in_as(existing, SOURCE):
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)

    def authenticate_ldap_user(self, ldap_user, password):
        user = super().authenticate_ldap_user(ldap_user, password)
        if user is None:
            return None
        if user.password and user.has_usable_password():
            user.set_unusable_password()
            user.save(update_fields=["password"])
        departments = ldap_user.attrs.get(settings.LDAP_DEPARTMENT_ATTRIBUTE, [])
        return mapping.sync_directory_roles(
            user, source=SOURCE, departments=departments, groups=ldap_user.group_names
        )
