"""What every API operation may answer besides its own responses, and how lists page (issue 17
item 6, found by schemathesis): one place, so the published schema and the API agree.

- ``document_error_responses`` (a drf-spectacular postprocessing hook) adds to every operation
  the error answers any of them can give — 400 bad input, 401 not signed in, 403 refused,
  404 absent or not readable, 406/415 a format it does not speak, 429 throttled — each a JSON
  object with ``detail``.
- ``not_found`` (``handler404``) answers JSON under any ``…/api/``: a path the router does not
  match (``/api/v1/targets/abc/``) is a 404 like any other, not an HTML page.
- ``Pagination`` honours ``?page_size=`` up to 200.
"""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework.pagination import PageNumberPagination

ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
}
ERROR_DESCRIPTIONS = {
    "400": "输入有误，未保存任何内容",
    "401": "未登录或凭据无效",
    "403": "无权执行该操作",
    "404": "对象不存在或无权查看",
    "406": "无法按 Accept 要求的格式应答",
    "415": "请求内容的格式不受支持",
    "429": "请求过于频繁",
}


def document_error_responses(result, generator, request, public):
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for code, description in ERROR_DESCRIPTIONS.items():
                operation["responses"].setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": ERROR_SCHEMA}},
                    },
                )
    return result


def not_found(request, exception=None):
    # /api/v1/ and the public portal's /gongkai/api/.
    if "/api/" in request.path:
        return JsonResponse({"detail": _("未找到。")}, status=404)
    return defaults.page_not_found(request, exception)


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200
