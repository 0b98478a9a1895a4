"""The only way views reach consultations, bookings and unavailable blocks.

Staff read every customer's consultations and bookings (the point of one history); a customer
reaches only their own; an unavailable block is changed only by its owner or a manager.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from customers.models import User

from .models import Booking, Consultation, Unavailability


def consultation_get_for_user(*, user: User, pk: int) -> Consultation:
    qs = Consultation.objects.select_related(
        "customer__customer_profile",
        "staff__staff_profile__branch",
        "channel",
        "main_category",
        "middle_category",
    )
    if user.is_customer:
        qs = qs.filter(customer=user)
    elif not user.is_bank_staff:
        raise PermissionDenied
    try:
        return qs.get(pk=pk)
    except Consultation.DoesNotExist as exc:
        raise Http404 from exc


def booking_get_for_user(*, user: User, pk: int) -> Booking:
    qs = Booking.objects.select_related(
        "customer__customer_profile", "staff", "channel", "branch", "main_category", "origin"
    )
    if user.is_customer:
        qs = qs.filter(customer=user)
    elif not user.is_bank_staff:
        raise PermissionDenied
    try:
        return qs.get(pk=pk)
    except Booking.DoesNotExist as exc:
        raise Http404 from exc


def unavailability_get_for_user(*, user: User, pk: int) -> Unavailability:
    if not user.is_bank_staff:
        raise PermissionDenied
    qs = Unavailability.objects.select_related("staff")
    if not user.is_manager:
        qs = qs.filter(staff=user)
    try:
        return qs.get(pk=pk)
    except Unavailability.DoesNotExist as exc:
        raise Http404 from exc


def calendar_staff_for_user(*, user: User, staff_id: int | None) -> User:
    """Whose calendar `user` may look at: their own; a manager any teller's or agent's."""
    if not user.is_bank_staff:
        raise PermissionDenied
    if staff_id is None or staff_id == user.pk:
        return user
    if not user.is_manager:
        raise PermissionDenied
    try:
        return User.objects.select_related("staff_profile__branch").get(
            pk=staff_id, role__in=User.STAFF_ROLES
        )
    except User.DoesNotExist as exc:
        raise Http404 from exc
