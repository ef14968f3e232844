"""The workflow core's house rules (issue 15), checked over the source so they stay true:

- every state change goes through ``workflow.transitions.transition_apply``: no app sets a
  ``state`` by hand or writes its own can_proceed / ConcurrentTransition wrapper;
- pages report errors one way (``workflow.pages``): no view catches the application's errors,
  keeps its own 403 page or its own paginator;
- no app imports another app's private (``_name``) names.

A failure names the file and line."""

import ast
import re
from pathlib import Path

from django.conf import settings

from .test_import_order import ORDER

ROOT = Path(settings.BASE_DIR)


def _sources(*, views_only=False):
    for app in ORDER:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if "migrations" in relative.parts:
                continue
            # ``views.py``, a ``views`` package, and ``*_views.py`` (the portal's pages).
            if views_only and not (path.name.endswith("views.py") or "views" in relative.parts):
                continue
            yield app, relative, path.read_text(encoding="utf-8")


def _lines_matching(pattern, *, views_only=False, skip_apps=()):
    found = []
    for app, relative, text in _sources(views_only=views_only):
        if app in skip_apps:
            continue
        for lineno, line in enumerate(text.splitlines(), 1):
            if re.search(pattern, line):
                found.append(f"{relative}:{lineno}: {line.strip()}")
    return found


def test_no_view_catches_the_applications_errors():
    assert (
        _lines_matching(
            r"except\s*\(?[\w., ]*(ApplicationError|NotPermitted|Conflict|ValidationFailed"
            r"|NotFoundForUser)",
            views_only=True,
        )
        == []
    )


def test_no_state_is_set_by_hand_outside_the_core():
    assert _lines_matching(r"\.state\s*=[^=]", skip_apps=("workflow",)) == []


def test_one_transition_wrapper():
    assert _lines_matching(r"\b(can_proceed|ConcurrentTransition)\b", skip_apps=("workflow",)) == []


def test_one_paginator_and_one_forbidden_page():
    assert _lines_matching(r"\bPaginator\(", skip_apps=("workflow",)) == []
    assert _lines_matching(r"def _?forbidden\(", views_only=True) == []
    assert _lines_matching(r"forbidden\.html", skip_apps=("workflow",)) == []


def test_no_app_imports_another_apps_private_names():
    wrong = []
    for app, relative, text in _sources():
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                owner = node.module.split(".")[0]
                private = [a.name for a in node.names if a.name.startswith("_")]
                if owner in ORDER and owner != app and private:
                    wrong.append(f"{relative}:{node.lineno} imports {node.module}.{private}")
    assert wrong == []
