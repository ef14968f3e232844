"""Helpers for page tests: a signed-in Django test client per persona, and form data as the
target form posts it."""

import pytest


@pytest.fixture
def login(client):
    """``login(user)`` signs the shared test client in as that persona and returns it."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


def form_data(aspect, lead_department, **overrides):
    """What the target form posts for a valid quantitative target with Q1–Q4 milestones."""
    data = {
        "kind": "quantitative",
        "title": "全市地区生产总值增长6.5%",
        "content": "全年地区生产总值增速达到6.5%左右。",
        "measures": "加快重大项目建设。",
        "indicator": "地区生产总值增速",
        "unit": "%",
        "baseline": "6.0",
        "target_value": "6.5",
        "direction": "higher",
        "aspect": str(aspect.pk),
        "weight": "3",
        "lead_department": str(lead_department.pk),
        "dept_head_name": "李主任",
        "departments-TOTAL_FORMS": "3",
        "departments-INITIAL_FORMS": "0",
        "departments-MIN_NUM_FORMS": "0",
        "departments-MAX_NUM_FORMS": "1000",
    }
    for q in (1, 2, 3, 4):
        data[f"q{q}-description"] = f"第{q}季度累计增速达到目标进度"
        data[f"q{q}-expected_value"] = str(6 + q * 0.1)
    data.update(overrides)
    return data


@pytest.fixture
def returned(submitted, office):
    from targets import services

    return services.target_return(target=submitted, by=office, comment="请补充季度节点目标")
