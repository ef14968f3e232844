"""The mayor and the executive vice-mayor follow the whole city (Shanghai Art. 17). Who they are
is a flag the administrator sets on the user (``User.reads_city_wide``), recorded like all
reference data (Art. 14 全程记录) — never a match on the free-text 职务 (issue 15)."""

import pytest
from django.urls import reverse

from accounts.access import Role, access_for
from accounts.models import User
from audit.models import AuditEvent
from targets import selectors
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def _leader(username, government, *, title, city_wide=False):
    user = make_user(username, department=government, role=Role.LEADER, display_name=username)
    user.title = title
    user.reads_city_wide = city_wide
    user.save(update_fields=["title", "reads_city_wide"])
    return User.objects.get(pk=user.pk)


def test_the_title_mayor_alone_does_not_read_the_city(government, draft):
    """A 职务 typed as 市长 grants nothing: without the flag the leader reads no department's
    draft (only the confirmed city targets, like everyone)."""
    titled = _leader("titled", government, title="市长")
    assert access_for(titled).city_wide is False
    assert not selectors.visible_targets(titled).filter(pk=draft.pk).exists()


def test_the_flag_reads_the_city_whatever_the_title(government, draft):
    """Art. 17: the flagged leader reads every target, whatever the 职务 says."""
    flagged = _leader("flagged", government, title="市委副书记", city_wide=True)
    assert access_for(flagged).city_wide is True
    assert selectors.visible_targets(flagged).filter(pk=draft.pk).exists()


def test_the_flag_counts_only_for_a_city_leader(dept_a, draft):
    """The flag belongs to the leaders' role: set on a department's staff member by mistake it
    widens nothing."""
    staff = make_user("flagged_staff", department=dept_a, role=Role.STAFF)
    staff.reads_city_wide = True
    staff.save(update_fields=["reads_city_wide"])
    assert access_for(User.objects.get(pk=staff.pk)).city_wide is False


@pytest.fixture
def admin_client(client):
    admin = User.objects.create_superuser("root", "root@example.gov.cn", "pass-1234")
    client.force_login(admin)
    client.admin = admin
    return client


def _change_form_data(response) -> dict:
    """What the admin's change page would post back unchanged (every field as shown)."""
    adminform = response.context["adminform"]
    data = {}
    for name, field in adminform.form.fields.items():
        if field.disabled:
            continue
        bound = adminform.form[name]
        value = bound.value()
        widget = field.widget
        if hasattr(widget, "widgets"):  # split date and time
            for i, part in enumerate(widget.decompress(value)):
                if part is not None:
                    data[f"{name}_{i}"] = str(part)
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        elif value is not None:
            data[name] = str(value)
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        for form in formset.formset.forms:
            for name in form.fields:
                value = form[name].value()
                if value is not None:
                    data[form.add_prefix(name)] = str(value)
    return data


def test_the_administrator_sets_the_flag_and_it_is_recorded(admin_client, government, draft):
    """The flag is set in /admin/ on the user's page; the change is an audit row with
    before/after like every change to reference data (Art. 14)."""
    mayor = _leader("mayor", government, title="市长")
    url = reverse("admin:accounts_user_change", args=[mayor.pk])
    page = admin_client.get(url)
    assert "全市范围阅览（市长、常务副市长）" in page.content.decode()
    data = _change_form_data(page)
    data["reads_city_wide"] = "on"
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    mayor = User.objects.get(pk=mayor.pk)
    assert mayor.reads_city_wide is True
    assert access_for(mayor).city_wide is True
    assert selectors.visible_targets(mayor).filter(pk=draft.pk).exists()
    [event] = AuditEvent.objects.for_object(mayor)
    assert event.verb == "update" and event.actor == admin_client.admin
    # Only the flag changed: the join date posted back at whole seconds is no change.
    assert event.changes == {"reads_city_wide": [False, True]}
