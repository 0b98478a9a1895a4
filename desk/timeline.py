"""One timeline of everything that happened with a customer, across channels: consultations,
bookings, inquiries and replies, every step of their cases, messages sent (a campaign's under its
campaign's name). Newest first; each source is read with its own
index and only as far back as one page needs."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from campaigns.models import CampaignRecipient
from campaigns.selectors import campaign_messages_for_customer
from cases.models import Case
from cases.selectors import case_entries_for_customer
from consultations.models import Booking, Channel, Consultation
from consultations.selectors import (
    booking_list_for_customer,
    consultation_list_for_customer,
    follow_up_booked,
)
from customers.models import User
from inquiries.models import Inquiry
from inquiries.selectors import inquiry_list_for_customer
from messaging.models import Message
from messaging.selectors import message_list_for_customer

KINDS = {
    "consultation": _("상담"),
    "booking": _("예약"),
    "inquiry": _("문의"),
    "case": _("사건"),
    "message": _("문자"),
    "campaign": _("캠페인"),
}
PAGE = 30


@dataclass(frozen=True)
class TimelineItem:
    kind: str
    at: dt.datetime
    title: str
    channel: Channel | None
    detail: str
    status: str
    url: str
    obj: Any

    @property
    def kind_label(self) -> str:
        return str(KINDS.get(self.kind, self.kind))


def _present(customer: User) -> set[str]:
    """The kinds this customer has anything of, in one statement of EXISTS probes over each
    source's customer index: most customers have a few consultations and nothing else, and each
    source left out is a query the page does not build and plan (2–6 ms each at 1M,
    bench/staff_desk.py). A probe may say yes where the source then shows nothing (a message of a
    campaign, a case the viewer has no part in); never the other way round."""
    tables = {
        "consultation": Consultation,
        "booking": Booking,
        "inquiry": Inquiry,
        "case": Case,
        "message": Message,
        "campaign": CampaignRecipient,
    }
    probes = ", ".join(
        f"EXISTS (SELECT 1 FROM {model._meta.db_table} WHERE customer_id = %s)"  # noqa: S608 - model tables
        for model in tables.values()
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {probes}", [customer.pk] * len(tables))  # noqa: S608
        found = cursor.fetchone()
    return {kind for kind, yes in zip(tables, found, strict=True) if yes}


@dataclass(frozen=True)
class TimelinePage:
    items: list[TimelineItem]
    next_before: dt.datetime | None
    present: frozenset[str]  # the kinds the customer has anything of (the view's header reads it)


def customer_timeline(
    *,
    customer: User,
    kinds: set[str] | None = None,
    channel_code: str = "",
    before: dt.datetime | None = None,
    size: int = PAGE,
    internal_notes: bool = False,
    viewer: User | None = None,
) -> TimelinePage:
    """`viewer`: the member of staff reading; case steps show only for cases they have a part in."""
    has = _present(customer)
    kinds = (kinds or set(KINDS)) & has
    items: list[TimelineItem] = []
    if "consultation" in kinds:
        qs = consultation_list_for_customer(customer=customer).annotate(follow_up_booked=follow_up_booked())
        # (a consultation's inquiries are the customer's own: none to look for if they have none)
        linked = inquiry_list_for_customer(customer=customer) if "inquiry" in has else Inquiry.objects.none()
        qs = qs.prefetch_related(Prefetch("inquiries", queryset=linked.order_by("-created_at", "-id")))
        if channel_code:
            qs = qs.filter(channel__code=channel_code)
        if before:
            qs = qs.filter(occurred_at__lt=before)
        items += [
            TimelineItem(
                "consultation",
                c.occurred_at,
                c.title,
                c.channel,
                f"{c.main_category.name} › {c.middle_category.name} · {c.staff.name}",
                c.get_progress_display(),
                reverse("staff:consultation_edit", args=[c.pk]),
                c,
            )
            for c in qs[:size]
        ]
    if "booking" in kinds:
        bookings = booking_list_for_customer(customer=customer)
        if channel_code:
            bookings = bookings.filter(channel__code=channel_code)
        if before:
            bookings = bookings.filter(starts_at__lt=before)
        items += [
            TimelineItem(
                "booking",
                b.starts_at,
                str(_("추가상담 예약") if b.origin_id else _("상담 예약")),
                b.channel,
                f"{b.main_category.name} · {b.staff.name}"
                + (f" · {b.branch.name}" if b.branch else "")
                + (str(_(" · 예약 변경 %(n)d회") % {"n": b.sequence}) if b.sequence else "")
                + (f" · {b.get_cancel_reason_display()}" if b.cancel_reason else ""),
                b.get_status_display(),
                reverse("staff:booking_detail", args=[b.pk]),
                b,
            )
            for b in bookings[:size]
        ]
    if "inquiry" in kinds and channel_code in ("", "internet"):
        internet = Channel.objects.filter(code="internet").first()
        inquiries = inquiry_list_for_customer(customer=customer, include_internal=internal_notes)
        inquiries = inquiries.prefetch_related(
            "consultations"
            if "consultation" in has
            else Prefetch("consultations", Consultation.objects.none())
        )
        if before:
            inquiries = inquiries.filter(created_at__lt=before)
        items += [
            TimelineItem(
                "inquiry",
                i.created_at,
                i.title,
                internet,
                f"{i.main_category.name} › {i.middle_category.name} · "
                + str(_("답글 %(n)d개") % {"n": len(i.replies.all())}),
                i.get_status_display(),
                reverse("staff:inquiry_detail", args=[i.pk]),
                i,
            )
            for i in inquiries[:size]
        ]
    if "case" in kinds and not channel_code:
        steps = case_entries_for_customer(
            customer=customer, before=before, viewer=viewer, internal=internal_notes
        )
        items += [
            TimelineItem(
                "case",
                e.created_at,
                f"[{e.case.number}] {e.case.title}",
                None,
                " · ".join(
                    part
                    for part in (
                        e.get_kind_display(),
                        f"{e.from_team.name} → {e.to_team.name}" if e.from_team and e.to_team else "",
                        e.author.name if e.author else str(_("연동 시스템")),
                        e.body,
                    )
                    if part
                ),
                e.get_status_after_display(),
                reverse("staff:case_detail", args=[e.case_id]),
                e,
            )
            for e in steps[:size]
        ]
    if "message" in kinds and not channel_code:
        # A campaign's message is the campaign's entry below, not a second "문자" one.
        sent = message_list_for_customer(customer=customer).filter(campaign_recipient__isnull=True)
        if before:
            sent = sent.filter(created_at__lt=before)
        items += [
            TimelineItem(
                "message",
                m.created_at,
                m.get_purpose_display(),
                None,
                m.body_for_staff,
                m.get_status_display(),
                reverse("staff:message_detail", args=[m.pk]),
                m,
            )
            for m in sent[:size]
        ]
    if "campaign" in kinds and not channel_code:
        received = campaign_messages_for_customer(customer=customer)
        if before:
            received = received.filter(message__created_at__lt=before)
        items += [
            TimelineItem(
                "campaign",
                r.message.created_at,
                r.campaign.name,
                None,
                f"{r.message.get_kind_display()} · {r.message.body_for_staff}",
                r.message.get_status_display(),
                reverse("staff:message_detail", args=[r.message_id]),
                r,
            )
            for r in received[:size]
            if r.message is not None
        ]
    items.sort(key=lambda item: item.at, reverse=True)
    page = items[:size]
    return TimelinePage(
        items=page, next_before=page[-1].at if len(items) > size else None, present=frozenset(has)
    )
