"""The public pages (/gongkai/): no sign-in, read only the published records (portal.selectors),
answered from the public cache when it holds them (portal.cache).

The language is chosen with ``?lang=en`` (Chinese without it) rather than the session's
switcher: a public page carries no CSRF token or cookie-dependent content, so one cached copy
per path and language serves everyone.
"""

from functools import wraps

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from execution import clock
from targets.models import milestone_today

from . import cache, selectors, throttle
from .models import PublicTarget

ENGLISH = "en"
CACHED_HEADERS = ("Content-Type", "Content-Disposition", "Content-Language")


def chosen_language(request) -> str:
    wanted = request.GET.get("lang", "")
    return ENGLISH if wanted == ENGLISH else settings.LANGUAGE_CODE


def public_page(kind: str, *, daily: bool = False):
    """A GET-only public view, cached per (public version, language, full path); ``daily``: and
    per day, for a page that changes with the date (a comment period opening or closing)."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method not in ("GET", "HEAD"):
                return HttpResponse(status=405, headers={"Allow": "GET, HEAD"})
            language = chosen_language(request)
            # A search reaches the database on each new query: limited per address (item 6).
            if request.GET.get("q") and not throttle.allow(request, "search"):
                with translation.override(language):
                    return HttpResponse(
                        _("搜索过于频繁，请稍后再试。"),
                        status=429,
                        content_type="text/plain; charset=utf-8",
                    )
            day = f":{clock.today().isoformat()}" if daily else ""
            key = cache.page_key(kind + day, language, request.get_full_path())
            stored = cache.get(key)
            if stored is not None:
                headers, body = stored
                return HttpResponse(body, headers=headers)
            with translation.override(language):
                request.LANGUAGE_CODE = language
                response = view(request, *args, **kwargs)
                if hasattr(response, "render"):
                    response.render()
            if response.status_code == 200 and not response.streaming:
                kept = {h: response[h] for h in CACHED_HEADERS if response.has_header(h)}
                cache.put(key, (kept, response.content))
            return response

        return wrapper

    return decorate


def _base_context(request, **extra) -> dict:
    english = chosen_language(request) == ENGLISH
    return {
        "lq": "?lang=en" if english else "",
        "lamp": "&lang=en" if english else "",
        "english": english,
        "path_zh": request.path,
        "path_en": f"{request.path}?lang=en",
        "years": list(selectors.public_years().values_list("year", flat=True)),
        **extra,
    }


def message_page(request, title, message: str, *, status: int = 200, **extra):
    """The portal's one message page (a subscription's step, a comment's outcome, a refusal:
    ``workflow.pages.public_errors`` renders refusals with it), in the reader's language."""
    with translation.override(chosen_language(request)):
        return render(
            request,
            "portal/message.html",
            _base_context(request, title=title, message=message, **extra),
            status=status,
        )


# The states a public target shows (labels from ``Target.State``); cancelled only on a record
# published before its cancellation.
STATUS_CODES = ("confirmed", "executing", "completed", "evaluated", "cancelled")


def status_label(code: str) -> str:
    from targets.models import Target

    try:
        return str(Target.State(code).label)
    except ValueError:
        return code


@public_page("index")
def index(request):
    from .selectors import report_years

    years = list(selectors.public_years())
    return render(
        request,
        "portal/index.html",
        _base_context(request, public_years=years, report_years=report_years()),
    )


def _year_or_404(year: int) -> int:
    if not selectors.public_years().filter(year=year).exists():
        raise Http404
    return year


@public_page("year")
def year_targets(request, year: int):
    _year_or_404(year)
    get = request.GET
    filters = {
        "q": get.get("q", "")[:100],
        "aspect": get.get("aspect", ""),
        "department": get.get("department", ""),
        "status": get.get("status", ""),
    }
    rows = list(selectors.filter_targets(selectors.public_targets(year), **filters))
    groups: dict[tuple[int, str], list[PublicTarget]] = {}
    for row in rows:
        groups.setdefault((row.aspect_number, row.aspect_name), []).append(row)
    statuses = [(code, status_label(code)) for code in STATUS_CODES]
    return render(
        request,
        "portal/year.html",
        _base_context(
            request,
            year=year,
            groups=[{"number": n, "name": name, "rows": rs} for (n, name), rs in groups.items()],
            count=len(rows),
            filters=filters,
            aspects=selectors.aspects_of(year),
            departments=selectors.public_departments(year),
            statuses=statuses,
            status_labels=dict(statuses),
        ),
    )


