from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from branches.models import Branch
from consultations.models import Booking, Consultation, MainCategory, Progress
from customers.models import User
from inquiries.models import Inquiry
from tests.conftest import seed_demo_bank


def counts() -> dict[str, int]:
    return {
        "users": User.objects.count(),
        "consultations": Consultation.objects.count(),
        "bookings": Booking.objects.count(),
        "inquiries": Inquiry.objects.count(),
        "branches": Branch.objects.count(),
    }


def test_running_it_again_changes_nothing(db):
    before = counts()
    seed_demo_bank()
    assert counts() == before


def test_it_tops_up_generated_consultations_to_the_requested_count(db):
    before = Consultation.objects.count()
    seed_demo_bank(consultations=250)
    assert Consultation.objects.count() == before + 50


def test_it_has_the_original_projects_accounts(db, demo_password):
    customer = User.objects.get(username="hanauser1")
    assert (customer.name, customer.role) == ("박진우", User.Role.CUSTOMER)
    assert customer.customer_profile.birth_date == dt.date(1994, 3, 22)
    assert customer.check_password(demo_password)
    for login, name in [("hnv2001", "김하나"), ("hnv2004", "신행복")]:
        staff = User.objects.get(username=login)
        assert staff.name == name and staff.is_bank_staff
        assert staff.staff_profile.employee_no == login
        assert staff.check_password(demo_password)
    assert User.objects.filter(role=User.Role.MANAGER).exists()


def test_hanauser1_history_holds_the_original_rows(db):
    rows = Consultation.objects.filter(
        customer__username="hanauser1", occurred_at__date=dt.date(2020, 9, 16)
    ).select_related("main_category", "middle_category", "channel", "staff")
    titles = {c.title for c in rows}
    assert {"리틀빅정기예금 가입 상담, 가입", "적금 상품 상담 후 가입완료"} <= titles
    for c in rows:
        assert (c.main_category.name, c.middle_category.name, c.channel.name) == ("금융상품", "예금", "원격")
        assert c.staff.username in {"hnv2001", "hnv2004"}
        assert c.progress == Progress.DONE


def test_it_builds_a_believable_bank(db):
    assert set(MainCategory.objects.values_list("code", "name")) >= {
        ("01", "금융상품"),
        ("02", "대출"),
        ("06", "민원"),
    }
    assert Branch.objects.filter(kind=Branch.Kind.BRANCH, latitude__isnull=False).count() >= 10
    channels = set(Consultation.objects.values_list("channel__code", flat=True).distinct())
    assert {"branch", "call", "video", "remote"} <= channels
    assert Booking.objects.filter(starts_at__gte=timezone.now(), status=Booking.Status.BOOKED).exists()
    assert Inquiry.objects.filter(status=Inquiry.Status.RECEIVED).exists()


def test_about_a_third_of_the_demo_customers_have_no_web_login(db):
    generated = User.objects.filter(username__startswith="cust")
    walk_ins = generated.filter(has_web_login=False)
    assert walk_ins.count() == generated.count() // 3
    assert not any(c.has_usable_password() for c in walk_ins)
    assert not walk_ins.filter(customer_profile__phone_verified_at__isnull=False).exists()
    assert User.objects.get(username="hanauser1").has_web_login


def test_staff_find_and_open_a_demo_walk_in_with_its_history(client, teller):
    walk_in = (
        User.objects.filter(has_web_login=False, role=User.Role.CUSTOMER, consultations__isnull=False)
        .select_related("customer_profile")
        .first()
    )
    assert walk_in is not None
    client.force_login(teller)
    customer_no = walk_in.customer_profile.customer_no
    found = client.get(reverse("staff:customers"), {"q": customer_no}).content.decode()
    assert f'href="{reverse("staff:customer_detail", args=[walk_in.pk])}"' in found and "웹 미가입" in found
    page = client.get(reverse("staff:customer_detail", args=[walk_in.pk])).content.decode()
    title = Consultation.objects.filter(customer=walk_in).latest("occurred_at").title
    assert customer_no in page and "웹 미가입" in page and title in page
    assert walk_in.username not in page


def test_generated_history_is_stored_in_time_order_as_a_live_bank_appends_it(db, monkeypatch):
    # Rows go in chunk by chunk, each chunk its own stretch of the three years: a later row is a
    # later consultation, as in a table filled as consultations happen (the newest in the newest pages).
    monkeypatch.setattr("demo.management.commands.seed_demo.CHUNK", 40)
    last_before = Consultation.objects.order_by("-id").values_list("id", flat=True)[0]
    seed_demo_bank(consultations=400)
    times = list(
        Consultation.objects.filter(id__gt=last_before, customer__username__startswith="cust")
        .order_by("id")
        .values_list("occurred_at", flat=True)
    )
    assert len(times) == 200
    assert times == sorted(times)
    assert times[-1] - times[0] > dt.timedelta(days=2 * 365)
