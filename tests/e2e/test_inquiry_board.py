"""The inquiry board in Chromium: a customer writes with the editor (formatting, a picture, a PDF),
an agent answers from the queue, the customer reads the answer and has the SMS. And the XSS corpus
rendered on every page that shows it: no dialog may open."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest
from playwright.sync_api import expect

from consultations.models import MiddleCategory
from customers.models import User
from inquiries.models import Inquiry
from inquiries.services import inquiry_create, inquiry_reply
from tests.e2e.conftest import PageProblems, log_in
from tests.inquiries.test_sanitize import PAYLOADS

pytestmark = pytest.mark.e2e


def record_dialog(dialogs: list[str], dialog) -> None:
    dialogs.append(dialog.message)
    dialog.dismiss()


def tiny_png() -> bytes:
    """A real 2×2 PNG, so the browser can draw it (a broken image would be a silent failure)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x00\x84\x85" * 2 for _ in range(2))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def test_customer_asks_agent_answers_customer_reads_with_sms(
    watched_page, live_bank, demo_password, people, outbox, tmp_path: Path
):
    page, _ = watched_page
    base = live_bank.url
    dialogs: list[str] = []
    page.on("dialog", lambda d: record_dialog(dialogs, d))
    picture = tmp_path / "screen.png"
    picture.write_bytes(tiny_png())
    paper = tmp_path / "등본.pdf"
    paper.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

    log_in(page, base, "hanauser1", demo_password)
    page.get_by_role("link", name="내 문의").click()
    page.get_by_role("link", name="문의하기").first.click()
    page.get_by_label("제목").fill("주택담보대출 중도상환 수수료")
    page.get_by_label("대분류").select_option(label="대출")
    page.get_by_label("중분류").select_option(label="주택담보대출")
    editor = page.locator(".note-editable")
    editor.click()
    page.keyboard.type("중도상환 수수료가 ")
    bold = page.locator(".note-toolbar button[aria-label^='굵게']")
    bold.click()
    page.keyboard.type("얼마인지")
    bold.click()
    page.keyboard.type(" 궁금합니다.")
    page.locator(".note-toolbar button[aria-label^='그림']").click()
    with page.expect_response("**/inquiries/uploads/") as uploaded:
        page.locator(".modal.show .note-image-input").set_input_files(str(picture))
    assert uploaded.value.status == 201
    expect(editor.locator("img")).to_have_count(1)
    page.get_by_label("첨부파일").set_input_files(str(paper))
    page.screenshot(path="test-results/inquiry-new.png", full_page=True)
    page.get_by_role("button", name="등록").click()
    expect(page.locator(".alert-success")).to_contain_text("문의가 접수되었습니다")
    body = page.locator(".oh-rich").first
    expect(body.locator("b, strong")).to_have_text("얼마인지")
    assert body.locator("img").evaluate("img => img.complete && img.naturalWidth") == 2
    expect(page.get_by_role("link", name="등본.pdf")).to_be_visible()
    inquiry = Inquiry.objects.get(title="주택담보대출 중도상환 수수료")
    assert inquiry.attachments.count() == 2

    # the agent, in a browser of their own
    agent = people().page
    log_in(agent, base, "hnv2001", demo_password)
    agent.locator("nav").get_by_role("link", name="문의").click()
    row = agent.locator("tr", has_text="주택담보대출 중도상환 수수료")
    expect(row).to_contain_text("남음")
    row.get_by_role("button", name="내가 맡기").click()
    expect(agent.locator(".alert-success")).to_contain_text("담당자를")
    agent.screenshot(path="test-results/inquiry-staff-queue.png", full_page=True)
    agent.get_by_role("link", name="주택담보대출 중도상환 수수료").click()
    expect(agent.locator(".oh-rich").first.locator("img")).to_have_count(1)
    agent.locator(".note-editable").click()
    agent.keyboard.type("3년 이내 상환 시 1.2%입니다. 자세한 내용은 가까운 영업점에서 안내해 드립니다.")
    agent.screenshot(path="test-results/inquiry-staff-answer.png", full_page=True)
    agent.get_by_role("button", name="등록").click()
    expect(agent.locator(".alert-success")).to_contain_text("답변을 등록했고")

    page.reload()
    expect(page.locator(".badge", has_text="답변완료").first).to_be_visible()
    expect(page.locator("article.oh-reply-staff")).to_contain_text("1.2%")
    page.screenshot(path="test-results/inquiry-answered.png", full_page=True)
    page.get_by_role("link", name="내 문의").first.click()
    expect(page.locator(".card", has_text="주택담보대출 중도상환 수수료")).to_contain_text("답글 1개")
    page.screenshot(path="test-results/inquiry-list.png", full_page=True)
    page.get_by_role("link", name="자주 묻는 질문").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("자주 묻는 질문")
    page.screenshot(path="test-results/inquiry-faq.png", full_page=True)
    sms = [m for m in outbox if m.to == "+821023456789" and "답변이 등록되었습니다" in m.body]
    assert len(sms) == 1
    assert dialogs == []


def test_xss_corpus_opens_no_dialog_in_the_browser(watched_page, live_bank, demo_password, browser):
    page, problems = watched_page
    base = live_bank.url
    customer = User.objects.get(username="hanauser1")
    agent = User.objects.get(username="hnv2001")
    middle = MiddleCategory.objects.select_related("main").get(code="0201")
    corpus = "".join(f"<div>{n}</div>{p}" for n, p in enumerate(PAYLOADS))
    stored = inquiry_create(
        customer=customer,
        title="<img src=x onerror=alert(1)>XSS",
        main_category=middle.main,
        middle_category=middle,
        body=f"<p>corpus</p>{corpus}",
    )
    inquiry_reply(inquiry=stored, author=agent, body=f"<p>reply</p>{corpus}")
    raw = inquiry_create(
        customer=customer, title="raw", main_category=middle.main, middle_category=middle, body="<p>raw</p>"
    )
    Inquiry.objects.filter(pk=raw.pk).update(body=corpus)  # as if written around the service
    dialogs: list[str] = []
    page.on("dialog", lambda d: record_dialog(dialogs, d))

    log_in(page, base, "hanauser1", demo_password)
    for url in (f"/inquiries/{stored.pk}/", f"/inquiries/{raw.pk}/", "/inquiries/"):
        page.goto(base + url)
        page.locator(".oh-rich, main").first.hover()
        page.mouse.move(10, 10)
        page.wait_for_timeout(300)
    staff = browser.new_context(locale="ko-KR", timezone_id="Asia/Seoul")
    agent_page = staff.new_page()
    agent_page.on("dialog", lambda d: record_dialog(dialogs, d))
    staff_problems = PageProblems(agent_page, base)
    log_in(agent_page, base, "hnv2001", demo_password)
    for url in (
        f"/staff/inquiries/{stored.pk}/",
        f"/staff/inquiries/{raw.pk}/",
        "/staff/inquiries/?view=all",
        f"/staff/customers/{customer.pk}/",
    ):
        agent_page.goto(base + url)
        agent_page.wait_for_timeout(300)
    staff.close()
    assert dialogs == []

    def expected(item: str) -> bool:
        # The corpus names /inquiries/files/1/, which does not exist here: its 404 is the right answer.
        return "/inquiries/files/1/" in item or "status of 404" in item

    problems.items[:] = [p for p in problems.items if not expected(p)]
    assert [p for p in staff_problems.items if not expected(p)] == []
