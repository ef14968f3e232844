"""The sections of a target's dossier (卷宗), in order. Each is a template and a builder; later
stages add theirs from their own ``AppConfig.ready()`` or from ``documents.apps`` after merging,
e.g. execution's progress reports::

    register_dossier_section(
        key="progress", title=_("进展情况"), template="documents/pdf/sections/progress.html",
        build=lambda target, *, user: {"reports": list(reports_for_dossier(user, target))},
        order=70,
    )

A builder gets the target (already filtered to what the requester may read) and the requester,
and returns the template's context, or ``None`` to leave the section out. Sections are numbered
in the order they appear: 一、二、三… in Chinese, 1. 2. 3. in other languages (``section_number``).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from audit.services import audit_diff
from targets.models import Target
from targets.selectors import target_history
from workflow.events import present_changes, timeline

DossierBuilder = Callable[..., dict | None]


@dataclass(frozen=True)
class DossierSection:
    key: str
    title: str
    template: str
    build: DossierBuilder
    order: int = 100


_sections: dict[str, DossierSection] = {}


def register_dossier_section(
    *, key: str, title, template: str, build: DossierBuilder, order: int = 100
) -> None:
    """Add a section to every target dossier; the same key again replaces it."""
    _sections[key] = DossierSection(
        key=key, title=title, template=template, build=build, order=order
    )


CHINESE_NUMERALS = "一二三四五六七八九十"


def chinese_number(n: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十: section numbers as official documents write them."""
    if n <= 10:
        return CHINESE_NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    head = "十" if tens == 1 else CHINESE_NUMERALS[tens - 1] + "十"
    return head + (CHINESE_NUMERALS[ones - 1] if ones else "")


def section_number(n: int) -> str:
    """The number before the n-th section's heading: 一、 in Chinese, as official documents
    number their first-level headings; "1. " in other languages, where 一 would be a foreign
    character in an English document."""
    if (translation.get_language() or settings.LANGUAGE_CODE).startswith("zh"):
        return chinese_number(n) + "、"
    return f"{n}. "


def dossier_sections(target, *, user) -> list[dict]:
    shown = []
    for section in sorted(_sections.values(), key=lambda s: (s.order, s.key)):
        context = section.build(target, user=user)
        if context is None:
            continue
        shown.append(
            {
                "key": section.key,
                "number": len(shown) + 1,
                "title": section.title,
                "template": section.template,
                "context": context,
            }
        )
    return shown


# --- the formulation sections -------------------------------------------------------------


def _content(target, *, user):
    return {}


def _responsibility(target, *, user):
    return {
        "departments": list(target.departments.all()),
        "cooperating_leaders": list(target.cooperating_leaders.all()),
    }


def _milestones(target, *, user):
    return {"milestones": list(target.milestones.all())}


def _thread(target, *, user):
    comments = list(target.comments.all())
    return {"comments": comments} if comments else None


def revision_diffs(target) -> list[dict]:
    """Every stored version with what changed from the one before (Art. 14: every version of
    the target stays readable)."""
    items = []
    previous = None
    for revision in target.revisions.all():
        if previous is None:
            changes = []
        else:
            changes = present_changes(Target, audit_diff(previous.snapshot, revision.snapshot))
        items.append({"revision": revision, "changes": changes, "first": previous is None})
        previous = revision
    return items


def _revisions(target, *, user):
    return {"revisions": revision_diffs(target)}


def _audit_trail(target, *, user):
    # The page's own timeline: the same events, labels and before/after.
    return {"timeline": timeline(target_history(target), about=target)}


register_dossier_section(
    key="content",
    title=_("目标内容"),
    template="documents/pdf/sections/content.html",
    build=_content,
    order=10,
)
register_dossier_section(
    key="responsibility",
    title=_("责任分工"),
    template="documents/pdf/sections/responsibility.html",
    build=_responsibility,
    order=20,
)
register_dossier_section(
    key="milestones",
    title=_("节点目标"),
    template="documents/pdf/sections/milestones.html",
    build=_milestones,
    order=30,
)
register_dossier_section(
    key="thread",
    title=_("协商记录"),
    template="documents/pdf/sections/thread.html",
    build=_thread,
    order=40,
)
register_dossier_section(
    key="revisions",
    title=_("历史版本与修改内容"),
    template="documents/pdf/sections/revisions.html",
    build=_revisions,
    order=50,
)
# Execution's progress reports, adjustments and coordination items go between 50 and 90.
register_dossier_section(
    key="audit",
    title=_("办理记录（审计轨迹）"),
    template="documents/pdf/sections/audit.html",
    build=_audit_trail,
    order=90,
)
