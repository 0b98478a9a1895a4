from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Korean mobile numbers in E.164: +82 10 followed by 8 digits.
korean_mobile_validator = RegexValidator(
    regex=r"^\+8210\d{8}$",
    message=_("휴대폰 번호는 010으로 시작하는 11자리여야 합니다 (예: 010-1234-5678)."),
)
login_id_validator = RegexValidator(
    regex=r"^[a-z][a-z0-9_]{3,19}$",
    message=_("아이디는 영문 소문자로 시작하는 4~20자의 영문 소문자, 숫자, 밑줄이어야 합니다."),
)


class Gender(models.TextChoices):
    FEMALE = "F", _("여성")
    MALE = "M", _("남성")


class User(AbstractUser):
    """One login for everybody: customers and staff share /accounts/login/.

    `username` is the login id of the original project (hanauser1, hnv2001).
    The person's name lives here once, never copied into other tables.
    """

    class Role(models.TextChoices):
        CUSTOMER = "customer", _("손님")
        TELLER = "teller", _("행원")
        AGENT = "agent", _("상담사")
        MANAGER = "manager", _("관리자")

    STAFF_ROLES = (Role.TELLER, Role.AGENT, Role.MANAGER)

    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    name = models.CharField(_("이름"), max_length=50)
    role = models.CharField(
        _("역할"), max_length=16, choices=Role.choices, default=Role.CUSTOMER, db_index=True
    )
    # A walk-in or a caller is a customer before any web sign-up: the row exists, with a generated
    # username and an unusable password, so every foreign key to the customer works the same.
    has_web_login = models.BooleanField(_("웹 가입"), default=True, db_default=True)

    objects: ClassVar[UserManager] = UserManager()
    REQUIRED_FIELDS: ClassVar[list[str]] = ["name", "email"]

    class Meta:
        verbose_name = _("사용자")
        verbose_name_plural = _("사용자")

    def __str__(self) -> str:
        return f"{self.name} ({self.username})"

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name

    @property
    def login_id(self) -> str:
        """The web login id, or "" for a customer without one (the generated username is nobody's)."""
        return self.username if self.has_web_login else ""

    @property
    def is_customer(self) -> bool:
        return self.role == self.Role.CUSTOMER

    @property
    def is_bank_staff(self) -> bool:
        return self.role in self.STAFF_ROLES

    @property
    def is_manager(self) -> bool:
        return self.role == self.Role.MANAGER

    def home_url(self) -> str:
        return reverse("staff:today") if self.is_bank_staff else reverse("me:home")


CUSTOMER_NO_PREFIX = "C"
WALK_IN_USERNAME_PREFIX = "walkin-"


def customer_no_for(profile_pk: int) -> str:
    return f"{CUSTOMER_NO_PREFIX}{profile_pk:08d}"


def profile_pk_from_customer_no(customer_no: str) -> int | None:
    """C00001234 → 1234; anything else → None (a lookup that finds nobody)."""
    text = (customer_no or "").strip().upper()
    if len(text) != 9 or not text.startswith(CUSTOMER_NO_PREFIX) or not text[1:].isdigit():
        return None
    return int(text[1:]) or None


