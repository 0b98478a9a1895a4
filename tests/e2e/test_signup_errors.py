"""Sign-up errors in Chromium on a phone: checked as each field is left, corrected messages go away,
and a refused submit opens on a summary at the top with the wrong code in it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_sign_up_checks_each_field_on_blur_and_summarises_a_refused_submit(watched_page, live_bank):
    page, _ = watched_page
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_bank.url}/accounts/signup/")
    login = page.get_by_label("아이디")
    login.fill("A")
    login.blur()
    expect(login).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#username-live-error")).to_contain_text("영문 소문자로 시작하는")
    login.fill("saerom90")  # corrected: the message goes as it is typed
    expect(page.locator("#username-live-error")).to_have_count(0)
    expect(login).not_to_have_attribute("aria-invalid", "true")

    page.locator("#id_password1").fill("Hana-bank#2026")
    second = page.get_by_label("비밀번호 확인")
    second.fill("Hana-bank#2025")
    second.blur()
    expect(page.locator("#password2-live-error")).to_have_text("비밀번호가 서로 다릅니다.")
    phone = page.get_by_label("휴대폰 번호")
    phone.fill("010-12")
    phone.blur()
    expect(phone).to_have_attribute("aria-invalid", "true")
    expect(phone).to_have_attribute("aria-describedby", "phone-live-error")

    # submitted anyway, with a wrong code: the page opens on the summary, focused, at the top
    phone.fill("010-5550-1234")
    page.locator("#id_code").fill("000000")
    page.get_by_role("button", name="가입하기").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    expect(summary).to_contain_text("두 칸 모두 다시 입력해 주세요")
    expect(page.locator("#password-cleared")).to_be_visible()
    # a link in the summary takes the focus to its field
    summary.get_by_role("link", name="이름").click()
    expect(page.get_by_label("이름")).to_be_focused()
    # a field filled after the refusal loses its "필수 항목" message
    name = page.get_by_label("이름")
    name.fill("이새롬")
    name.blur()
    expect(page.locator("#div_id_name .invalid-feedback")).to_have_count(0)
    page.screenshot(path="test-results/signup-errors-360.png", full_page=True)
