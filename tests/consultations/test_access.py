"""The access functions of consultations, bookings and blocks, called directly for every kind of user."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from consultations.access import booking_get_for_user, consultation_get_for_user, unavailability_get_for_user
from consultations.models import Booking, Consultation, Unavailability
from customers.models import User


@pytest.fixture
def objects(db, customer, teller):
    consultation = Consultation.objects.filter(customer=customer).first()
    booking = Booking.objects.filter(customer=customer).first()
    start = dt.datetime(2031, 3, 4, 9, tzinfo=dt.UTC)
    block = Unavailability.objects.create(
        staff=teller, starts_at=start, ends_at=start + dt.timedelta(hours=1)
    )
    return consultation, booking, block


def test_anonymous_users_are_refused_by_every_access_function(objects):
    consultation, booking, block = objects
    for function, obj in [
        (consultation_get_for_user, consultation),
        (booking_get_for_user, booking),
        (unavailability_get_for_user, block),
    ]:
        if obj is None:
            continue
        with pytest.raises(PermissionDenied):
            function(user=AnonymousUser(), pk=obj.pk)


def test_another_customer_gets_404_and_the_owner_and_staff_get_the_record(objects, customer, teller, manager):
    consultation, _booking, block = objects
    other = User.objects.filter(role=User.Role.CUSTOMER).exclude(pk=customer.pk).first()
    assert consultation_get_for_user(user=customer, pk=consultation.pk) == consultation
    assert consultation_get_for_user(user=teller, pk=consultation.pk) == consultation
    with pytest.raises(Http404):
        consultation_get_for_user(user=other, pk=consultation.pk)
    assert unavailability_get_for_user(user=manager, pk=block.pk) == block
    with pytest.raises(PermissionDenied):
        unavailability_get_for_user(user=customer, pk=block.pk)
