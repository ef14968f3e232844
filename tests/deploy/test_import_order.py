"""Apps import one way only, in the order of the regulation's stages (DESIGN, issue 5):
audit ← workflow ← workdays ← accounts ← notifications ← targets (formulation) ← execution ← supervision ← evaluation; what reads
them all (documents, dashboards) sits above them, the demo city last. An app that imports a
later one fails here, naming the file and line."""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)

# Lowest first: each app may import only the apps before it. A new app is added here and to
# INSTALLED_APPS (config/settings/base.py) in the same place.
ORDER = [
    "audit",
    "workflow",
    "workdays",
    "accounts",
    "notifications",
    "targets",
    "execution",
    "supervision",
    "evaluation",
    "dashboards",
    "documents",
    "demo",
    "portal",
]


def _imported_apps(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module.split(".")[0]


def test_every_app_imports_only_earlier_apps():
    wrong = []
    for rank, app in enumerate(ORDER):
        later = set(ORDER[rank + 1 :])
        for path in sorted((ROOT / app).rglob("*.py")):
            for lineno, imported in _imported_apps(path):
                if imported in later:
                    wrong.append(f"{path.relative_to(ROOT)}:{lineno} imports {imported}")
    assert wrong == []


def test_order_lists_every_app_of_ours_in_installed_apps_order():
    ours = [app for app in settings.INSTALLED_APPS if (ROOT / app / "apps.py").exists()]
    assert ours == ORDER


def test_the_check_notices_a_later_import(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("from evaluation.models import X\nimport supervision.services\n")
    assert [name for _, name in _imported_apps(module)] == ["evaluation", "supervision"]
