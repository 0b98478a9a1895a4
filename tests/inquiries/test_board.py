"""The inquiry board as customers and staff use it: writing, answering (with the SMS), follow-ups,
internal notes, files and who may see them, the overdue alarm, and the public FAQ."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from consultations.models import MiddleCategory
from customers.models import User
from inquiries.models import Attachment, FaqEntry, FaqHelpful, Inquiry, Reply
from inquiries.services import inquiry_overdue_alarm
from inquiries.sla import sla_deadline
from messaging.models import Message, Purpose

KST = dt.timezone(dt.timedelta(hours=9))
MONDAY_10 = dt.datetime(2031, 3, 10, 10, tzinfo=KST)  # (3 March 2031 is a substitute holiday)
PNG = b"\x89PNG\r\n\x1a\n" + bytes(32)
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n"


@pytest.fixture
def middle(db):
    return MiddleCategory.objects.select_related("main").get(code="0203")


def new_inquiry(client, middle, **overrides):
    data = {
        "title": "전세자금대출 서류 문의",
        "main_category": middle.main_id,
        "middle_category": middle.pk,
        "body": "<p>필요한 <b>서류</b>가 무엇인가요?</p>",
    }
    data.update(overrides)
    return client.post(reverse("inquiries:new"), data)


@pytest.fixture
def inquiry(client, customer, middle, frozen_now):
    # The demo bank's own waiting inquiries are taken as already alerted, so counts here are ours.
    Inquiry.objects.update(overdue_alerted_at=MONDAY_10 - dt.timedelta(days=30))
    frozen_now(MONDAY_10)
    client.force_login(customer)
    new_inquiry(client, middle)
    return Inquiry.objects.filter(customer=customer).latest("id")


def test_customer_writes_an_inquiry_and_sees_it_listed(client, customer, middle, frozen_now):
    frozen_now(MONDAY_10)
    client.force_login(customer)
    response = new_inquiry(client, middle)
    inquiry = Inquiry.objects.filter(customer=customer).latest("id")
    assert response.status_code == 302 and response["Location"] == reverse(
        "inquiries:detail", args=[inquiry.pk]
    )
    assert inquiry.status == Inquiry.Status.RECEIVED
    assert inquiry.body == "<p>필요한 <b>서류</b>가 무엇인가요?</p>"
    assert inquiry.sla_due_at == dt.datetime(2031, 3, 12, 16, tzinfo=KST)  # 24 business hours
    page = client.get(reverse("inquiries:list")).content.decode()
    assert "전세자금대출 서류 문의" in page and "접수" in page and "답글 0개" in page


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"body": "<p><br></p>"}, "body"),  # what an empty editor sends
        ({"body": "<script>alert(1)</script>"}, "body"),  # nothing left after cleaning
        ({"middle_category": "0"}, "middle_category"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(client, customer, middle, overrides, field):
    client.force_login(customer)
    before = Inquiry.objects.count()
    response = new_inquiry(client, middle, **overrides)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert Inquiry.objects.count() == before


def test_middle_category_must_belong_to_the_main_category(client, customer, middle):
    client.force_login(customer)
    other = MiddleCategory.objects.get(code="0101")
    response = new_inquiry(client, middle, middle_category=other.pk)
    assert "대분류에 속한 중분류" in response.content.decode()
    assert not Inquiry.objects.filter(customer=customer, title="전세자금대출 서류 문의").exists()


def test_agent_answer_sends_sms_and_customer_sees_it(client, inquiry, agent, customer, frozen_now):
    frozen_now(MONDAY_10 + dt.timedelta(hours=2))
    client.force_login(agent)
    response = client.post(
        reverse("staff:inquiry_detail", args=[inquiry.pk]),
        {"body": "<p>신분증과 <u>임대차계약서</u>가 필요합니다.</p>"},
    )
    assert response.status_code == 302
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.ANSWERED
    assert inquiry.first_response_at == MONDAY_10 + dt.timedelta(hours=2)
    assert inquiry.assignee == agent  # answering an unassigned inquiry takes it
    sms = Message.objects.get(purpose=Purpose.INQUIRY_ANSWERED, customer=customer)
    assert "답변이 등록되었습니다" in sms.body and sms.to_phone == "+821023456789"
    client.force_login(customer)
    page = client.get(reverse("inquiries:detail", args=[inquiry.pk])).content.decode()
    assert "임대차계약서" in page and "답변완료" in page
    assert "답글 1개" in client.get(reverse("inquiries:list")).content.decode()


def test_follow_up_reopens_with_a_new_deadline_but_keeps_the_first_response(
    client, inquiry, agent, customer, frozen_now
):
    client.force_login(agent)
    client.post(reverse("staff:inquiry_detail", args=[inquiry.pk]), {"body": "<p>답변</p>"})
    first = Inquiry.objects.get(pk=inquiry.pk).first_response_at
    later = dt.datetime(2031, 3, 14, 17, tzinfo=KST)  # Friday 17:00
    frozen_now(later)
    client.force_login(customer)
    client.post(reverse("inquiries:detail", args=[inquiry.pk]), {"body": "<p>등본도 필요한가요?</p>"})
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.FOLLOW_UP
    assert inquiry.sla_due_at == sla_deadline(later) == dt.datetime(2031, 3, 19, 14, tzinfo=KST)
    assert inquiry.first_response_at == first
    assert "추가문의" in client.get(reverse("inquiries:list")).content.decode()


def test_internal_notes_stay_with_staff(client, inquiry, agent, customer, teller):
    client.force_login(agent)
    client.post(
        reverse("staff:inquiry_detail", args=[inquiry.pk]),
        {"body": "<p>신용등급 확인 필요 - 내부용</p>", "internal": "on"},
    )
    inquiry.refresh_from_db()
    assert inquiry.status == Inquiry.Status.RECEIVED  # a note is not an answer
    assert inquiry.first_response_at is None
    assert not Message.objects.filter(purpose=Purpose.INQUIRY_ANSWERED, customer=customer).exists()
    client.force_login(teller)
    assert "내부용" in client.get(reverse("staff:inquiry_detail", args=[inquiry.pk])).content.decode()
    timeline = client.get(reverse("staff:customer_detail", args=[customer.pk])).content.decode()
    assert "전세자금대출 서류 문의" in timeline and "내부용" in timeline
    client.force_login(customer)
    assert "내부용" not in client.get(reverse("inquiries:detail", args=[inquiry.pk])).content.decode()


def test_inquiry_is_on_the_timeline_as_internet_channel(client, inquiry, agent, customer):
    client.force_login(agent)
    page = client.get(reverse("staff:customer_detail", args=[customer.pk]) + "?kind=inquiry")
    items = [i for i in page.context["timeline"].items if i.kind == "inquiry"]
    assert any(i.obj.pk == inquiry.pk and i.channel.code == "internet" for i in items)


def test_customers_see_only_their_own_inquiries(client, inquiry, other_customer):
    client.force_login(other_customer)
    assert client.get(reverse("inquiries:detail", args=[inquiry.pk])).status_code == 404
    response = client.post(reverse("inquiries:detail", args=[inquiry.pk]), {"body": "<p>끼어들기</p>"})
    assert response.status_code == 404
    assert not Reply.objects.filter(inquiry=inquiry).exists()
    assert "전세자금대출 서류 문의" not in client.get(reverse("inquiries:list")).content.decode()


def test_customers_cannot_answer_or_claim(client, inquiry, customer):
    client.force_login(customer)
    assert (
        client.post(reverse("staff:inquiry_detail", args=[inquiry.pk]), {"body": "<p>x</p>"}).status_code
        == 403
    )
    assert client.post(reverse("staff:inquiry_assign", args=[inquiry.pk]), {"claim": "1"}).status_code == 403
    inquiry.refresh_from_db()
    assert inquiry.assignee is None and inquiry.status == Inquiry.Status.RECEIVED


def test_claim_and_assign(client, inquiry, agent, teller, customer):
    client.force_login(agent)
    client.post(reverse("staff:inquiry_assign", args=[inquiry.pk]), {"claim": "1"})
    assert Inquiry.objects.get(pk=inquiry.pk).assignee == agent
    client.post(reverse("staff:inquiry_assign", args=[inquiry.pk]), {"assignee": teller.pk})
    assert Inquiry.objects.get(pk=inquiry.pk).assignee == teller
    client.post(reverse("staff:inquiry_assign", args=[inquiry.pk]), {"assignee": customer.pk})  # not staff
    assert Inquiry.objects.get(pk=inquiry.pk).assignee == teller


def test_queue_puts_unanswered_first_by_deadline(client, agent, customer, middle, frozen_now):
    base = {"customer": customer, "main_category": middle.main, "middle_category": middle, "body": "<p>x</p>"}
    late = Inquiry.objects.create(title="Q-late", sla_due_at=MONDAY_10 + dt.timedelta(days=2), **base)
    soon = Inquiry.objects.create(title="Q-soon", sla_due_at=MONDAY_10 + dt.timedelta(hours=1), **base)
    done = Inquiry.objects.create(
        title="Q-done", sla_due_at=MONDAY_10 - dt.timedelta(days=5), status=Inquiry.Status.ANSWERED, **base
    )
    past = Inquiry.objects.create(title="Q-past", sla_due_at=MONDAY_10 - dt.timedelta(hours=3), **base)
    frozen_now(MONDAY_10)
    client.force_login(agent)
    response = client.get(reverse("staff:inquiries") + "?view=all&q=Q-")
    order = [i.pk for i in response.context["page"].object_list]
    assert order == [past.pk, soon.pk, late.pk, done.pk]
    page = response.content.decode()
    assert "3시간 0분 초과" in page and "1시간 0분 남음" in page and "2일 0시간 남음" in page
    waiting = client.get(reverse("staff:inquiries") + "?q=Q-").context["page"].object_list
    assert done.pk not in [i.pk for i in waiting]


# --- files -------------------------------------------------------------------------------------


def test_attachments_are_private_to_the_customer_and_staff(client, customer, other_customer, agent, middle):
    client.force_login(customer)
    new_inquiry(
        client,
        middle,
        files=[
            SimpleUploadedFile("등본.pdf", PDF, "application/pdf"),
            SimpleUploadedFile("a.png", PNG, "image/png"),
        ],
    )
    inquiry = Inquiry.objects.filter(customer=customer).latest("id")
    pdf, png = inquiry.attachments.order_by("id")
    assert (pdf.content_type, png.content_type) == ("application/pdf", "image/png")
    assert pdf.original_name == "등본.pdf" and pdf.file.name.endswith(".pdf") and "등본" not in pdf.file.name
    response = client.get(reverse("inquiries:file", args=[pdf.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == PDF
    assert "no-store" in response["Cache-Control"]
    client.force_login(other_customer)
    assert client.get(reverse("inquiries:file", args=[pdf.pk])).status_code == 404
    client.force_login(agent)
    assert client.get(reverse("inquiries:file", args=[png.pk])).status_code == 200
    client.logout()
    assert client.get(reverse("inquiries:file", args=[png.pk])).status_code == 302


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("x.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("looks.png", b"<html><script>alert(1)</script></html>"),  # the name lies
        ("a.exe", b"MZ\x90\x00"),
    ],
)
def test_only_real_images_and_pdfs_are_accepted(client, customer, middle, name, content):
    client.force_login(customer)
    before = (Inquiry.objects.count(), Attachment.objects.count())
    response = new_inquiry(client, middle, files=[SimpleUploadedFile(name, content, "image/png")])
    assert "PDF만 첨부할 수 있습니다" in response.content.decode()
    assert (Inquiry.objects.count(), Attachment.objects.count()) == before


def test_files_over_the_limit_are_refused(client, customer, middle, settings):
    settings.INQUIRY_UPLOAD_MAX_BYTES = 1024
    client.force_login(customer)
    response = new_inquiry(client, middle, files=[SimpleUploadedFile("big.pdf", PDF + bytes(2000))])
    assert "파일이 너무 큽니다" in response.content.decode()
    assert not Attachment.objects.exists()


def test_editor_image_upload_needs_login_and_an_image(client, customer, other_customer, middle):
    url = reverse("inquiries:upload")
    response = client.post(url, {"file": SimpleUploadedFile("a.png", PNG)})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    client.force_login(customer)
    refused = client.post(url, {"file": SimpleUploadedFile("a.pdf", PDF)})
    assert refused.status_code == 400 and "이미지" in refused.json()["error"]
    made = client.post(url, {"file": SimpleUploadedFile("a.png", PNG)})
    assert made.status_code == 201
    image_url = made.json()["url"]
    assert client.get(image_url).status_code == 200  # the uploader sees it before posting
    client.force_login(other_customer)
    assert client.get(image_url).status_code == 404
    client.force_login(customer)
    new_inquiry(client, middle, body=f'<p>화면</p><img src="{image_url}" onerror="alert(1)">')
    inquiry = Inquiry.objects.filter(customer=customer).latest("id")
    assert f'<img src="{image_url}">' in inquiry.body
    assert Attachment.objects.get(pk=int(image_url.strip("/").split("/")[-1])).inquiry == inquiry


def test_summernote_own_endpoints_are_not_open(client):
    assert client.get("/summernote/editor/id_body/").status_code == 404
    assert client.post("/summernote/upload_attachment/").status_code == 404


def test_a_file_on_an_internal_note_is_hidden_from_the_customer(client, inquiry, agent, customer):
    client.force_login(agent)
    client.post(
        reverse("staff:inquiry_detail", args=[inquiry.pk]),
        {"body": "<p>심사 메모</p>", "internal": "on", "files": [SimpleUploadedFile("memo.pdf", PDF)]},
    )
    note_file = Attachment.objects.get(reply__is_internal=True, inquiry=inquiry)
    assert client.get(reverse("inquiries:file", args=[note_file.pk])).status_code == 200
    client.force_login(customer)
    assert client.get(reverse("inquiries:file", args=[note_file.pk])).status_code == 404


# --- overdue alarm -------------------------------------------------------------------------------


def test_overdue_alarm_fires_once_per_inquiry(client, inquiry, manager, settings, outbox):
    settings.INQUIRY_OVERDUE_NOTIFY = ["email", "sms"]
    settings.INQUIRY_OVERDUE_SMS_TO = ["010-9000-0001"]
    manager.email = "manager@example.com"
    manager.save()
    mail.outbox.clear()
    assert inquiry_overdue_alarm(now=inquiry.sla_due_at - dt.timedelta(minutes=1)) == 0
    assert inquiry_overdue_alarm(now=inquiry.sla_due_at + dt.timedelta(minutes=1)) == 1
    assert inquiry_overdue_alarm(now=inquiry.sla_due_at + dt.timedelta(hours=5)) == 0
    assert len(mail.outbox) == 1 and "전세자금대출 서류 문의" in mail.outbox[0].subject
    assert mail.outbox[0].to == ["manager@example.com"]
    sms = Message.objects.filter(purpose=Purpose.INQUIRY_OVERDUE)
    assert [m.to_phone for m in sms] == ["+821090000001"]
    client.force_login(manager)
    alerts = client.get(reverse("staff:inquiries") + "?view=alerts").context["page"].object_list
    assert [i.pk for i in alerts][0] == inquiry.pk  # newest alert on top


def test_answered_inquiries_raise_no_alarm(inquiry, agent):
    from inquiries.services import inquiry_reply

    inquiry_reply(inquiry=inquiry, author=agent, body="<p>답변</p>")
    mail.outbox.clear()
    assert inquiry_overdue_alarm(now=inquiry.sla_due_at + dt.timedelta(days=1)) == 0
    assert mail.outbox == []


def test_a_failed_notification_leaves_the_inquiry_for_the_next_run(inquiry, manager, monkeypatch):
    manager.email = "manager@example.com"
    manager.save()

    def broken(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr("inquiries.services.send_mail", broken)
    assert inquiry_overdue_alarm(now=inquiry.sla_due_at + dt.timedelta(minutes=1)) == 0
    assert Inquiry.objects.get(pk=inquiry.pk).overdue_alerted_at is None
    monkeypatch.undo()
    assert inquiry_overdue_alarm(now=inquiry.sla_due_at + dt.timedelta(minutes=2)) == 1


def test_the_alarm_runs_on_beat(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["inquiry-overdue"]
    from omnihana.celery import app

    app.loader.import_default_modules()
    assert entry["task"] in app.tasks


# --- FAQ -------------------------------------------------------------------------------------------


def test_staff_publish_an_anonymised_faq(client, inquiry, agent, customer):
    client.force_login(agent)
    client.post(reverse("staff:inquiry_detail", args=[inquiry.pk]), {"body": "<p>답변입니다</p>"})
    response = client.post(
        reverse("staff:inquiry_faq", args=[inquiry.pk]),
        {
            "title": "전세자금대출 서류",
            "main_category": inquiry.main_category_id,
            "answer": f"<p>{customer.name}님, 010-2345-6789 로 연락드렸습니다. 메일 a.b@example.com</p>"
            '<img src="/inquiries/files/1/">',
        },
    )
    faq = FaqEntry.objects.latest("id")
    assert response["Location"] == reverse("inquiries:faq_detail", args=[faq.pk])
    assert customer.name not in faq.answer and "2345" not in faq.answer and "example.com" not in faq.answer
    assert "<img" not in faq.answer
    assert faq.source == inquiry


def test_faq_search_views_and_helpful_once(client, db, teller, customer, other_customer):
    from consultations.models import MainCategory

    loans = MainCategory.objects.get(code="02")
    faq = FaqEntry.objects.create(
        main_category=loans, title="이체한도 올리는 방법", answer="<p>앱에서 OTP로</p>", published_by=teller
    )
    FaqEntry.objects.create(main_category=loans, title="환전 우대", answer="<p>환율</p>", published_by=teller)
    hidden = FaqEntry.objects.create(
        main_category=loans,
        title="이체 내려간 글",
        answer="<p>x</p>",
        published_by=teller,
        is_published=False,
    )
    found = client.get(reverse("inquiries:faq") + "?q=이체").context["page"].object_list
    assert [f.pk for f in found] == [faq.pk]
    assert client.get(reverse("inquiries:faq_detail", args=[hidden.pk])).status_code == 404
    client.get(reverse("inquiries:faq_detail", args=[faq.pk]))
    client.get(reverse("inquiries:faq_detail", args=[faq.pk]))  # a reload is not a second view
    assert FaqEntry.objects.get(pk=faq.pk).view_count == 1
    client.force_login(customer)
    for _ in range(3):
        client.post(reverse("inquiries:faq_helpful", args=[faq.pk]))
    client.force_login(other_customer)
    client.post(reverse("inquiries:faq_helpful", args=[faq.pk]))
    assert FaqHelpful.objects.filter(faq=faq).count() == 2
    assert (
        "도움이 됐다고 표시하셨습니다"
        in client.get(reverse("inquiries:faq_detail", args=[faq.pk])).content.decode()
    )


def test_pages_carry_a_csp_without_inline_scripts(client, customer):
    client.force_login(customer)
    for url in (reverse("inquiries:new"), reverse("inquiries:list"), reverse("inquiries:faq")):
        policy = client.get(url)["Content-Security-Policy"]
        script = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
        assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script
        assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy


def test_staff_can_only_assign_to_active_staff(inquiry, agent):
    from django.core.exceptions import ValidationError

    from inquiries.services import inquiry_assign

    retired = User.objects.create_user(
        username="retired1", name="퇴직", role=User.Role.AGENT, is_active=False
    )
    with pytest.raises(ValidationError):
        inquiry_assign(inquiry=inquiry, assignee=retired, by=agent)


def test_it_publishes_a_faq_only_from_an_answered_inquiry(inquiry, agent):
    from django.core.exceptions import ValidationError

    from inquiries.services import faq_publish, inquiry_reply

    publish = {"inquiry": inquiry, "title": "서류", "answer": "<p>등본</p>", "by": agent}
    inquiry_reply(inquiry=inquiry, author=agent, body="<p>메모</p>", internal=True)
    with pytest.raises(ValidationError):
        faq_publish(main_category=inquiry.main_category, **publish)
    inquiry_reply(inquiry=inquiry, author=agent, body="<p>답변</p>")
    assert faq_publish(main_category=inquiry.main_category, **publish).source == inquiry


def test_faq_and_queue_results_mark_the_search_words(client, db, teller, agent, customer, middle):
    from consultations.models import MainCategory

    loans = MainCategory.objects.get(code="02")
    FaqEntry.objects.create(
        main_category=loans,
        title="해외 송금 수수료",
        answer="<p>영업점 창구와 앱에서 <b>이체</b>할 수 있으며 &lt;b&gt; 태그는 글자입니다</p>",
        published_by=teller,
    )
    page = client.get(reverse("inquiries:faq") + "?q=이체").content.decode()
    # Matched in the answer: its text around the word, the word marked, markup dropped or escaped.
    assert "영업점 창구와 앱에서 <mark>이체</mark>할 수 있으며 &lt;b&gt; 태그는 글자입니다" in page
    base = {"customer": customer, "main_category": middle.main, "middle_category": middle, "body": "<p>x</p>"}
    Inquiry.objects.create(
        title="<i>카드</i> 분실 신고", sla_due_at=dt.datetime(2031, 1, 1, tzinfo=KST), **base
    )
    client.force_login(agent)
    queue = client.get(reverse("staff:inquiries") + "?view=all&q=분실").content.decode()
    assert "&lt;i&gt;카드&lt;/i&gt; <mark>분실</mark> 신고" in queue and "<i>카드</i>" not in queue