def _timeline(row: PublicTarget) -> list[dict]:
    data = row.data
    events = []
    if row.published_at:
        events.append({"date": row.published_at.date().isoformat(), "text": _("向社会公开")})
    for p in data["periods"]:
        if p["verified_on"]:
            value = p["verified_value"]
            text = _("%(start)s至%(end)s进展经审核") % {
                "start": p["period_start"],
                "end": p["period_end"],
            }
            if value is not None:
                text += _("：审核值 %(v)s%(unit)s") % {"v": value, "unit": data["unit"]}
            if p["verified_percent"] is not None:
                text += _("，完成进度 %(p)s%%") % {"p": p["verified_percent"]}
            events.append({"date": p["verified_on"], "text": text})
    if data["completed_on"]:
        events.append({"date": data["completed_on"], "text": _("目标办结")})
    return sorted(events, key=lambda e: e["date"], reverse=True)


MILESTONE_LABELS = {
    "pending": _lazy("未到期"),
    "achieved": _lazy("已完成"),
    "missed": _lazy("未完成"),
}
ROLE_LABELS = {
    "lead": _lazy("牵头部门"),
    "responsible": _lazy("责任部门"),
    "cooperating": _lazy("配合部门"),
}
WARNING_LABELS = {"green": _lazy("绿色"), "yellow": _lazy("黄色"), "red": _lazy("红色")}


def _labels(mapping: dict) -> dict:
    return {k: str(v) for k, v in mapping.items()}


@public_page("target")
def target_detail(request, target_id: int):
    row = selectors.public_target(target_id)
    data = row.data
    today = milestone_today().isoformat()
    milestone_labels = _labels(MILESTONE_LABELS)
    milestones = [
        {
            **m,
            "label": _("逾期")
            if m["status"] == "pending" and m["due_date"] < today
            else milestone_labels.get(m["status"], m["status"]),
        }
        for m in data["milestones"]
    ]
    role_labels = _labels(ROLE_LABELS)
    chart = {
        "periods": [p["period_end"] for p in data["periods"]],
        "percent": [p["verified_percent"] for p in data["periods"]],
        "value": [p["verified_value"] for p in data["periods"]],
        "target_value": data["target_value"],
        "percent_label": _("完成进度（%）"),
        "value_label": _("审核值"),
    }
    return render(
        request,
        "portal/target.html",
        _base_context(
            request,
            row=row,
            data=data,
            milestones=milestones,
            departments=[
                {**d, "role_label": role_labels.get(d["role"], d["role"])}
                for d in data["departments"]
            ],
            status=status_label(data["status"]),
            warning=_labels(WARNING_LABELS).get(data["warning_level"], ""),
            timeline=_timeline(row),
            chart=chart,
        ),
    )


@public_page("department")
def department_detail(request, department_id: int):
    department = selectors.public_department(department_id)
    rows = list(selectors.public_targets().filter(departments=department).distinct())
    return render(
        request,
        "portal/department.html",
        _base_context(
            request,
            department=department,
            rows=rows,
            led=[r for r in rows if r.lead_department_id == department.pk],
            taking_part=[r for r in rows if r.lead_department_id != department.pk],
            summaries=list(selectors.approved_summaries(department)),
            reports=list(selectors.department_reports(department)),
            status_labels={code: status_label(code) for code in STATUS_CODES},
        ),
    )


@public_page("overview")
def year_overview(request, year: int):
    _year_or_404(year)
    overview = selectors.year_overview(year)
    statuses = [(status_label(code), n) for code, n in sorted(overview["by_status"].items())]
    warnings = _labels(WARNING_LABELS)
    chart = {
        "aspects": [a["name"] for a in overview["aspects"]],
        "aspect_percent": [a["average_percent"] for a in overview["aspects"]],
        "departments": [d["name"] for d in overview["departments"]],
        "department_percent": [d["average_percent"] for d in overview["departments"]],
        "percent_label": _("平均完成进度（%）"),
    }
    return render(
        request,
        "portal/overview.html",
        _base_context(
            request,
            year=year,
            o=overview,
            statuses=statuses,
            warnings=[
                (warnings[level], overview["by_warning_level"].get(level, 0))
                for level in ("green", "yellow", "red")
            ],
            chart=chart,
            api_url=reverse("portal:api_overview", args=[year]),
        ),
    )


@public_page("download")
def year_csv(request, year: int):
    from .downloads import csv_response

    _year_or_404(year)
    return csv_response(selectors.public_targets(year), f"mubiao-{year}-public-targets.csv")


@public_page("download")
def year_xlsx(request, year: int):
    from .downloads import xlsx_response

    _year_or_404(year)
    return xlsx_response(selectors.public_targets(year), f"mubiao-{year}-public-targets.xlsx")