class CustomerProfile(models.Model):
    """The bank's customer (손님), with or without a web login.

    The customer number is the profile's primary key written as C00001234: unique by construction,
    never reused, and known the moment the row exists (no second write, no sequence to keep in step
    on SQLite and PostgreSQL alike).
    """

    class Tier(models.TextChoices):
        GENERAL = "general", _("일반")
        GOLD = "gold", _("골드")
        VIP = "vip", _("VIP")
        PRIVATE = "private", _("프라이빗")

    class Interest(models.TextChoices):
        DEPOSIT = "deposit", _("예적금")
        LOAN = "loan", _("대출")
        INVESTMENT = "investment", _("투자")
        FOREX = "forex", _("외환")
        CARD = "card", _("카드")
        PENSION = "pension", _("연금")

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="customer_profile")
    gender = models.CharField(_("성별"), max_length=1, choices=Gender.choices, blank=True)
    # Unique: one customer per mobile number, which is also what a walk-in registration and an API
    # record race on (the loser finds the winner's row).
    phone = models.CharField(_("휴대폰"), max_length=16, unique=True, validators=[korean_mobile_validator])
    phone_verified_at = models.DateTimeField(_("휴대폰 인증 일시"), null=True, blank=True)
    birth_date = models.DateField(_("생년월일"))
    job = models.CharField(_("직업"), max_length=50, blank=True)
    postcode = models.CharField(_("우편번호"), max_length=5, blank=True)
    address = models.CharField(_("주소"), max_length=200, blank=True)
    address_detail = models.CharField(_("상세주소"), max_length=100, blank=True)
    interest = models.CharField(_("관심분야"), max_length=16, choices=Interest.choices, blank=True)
    tier = models.CharField(_("고객등급"), max_length=16, choices=Tier.choices, default=Tier.GENERAL)
    marketing_consent = models.BooleanField(_("마케팅 수신 동의"), default=False)
    marketing_consent_at = models.DateTimeField(_("동의 변경 일시"), null=True, blank=True)
    # 정보통신망법 §50: advertising 21:00–08:00 needs a consent of its own, separate from marketing_consent.
    marketing_night_consent = models.BooleanField(_("야간 광고 수신 동의"), default=False, db_default=False)
    digital_education = models.BooleanField(_("디지털 교육 이수"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when a manager merged this record into another: old links and references follow it.
    merged_into = models.ForeignKey(
        User,
        verbose_name=_("통합된 손님"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("손님 정보")
        verbose_name_plural = _("손님 정보")
        indexes = [models.Index(fields=["birth_date"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(merged_into=models.F("user")), name="profile_not_merged_into_self"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user.name} ({self.customer_no})"

    @property
    def customer_no(self) -> str:
        return customer_no_for(self.pk) if self.pk else ""


class StaffProfile(models.Model):
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="staff_profile")
    employee_no = models.CharField(_("사원번호"), max_length=20, unique=True)
    gender = models.CharField(_("성별"), max_length=1, choices=Gender.choices, blank=True)
    branch = models.ForeignKey(
        "branches.Branch", verbose_name=_("소속 지점"), on_delete=models.PROTECT, related_name="staff"
    )
    channel = models.ForeignKey(
        "consultations.Channel", verbose_name=_("상담 채널"), on_delete=models.PROTECT, related_name="staff"
    )

    class Meta:
        verbose_name = _("직원 정보")
        verbose_name_plural = _("직원 정보")

    def __str__(self) -> str:
        return f"{self.user.name} ({self.employee_no})"


class Favourite(models.Model):
    """A staff member's starred customer (FAVORITES in the original project)."""

    staff = models.ForeignKey(User, on_delete=models.CASCADE, related_name="favourites")
    customer = models.ForeignKey(User, on_delete=models.CASCADE, related_name="starred_by")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("즐겨찾기")
        verbose_name_plural = _("즐겨찾기")
        constraints = [
            models.UniqueConstraint(fields=["staff", "customer"], name="favourite_once"),
            models.CheckConstraint(condition=~Q(staff=models.F("customer")), name="favourite_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.staff_id} ★ {self.customer_id}"


class PhoneVerification(models.Model):
    """A one-time code sent by SMS; only its hash is stored."""

    class Purpose(models.TextChoices):
        SIGNUP = "signup", _("회원가입")
        PASSWORD_RESET = "password_reset", _("비밀번호 재설정")
        PHONE_CHANGE = "phone_change", _("휴대폰 변경")
        LOGIN = "login", _("로그인 추가 인증")

    phone = models.CharField(max_length=16, validators=[korean_mobile_validator], db_index=True)
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    code_hash = models.CharField(max_length=128)
    requested_ip = models.GenericIPAddressField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    expires_at = models.DateTimeField()
    verified_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("휴대폰 인증")
        verbose_name_plural = _("휴대폰 인증")
        indexes = [models.Index(fields=["requested_ip", "created_at"])]

    def __str__(self) -> str:
        return f"{self.phone} {self.purpose} {self.created_at:%Y-%m-%d %H:%M}"


class LoginFailure(models.Model):
    """One wrong password for a login id from an address (the limits: customers/throttle.py)."""

    username = models.CharField(max_length=150)
    ip = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("로그인 실패")
        verbose_name_plural = _("로그인 실패")
        indexes = [
            models.Index(fields=["username", "ip", "at"]),
            models.Index(fields=["username", "at"], name="login_failure_account"),
            models.Index(fields=["ip", "at"], name="login_failure_address"),
        ]

    def __str__(self) -> str:
        return f"{self.username} {self.ip} {self.at:%Y-%m-%d %H:%M}"
