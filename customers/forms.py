from __future__ import annotations

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import RegexValidator
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from messaging.phone import format_korean_mobile, normalize_korean_mobile

from .models import CustomerProfile, Gender, PhoneVerification, User, login_id_validator
from .otp import otp_verify, phone_is_registered
from .throttle import login_failed, login_is_locked, login_succeeded

LOCKED = _(
    "비밀번호를 여러 번 잘못 입력해 로그인이 잠시 잠겼습니다. 15분 뒤에 다시 시도하시거나 "
    "휴대폰 인증으로 비밀번호를 재설정해 주세요."
)


class ThrottledLoginMixin:
    """Five wrong passwords for a login id from one address lock that pair (customers/throttle.py);
    used by our login page and by the admin's."""

    request: HttpRequest | None
    cleaned_data: dict

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        if username and self.request is not None and login_is_locked(request=self.request, username=username):
            raise forms.ValidationError(LOCKED, code="locked")
        try:
            data = super().clean()  # type: ignore[misc]
        except forms.ValidationError as error:
            if error.code == "invalid_login" and username and self.request is not None:
                login_failed(request=self.request, username=username)
            raise
        if self.request is not None:
            login_succeeded(request=self.request, username=username)
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


class AdminLoginForm(ThrottledLoginMixin, AdminAuthenticationForm):
    pass


def style_fields(form: forms.Form, *, small: bool = False) -> None:
    """Bootstrap classes on every widget of a plain Django form."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.RadioSelect):
            continue
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select" + (" form-select-sm" if small else ""))
        else:
            widget.attrs.setdefault("class", "form-control" + (" form-control-sm" if small else ""))


class CustomerSearchForm(forms.Form):
    q = forms.CharField(label=_("이름, 아이디 또는 휴대폰 번호"), required=False, max_length=50)
    birth_date = forms.DateField(
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
        validators=[RegexValidator(r"^\d{5}$", _("우편번호는 숫자 5자리입니다."))],
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
    birth_date = forms.DateField(label=_("생년월일"), widget=forms.DateInput(attrs={"type": "date"}))
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
        if phone_is_registered(phone):
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
