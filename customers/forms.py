from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import RegexValidator
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import style_fields
from core.params import BoundedDateField
from core.phone import format_korean_mobile, normalize_korean_mobile
from core.request import client_ip

from .models import (
    CustomerProfile,
    Gender,
    PhoneVerification,
    User,
    login_id_validator,
    profile_pk_from_customer_no,
)
from .otp import otp_consume, otp_send, otp_verify, phone_has_login, phone_is_registered
from .services import customer_by_phone
from .throttle import (
    account_state,
    address_is_blocked,
    login_failed,
    login_is_locked,
    login_succeeded,
    login_tries_left,
    login_unlock,
    step_up_phone,
)

LOCKED = _(
    "비밀번호를 여러 번 잘못 입력해 로그인이 잠시 잠겼습니다. 15분 뒤에 다시 시도하시거나 "
    "휴대폰 인증으로 비밀번호를 재설정해 주세요."
)
ADDRESS_BLOCKED = _(
    "이 접속 위치에서 여러 아이디의 로그인 실패가 너무 많습니다. %(minutes)s분 뒤에 다시 시도해 주세요."
)
WAIT = _("비밀번호 오류가 이어져 잠시 기다려야 합니다. %(seconds)s초 뒤에 다시 시도해 주세요.")
STEP_UP_REQUIRED = _(
    "비밀번호 오류가 여러 번 있어 휴대폰 인증이 필요합니다. ‘인증번호 받기’를 누르고 등록된 "
    "휴대폰으로 받은 인증번호를 비밀번호와 함께 입력해 주세요."
)
TRIES_LEFT = _(
    "아이디 또는 비밀번호가 올바르지 않습니다. %(left)s번 더 틀리면 로그인이 %(minutes)s분 동안 잠깁니다."
)
WRONG_AND_LOCKED = _(
    "아이디 또는 비밀번호가 올바르지 않습니다. 여러 번 틀려 로그인이 %(minutes)s분 동안 잠겼습니다. "
    "그 뒤에 다시 시도하시거나 휴대폰 인증으로 비밀번호를 재설정해 주세요."
)
STEP_UP_SENT = _("등록된 휴대폰으로 인증번호를 보냈습니다. 3분 안에 비밀번호와 함께 입력해 주세요.")
STEP_UP_WRONG = _("인증번호가 맞지 않습니다. 인증번호를 다시 받아 주세요.")


class ThrottledLoginMixin:
    """The login limits of customers/throttle.py: per (login id, address), per address across
    accounts, and per account (a growing delay, then the SMS step-up); used by our login page and
    by the admin's (which has no code field: staff have no phone on file)."""

    request: HttpRequest | None
    cleaned_data: dict
    data: Any
    step_up_required = False

    def _check_limits(self, username: str) -> PhoneVerification | None:
        """Refuse a try the limits do not let through (before the password is checked); returns
        the verified step-up code, if one was needed."""
        assert self.request is not None
        if address_is_blocked(request=self.request):
            raise forms.ValidationError(
                ADDRESS_BLOCKED % {"minutes": settings.LOGIN_FAILURE_WINDOW_MINUTES}, code="address_blocked"
            )
        if login_is_locked(request=self.request, username=username):
            raise forms.ValidationError(LOCKED, code="locked")
        state = account_state(username)
        if state.wait_seconds:
            raise forms.ValidationError(WAIT % {"seconds": state.wait_seconds}, code="wait")
        if not state.step_up:
            return None
        self.step_up_required = True
        phone = step_up_phone(username)
        if self.data.get("send_code"):
            if phone is not None:  # an unknown id gets the same answer, and no SMS
                otp_send(phone=phone, purpose=PhoneVerification.Purpose.LOGIN, ip=client_ip(self.request))
            raise forms.ValidationError(STEP_UP_SENT, code="step_up_sent")
        code = self.cleaned_data.get("code")
        if not code:
            # Counted although the password is not compared: while someone keeps guessing, the
            # account stays behind the step-up (which never keeps out the owner, who has the phone).
            login_failed(request=self.request, username=username)
            raise forms.ValidationError(STEP_UP_REQUIRED, code="step_up")
        if phone is None:
            raise forms.ValidationError(STEP_UP_WRONG, code="otp_wrong")
        return otp_verify(phone=phone, purpose=PhoneVerification.Purpose.LOGIN, code=code)

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        verification = None
        if username and self.request is not None:
            verification = self._check_limits(username)
        try:
            data = super().clean()  # type: ignore[misc]
        except forms.ValidationError as error:
            if error.code == "invalid_login" and username and self.request is not None:
                login_failed(request=self.request, username=username)
                left = login_tries_left(request=self.request, username=username)
                if left:
                    raise forms.ValidationError(
                        TRIES_LEFT % {"left": left, "minutes": settings.LOGIN_FAILURE_WINDOW_MINUTES},
                        code="invalid_login",
                    ) from error
                raise forms.ValidationError(
                    WRONG_AND_LOCKED % {"minutes": settings.LOGIN_FAILURE_WINDOW_MINUTES}, code="locked"
                ) from error
            raise
        if self.request is not None:
            login_succeeded(request=self.request, username=username)
        if verification is not None:  # the owner proved the phone: the account's failures are over
            otp_consume(verification)
            login_unlock(username=username)
        return data


