"""The second half of issue 5's browser journey (Shanghai Art. 12): the lead department's head
requests an adjustment with an attachment → the general office approves it → the target page
shows the diff (field, before, after) and the old version stays readable."""

import pytest
from playwright.sync_api import expect

from execution.models import AdjustmentRequest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_adjustment_journey(sign_in, executing, head_a, office):
    # 1. The head opens the executing target and asks to lower its value (new national policy).
    head = sign_in("head_a")
    head.goto(f"/targets/{executing.pk}/")
    head.locator("#adjustments").get_by_role("link", name="申请调整").click()
    head.check("input[name=kind][value=change]")
    head.select_option("#id_reason", value="national_policy")
    head.fill("#id_explanation", "国家统计口径调整，目标值相应下调。")
    head.set_input_files(
        "#id_attachment",
        files=[{"name": "关于调整目标值的请示.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    head.fill("#id_target_value", "6.2")
    head.get_by_role("button", name="提交调整申请").click()
    head.wait_for_load_state()
    expect(head.locator(".messages")).to_contain_text("调整申请已提交")
    expect(head.locator("#diff")).to_contain_text("6.2")
    adjustment = AdjustmentRequest.objects.get()
    assert adjustment.state == "pending"

    # 2. The general office finds it in its list of open requests and approves it.
    desk = sign_in("office")
    desk.get_by_role("link", name="调整申请").first.click()
    desk.get_by_role("link", name=f"{executing.code} {executing.title}").click()
    form = desk.locator("form[data-action=approve]")
    form.locator("textarea[name=comment]").fill("经市政府同意，按新口径调整。")
    form.locator("button[type=submit]").click()
    desk.wait_for_load_state()
    expect(desk.locator(".messages")).to_contain_text("已批准")

    # 3. The target page shows the new value, the diff and the earlier version.
    desk.goto(f"/targets/{executing.pk}/")
    section = desk.locator("#adjustments")
    expect(section).to_contain_text("已批准")
    diff = section.locator("table.diff")
    expect(diff).to_contain_text("目标值")
    expect(diff.locator(".diff__before")).to_contain_text("6.5")
    expect(diff.locator(".diff__after")).to_contain_text("6.2")
    expect(desk.locator(".facts").first).to_contain_text("6.2 %")
    section.get_by_role("link", name="调整前").click()
    expect(desk.locator(".facts--wide")).to_contain_text("6.5")
