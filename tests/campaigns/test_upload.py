"""A segment from an uploaded CSV: every row checked, a Korean reason per bad row, nothing saved
when one row is bad, and consent still decides who gets the campaign."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEntry
from campaigns import upload
from campaigns.models import Campaign, Segment, SegmentMember
from campaigns.sending import campaign_pace
from customers.models import User
from messaging.models import Message

from .conftest import MORNING

pytestmark = pytest.mark.django_db
URL = reverse("staff:segment_upload")


def csv_file(text: str, encoding: str = "utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile("list.csv", text.encode(encoding), content_type="text/csv")


def post(client, text, *, name="VIP 명단", encoding="utf-8"):
    return client.post(URL, {"name": name, "file": csv_file(text, encoding)})


def phone_of(username: str) -> str:
    e164 = User.objects.get(username=username).customer_profile.phone
    return f"0{e164[3:6]}-{e164[6:10]}-{e164[10:]}"


def test_a_good_list_is_saved_and_the_manager_goes_on_to_the_campaign(client, manager):
    client.force_login(manager)
    number = User.objects.get(username="hanauser3").customer_profile.customer_no
    text = f"휴대폰\n{phone_of('hanauser1')}\nhanauser2\n{number.lower()}\n"
    response = post(client, text)
    segment = Segment.objects.get(name="VIP 명단")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('staff:campaign_create')}?segment={segment.pk}"
    assert segment.source == Segment.Source.UPLOAD
    assert set(
        SegmentMember.objects.filter(segment=segment).values_list("customer__username", flat=True)
    ) == {
        "hanauser1",
        "hanauser2",
        "hanauser3",
    }
    assert AuditEntry.objects.filter(target=f"segment:{segment.pk}").exists()


def test_one_bad_row_saves_nothing_and_every_bad_row_is_listed_in_korean(client, manager):
    client.force_login(manager)
    text = "\n".join(
        [
            phone_of("hanauser1"),  # line 1: fine
            "010-12",  # line 2: not a mobile number
            "010-9999-0000",  # line 3: nobody
            "hanauser1",  # line 4: the same customer as line 1
            "hnv2004",  # line 5: a member of staff, not a customer
            ",메모",  # line 6: empty first cell
            "C123",  # line 7: not a customer number
            "C99999999",  # line 8: no such customer number
        ]
    )
    response = post(client, text)
    page = response.content.decode()
    assert response.status_code == 200
    assert not Segment.objects.filter(name="VIP 명단").exists()
    assert not SegmentMember.objects.exists()
    assert "잘못된 행이 7개 있어 아무것도 저장하지 않았습니다" in page
    report = page[page.index('data-testid="upload-report"') :]
    for line, reason in [
        (2, "010으로 시작하는 11자리"),
        (3, "등록된 손님이 아닙니다"),
        (4, "1행과 같은 손님입니다"),
        (5, "등록된 손님이 아닙니다"),
        (6, "첫 칸이 비어 있습니다"),
        (7, "손님번호는 C와 숫자 8자리입니다"),
        (8, "등록된 손님이 아닙니다"),
    ]:
        assert f"<tr><td>{line}</td>" in report
        assert reason in report


def test_a_customer_who_left_is_refused(client, manager):
    client.force_login(manager)
    User.objects.filter(username="hanauser2").update(is_active=False)
    response = post(client, "hanauser1\nhanauser2\n")
    assert "탈퇴했거나 다른 기록에 병합된 손님입니다" in response.content.decode()
    assert not Segment.objects.filter(name="VIP 명단").exists()


def test_an_excel_cp949_file_is_read(client, manager):
    client.force_login(manager)
    number = User.objects.get(username="hanauser3").customer_profile.customer_no
    response = post(client, f"손님번호\n{number}\n", encoding="cp949")
    assert response.status_code == 302
    assert SegmentMember.objects.get().customer.username == "hanauser3"


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("", "파일에 손님이 한 명도 없습니다"),
        ("휴대폰\n", "파일에 손님이 한 명도 없습니다"),
    ],
)
def test_an_empty_file_is_refused(client, manager, text, error):
    client.force_login(manager)
    response = client.post(
        URL, {"name": "빈 명단", "file": SimpleUploadedFile("e.csv", text.encode() or b" ")}
    )
    assert error in response.content.decode()
    assert not Segment.objects.filter(name="빈 명단").exists()


def test_size_and_row_limits(client, manager, monkeypatch):
    client.force_login(manager)
    monkeypatch.setattr(upload, "MAX_ROWS", 2)
    response = post(client, "hanauser1\nhanauser2\nhanauser3\n")
    assert "한 번에 2명까지 올릴 수 있습니다" in response.content.decode()
    monkeypatch.setattr("campaigns.views.MAX_BYTES", 10)
    response = post(client, "hanauser1\nhanauser2\n")
    assert "파일이 너무 큽니다" in response.content.decode()
    assert not Segment.objects.filter(name="VIP 명단").exists()


def test_an_uploaded_customer_without_consent_is_counted_out_and_gets_nothing(
    client, manager, second_manager, targets, make_campaign, frozen_now, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    outsider = User.objects.filter(role=User.Role.CUSTOMER, customer_profile__marketing_consent=False).first()
    assert post(client, f"hanauser1\n{outsider.username}\n").status_code == 302
    segment = Segment.objects.get(name="VIP 명단")
    campaign = make_campaign(segment=segment, status=Campaign.Status.APPROVED, approver=second_manager)
    detail = client.get(reverse("staff:campaign_detail", args=[campaign.pk])).content.decode()
    assert "1명" in detail
    frozen_now(MORNING)
    with django_capture_on_commit_callbacks(execute=False):
        assert campaign_pace(MORNING) == 1
    sent = Message.objects.filter(idempotency_key__startswith=f"campaign:{campaign.pk}:")
    assert [m.customer.username for m in sent] == ["hanauser1"]


def test_only_managers_upload(client, teller):
    client.force_login(teller)
    assert post(client, "hanauser1\n").status_code == 403
    assert not Segment.objects.filter(name="VIP 명단").exists()