class LoginForm(ThrottledLoginMixin, AuthenticationForm):
    username = forms.CharField(
        label=_("아이디"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("비밀번호"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": _("아이디 또는 비밀번호가 올바르지 않습니다."),
        "inactive": _("사용이 중지된 계정입니다. 가까운 영업점에 문의해 주세요."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"] = code_field(required=False)  # asked for only after the step-up starts
        if self.data.get("send_code"):  # asking for the step-up code needs no password yet
            self.fields["password"].required = False


class AdminLoginForm(ThrottledLoginMixin, AdminAuthenticationForm):
    pass


class CustomerSearchForm(forms.Form):
    q = forms.CharField(label=_("이름, 아이디 또는 휴대폰 번호"), required=False, max_length=50)
    birth_date = BoundedDateField(
        label=_("생년월일"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)

    def clean(self):
        data = super().clean()
        q = (data.get("q") or "").strip()
        if not q and not data.get("birth_date"):
            raise forms.ValidationError(_("검색어나 생년월일을 입력해 주세요."))
        if q and len(q) < 2:
            raise forms.ValidationError(_("검색어는 두 글자 이상 입력해 주세요."))
        return data


# --- sign-up, password reset by SMS, profile -------------------------------------------------


class PhoneField(forms.CharField):
    """A Korean mobile number as people type it; cleaned to E.164."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("휴대폰 번호"))
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={"inputmode": "tel", "autocomplete": "tel-national", "placeholder": "010-1234-5678"}
            ),
        )
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        return normalize_korean_mobile(value) if value else value


def code_field(required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=_("인증번호"),
        required=required,
        max_length=6,
        min_length=6,
        error_messages={"min_length": _("인증번호 6자리를 입력해 주세요.")},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}"}
        ),
    )


class AddressFieldsMixin(forms.Form):
    postcode = forms.CharField(
        label=_("우편번호"),
        required=False,
        max_length=5,
        validators=[RegexValidator(r"^[0-9]{5}$", _("우편번호는 숫자 5자리입니다."))],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "postal-code"}),
    )
    address = forms.CharField(
        label=_("주소"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    address_detail = forms.CharField(label=_("상세주소"), required=False, max_length=100)

    def clean_address_fields(self, data: dict) -> None:
        if data.get("address_detail") and not data.get("address"):
            self.add_error("address", _("상세주소를 쓰려면 주소를 먼저 입력해 주세요."))


class SignupForm(AddressFieldsMixin):
    username = forms.CharField(
        label=_("아이디"),
        max_length=20,
        validators=[login_id_validator],
        help_text=_("영문 소문자로 시작하는 4~20자 (영문 소문자, 숫자, 밑줄)"),
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password1 = forms.CharField(
        label=_("비밀번호"),
        strip=False,
        help_text=_("8자 이상, 숫자만으로 된 비밀번호나 흔한 비밀번호는 쓸 수 없습니다."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("비밀번호 확인"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    name = forms.CharField(
        label=_("이름"), max_length=50, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    gender = forms.ChoiceField(label=_("성별"), choices=Gender.choices, widget=forms.RadioSelect)
    birth_date = BoundedDateField(label=_("생년월일"), widget=forms.DateInput(attrs={"type": "date"}))
    phone = PhoneField()
    code = code_field()
    email = forms.EmailField(label=_("이메일"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    job = forms.CharField(label=_("직업"), required=False, max_length=50)
    interest = forms.ChoiceField(
        label=_("관심분야"),
        required=False,
        choices=[("", _("선택 안 함")), *CustomerProfile.Interest.choices],
    )
    privacy_consent = forms.BooleanField(
        label=_("(필수) 상담 이력 관리를 위한 개인정보 수집·이용에 동의합니다."),
        error_messages={"required": _("개인정보 수집·이용에 동의해야 가입할 수 있습니다.")},
    )
    marketing_consent = forms.BooleanField(
        label=_("(선택) 상품·혜택 안내 문자를 받겠습니다."), required=False
    )

    field_order = [
        "username", "password1", "password2", "name", "gender", "birth_date", "phone", "code", "email",
        "job", "interest", "postcode", "address", "address_detail", "privacy_consent", "marketing_consent",
    ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)
        self.verification: PhoneVerification | None = None

    def clean_username(self):
        username = self.cleaned_data["username"].strip().lower()
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("이미 사용 중인 아이디입니다."), code="username_taken")
        return username

    def clean_birth_date(self):
        birth = self.cleaned_data["birth_date"]
        today = timezone.localdate()
        age = today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
        if birth > today or age > 120:
            raise forms.ValidationError(_("생년월일을 확인해 주세요."))
        if age < 14:
            raise forms.ValidationError(_("만 14세 이상만 온라인으로 가입할 수 있습니다."))
        return birth

    def clean_phone(self):
        phone = self.cleaned_data["phone"]
        if phone_has_login(phone):
            raise forms.ValidationError(
                _("이미 가입된 휴대폰 번호입니다. 비밀번호를 잊으셨다면 비밀번호 재설정을 이용해 주세요."),
                code="phone_taken",
            )
        return phone

    def clean(self):
        data = super().clean()
        self.clean_address_fields(data)
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("비밀번호가 서로 다릅니다."))
        elif p1:
            probe = User(
                username=data.get("username", ""), name=data.get("name", ""), email=data.get("email", "")
            )
            try:
                password_validation.validate_password(p1, probe)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        if data.get("phone") and data.get("code") and not self.errors:
            try:
                self.verification = otp_verify(
                    phone=data["phone"], purpose=PhoneVerification.Purpose.SIGNUP, code=data["code"]
                )
            except forms.ValidationError as error:
                self.add_error("code", error)
        return data


def _clean_birth(birth):
    today = timezone.localdate()
    if birth > today or today.year - birth.year > 120:
        raise forms.ValidationError(_("생년월일을 확인해 주세요."), code="birth_date")
    return birth


class WalkInForm(AddressFieldsMixin):
    """A customer registered by staff at the counter or on the phone: no login, no password."""

    name = forms.CharField(label=_("이름"), max_length=50)
    birth_date = forms.DateField(label=_("생년월일"), widget=forms.DateInput(attrs={"type": "date"}))
    phone = PhoneField()
    gender = forms.ChoiceField(
        label=_("성별"), required=False, choices=[("", _("선택 안 함")), *Gender.choices]
    )
    marketing_consent = forms.BooleanField(
        label=_("(선택) 상품·혜택 안내 문자 수신에 동의했습니다."), required=False
    )

    field_order = ["name", "birth_date", "phone", "gender", "postcode", "address", "address_detail"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)
        self.existing: User | None = None

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("이름을 입력해 주세요."), code="required")
        return name

    def clean_birth_date(self):
        return _clean_birth(self.cleaned_data["birth_date"])

    def clean_phone(self):
        phone = self.cleaned_data["phone"]
        self.existing = customer_by_phone(phone)
        if self.existing is not None:
            raise forms.ValidationError(
                _("이 휴대폰 번호로 등록된 손님이 이미 있습니다."), code="phone_taken"
            )
        return phone

    def clean(self):
        data = super().clean()
        self.clean_address_fields(data)
        return data

    def service_data(self) -> dict:
        return {
            field: self.cleaned_data[field]
            for field in (
                "name", "birth_date", "phone", "gender", "postcode", "address", "address_detail",
                "marketing_consent",
            )
        }  # fmt: skip


class CustomerMergeForm(forms.Form):
    """Two customer numbers that are one person; on the confirming step, the reason."""

    keep = forms.RegexField(
        label=_("남길 손님번호"),
        regex=r"^[Cc]\d{8}$",
        max_length=9,
        error_messages={"invalid": _("손님번호는 C와 숫자 8자리입니다 (예: C00001234).")},
    )
    merge = forms.RegexField(
        label=_("통합할(없어질) 손님번호"),
        regex=r"^[Cc]\d{8}$",
        max_length=9,
        error_messages={"invalid": _("손님번호는 C와 숫자 8자리입니다 (예: C00001234).")},
    )
    reason = forms.CharField(
        label=_("통합 사유"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)
        self.customers: dict[str, User] = {}

    def _customer(self, field: str) -> User | None:
        number = self.cleaned_data[field].upper()
        pk = profile_pk_from_customer_no(number) or 0
        profile = CustomerProfile.objects.select_related("user").filter(pk=pk).first()
        if profile is None:
            self.add_error(field, _("이 번호의 손님이 없습니다."))
            return None
        if profile.merged_into_id:
            self.add_error(field, _("이미 다른 손님에 통합된 기록입니다."))
            return None
        return profile.user

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        for field in ("keep", "merge"):
            customer = self._customer(field)
            if customer is not None:
                self.customers[field] = customer
        if len(self.customers) == 2 and self.customers["keep"] == self.customers["merge"]:
            self.add_error("merge", _("같은 손님끼리는 통합할 수 없습니다."))
        return data


class PasswordResetRequestForm(forms.Form):
    username = forms.CharField(label=_("아이디"), max_length=150)
    phone = PhoneField(help_text=_("가입할 때 인증한 휴대폰 번호"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class PasswordResetConfirmForm(forms.Form):
    code = code_field()
    new_password1 = forms.CharField(
        label=_("새 비밀번호"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_("새 비밀번호 확인"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, user: User | None, phone: str, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)
        self.user = user
        self.phone = phone
        self.verification: PhoneVerification | None = None

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("new_password1"), data.get("new_password2")
        if p1 and p2 and p1 != p2:
            self.add_error("new_password2", _("비밀번호가 서로 다릅니다."))
        elif p1:
            try:
                password_validation.validate_password(p1, self.user)
            except forms.ValidationError as error:
                self.add_error("new_password1", error)
        if data.get("code") and not self.errors:
            try:
                self.verification = otp_verify(
                    phone=self.phone, purpose=PhoneVerification.Purpose.PASSWORD_RESET, code=data["code"]
                )
            except forms.ValidationError as error:
                self.add_error("code", error)
            else:
                if self.user is None:  # the code was sent, yet no such account: say only that it failed
                    self.add_error("code", _("아이디와 휴대폰 번호가 일치하는 계정이 없습니다."))
        return data


class ProfileForm(AddressFieldsMixin):
    email = forms.EmailField(label=_("이메일"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    phone = PhoneField(help_text=_("번호를 바꾸면 새 번호로 받은 인증번호를 입력해야 합니다."))
    code = code_field(required=False)
    job = forms.CharField(label=_("직업"), required=False, max_length=50)
    interest = forms.ChoiceField(
        label=_("관심분야"),
        required=False,
        choices=[("", _("선택 안 함")), *CustomerProfile.Interest.choices],
    )
    marketing_consent = forms.BooleanField(label=_("상품·혜택 안내 문자를 받겠습니다."), required=False)
    current_password = forms.CharField(
        label=_("현재 비밀번호"),
        strip=False,
        help_text=_("본인 확인을 위해 현재 비밀번호를 입력해 주세요."),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    field_order = [
        "email", "phone", "code", "job", "interest", "postcode", "address", "address_detail",
        "marketing_consent", "current_password",
    ]  # fmt: skip

    def __init__(self, *args, user: User, **kwargs):
        profile = user.customer_profile
        initial = {
            "email": user.email,
            "phone": format_korean_mobile(profile.phone),
            **{f: getattr(profile, f) for f in ("job", "interest", "postcode", "address", "address_detail")},
            "marketing_consent": profile.marketing_consent,
        }
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        style_fields(self)
        self.user = user
        self.verification: PhoneVerification | None = None

    def phone_changed(self) -> bool:
        return (
            bool(self.cleaned_data.get("phone"))
            and self.cleaned_data["phone"] != self.user.customer_profile.phone
        )

    def clean_current_password(self):
        password = self.cleaned_data["current_password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("현재 비밀번호가 올바르지 않습니다."), code="wrong_password")
        return password

    def clean(self):
        data = super().clean()
        self.clean_address_fields(data)
        if self.phone_changed() and not self.errors:
            if phone_is_registered(data["phone"]):
                self.add_error("phone", _("다른 계정에서 쓰고 있는 휴대폰 번호입니다."))
            elif not data.get("code"):
                self.add_error("code", _("새 휴대폰 번호로 받은 인증번호를 입력해 주세요."))
            else:
                try:
                    self.verification = otp_verify(
                        phone=data["phone"], purpose=PhoneVerification.Purpose.PHONE_CHANGE, code=data["code"]
                    )
                except forms.ValidationError as error:
                    self.add_error("code", error)
        return data
