"""Single sign-on (issue 17): the city's directory (LDAP / Active Directory, ``ldap``) and its
unified identity platform (OpenID Connect, ``oidc``), each on when its settings are given. Both
map the directory's department and groups to our departments and roles (``mapping``)."""
