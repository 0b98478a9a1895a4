"""One-time codes sent by SMS: sign-up, password reset and phone change.

A code is six digits, valid for OTP_TTL_SECONDS, may be tried OTP_MAX_TRIES times and used once.
Only a keyed hash is stored (a leaked table alone does not give the codes away). Sending is
limited per number (per 10 minutes and per Korean calendar day) and per requesting address, so
nobody can turn the sign-up page into an SMS cannon. The SMS itself goes through the outbox.
"""

from __future__ import annotations

import datetime as dt
import secrets
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from core.phone import normalize_korean_mobile
from messaging.models import Purpose
from messaging.outbox import message_enqueue

from .models import CustomerProfile, PhoneVerification

KST = zoneinfo.ZoneInfo("Asia/Seoul")


def _code_hash(verification_phone: str, purpose: str, code: str) -> str:
    return salted_hmac("omnihana.otp", f"{verification_phone}:{purpose}:{code}").hexdigest()


def _lock_phone(phone: str) -> None:
    """Serialise sends for one number so two quick clicks cannot both slip under a limit."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"otp:{phone}"])


def _check_send_limits(*, phone: str, ip: str | None, now: dt.datetime) -> None:
    sent = PhoneVerification.objects.filter(phone=phone)
    window = settings.OTP_WINDOW_MINUTES
    if sent.filter(created_at__gt=now - dt.timedelta(minutes=window)).count() >= settings.OTP_WINDOW_LIMIT:
        raise ValidationError(
            _("인증번호는 %(minutes)d분에 %(count)d번까지 받을 수 있습니다. 잠시 후 다시 시도해 주세요.")
            % {"minutes": window, "count": settings.OTP_WINDOW_LIMIT},
            code="otp_window_limit",
        )
    day_start = now.astimezone(KST).replace(hour=0, minute=0, second=0, microsecond=0)
    if sent.filter(created_at__gte=day_start).count() >= settings.OTP_DAILY_LIMIT:
        raise ValidationError(
            _("오늘은 이 번호로 인증번호를 %(count)d번 받으셨습니다. 내일 다시 시도해 주세요.")
            % {"count": settings.OTP_DAILY_LIMIT},
            code="otp_daily_limit",
        )
    if ip:
        recent = PhoneVerification.objects.filter(
            requested_ip=ip, created_at__gt=now - dt.timedelta(hours=1)
        ).count()
        if recent >= settings.OTP_IP_HOURLY_LIMIT:
            raise ValidationError(
                _("이 접속 위치에서 인증번호 요청이 너무 많습니다. 1시간 뒤에 다시 시도해 주세요."),
                code="otp_ip_limit",
            )


def phone_is_registered(phone: str) -> bool:
    """Any customer holds the number (a phone change may not take it)."""
    return CustomerProfile.objects.filter(phone=phone).exists()


def phone_has_login(phone: str) -> bool:
    """A web login holds the number. A walk-in's number is not taken for sign-up: verifying it is how
    the person claims their history (customers.services.customer_register)."""
    return CustomerProfile.objects.filter(phone=phone, user__has_web_login=True).exists()


def otp_send(*, phone: str, purpose: str, ip: str | None, decoy: bool = False) -> PhoneVerification:
    """Send a new code to `phone` (any common Korean spelling). Earlier codes for the same
    number and purpose stop working. Raises ValidationError with a Korean message on a limit.

    `decoy`: the same work, rows and limits, but no SMS and a code nobody can type (a password
    reset for a login and number that do not belong together must answer exactly as one that
    does: its send limits, and a wrong code on the next page, included)."""
    phone = normalize_korean_mobile(phone)
    taken = (
        phone_has_login(phone)
        if purpose == PhoneVerification.Purpose.SIGNUP
        else purpose == PhoneVerification.Purpose.PHONE_CHANGE and phone_is_registered(phone)
    )
    if taken:
        raise ValidationError(
            _("이미 가입된 휴대폰 번호입니다. 비밀번호를 잊으셨다면 비밀번호 재설정을 이용해 주세요."),
            code="phone_taken",
        )
    now = timezone.now()
    code = f"{secrets.randbelow(1_000_000):06d}"
    with transaction.atomic():
        _lock_phone(phone)
        _check_send_limits(phone=phone, ip=ip, now=now)
        PhoneVerification.objects.filter(phone=phone, purpose=purpose, used_at__isnull=True).update(
            used_at=now
        )
        verification = PhoneVerification.objects.create(
            phone=phone,
            purpose=purpose,
            # a decoy's hash is of no six-digit code, so every try is a wrong code
            code_hash=_code_hash(phone, purpose, "decoy:" + secrets.token_hex(8) if decoy else code),
            requested_ip=ip,
            expires_at=now + dt.timedelta(seconds=settings.OTP_TTL_SECONDS),
        )
        if decoy:
            return verification
        message_enqueue(
            purpose=Purpose.OTP,
            key=f"otp:{verification.pk}",
            context={"code": code},
            to_phone=phone,
            valid_until=verification.expires_at,  # a code that arrives dead is not sent
        )
    return verification


def otp_verify(*, phone: str, purpose: str, code: str) -> PhoneVerification:
    """Check a typed code against the newest live code for the number. Every wrong try counts
    (and is saved even though this raises); after OTP_MAX_TRIES the code is dead."""
    try:
        phone = normalize_korean_mobile(phone)
    except ValidationError:
        raise ValidationError(_("휴대폰 번호를 확인해 주세요."), code="otp_phone") from None
    verification = (
        PhoneVerification.objects.filter(phone=phone, purpose=purpose, used_at__isnull=True)
        .order_by("-created_at")
        .first()
    )
    if verification is None:
        raise ValidationError(_("먼저 인증번호를 받아 주세요."), code="otp_missing")
    if verification.expires_at <= timezone.now():
        raise ValidationError(
            _("인증번호 유효시간(3분)이 지났습니다. 인증번호를 다시 받아 주세요."), code="otp_expired"
        )
    if verification.attempts >= settings.OTP_MAX_TRIES:
        raise ValidationError(
            _("인증번호를 %(count)d번 잘못 입력하셨습니다. 인증번호를 다시 받아 주세요.")
            % {"count": settings.OTP_MAX_TRIES},
            code="otp_tries",
        )
    # Count the try before comparing, as one UPDATE of the row: parallel guesses queue on the row
    # lock and each uses up a try of its own.
    PhoneVerification.objects.filter(pk=verification.pk).update(attempts=F("attempts") + 1)
    verification.refresh_from_db(fields=["attempts"])
    if verification.attempts > settings.OTP_MAX_TRIES:
        raise ValidationError(
            _("인증번호를 %(count)d번 잘못 입력하셨습니다. 인증번호를 다시 받아 주세요.")
            % {"count": settings.OTP_MAX_TRIES},
            code="otp_tries",
        )
    typed = (code or "").strip()
    if not constant_time_compare(verification.code_hash, _code_hash(phone, purpose, typed)):
        left = settings.OTP_MAX_TRIES - verification.attempts
        if left <= 0:
            raise ValidationError(
                _("인증번호를 %(count)d번 잘못 입력하셨습니다. 인증번호를 다시 받아 주세요.")
                % {"count": settings.OTP_MAX_TRIES},
                code="otp_tries",
            )
        raise ValidationError(
            _("인증번호가 맞지 않습니다. (남은 입력 횟수 %(left)d번)") % {"left": left}, code="otp_wrong"
        )
    if verification.verified_at is None:
        verification.verified_at = timezone.now()
        PhoneVerification.objects.filter(pk=verification.pk).update(verified_at=verification.verified_at)
    return verification


def otp_consume(verification: PhoneVerification) -> None:
    """Use a verified code up; a second use (a double submit, a replay) is refused."""
    used = PhoneVerification.objects.filter(
        pk=verification.pk, used_at__isnull=True, verified_at__isnull=False
    ).update(used_at=timezone.now())
    if not used:
        raise ValidationError(_("이미 사용한 인증번호입니다. 인증번호를 다시 받아 주세요."), code="otp_used")
