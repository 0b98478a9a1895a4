from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import WALK_IN_USERNAME_PREFIX, CustomerProfile, PhoneVerification, User
from .otp import otp_consume
from .throttle import login_unlock

PROFILE_FIELDS = ("job", "interest", "postcode", "address", "address_detail")


CLAIM_REFUSED = _(
    "휴대폰 인증은 되었지만 온라인으로 가입을 마칠 수 없습니다. 신분증을 가지고 가까운 영업점을 방문하시거나 "
    "고객센터로 전화해 주세요."
)
ALREADY_REGISTERED = _(
    "이미 가입된 휴대폰 번호입니다. 비밀번호를 잊으셨다면 비밀번호 재설정을 이용해 주세요."
)


def customer_register(*, data: dict[str, Any], verification: PhoneVerification) -> User:
    """A web login from the sign-up form; the phone code is used up in the same transaction.

    A verified number that belongs to a customer without a login (a walk-in, a caller) claims that
    customer when the birth date matches: the login is attached to the existing row, so every earlier
    record is theirs at once. A different birth date claims nothing and says nothing about who holds
    the number; the code is used up all the same, so birth dates cannot be guessed with one code.
    Raises ValidationError (code used, claim refused, number has a login) or IntegrityError (login
    id just taken)."""
    with transaction.atomic():
        otp_consume(verification)
        # The lock makes two sign-ups racing for one walk-in queue; the second finds it claimed.
        profile = CustomerProfile.objects.select_for_update().filter(phone=data["phone"]).first()
        if profile is None:
            return _customer_create_with_login(data)
        if profile.merged_into_id:
            profile = CustomerProfile.objects.select_for_update().get(user_id=profile.merged_into_id)
        owner = User.objects.select_for_update().get(pk=profile.user_id)
        if owner.has_web_login:
            raise ValidationError(ALREADY_REGISTERED, code="phone_taken")
        if profile.birth_date == data["birth_date"]:
            return _customer_claim(owner, profile, data)
    raise ValidationError(CLAIM_REFUSED, code="claim_refused")


def _customer_create_with_login(data: dict[str, Any]) -> User:
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
        phone_verified_at=timezone.now(),
        birth_date=data["birth_date"],
        marketing_consent=data["marketing_consent"],
        marketing_consent_at=timezone.now() if data["marketing_consent"] else None,
        **{field: data[field] for field in PROFILE_FIELDS},
    )
    return user


def _customer_claim(user: User, profile: CustomerProfile, data: dict[str, Any]) -> User:
    # The name stays as the bank recorded it in person; what the customer typed fills only the gaps.
    user.username = data["username"]
    user.set_password(data["password1"])
    user.email = data["email"]
    user.has_web_login = True
    user.save(update_fields=["username", "password", "email", "has_web_login"])
    now = timezone.now()
    profile.phone_verified_at = now
    if data["marketing_consent"] != profile.marketing_consent:
        profile.marketing_consent = data["marketing_consent"]
        profile.marketing_consent_at = now
    for field in ("gender", *PROFILE_FIELDS):
        if data.get(field) and not getattr(profile, field):
            setattr(profile, field, data[field])
    profile.save()
    return user


class CustomerExists(Exception):
    """The mobile number already belongs to a customer; `customer` is that one (merges followed)."""

    def __init__(self, customer: User) -> None:
        super().__init__(customer.pk)
        self.customer = customer


def customer_by_phone(phone: str) -> User | None:
    """The customer holding this number, or the record it was merged into."""
    profile = CustomerProfile.objects.select_related("user", "merged_into").filter(phone=phone).first()
    if profile is None:
        return None
    return profile.merged_into or profile.user


def customer_create_without_login(
    *,
    name: str,
    birth_date: dt.date,
    phone: str,
    gender: str = "",
    postcode: str = "",
    address: str = "",
    address_detail: str = "",
    marketing_consent: bool = False,
) -> User:
    """A customer known to the bank but not (yet) on the web: a walk-in, a caller, an API record.

    Raises CustomerExists when the number is taken, also when a concurrent registration of the same
    number commits first: the unique phone index makes the loser wait for the winner, then fail."""
    existing = customer_by_phone(phone)
    if existing is not None:
        raise CustomerExists(existing)
    try:
        with transaction.atomic():
            # Not a login id anyone can type (the sign-up form's ids have no hyphen), nor a usable one.
            user = User(
                username=WALK_IN_USERNAME_PREFIX + secrets.token_hex(8),
                name=name,
                role=User.Role.CUSTOMER,
                has_web_login=False,
            )
            user.set_unusable_password()
            user.save()
            CustomerProfile.objects.create(
                user=user,
                gender=gender,
                phone=phone,
                birth_date=birth_date,
                postcode=postcode,
                address=address,
                address_detail=address_detail,
                marketing_consent=marketing_consent,
                marketing_consent_at=timezone.now() if marketing_consent else None,
            )
    except IntegrityError:
        existing = customer_by_phone(phone)
        if existing is None:
            raise
        raise CustomerExists(existing) from None
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
