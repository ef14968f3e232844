"""django-auth-ldap's settings from a few environment variables (config/settings/base.py).
Imported by the settings only when ``LDAP_SERVER_URI`` is set, so python-ldap is loaded only then."""

import ldap
from django_auth_ldap.config import (
    GroupOfNamesType,
    LDAPSearch,
    NestedActiveDirectoryGroupType,
)

GROUP_TYPES = {
    "groupOfNames": lambda: GroupOfNamesType(name_attr="cn"),
    "activeDirectory": lambda: NestedActiveDirectoryGroupType(name_attr="cn"),
}


def ldap_settings(
    *,
    server_uri: str,
    bind_dn: str,
    bind_password: str,
    user_search_base: str,
    user_filter: str,
    group_search_base: str,
    group_type: str,
    start_tls: bool,
) -> dict:
    if group_type not in GROUP_TYPES:
        raise ValueError(
            f"LDAP_GROUP_TYPE must be one of {sorted(GROUP_TYPES)}, not {group_type!r}"
        )
    group_class = "group" if group_type == "activeDirectory" else "groupOfNames"
    return {
        "AUTH_LDAP_SERVER_URI": server_uri,
        "AUTH_LDAP_BIND_DN": bind_dn,
        "AUTH_LDAP_BIND_PASSWORD": bind_password,
        "AUTH_LDAP_START_TLS": start_tls,
        "AUTH_LDAP_USER_SEARCH": LDAPSearch(user_search_base, ldap.SCOPE_SUBTREE, user_filter),
        "AUTH_LDAP_GROUP_SEARCH": LDAPSearch(
            group_search_base or user_search_base,
            ldap.SCOPE_SUBTREE,
            f"(objectClass={group_class})",
        ),
        "AUTH_LDAP_GROUP_TYPE": GROUP_TYPES[group_type](),
        "AUTH_LDAP_USER_ATTR_MAP": {
            "display_name": "displayName",
            "email": "mail",
            "title": "title",
            "phone": "telephoneNumber",
        },
        "AUTH_LDAP_ALWAYS_UPDATE_USER": True,
        "AUTH_LDAP_FIND_GROUP_PERMS": False,
        # Active Directory answers with referrals python-ldap cannot follow anonymously; a
        # directory that does not answer within seconds must not hang the login page.
        "AUTH_LDAP_CONNECTION_OPTIONS": {
            ldap.OPT_REFERRALS: 0,
            ldap.OPT_NETWORK_TIMEOUT: 5,
            ldap.OPT_TIMEOUT: 10,
        },
    }
