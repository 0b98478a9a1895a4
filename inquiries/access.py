"""The only way views reach inquiries, their files and FAQ entries.

Staff read every inquiry and every file (one board for the whole bank); a customer reaches only
their own inquiries and the files on them, never those on internal notes. What a customer may not
see answers exactly like what does not exist (404), so ids reveal nothing; a role that may never
see such objects at all is refused (PermissionDenied).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404

from core.access import own_or_staff_get
from customers.models import User

from .models import Attachment, FaqEntry, Inquiry


def inquiry_get_for_user(*, user: User, pk: int) -> Inquiry:
    qs = Inquiry.objects.select_related("customer", "assignee", "main_category", "middle_category")
    return own_or_staff_get(qs, user=user, pk=pk)


def attachment_get_for_user(*, user: User, pk: int) -> Attachment:
    """Besides the files on their inquiries, a customer reaches the editor images they uploaded
    and have not posted yet (the editor shows them before the inquiry exists)."""
    if not user.is_authenticated:
        raise PermissionDenied
    if not user.is_active:
        raise Http404  # the download has always answered a closed account like a missing file
    qs = Attachment.objects.select_related("inquiry", "reply")
    if user.is_customer:
        qs = qs.filter(
            Q(inquiry__customer=user) | Q(inquiry__isnull=True, uploaded_by=user),
            Q(reply__isnull=True) | Q(reply__is_internal=False),
        )
    elif not user.is_bank_staff:
        raise PermissionDenied
    try:
        return qs.get(pk=pk)
    except Attachment.DoesNotExist as exc:
        raise Http404 from exc


def faq_get_for_user(*, user: User, pk: int, manage: bool = False) -> FaqEntry:
    """A published entry for anyone, signed in or not (`helpful` counted for the page).

    `manage=True` is staff changing the entry: they reach unpublished ones too, since taking an
    entry down twice is harmless; the public page still shows staff only published entries.
    """
    if manage:
        if not user.is_authenticated or not user.is_bank_staff:
            raise PermissionDenied
        qs = FaqEntry.objects.select_related("main_category")
    else:
        qs = (
            FaqEntry.objects.filter(is_published=True)
            .select_related("main_category")
            .annotate(helpful=Count("helpful_votes"))
        )
    try:
        return qs.get(pk=pk)
    except FaqEntry.DoesNotExist as exc:
        raise Http404 from exc
