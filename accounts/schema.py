"""OpenAPI descriptions of our own API pieces (registered by AccountsConfig.ready)."""

from drf_spectacular.authentication import BasicScheme


class ThrottledBasicScheme(BasicScheme):
    """``ThrottledBasicAuthentication`` is HTTP Basic to a client."""

    target_class = "accounts.authentication.ThrottledBasicAuthentication"
