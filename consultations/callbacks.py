"""Callback requests: a customer asks the bank to phone them; the contact center (or the branch the
request came from) works the queue. Writes with their rules, reads of the queue, and the alarm."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditEntry
from audit.services import audit_write
from branches.models import Branch
from core.business_hours import business_deadline
from core.params import beyond_horizon
from core.phone import normalize_korean_mobile
from customers.models import CustomerProfile, User
from messaging.models import Purpose
from messaging.outbox import message_enqueue

from .models import Callback, Consultation, MainCategory

log = logging.getLogger(__name__)
ASAP_ALERT_BUSINESS_HOURS = 2


def _next_opening(moment: dt.datetime) -> dt.datetime:
    """`moment` inside business hours, else the next business opening (nights, weekends, holidays)."""
    return business_deadline(moment, 0)


@transaction.atomic
def callback_request(
    *,
    customer: User,
    phone: str,
    main_category: MainCategory,
    topic: str = "",
    when: str = Callback.When.ASAP,
    window_start: dt.datetime | None = None,
    window_end: dt.datetime | None = None,
    branch: Branch | None = None,
    origin: Consultation | None = None,
    now: dt.datetime | None = None,
) -> Callback:
    now = now or timezone.now()
    try:
        phone = normalize_korean_mobile(phone)
    except ValidationError as exc:
        raise ValidationError({"phone": exc.messages}, code="phone") from exc
    if origin is not None and origin.customer_id != customer.pk:
        raise PermissionDenied
    callback = Callback(
        customer=customer,
        phone=phone,
        main_category=main_category,
        topic=topic.strip()[:200],
        when=when,
        branch=branch if branch is not None and branch.kind == Branch.Kind.BRANCH else None,
        origin=origin,
    )
    if when == Callback.When.WINDOW:
        if window_start is None or window_end is None or window_end <= window_start:
            raise ValidationError(_("통화를 원하는 시작·종료 시간을 확인해 주세요."), code="window")
        if window_end <= now:
            raise ValidationError(_("이미 지난 시간입니다."), code="past")
        if beyond_horizon(window_end, now):
            raise ValidationError(_("통화 희망 시간은 2년 안에서 정해 주세요."), code="horizon")
        callback.window_start, callback.window_end = window_start, window_end
        callback.due_at = _next_opening(max(window_start, now))
    else:
        callback.due_at = _next_opening(now)
        callback.alert_at = business_deadline(now, ASAP_ALERT_BUSINESS_HOURS)
    callback.full_clean()
    callback.save()
    return callback


def _locked(callback: Callback) -> Callback:
    return Callback.objects.select_for_update(of=("self",)).select_related("customer").get(pk=callback.pk)


@transaction.atomic
def callback_cancel(*, callback: Callback, by: User) -> Callback:
    callback = _locked(callback)
    if not callback.is_open:
        raise ValidationError(_("이미 끝난 요청입니다."), code="not_open")
    callback.status = Callback.Status.CANCELLED
    callback.closed_at = timezone.now()
    callback.save(update_fields=["status", "closed_at"])
    return callback


@transaction.atomic
def callback_claim(*, callback: Callback, by: User, ip: str | None = None) -> Callback:
    """Take a waiting request: of two staff members pressing at once, one gets it."""
    callback = _locked(callback)
    if callback.status != Callback.Status.WAITING:
        raise ValidationError(_("이미 다른 직원이 맡았거나 끝난 요청입니다."), code="not_waiting")
    callback.status, callback.claimed_by, callback.claimed_at = Callback.Status.CLAIMED, by, timezone.now()
    callback.save(update_fields=["status", "claimed_by", "claimed_at"])
    audit_write(
        actor=by,
        ip=ip,
        customer=callback.customer,
        action=AuditEntry.Action.UPDATE,
        target=f"callback {callback.pk}",
    )
    return callback


@transaction.atomic
def callback_unreachable(
    *, callback: Callback, by: User, retry_at: dt.datetime | None, ip: str | None = None
) -> Callback:
    """The call did not connect: back in the queue at `retry_at`, or closed with an SMS at the third try."""
    callback = _locked(callback)
    if callback.status != Callback.Status.CLAIMED or callback.claimed_by_id != by.pk:
        raise ValidationError(_("먼저 이 요청을 맡아 주세요."), code="not_claimed")
    now = timezone.now()
    callback.attempts += 1
    if callback.attempts >= Callback.MAX_ATTEMPTS:
        callback.status, callback.closed_at = Callback.Status.UNREACHABLE, now
        message_enqueue(
            purpose=Purpose.CALLBACK_UNREACHABLE,
            customer=callback.customer,
            to_phone=callback.phone,
            key=f"callback:{callback.pk}:unreachable",
            context={"created_at": callback.created_at},
        )
    else:
        if retry_at is None or retry_at <= now:
            raise ValidationError(_("다시 걸 시간을 정해 주세요."), code="retry_at")
        if beyond_horizon(retry_at, now):
            raise ValidationError(_("다시 걸 시간은 2년 안에서 정해 주세요."), code="horizon")
        callback.status, callback.claimed_by, callback.claimed_at = Callback.Status.WAITING, None, None
        callback.due_at = _next_opening(retry_at)
    callback.save(update_fields=["attempts", "status", "closed_at", "claimed_by", "claimed_at", "due_at"])
    audit_write(
        actor=by,
        ip=ip,
        customer=callback.customer,
        action=AuditEntry.Action.UPDATE,
        target=f"callback {callback.pk}",
        detail={"unreachable": callback.attempts},
    )
    return callback


def callback_complete(*, callback: Callback, consultation: Consultation, by: User) -> Callback:
    """Inside consultation_record's transaction: the note closes the request it answers."""
    callback = _locked(callback)
    if callback.status != Callback.Status.CLAIMED or callback.claimed_by_id != by.pk:
        raise ValidationError(_("먼저 이 콜백 요청을 맡아 주세요."), code="not_claimed")
    if callback.customer_id != consultation.customer_id:
        raise ValidationError(_("다른 손님의 요청입니다."), code="wrong_customer")
    callback.status, callback.consultation, callback.closed_at = (
        Callback.Status.DONE,
        consultation,
        timezone.now(),
    )
    callback.save(update_fields=["status", "consultation", "closed_at"])
    return callback


