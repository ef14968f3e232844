"""OpenAPI descriptions of our own API pieces (registered by AccountsConfig.ready)."""

from drf_spectacular.authentication import BasicScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ThrottledBasicScheme(BasicScheme):
    """``ThrottledBasicAuthentication`` is HTTP Basic to a client."""

    target_class = "accounts.authentication.ThrottledBasicAuthentication"


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """``ApiTokenAuthentication``: an API token as an HTTP bearer token (issue 17 item 4)."""

    target_class = "accounts.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "API 令牌（在“API 令牌”页或管理后台创建）：Authorization: Bearer mbt_…",
        }
