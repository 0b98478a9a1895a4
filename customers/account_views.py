"""Sign-up with an SMS code, password reset by SMS, and the customer's own profile."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import mark_invalid, style_fields
from core.request import client_ip

from .forms import PasswordResetConfirmForm, PasswordResetRequestForm, ProfileForm, SignupForm
from .models import PhoneVerification, User
from .otp import otp_send
from .roles import AuthenticatedRequest, customer_required
from .services import customer_password_reset, customer_profile_update, customer_register

RESET_SESSION_KEY = "password_reset"


def _send_code(request: HttpRequest, *, phone: str, purpose: str) -> str:
    """Send a code and return the Korean sentence to show; ValidationError carries the refusal."""
    otp_send(phone=phone, purpose=purpose, ip=client_ip(request))
    return _("인증번호를 보냈습니다. 3분 안에 입력해 주세요.")


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _page_context(**extra: Any) -> dict[str, Any]:
    return {
        "postcode_enabled": settings.DAUM_POSTCODE_ENABLED,
        "otp_seconds": settings.OTP_TTL_SECONDS,
        **extra,
    }


@require_POST
def otp_send_view(request: HttpRequest) -> JsonResponse:
    """The 'send code' button: JSON in, JSON out (the pages also work without JavaScript)."""
    purpose = request.POST.get("purpose", "")
    if purpose == PhoneVerification.Purpose.PHONE_CHANGE:
        if not (request.user.is_authenticated and request.user.is_customer):  # type: ignore[union-attr]
            return JsonResponse({"ok": False, "error": _("로그인이 필요합니다.")}, status=403)
    elif purpose != PhoneVerification.Purpose.SIGNUP:
        return JsonResponse({"ok": False, "error": _("잘못된 요청입니다.")}, status=400)
    try:
        text = _send_code(request, phone=request.POST.get("phone", ""), purpose=purpose)
    except ValidationError as error:
        return JsonResponse({"ok": False, "error": _error_text(error)}, status=400)
    return JsonResponse({"ok": True, "message": text, "expires_in": settings.OTP_TTL_SECONDS})


def signup_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(request.user.home_url())  # type: ignore[union-attr]
    form = SignupForm(request.POST or None)
    notice = ""
    if request.method == "POST" and request.POST.get("action") == "send_code":
        # Without JavaScript the button submits the whole form; send the code and show it again.
        form.errors.clear()  # only the phone matters for this step
        try:
            notice = _send_code(
                request, phone=request.POST.get("phone", ""), purpose=PhoneVerification.Purpose.SIGNUP
            )
        except ValidationError as error:
            form.add_error("phone", error)
    elif request.method == "POST" and form.is_valid():
        try:
            assert form.verification is not None
            user = customer_register(data=form.cleaned_data, verification=form.verification)
        except ValidationError as error:
            # A refused claim belongs to no field: the person did nothing wrong on this form.
            field = {"phone_taken": "phone", "claim_refused": None}.get(error.code or "", "code")
            form.add_error(field, error)
        except IntegrityError:
            form.add_error(
                None, _("방금 같은 아이디나 휴대폰 번호로 가입이 완료되었습니다. 확인 후 다시 시도해 주세요.")
            )
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("%(name)s 님, 가입을 환영합니다.") % {"name": user.name})
            return redirect("me:home")
    mark_invalid(form, ("phone", "code"))
    return render(request, "customers/signup.html", _page_context(form=form, notice=notice))


def password_reset_view(request: HttpRequest) -> HttpResponse:
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"].strip().lower()
        phone = form.cleaned_data["phone"]
        owner_exists = User.objects.filter(
            username__iexact=username, role=User.Role.CUSTOMER, customer_profile__phone=phone, is_active=True
        ).exists()
        try:
            # Both cases count against the number's and the address's limits and answer the same,
            # so neither the message nor a limit tells whether the login and number belong together.
            otp_send(
                phone=phone,
                purpose=PhoneVerification.Purpose.PASSWORD_RESET,
                ip=client_ip(request),
                decoy=not owner_exists,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            request.session[RESET_SESSION_KEY] = {"username": username, "phone": phone}
            # The same words whether or not the account exists: the page does not confirm who is a customer.
            messages.info(request, _("입력하신 정보가 가입 정보와 같으면 휴대폰으로 인증번호를 보냈습니다."))
            return redirect("password_reset_confirm")
    return render(request, "customers/password_reset.html", {"form": form})


def password_reset_confirm_view(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(RESET_SESSION_KEY)
    if not pending:
        return redirect("password_reset")
    user = User.objects.filter(
        username__iexact=pending["username"],
        role=User.Role.CUSTOMER,
        customer_profile__phone=pending["phone"],
    ).first()
    form = PasswordResetConfirmForm(request.POST or None, user=user, phone=pending["phone"])
    if request.method == "POST" and form.is_valid() and user is not None:
        try:
            assert form.verification is not None
            customer_password_reset(
                user=user, password=form.cleaned_data["new_password1"], verification=form.verification
            )
        except ValidationError as error:
            form.add_error("code", error)
        else:
            del request.session[RESET_SESSION_KEY]
            messages.success(request, _("비밀번호를 바꿨습니다. 새 비밀번호로 로그인해 주세요."))
            return redirect("login")
    return render(request, "customers/password_reset_confirm.html", {"form": form, "pending": pending})


@customer_required
def profile_view(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    form = ProfileForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            customer_profile_update(user=user, data=form.cleaned_data, verification=form.verification)
        except ValidationError as error:
            form.add_error("code", error)
        except IntegrityError:
            form.add_error("phone", _("다른 계정에서 쓰고 있는 휴대폰 번호입니다."))
        else:
            messages.success(request, _("내 정보를 저장했습니다."))
            return redirect("me:profile")
    return render(request, "customers/profile.html", _page_context(form=form, profile=user.customer_profile))


class CustomerPasswordChangeView(auth_views.PasswordChangeView):
    template_name = "customers/password_change.html"
    success_url = reverse_lazy("me:profile")

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        style_fields(form)
        return form

    def form_valid(self, form):
        response = super().form_valid(form)
        update_session_auth_hash(self.request, form.user)
        messages.success(self.request, _("비밀번호를 바꿨습니다."))
        return response


password_change_view = customer_required(CustomerPasswordChangeView.as_view())
