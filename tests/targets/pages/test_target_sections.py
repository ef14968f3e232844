"""Later stages add to the target page through ``targets.extensions`` and record their events in
the target's scope, so the page reads as one history of the target (Shanghai Art. 14) while
formulation never imports a later app."""

import pytest
from django.urls import reverse

from audit.services import audit_record
from targets import extensions


@pytest.fixture
def section(tmp_path, settings):
    (tmp_path / "section.html").write_text(
        '<section id="extra">{{ section.note }}</section>', encoding="utf-8"
    )
    engine = settings.TEMPLATES[0]
    # Assigned whole, so Django's setting_changed signal rebuilds the template engines.
    settings.TEMPLATES = [{**engine, "DIRS": [*engine["DIRS"], tmp_path]}]
    shown_for = []

    def build(request, target):
        shown_for.append(request.user.username)
        return {"note": f"附加信息 {target.code}"} if request.user.username != "auditor" else None

    extensions.register_target_section(key="test-extra", template="section.html", build=build)
    yield shown_for
    extensions._sections.pop("test-extra")


def test_a_registered_section_shows_with_its_context(section, login, executing, office):
    response = login(office).get(reverse("targets:target_detail", args=[executing.pk]))
    assert f"附加信息 {executing.code}".encode() in response.content
    assert section == ["office"]


def test_a_section_that_returns_none_is_not_shown(section, login, executing, auditor):
    response = login(auditor).get(reverse("targets:target_detail", args=[executing.pk]))
    assert response.status_code == 200
    assert b'id="extra"' not in response.content


def test_events_recorded_in_a_targets_scope_show_on_its_timeline(login, executing, office):
    # Any record about the target (here the general office's user row stands in for one).
    audit_record(
        actor=office, obj=office, action="update", comment="关于该目标的记录", scope=executing
    )
    response = login(office).get(reverse("targets:target_detail", args=[executing.pk]))
    assert "关于该目标的记录" in response.content.decode()
    assert str(office) in response.content.decode()
