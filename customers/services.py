from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import CustomerProfile, Favourite, PhoneVerification, User
from .otp import otp_consume
from .throttle import login_unlock

PROFILE_FIELDS = ("job", "interest", "postcode", "address", "address_detail")


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
def customer_register(*, data: dict[str, Any], verification: PhoneVerification) -> User:
    """A new customer from the sign-up form; the phone code is used up in the same transaction.
    Raises ValidationError (code already used) or IntegrityError (login id or phone just taken)."""
    otp_consume(verification)
    user = User.objects.create_user(
        username=data["username"],
        password=data["password1"],
        name=data["name"],
        email=data["email"],
        role=User.Role.CUSTOMER,
    )
    CustomerProfile.objects.create(
        user=user,
        gender=data["gender"],
        phone=data["phone"],
        birth_date=data["birth_date"],
        marketing_consent=data["marketing_consent"],
        marketing_consent_at=timezone.now() if data["marketing_consent"] else None,
        **{field: data[field] for field in PROFILE_FIELDS},
    )
    return user


@transaction.atomic
def customer_profile_update(
    *, user: User, data: dict[str, Any], verification: PhoneVerification | None = None
) -> None:
    """Contact details; a new phone number only with its verified code; consent with its time."""
    profile = user.customer_profile
    if data["phone"] != profile.phone:
        if verification is None:
            raise ValueError("a phone change needs a verified code")
        otp_consume(verification)
        profile.phone = data["phone"]
    if data["marketing_consent"] != profile.marketing_consent:
        profile.marketing_consent = data["marketing_consent"]
        profile.marketing_consent_at = timezone.now()
    for field in PROFILE_FIELDS:
        setattr(profile, field, data[field])
    profile.save()
    user.email = data["email"]
    user.save(update_fields=["email"])


@transaction.atomic
def customer_password_reset(*, user: User, password: str, verification: PhoneVerification) -> None:
    otp_consume(verification)
    user.set_password(password)
    user.save(update_fields=["password"])
    login_unlock(username=user.username)
