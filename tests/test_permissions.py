"""Every URL in the URLconf, requested by every kind of visitor.

The list of URLs comes from the URLconf itself: a new view that is not in EXPECTED fails here
until someone decides who may see it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from api.keys import api_key_issue
from api.models import ApiClient
from campaigns.models import BannedWord, Campaign
from cases.models import Case, Team
from cases.services import case_open
from consultations.export_jobs import export_dir, export_link_token
from consultations.models import (
    Booking,
    Callback,
    Channel,
    Consultation,
    ExportJob,
    MiddleCategory,
    Unavailability,
)
from customers.models import User
from inquiries.models import Attachment, FaqEntry, Inquiry, Reply
from messaging.models import Message, Purpose

ROLES = ["anonymous", "customer", "other_customer", "teller", "agent", "manager"]
KST = dt.timezone(dt.timedelta(hours=9))

LOGIN = "login"  # a redirect to the login page
OPEN = dict.fromkeys(ROLES, 200)
STAFF = {
    "anonymous": LOGIN,
    "customer": 403,
    "other_customer": 403,
    "teller": 200,
    "agent": 200,
    "manager": 200,
}
MANAGER = {**STAFF, "teller": 403, "agent": 403}
STAFF_POST_ONLY = {**STAFF, "teller": 405, "agent": 405, "manager": 405}
MANAGER_POST_ONLY = {**MANAGER, "manager": 405}
CUSTOMER_HOME = {
    "anonymous": LOGIN,
    "customer": 200,
    "other_customer": 200,
    "teller": 403,
    "agent": 403,
    "manager": 403,
}
OWN_RECORD = {**CUSTOMER_HOME, "other_customer": 404}  # another customer's record does not exist for them
SIGNED_IN_GO_HOME = {"anonymous": 200, **dict.fromkeys(ROLES[1:], 302)}

EXPECTED: dict[str, Mapping[str, object]] = {
    "home": SIGNED_IN_GO_HOME,
    "login": SIGNED_IN_GO_HOME,
    "logout": dict.fromkeys(ROLES, 405),  # POST only
    "healthz": OPEN,
    "signup": SIGNED_IN_GO_HOME,
    "otp_send": dict.fromkeys(ROLES, 405),  # POST only
    "session_extend": dict.fromkeys(ROLES, 405),  # POST only (the idle warning's 연장)
    "password_reset": OPEN,
    "password_reset_confirm": dict.fromkeys(ROLES, 302),  # back to step one without a pending reset
    "me:profile": CUSTOMER_HOME,
    "staff:api_clients": MANAGER,
    "staff:api_key_create": MANAGER_POST_ONLY,
    "staff:api_key_revoke": MANAGER_POST_ONLY,
    # The API answers API keys, not sessions: every visitor of the site is a 401 there.
    "api:consultations": dict.fromkeys(ROLES, 401),
    "api:consultations_bulk": dict.fromkeys(ROLES, 401),
    "api:schema": OPEN,
    "api:docs": OPEN,
    "me:password": CUSTOMER_HOME,
    "messaging:twilio_status": dict.fromkeys(ROLES, 405),  # Twilio POSTs, signed
    "messaging:solapi_report": dict.fromkeys(ROLES, 405),  # SOLAPI POSTs, with the shared secret
    "me:home": CUSTOMER_HOME,
    "me:consultation_detail": OWN_RECORD,
    "me:chart_category": CUSTOMER_HOME,
    "me:chart_channel": CUSTOMER_HOME,
    "me:chart_month": CUSTOMER_HOME,
    "me:bookings": CUSTOMER_HOME,
    "me:booking_new": CUSTOMER_HOME,
    "me:booking_detail": OWN_RECORD,
    "me:booking_ics": OWN_RECORD,
    "me:booking_cancel": {**CUSTOMER_HOME, "customer": 405, "other_customer": 405},  # POST only
    "me:booking_reschedule": OWN_RECORD,
    "me:callbacks": CUSTOMER_HOME,
    "me:callback_new": CUSTOMER_HOME,
    "me:callback_cancel": {**CUSTOMER_HOME, "customer": 405, "other_customer": 405},  # POST only
    "staff:callbacks": STAFF,
    "staff:callback_claim": STAFF_POST_ONLY,
    "staff:callback_unreachable": STAFF_POST_ONLY,
    "staff:today": STAFF,
    "staff:customers": STAFF,
    "staff:customer_detail": STAFF,
    "staff:customer_create": STAFF,
    "staff:customer_merge": MANAGER,
    "staff:favourite_toggle": STAFF_POST_ONLY,
    "staff:customer_reveal": STAFF_POST_ONLY,
    "staff:consultation_create": STAFF,
    "staff:booking_create": STAFF,
    "staff:consultations": STAFF,
    "staff:consultation_export": STAFF,
    "staff:export_job": MANAGER,
    "staff:export_download": MANAGER,
    "staff:consultation_edit": STAFF,
    "staff:consultation_note_add": STAFF_POST_ONLY,
    "staff:booking_detail": STAFF,
    "staff:booking_cancel": STAFF_POST_ONLY,
    "staff:booking_no_show": STAFF_POST_ONLY,
    "staff:calendar": STAFF,
    "staff:calendar_events": {**STAFF, "teller": 400, "agent": 400, "manager": 400},  # needs start/end
    "staff:calendar_block_create": STAFF_POST_ONLY,
    "staff:calendar_block": STAFF_POST_ONLY,
    "staff:audit": MANAGER,
    "staff:messages": STAFF,
    "staff:message_detail": STAFF,
    "staff:message_retry": MANAGER_POST_ONLY,
    "staff:message_templates": MANAGER,
    "staff:message_template_edit": MANAGER,
    "staff:message_template_preview": MANAGER_POST_ONLY,
    "staff:analytics": STAFF,
    "branches:list": OPEN,
    "branches:detail": OPEN,
    "staff:branches": MANAGER,
    "staff:branch_create": MANAGER,
    "staff:branch_edit": MANAGER,
    "staff:analytics_chart": STAFF,
    "staff:analytics_csv": STAFF,
    "inquiries:list": CUSTOMER_HOME,
    "inquiries:new": CUSTOMER_HOME,
    "inquiries:detail": OWN_RECORD,
    "inquiries:upload": {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], 405)},  # POST only
    "inquiries:file": {**STAFF, "customer": 200, "other_customer": 404},
    "inquiries:faq": OPEN,
    "inquiries:faq_detail": OPEN,
    "inquiries:faq_helpful": {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], 405)},
    "staff:inquiries": STAFF,
    "staff:inquiry_detail": STAFF,
    "staff:inquiry_assign": STAFF_POST_ONLY,
    "staff:inquiry_faq": STAFF,
    "staff:faq_unpublish": STAFF_POST_ONLY,
    "staff:cases": STAFF,
    "staff:case_create": STAFF,
    # A case is read by those with a part in it: hnv2001 opened it; teller hnv2004 has none.
    "staff:case_detail": {**STAFF, "teller": 404},
    "staff:case_action": STAFF_POST_ONLY,
    "staff:teams": MANAGER,
    "staff:team_create": MANAGER,
    "staff:team_edit": MANAGER,
    "me:cases": CUSTOMER_HOME,
    "me:case_detail": OWN_RECORD,
    "api:cases": dict.fromkeys(ROLES, 401),
    "staff:campaigns": MANAGER,
    "staff:campaign_create": MANAGER,
    "staff:segment_upload": MANAGER,
    "staff:campaign_detail": MANAGER,
    "staff:campaign_edit": MANAGER,
    "staff:campaign_results": MANAGER,
    "staff:campaign_results_csv": MANAGER,
    "staff:campaign_action": MANAGER_POST_ONLY,
    "staff:segment_create": MANAGER,
    "staff:segment_count": MANAGER,
    "staff:banned_words": MANAGER,
    "staff:banned_word_delete": MANAGER_POST_ONLY,
    "staff:customer_opt_out": STAFF_POST_ONLY,
    "campaigns:opt_out_report": dict.fromkeys(ROLES, 405),  # the provider POSTs, with the shared secret
}
SKIPPED_NAMESPACES = {"admin"}  # Django's own admin, guarded by is_staff (tested below)
SKIPPED_NAMES = {"set_language"}  # Django's language switch: POST, no data


def url_names(resolver: URLResolver | None = None, prefix: str = "") -> set[str]:
    names: set[str] = set()
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in SKIPPED_NAMESPACES:
                continue
            names |= url_names(entry, f"{prefix}{entry.namespace}:" if entry.namespace else prefix)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(prefix + entry.name)
    return names - SKIPPED_NAMES


def test_every_url_has_declared_expectations():
    assert url_names() == set(EXPECTED), "declare who may reach the new URL in EXPECTED"


@pytest.fixture
def objects(db):
    return permission_objects()


def permission_objects() -> dict[str, object]:
    """One of each kind of record the URLs take, over the demo bank (also used by the e2e page walk)."""
    customer = User.objects.get(username="hanauser1")
    teller = User.objects.get(username="hnv2004")
    middle = MiddleCategory.objects.get(code="0101")
    start = dt.datetime(2031, 3, 4, 10, tzinfo=KST)
    booking = Booking.objects.create(
        customer=customer,
        staff=teller,
        channel=Channel.objects.get(code="branch"),
        main_category=middle.main,
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=30),
    )
    block = Unavailability.objects.create(
        staff=teller, starts_at=start + dt.timedelta(hours=2), ends_at=start + dt.timedelta(hours=3)
    )
    message = Message.objects.create(
        idempotency_key="perm:1", purpose=Purpose.OTP, to_phone="+821023456789", body="x"
    )
    api_client = ApiClient.objects.create(name="perm-video", channel=Channel.objects.get(code="video"))
    api_key, _ = api_key_issue(client=api_client)
    inquiry = Inquiry.objects.create(
        customer=customer,
        title="perm",
        main_category=middle.main,
        middle_category=middle,
        body="<p>perm</p>",
        sla_due_at=start,
        status=Inquiry.Status.ANSWERED,
    )
    Reply.objects.create(inquiry=inquiry, author=User.objects.get(username="hnv2001"), body="<p>ok</p>")
    attachment = Attachment(
        inquiry=inquiry, original_name="a.pdf", content_type="application/pdf", size=9, uploaded_by=customer
    )
    attachment.file.save("a.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    faq = FaqEntry.objects.create(
        main_category=middle.main, title="perm", answer="<p>a</p>", published_by=teller
    )
    callback = Callback.objects.create(
        customer=customer, phone="+821023456789", main_category=middle.main, due_at=start
    )
    card = Team.objects.get(code="card")
    case = case_open(
        customer=customer,
        kind=Case.Kind.COMPLAINT,
        priority=Case.Priority.NORMAL,
        title="perm",
        description="perm",
        team=card,
        main_category=middle.main,
        middle_category=middle,
        by=User.objects.get(username="hnv2001"),
    )
    manager = User.objects.get(username="hnv9001")
    job = ExportJob.objects.create(
        requested_by=manager, fmt="csv", status=ExportJob.Status.DONE, total=1, done=1, file_name="perm.csv"
    )
    (export_dir() / "perm.csv").write_text("등록일시\n", encoding="utf-8")
    banned = BannedWord.objects.first()
    assert banned is not None, "the demo bank has banned words"
    return {
        "campaign": Campaign.objects.get(name="전세자금대출 상담 안내").pk,
        "banned_word": banned.pk,
        "export_job": job.pk,
        "export_token": export_link_token(job),
        "callback": callback.pk,
        "case": case.pk,
        "team": card.pk,
        "inquiry": inquiry.pk,
        "branch": teller.staff_profile.branch_id,
        "attachment": attachment.pk,
        "faq": faq.pk,
        "customer_id": customer.pk,
        "api_client": api_client.pk,
        "api_key": api_key.pk,
        "booking": booking.pk,
        "block": block.pk,
        "message": message.pk,
        "consultation": Consultation.objects.filter(customer=customer).values_list("pk", flat=True)[0],
    }


def kwargs_for(name: str, objects: dict[str, object]) -> dict[str, object]:
    if name in {
        "staff:customer_detail",
        "staff:favourite_toggle",
        "staff:customer_opt_out",
        "staff:customer_reveal",
    }:
        return {"pk": objects["customer_id"]}
    if name in {"staff:consultation_create", "staff:booking_create", "staff:case_create"}:
        return {"customer_id": objects["customer_id"]}
    by_name: dict[str, dict[str, object]] = {
        "staff:consultation_edit": {"pk": objects["consultation"]},
        "staff:consultation_note_add": {"pk": objects["consultation"]},
        "me:consultation_detail": {"pk": objects["consultation"]},
        "me:case_detail": {"pk": objects["case"]},
        "me:booking_detail": {"pk": objects["booking"]},
        "me:booking_ics": {"pk": objects["booking"]},
        "me:booking_cancel": {"pk": objects["booking"]},
        "staff:booking_detail": {"pk": objects["booking"]},
        "staff:booking_cancel": {"pk": objects["booking"]},
        "staff:booking_no_show": {"pk": objects["booking"]},
        "me:booking_reschedule": {"pk": objects["booking"]},
        "me:callback_cancel": {"pk": objects["callback"]},
        "staff:callback_claim": {"pk": objects["callback"]},
        "staff:callback_unreachable": {"pk": objects["callback"]},
        "staff:calendar_block": {"pk": objects["block"]},
        "staff:message_detail": {"pk": objects["message"]},
        "staff:message_retry": {"pk": objects["message"]},
        "staff:message_template_edit": {"purpose": "otp"},
        "staff:message_template_preview": {"purpose": "otp"},
        "staff:consultation_export": {"fmt": "csv"},
        "staff:export_job": {"pk": objects["export_job"]},
        "staff:export_download": {"token": objects["export_token"]},
        "staff:api_key_create": {"pk": objects["api_client"]},
        "staff:api_key_revoke": {"pk": objects["api_key"]},
        "staff:analytics_chart": {"name": "channel"},
        "branches:detail": {"pk": objects["branch"]},
        "staff:branch_edit": {"pk": objects["branch"]},
        "staff:analytics_csv": {"name": "channel"},
        "inquiries:detail": {"pk": objects["inquiry"]},
        "inquiries:file": {"pk": objects["attachment"]},
        "inquiries:faq_detail": {"pk": objects["faq"]},
        "inquiries:faq_helpful": {"pk": objects["faq"]},
        "staff:inquiry_detail": {"pk": objects["inquiry"]},
        "staff:inquiry_assign": {"pk": objects["inquiry"]},
        "staff:inquiry_faq": {"pk": objects["inquiry"]},
        "staff:faq_unpublish": {"pk": objects["faq"]},
        "staff:case_detail": {"pk": objects["case"]},
        "staff:case_action": {"pk": objects["case"], "action": "accept"},
        "staff:team_edit": {"pk": objects["team"]},
        "staff:campaign_detail": {"pk": objects["campaign"]},
        "staff:campaign_edit": {"pk": objects["campaign"]},
        "staff:campaign_results": {"pk": objects["campaign"]},
        "staff:campaign_results_csv": {"pk": objects["campaign"]},
        "staff:campaign_action": {"pk": objects["campaign"], "action": "submit"},
        "staff:banned_word_delete": {"pk": objects["banned_word"]},
    }
    return by_name.get(name, {})


LOGINS = {
    "customer": "hanauser1",
    "other_customer": "hanauser2",
    "teller": "hnv2004",
    "agent": "hnv2001",
    "manager": "hnv9001",
}


@pytest.mark.parametrize("role", ROLES)
def test_who_may_get_each_page(client, objects, role):
    if role != "anonymous":
        client.force_login(User.objects.get(username=LOGINS[role]))
    problems = []
    for name, expected in sorted(EXPECTED.items()):
        url = reverse(name, kwargs=kwargs_for(name, objects))
        response = client.get(url)
        want = expected[role]
        if want == LOGIN:
            ok = response.status_code == 302 and response["Location"].startswith("/accounts/login/")
        else:
            ok = response.status_code == want
        if not ok:
            problems.append(f"{name} {url}: got {response.status_code}, expected {want}")
        # Whatever the answer, neither the browser nor a proxy may keep it (personal data).
        if "no-store" not in response.get("Cache-Control", ""):
            problems.append(f"{name} {url}: Cache-Control {response.get('Cache-Control')!r}")
    assert problems == []


@pytest.mark.parametrize("login", ["hanauser1", "hnv2001", "hnv2004"])
def test_only_managers_reach_the_django_admin(client, db, login):
    client.force_login(User.objects.get(username=login))
    assert client.get("/admin/").status_code == 302  # to the admin's own login: not staff there
    client.force_login(User.objects.get(username="hnv9001"))
    assert client.get("/admin/").status_code == 200
