"""Managers merge two customer records that are one person."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from consultations.models import Booking, Consultation
from customers.models import CustomerProfile, Favourite, User
from customers.services import customer_by_phone
from desk import services as desk_services
from desk.services import customers_merge
from messaging.models import Message

URL = "/staff/customers/merge/"


@pytest.fixture
def starred(walk_in, customer, teller, agent):
    Favourite.objects.create(staff=teller, customer=walk_in)
    Favourite.objects.create(staff=teller, customer=customer)
    Favourite.objects.create(staff=agent, customer=walk_in)


def pair(keep: User, merge: User, **extra) -> dict[str, str]:
    return {
        "keep": keep.customer_profile.customer_no,
        "merge": merge.customer_profile.customer_no,
        **extra,
    }


def test_the_manager_compares_both_records_masked_side_by_side(client, manager, customer, walk_in):
    client.force_login(manager)
    page = client.get(URL, pair(customer, walk_in)).content.decode()
    assert page.count("data-merge-side") == 2
    assert "박*우" in page and "최*문" in page and "010-****-1234" in page and "1961-**-**" in page
    assert "최방문" not in page and "010-7777-1234" not in page and "1961-07-15" not in page
    assert "통합 사유" in page


def test_a_merge_moves_every_record_and_leaves_a_pointer(
    client, manager, customer, walk_in, starred, teller, agent
):
    kept_before = Consultation.objects.filter(customer=customer).count()
    client.force_login(manager)
    response = client.post(
        URL, pair(customer, walk_in, reason="동일인 (신분증 확인)"), REMOTE_ADDR="10.0.0.9"
    )
    assert response.status_code == 302 and response["Location"] == reverse(
        "staff:customer_detail", args=[customer.pk]
    )
    assert Consultation.objects.filter(customer=customer).count() == kept_before + 1
    assert not Consultation.objects.filter(customer=walk_in).exists()
    assert not Booking.objects.filter(customer=walk_in).exists()
    assert not Message.objects.filter(customer=walk_in).exists()
    assert Message.objects.filter(customer=customer, idempotency_key="walkin:1").exists()
    assert set(Favourite.objects.filter(customer=customer).values_list("staff_id", flat=True)) == {
        teller.pk,
        agent.pk,
    }
    assert not Favourite.objects.filter(customer=walk_in).exists()
    assert CustomerProfile.objects.get(user=walk_in).merged_into == customer
    # Old links and the old number lead to the kept record.
    old = client.get(reverse("staff:customer_detail", args=[walk_in.pk]))
    assert old.status_code == 302 and old["Location"] == reverse("staff:customer_detail", args=[customer.pk])
    assert customer_by_phone("+821077771234") == customer
    entries = AuditEntry.objects.filter(target="customer merge", actor=manager)
    assert {e.customer_id for e in entries} == {customer.pk, walk_in.pk}
    assert entries.first().detail["reason"] == "동일인 (신분증 확인)" and entries.first().ip == "10.0.0.9"
    # The merged record no longer shows up in a search.
    client.force_login(teller)
    found = client.get(reverse("staff:customers"), {"q": "최방"}).content.decode()
    assert "찾는 손님이 없습니다." in found


def test_a_reason_is_required_and_nothing_moves_without_it(client, manager, customer, walk_in):
    client.force_login(manager)
    page = client.post(URL, pair(customer, walk_in, reason="  ")).content.decode()
    assert "통합 사유를 입력해 주세요." in page
    assert Consultation.objects.filter(customer=walk_in).exists()
    assert CustomerProfile.objects.get(user=walk_in).merged_into is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"merge": "C99999999"}, "이 번호의 손님이 없습니다."),
        ({"merge": "12345"}, "손님번호는 C와 숫자 8자리입니다"),
        ({"merge": "same"}, "같은 손님끼리는 통합할 수 없습니다."),
    ],
)
def test_bad_pairs_are_explained(client, manager, customer, walk_in, change, message):
    client.force_login(manager)
    data = pair(customer, walk_in, reason="x")
    data.update(change)
    if data["merge"] == "same":
        data["merge"] = data["keep"]
    page = client.post(URL, data).content.decode()
    assert message in page
    assert Consultation.objects.filter(customer=walk_in).exists()


def test_an_already_merged_record_cannot_be_merged_again(client, manager, customer, other_customer, walk_in):
    customers_merge(keep=customer, merge=walk_in, reason="동일인", by=manager, ip=None)
    client.force_login(manager)
    page = client.post(URL, pair(other_customer, walk_in, reason="x")).content.decode()
    assert "이미 다른 손님에 통합된 기록입니다." in page


def test_the_login_record_is_the_one_kept(manager, customer, walk_in):
    with pytest.raises(Exception, match="웹 가입한 손님 기록을 남기고"):
        customers_merge(keep=walk_in, merge=customer, reason="동일인", by=manager, ip=None)


def test_merging_two_logins_switches_the_merged_login_off(manager, customer, other_customer):
    customers_merge(keep=customer, merge=other_customer, reason="동일인", by=manager, ip=None)
    other_customer.refresh_from_db()
    assert not other_customer.is_active


def test_a_failing_merge_changes_nothing(manager, customer, walk_in, monkeypatch):
    def broken(**fields):
        raise RuntimeError("audit store down")

    monkeypatch.setattr(desk_services, "audit_write", broken)
    with pytest.raises(RuntimeError):
        customers_merge(keep=customer, merge=walk_in, reason="동일인", by=manager, ip=None)
    assert Consultation.objects.filter(customer=walk_in).count() == 1
    assert Booking.objects.filter(customer=walk_in).count() == 1
    assert CustomerProfile.objects.get(user=walk_in).merged_into is None


def test_registering_a_merged_records_number_points_at_the_kept_customer(
    client, teller, manager, customer, walk_in
):
    customers_merge(keep=customer, merge=walk_in, reason="동일인", by=manager, ip=None)
    client.force_login(teller)
    page = client.post(
        reverse("staff:customer_create"),
        {"name": "최방문", "birth_date": "1961-07-15", "phone": "010-7777-1234"},
    ).content.decode()
    assert f'href="{reverse("staff:customer_detail", args=[customer.pk])}"' in page


def test_pages_opened_for_the_merged_record_write_to_the_kept_one(client, manager, teller, customer, walk_in):
    customers_merge(keep=customer, merge=walk_in, reason="동일인", by=manager, ip=None)
    client.force_login(teller)
    form = client.get(reverse("staff:consultation_create", args=[walk_in.pk]))
    assert form.status_code == 200 and form.context["customer"] == customer
    booking_page = client.get(reverse("staff:booking_create", args=[walk_in.pk]))
    assert booking_page.status_code == 200 and booking_page.context["customer"] == customer
