"""Writes of the staff desk: walk-in customers, favourites."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from audit.models import AuditEntry
from audit.services import audit_write
from consultations.models import Booking, Consultation
from customers.models import CustomerProfile, Favourite, User
from customers.services import customer_create_without_login
from inquiries.models import Inquiry
from messaging.models import Message

# Everything that is the customer's own record moves to the kept customer. Who did something
# (audit actors, reply and attachment authors, booking creators) stays as it happened.
MERGED_RECORDS: tuple[type[Consultation | Booking | Inquiry | Message], ...] = (
    Consultation,
    Booking,
    Inquiry,
    Message,
)


@transaction.atomic
def walk_in_register(*, data: dict[str, Any], by: User, ip: str | None) -> User:
    """A customer registered at the counter or on the phone, with its audit entry in one transaction.
    Raises customers.services.CustomerExists when the mobile number already has a customer."""
    customer = customer_create_without_login(**data)
    audit_write(
        actor=by,
        ip=ip,
        customer=customer,
        action=AuditEntry.Action.CREATE,
        target="walk-in customer",
        detail={"customer_no": customer.customer_profile.customer_no},
    )
    return customer


def favourite_toggle(*, staff: User, customer: User) -> bool:
    """Star or unstar a customer for a staff member; returns whether the customer is now starred."""
    deleted, _ = Favourite.objects.filter(staff=staff, customer=customer).delete()
    if deleted:
        return False
    try:
        with transaction.atomic():
            Favourite.objects.create(staff=staff, customer=customer)
    except IntegrityError:
        pass  # a double click starred it already
    return True


@transaction.atomic
def customers_merge(*, keep: User, merge: User, reason: str, by: User, ip: str | None) -> dict[str, int]:
    """Make two customer records one: every record of `merge` moves to `keep`, and `merge` keeps a
    pointer so old links and its phone number lead to `keep`. All or nothing; returns what moved."""
    if not reason.strip():
        raise ValidationError(_("통합 사유를 입력해 주세요."), code="reason")
    if keep.pk == merge.pk:
        raise ValidationError(_("같은 손님끼리는 통합할 수 없습니다."), code="same")
    # Both rows locked in one order, so two managers merging the same pair cannot deadlock or both win.
    profiles = {
        p.user_id: p
        for p in CustomerProfile.objects.select_for_update()
        .filter(user_id__in=[keep.pk, merge.pk])
        .order_by("user_id")
        .select_related("user")
    }
    if len(profiles) != 2:
        raise ValidationError(_("손님 정보를 찾을 수 없습니다."), code="missing")
    kept, merged = profiles[keep.pk], profiles[merge.pk]
    if kept.merged_into_id or merged.merged_into_id:
        raise ValidationError(_("이미 다른 손님에 통합된 기록입니다."), code="already_merged")
    if merged.user.has_web_login and not kept.user.has_web_login:
        raise ValidationError(
            _("웹 가입한 손님 기록을 남기고, 웹 미가입 기록을 통합해 주세요."), code="keep_the_login"
        )
    moved: dict[str, int] = {
        str(model._meta.model_name): model.objects.filter(customer=merge).update(customer=keep)  # type: ignore[attr-defined]
        for model in MERGED_RECORDS
    }
    already = Favourite.objects.filter(customer=keep).values("staff_id")
    Favourite.objects.filter(customer=merge, staff_id__in=already).delete()
    moved["favourite"] = Favourite.objects.filter(customer=merge).update(customer=keep)
    merged.merged_into = keep
    merged.save(update_fields=["merged_into"])
    if merged.user.has_web_login:
        merge.is_active = False  # its login would open an empty history
        merge.save(update_fields=["is_active"])
    detail = {
        "kept": kept.customer_no,
        "merged": merged.customer_no,
        "reason": reason.strip(),
        "moved": moved,
    }
    for customer in (keep, merge):
        audit_write(
            actor=by,
            ip=ip,
            customer=customer,
            action=AuditEntry.Action.UPDATE,
            target="customer merge",
            detail=detail,
        )
    return moved
