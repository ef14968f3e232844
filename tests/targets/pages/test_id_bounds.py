"""Issue 11, item 5, on the pages: ids beyond 64 bits are answered as absent (404) or as bad
input, never with a 500."""

import pytest
from django.urls import reverse

from targets.models import Target
from tests.targets.conftest import form_data

BIG = "99999999999999999999"


def test_bulk_with_an_id_beyond_range_is_404_and_nothing_moves(login, office, submitted):
    response = login(office).post(
        reverse("targets:bulk_transition"), {"action": "negotiate", "ids": [submitted.pk, BIG]}
    )
    assert response.status_code == 404
    assert Target.objects.get(pk=submitted.pk).state == "submitted"


@pytest.mark.parametrize("name", ["aspect", "lead_department", "year", "page"])
def test_list_filters_beyond_range_do_not_fail(login, office, draft, name):
    response = login(office).get(reverse("targets:target_list"), {name: BIG})
    assert response.status_code in (200, 404)


@pytest.mark.parametrize(
    "path",
    [
        f"/targets/{BIG}/",
        f"/targets/{BIG}/edit/",
        f"/targets/{BIG}/revisions/1/",
        f"/targets/1/revisions/{BIG}/",
    ],
)
def test_path_ids_beyond_range_are_404(login, office, draft, path):
    assert login(office).get(path).status_code == 404


@pytest.mark.parametrize(
    "field",
    [
        "aspect",
        "lead_department",
        "parent",
        "lead_leader",
        "cooperating_leaders",
        "departments-0-department",
    ],
)
def test_form_ids_beyond_range_are_refused(login, staff_a, aspect, dept_a, field):
    before = Target.objects.count()
    response = login(staff_a).post(
        reverse("targets:target_create"), {**form_data(aspect, dept_a), field: BIG}
    )
    assert response.status_code == 400
    assert Target.objects.count() == before
