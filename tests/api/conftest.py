"""Fixtures for the API tests: a client acting as one persona at a time, and request bodies."""

import pytest
from rest_framework.test import APIClient

from accounts.models import User


@pytest.fixture
def api():
    return APIClient()


def act_as(client: APIClient, user) -> APIClient:
    """Authenticate as a fresh copy of ``user``: the per-user access cache then starts empty,
    as it does in a real request, so query counts are what production sees."""
    client.force_authenticate(user=User.objects.get(pk=user.pk))
    return client


def target_body(aspect, lead_department, **overrides) -> dict:
    """A valid quantitative department target as an API client would send it (Art. 6)."""
    body = {
        "plan_year": aspect.plan_year_id,
        "kind": "quantitative",
        "title": "全市地区生产总值增长6.5%",
        "content": "全年地区生产总值增速达到6.5%左右。",
        "measures": "加快重大项目建设，扩大有效投资。",
        "aspect": aspect.pk,
        "lead_department": lead_department.pk,
        "indicator": "地区生产总值增速",
        "unit": "%",
        "baseline": "6.00",
        "target_value": "6.50",
        "direction": "higher",
        "weight": "3",
        "milestones": [
            {"quarter": q, "description": f"第{q}季度累计增速达到目标进度"} for q in (1, 2, 3, 4)
        ],
    }
    body.update(overrides)
    return body
