"""A consultation recorded after an inquiry links to it (consultations/links.py)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from consultations.links import RecordLink, register
from consultations.models import Consultation
from customers.models import User

from .models import Inquiry

RECENT = dt.timedelta(days=30)  # answered inquiries this recent are still offered
OFFERED = 20


def open_inquiries(customer: User) -> list[tuple[int, str]]:
    """The customer's inquiries a consultation may follow: waiting ones, and recently answered."""
    since = timezone.now() - RECENT
    found = (
        Inquiry.objects.filter(customer=customer)
        .filter(Q(status__in=Inquiry.WAITING) | Q(created_at__gte=since))
        .order_by("-created_at", "-id")[:OFFERED]
    )
    return [
        (i.pk, f"{timezone.localtime(i.created_at):%m/%d} {i.title} ({i.get_status_display()})")
        for i in found
    ]


def link_inquiry(consultation: Consultation, inquiry_id: int) -> None:
    inquiry = Inquiry.objects.get(pk=inquiry_id, customer_id=consultation.customer_id)
    inquiry.consultations.add(consultation)


def inquiries_of(consultation: Consultation) -> list[tuple[str, str]]:
    return [
        (_("문의: %(title)s") % {"title": i.title}, reverse("staff:inquiry_detail", args=[i.pk]))
        for i in consultation.inquiries.order_by("-created_at")  # type: ignore[attr-defined]
    ]


def register_links() -> None:
    register(
        RecordLink(
            field="inquiry",
            label=gettext_lazy("이어진 문의"),
            empty_label=gettext_lazy("문의와 연결하지 않음"),
            choices=open_inquiries,
            save=link_inquiry,
            shown=inquiries_of,
        )
    )