# --- reads ---------------------------------------------------------------------------------------
def _visible_to(user: User) -> QuerySet[Callback]:
    qs = Callback.objects.select_related(
        "customer__customer_profile", "main_category", "branch", "claimed_by"
    )
    if user.role == User.Role.TELLER:
        return qs.filter(branch_id=user.staff_profile.branch_id)
    return qs  # the contact center's agents and managers see every request


def callback_get_for_user(*, user: User, pk: int) -> Callback:
    if not user.is_authenticated:
        raise PermissionDenied
    if user.is_customer:
        qs = Callback.objects.filter(customer=user).select_related("main_category")
    elif user.is_bank_staff:
        qs = _visible_to(user)
    else:
        raise PermissionDenied
    try:
        return qs.get(pk=pk)
    except Callback.DoesNotExist as exc:
        raise Http404 from exc


_TIER_ORDER = Case(
    When(customer__customer_profile__tier=CustomerProfile.Tier.PRIVATE, then=Value(0)),
    When(customer__customer_profile__tier=CustomerProfile.Tier.VIP, then=Value(1)),
    When(customer__customer_profile__tier=CustomerProfile.Tier.GOLD, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)


def callback_queue(*, user: User) -> QuerySet[Callback]:
    """Open requests the user may work, by due time, then the customer's tier (highest first)."""
    return (
        _visible_to(user)
        .filter(status__in=Callback.OPEN)
        .annotate(tier_rank=_TIER_ORDER)
        .order_by("due_at", "tier_rank", "created_at")
    )


def callback_list_for_customer(*, customer: User) -> QuerySet[Callback]:
    return Callback.objects.filter(customer=customer).select_related("main_category").order_by("-created_at")


# --- alarm ---------------------------------------------------------------------------------------
def callback_asap_alarm(*, now: dt.datetime | None = None) -> int:
    """Tell the managers, once per request, of an ASAP callback nobody claimed in 2 business hours.

    The flag is set by a conditional UPDATE in the transaction that sends, so overlapping runs
    cannot both alert, and a failed email leaves the request for the next run."""
    now = now or timezone.now()
    pending = list(
        Callback.objects.filter(
            status=Callback.Status.WAITING,
            when=Callback.When.ASAP,
            alert_at__lte=now,
            alerted_at__isnull=True,
        ).values_list("pk", flat=True)[:500]
    )
    if not pending:
        return 0
    emails = list(
        User.objects.filter(role=User.Role.MANAGER, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    alerted = 0
    for pk in pending:
        try:
            with transaction.atomic():
                if not Callback.objects.filter(
                    pk=pk, status=Callback.Status.WAITING, alerted_at__isnull=True
                ).update(alerted_at=now):
                    continue
                callback = Callback.objects.select_related("customer").get(pk=pk)
                if emails:
                    send_mail(
                        _("[omnihana] 2시간 넘게 대기 중인 콜백 요청"),
                        _(
                            "%(created)s에 요청한 %(name)s 손님의 '가능한 빨리' 콜백을 아무도 맡지 않았습니다.\n%(url)s"
                        )
                        % {
                            "created": f"{timezone.localtime(callback.created_at):%Y-%m-%d %H:%M}",
                            "name": callback.customer.name,
                            "url": reverse("staff:callbacks"),
                        },
                        settings.DEFAULT_FROM_EMAIL,
                        emails,
                    )
                alerted += 1
        except Exception:
            log.exception("callback alarm for %s failed; retried on the next run", pk)
    return alerted
