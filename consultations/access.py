"""The only way views reach consultations, bookings and unavailable blocks.

Staff read every customer's consultations and bookings (the point of one history); a customer
reaches only their own; an unavailable block is changed only by its owner or a manager. Staff
change only their own work: a booking's outcome is set by its staff member, a teller of its
branch or a manager; a consultation is edited by its author or a manager.
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404

from core.access import own_or_staff_get
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
    return own_or_staff_get(qs, user=user, pk=pk)


def booking_get_for_user(*, user: User, pk: int) -> Booking:
    qs = Booking.objects.select_related(
        "customer__customer_profile", "staff__staff_profile", "channel", "branch", "main_category", "origin"
    )
    return own_or_staff_get(qs, user=user, pk=pk)


def _branch_id(user: User) -> int | None:
    try:
        return user.staff_profile.branch_id
    except ObjectDoesNotExist:
        return None


def booking_outcome_allowed(*, user: User, booking: Booking) -> bool:
    """Whether `user` may say how the booking ended (completed, no-show): the staff member it is
    with, a teller of the branch it is at (or of that staff member's branch), or a manager."""
    if not user.is_authenticated or not user.is_bank_staff:
        return False
    if user.is_manager or booking.staff_id == user.pk:
        return True
    if user.role != User.Role.TELLER:
        return False
    branch = _branch_id(user)
    return branch is not None and branch in {booking.branch_id, _branch_id(booking.staff)}


def booking_get_for_outcome(*, user: User, pk: int) -> Booking:
    """A booking whose outcome `user` is about to set; 403 for anyone else."""
    booking = booking_get_for_user(user=user, pk=pk)
    if not booking_outcome_allowed(user=user, booking=booking):
        raise PermissionDenied
    return booking


def consultation_edit_allowed(*, user: User, consultation: Consultation) -> bool:
    """Whether `user` may change the record: its author or a manager (other staff read it)."""
    return bool(
        user.is_authenticated and user.is_bank_staff and (user.is_manager or consultation.staff_id == user.pk)
    )


def consultation_get_for_edit(*, user: User, pk: int) -> Consultation:
    """A consultation `user` is about to change; 403 for staff who did not write it."""
    consultation = consultation_get_for_user(user=user, pk=pk)
    if not consultation_edit_allowed(user=user, consultation=consultation):
        raise PermissionDenied
    return consultation


def unavailability_get_for_user(*, user: User, pk: int) -> Unavailability:
    if not user.is_authenticated or not user.is_bank_staff:
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
