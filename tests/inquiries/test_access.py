"""Who reaches which inquiry, file and FAQ entry, asked of the access functions themselves.

Another customer's object is a 404 (it does not exist for them); a role that may never see such
objects is refused outright; a missing id is a 404 for everyone.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.http import Http404

from consultations.models import MiddleCategory
from customers.models import User
from inquiries.access import attachment_get_for_user, faq_get_for_user, inquiry_get_for_user
from inquiries.models import Attachment, FaqEntry, Inquiry, Reply

KST = dt.timezone(dt.timedelta(hours=9))
STAFF = ["teller", "agent", "manager"]
MISSING = 2_000_000_000


@pytest.fixture
def inquiry(customer):
    middle = MiddleCategory.objects.select_related("main").get(code="0203")
    return Inquiry.objects.create(
        customer=customer,
        title="access",
        main_category=middle.main,
        middle_category=middle,
        body="<p>access</p>",
        sla_due_at=dt.datetime(2031, 3, 12, 16, tzinfo=KST),
    )


def attach(*, by: User, inquiry: Inquiry | None = None, reply: Reply | None = None) -> Attachment:
    attachment = Attachment(
        inquiry=inquiry,
        reply=reply,
        original_name="a.pdf",
        content_type="application/pdf",
        size=9,
        uploaded_by=by,
    )
    attachment.file.save("a.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    return attachment


@pytest.fixture
def files(inquiry, customer, other_customer, agent):
    answer = Reply.objects.create(inquiry=inquiry, author=agent, body="<p>답변</p>")
    note = Reply.objects.create(inquiry=inquiry, author=agent, body="<p>메모</p>", is_internal=True)
    return {
        "on_inquiry": attach(by=customer, inquiry=inquiry),
        "on_answer": attach(by=agent, inquiry=inquiry, reply=answer),
        "on_internal_note": attach(by=agent, inquiry=inquiry, reply=note),
        "own_unposted": attach(by=customer),
        "others_unposted": attach(by=other_customer),
    }


# --- inquiries -----------------------------------------------------------------------------------


def test_it_gives_the_owner_their_inquiry(inquiry, customer):
    assert inquiry_get_for_user(user=customer, pk=inquiry.pk) == inquiry


def test_it_hides_an_inquiry_from_another_customer(inquiry, other_customer):
    with pytest.raises(Http404):
        inquiry_get_for_user(user=other_customer, pk=inquiry.pk)


@pytest.mark.parametrize("role", STAFF)
def test_it_gives_staff_every_inquiry(request, inquiry, role):
    assert inquiry_get_for_user(user=request.getfixturevalue(role), pk=inquiry.pk) == inquiry


def test_it_refuses_anonymous_visitors_an_inquiry(inquiry):
    with pytest.raises(PermissionDenied):
        inquiry_get_for_user(user=AnonymousUser(), pk=inquiry.pk)


@pytest.mark.parametrize("role", ["customer", *STAFF])
def test_a_missing_inquiry_is_a_404(request, db, role):
    with pytest.raises(Http404):
        inquiry_get_for_user(user=request.getfixturevalue(role), pk=MISSING)


# --- files ---------------------------------------------------------------------------------------

OWNER_SEES = {"on_inquiry", "on_answer", "own_unposted"}


@pytest.mark.parametrize("name", ["on_inquiry", "on_answer", "own_unposted", "others_unposted"])
def test_the_owning_customer_sees_their_own_files(files, customer, name):
    if name in OWNER_SEES:
        assert attachment_get_for_user(user=customer, pk=files[name].pk) == files[name]
    else:
        with pytest.raises(Http404):
            attachment_get_for_user(user=customer, pk=files[name].pk)


def test_a_file_on_an_internal_note_is_a_404_for_the_owning_customer(files, customer):
    with pytest.raises(Http404):
        attachment_get_for_user(user=customer, pk=files["on_internal_note"].pk)


@pytest.mark.parametrize("name", ["on_inquiry", "on_answer", "on_internal_note", "own_unposted"])
def test_another_customer_sees_none_of_them(files, other_customer, name):
    with pytest.raises(Http404):
        attachment_get_for_user(user=other_customer, pk=files[name].pk)


def test_another_customer_sees_their_own_unposted_image(files, other_customer):
    pending = files["others_unposted"]
    assert attachment_get_for_user(user=other_customer, pk=pending.pk) == pending


@pytest.mark.parametrize("role", STAFF)
def test_staff_see_every_file(request, files, role):
    user = request.getfixturevalue(role)
    for attachment in files.values():
        assert attachment_get_for_user(user=user, pk=attachment.pk) == attachment


def test_it_refuses_anonymous_visitors_a_file(files):
    with pytest.raises(PermissionDenied):
        attachment_get_for_user(user=AnonymousUser(), pk=files["on_inquiry"].pk)


def test_a_closed_account_gets_the_404_of_a_missing_file(files, customer):
    customer.is_active = False
    with pytest.raises(Http404):
        attachment_get_for_user(user=customer, pk=files["on_inquiry"].pk)


# --- FAQ -----------------------------------------------------------------------------------------


@pytest.fixture
def faqs(teller, inquiry):
    common = {"main_category": inquiry.main_category, "answer": "<p>a</p>", "published_by": teller}
    return {
        "published": FaqEntry.objects.create(title="published", **common),
        "unpublished": FaqEntry.objects.create(title="unpublished", is_published=False, **common),
    }


@pytest.mark.parametrize("role", ["anonymous", "customer", "other_customer", *STAFF])
def test_everyone_reads_a_published_faq_and_nobody_an_unpublished_one(request, faqs, role):
    user = AnonymousUser() if role == "anonymous" else request.getfixturevalue(role)
    read = faq_get_for_user(user=user, pk=faqs["published"].pk)
    assert read == faqs["published"] and read.helpful == 0
    with pytest.raises(Http404):
        faq_get_for_user(user=user, pk=faqs["unpublished"].pk)


@pytest.mark.parametrize("role", STAFF)
def test_staff_manage_published_and_unpublished_faqs(request, faqs, role):
    user = request.getfixturevalue(role)
    for faq in faqs.values():
        assert faq_get_for_user(user=user, pk=faq.pk, manage=True) == faq
    with pytest.raises(Http404):
        faq_get_for_user(user=user, pk=MISSING, manage=True)


@pytest.mark.parametrize("role", ["anonymous", "customer", "other_customer"])
def test_only_staff_manage_faqs(request, faqs, role):
    user = AnonymousUser() if role == "anonymous" else request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        faq_get_for_user(user=user, pk=faqs["published"].pk, manage=True)
