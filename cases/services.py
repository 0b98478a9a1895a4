"""Everything that changes a case. Each service is one transaction: the case row, its entry, the
audit entry and the customer's SMS (an outbox row) are stored together or not at all.

Lock order: the case row first (select_for_update), then whatever else is written, so two people
acting on one case take turns and the second one sees what the first one did.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditEntry
from audit.services import audit_write
from consultations.models import Channel, Consultation, MainCategory, MiddleCategory
from core.business_hours import business_deadline, business_hours_between
from customers.models import User
from inquiries.models import Inquiry
from messaging.models import Purpose
from messaging.outbox import message_enqueue

from .models import Case, CaseEntry, Team, TeamMember

log = logging.getLogger(__name__)


def case_deadline_hours(*, kind: str, priority: str) -> float:
    """Business hours a case of this type and priority has (CASE_DEADLINE_BUSINESS_HOURS)."""
    table = settings.CASE_DEADLINE_BUSINESS_HOURS
    try:
        return float(table[kind][priority])
    except KeyError as exc:
        raise ValidationError(_("처리기한이 정해지지 않은 유형/중요도입니다."), code="no_deadline") from exc


def case_deadline(*, start: dt.datetime, kind: str, priority: str, team: Team | None = None) -> dt.datetime:
    """The deadline counted on the owning team's working day (the bank's when no team is given)."""
    day = team.working_day if team is not None else None
    return business_deadline(start, case_deadline_hours(kind=kind, priority=priority), day)


def is_member(*, team: Team | None, user: User) -> bool:
    if team is None or not user.is_authenticated:
        return False
    return TeamMember.objects.filter(team=team, user=user).exists()


def may_work(*, case: Case, user: User) -> bool:
    """The owning team's members, the person holding the case, and the bank's managers."""
    return user.is_bank_staff and (
        user.is_manager
        or case.assignee_id == user.pk
        or case.team.manager_id == user.pk
        or is_member(team=case.team, user=user)
    )


def _refuse_unless_working(case: Case, user: User) -> None:
    if not may_work(case=case, user=user):
        raise ValidationError(_("이 사건을 처리할 수 있는 팀의 직원이 아닙니다."), code="not_in_team")


def _resolve(case: Case, at: dt.datetime) -> list[str]:
    """The first resolution of a case: when, and how many business hours it took."""
    if case.resolved_at is not None:
        return []
    case.resolved_at = at
    case.resolution_hours = round(business_hours_between(case.opened_at, at, case.team.working_day), 2)
    return ["resolved_at", "resolution_hours"]


def _refuse_if_closed(case: Case) -> None:
    if case.status == Case.Status.CLOSED:
        raise ValidationError(_("종결된 사건입니다."), code="closed")


def _locked(case: Case) -> Case:
    return (
        Case.objects.select_related("team", "customer", "assignee")
        .select_for_update(of=("self",))
        .get(pk=case.pk)
    )


def _entry(case: Case, *, kind: str, by: User | None, body: str = "", **fields: object) -> CaseEntry:
    fields.setdefault("created_at", timezone.now())
    return CaseEntry.objects.create(
        case=case, kind=kind, author=by, body=body, status_after=case.status, **fields
    )


def _audit(case: Case, *, by: User | None, action: str, what: str, api_client_id: int | None = None) -> None:
    audit_write(
        actor=by,
        api_client_id=api_client_id,
        customer_id=case.customer_id,
        action=action,
        target=f"case:{case.pk}",
        detail={"step": what},
    )


def _field_error(field: str, message: str, code: str) -> ValidationError:
    """A form-field error that keeps its code (a dict of plain messages would drop it)."""
    return ValidationError({field: ValidationError(message, code=code)})


def _text(value: str, *, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise _field_error(field, message, "required")
    return value


def _team_of(user: User | None) -> Team | None:
    """The team a person acts for: their first team by name (most staff are in one)."""
    if user is None:
        return None
    return Team.objects.filter(memberships__user=user, is_active=True).order_by("name").first()


@transaction.atomic
def case_open(
    *,
    customer: User,
    kind: str,
    priority: str,
    title: str,
    description: str,
    team: Team,
    main_category: MainCategory,
    middle_category: MiddleCategory | None = None,
    channel: Channel | None = None,
    by: User | None = None,
    source_consultation: Consultation | None = None,
    source_inquiry: Inquiry | None = None,
    source_client_id: int | None = None,
    external_id: str | None = None,
    ip: str | None = None,
) -> Case:
    """Open a case for `team`; the customer is told its number and deadline by SMS."""
    if not customer.is_customer:
        raise _field_error("customer", _("손님에게만 사건을 접수할 수 있습니다."), "not_customer")
    if by is not None and not by.is_bank_staff:
        raise ValidationError(_("직원만 사건을 접수할 수 있습니다."), code="not_staff")
    if not team.is_active:
        raise _field_error("team", _("운영 중인 팀을 고르세요."), "inactive_team")
    if middle_category is not None and middle_category.main_id != main_category.pk:
        raise _field_error("middle_category", _("대분류에 속한 중분류를 고르세요."), "category")
    if source_consultation is not None and source_consultation.customer_id != customer.pk:
        raise ValidationError(_("다른 손님의 상담입니다."), code="other_customer")
    if source_inquiry is not None and source_inquiry.customer_id != customer.pk:
        raise ValidationError(_("다른 손님의 문의입니다."), code="other_customer")
    now = timezone.now()
    opened_team = _team_of(by)
    case = Case(
        customer=customer,
        kind=kind,
        priority=priority,
        title=_text(title, field="title", message=_("제목을 입력해 주세요.")),
        description=_text(description, field="description", message=_("내용을 입력해 주세요.")),
        team=team,
        main_category=main_category,
        middle_category=middle_category,
        channel=channel,
        opened_by=by,
        opened_team=opened_team,
        sent_from_team=opened_team if opened_team != team else None,
        sent_by=by,
        source_consultation=source_consultation,
        source_inquiry=source_inquiry,
        source_client_id=source_client_id,
        external_id=external_id or None,
        opened_at=now,
        due_at=case_deadline(start=now, kind=kind, priority=priority, team=team),
    )
    case.full_clean(exclude=["customer", "team", "main_category", "middle_category", "channel"])
    case.save()
    _entry(
        case, kind=CaseEntry.Kind.OPENED, by=by, body=case.description, from_team=opened_team, to_team=team
    )
    audit_write(
        actor=by,
        api_client_id=source_client_id,
        ip=ip,
        customer=customer,
        action=AuditEntry.Action.CREATE,
        target=f"case:{case.pk}",
        detail={"step": "open", "team": team.code, "kind": kind},
    )
    message_enqueue(
        purpose=Purpose.CASE_OPENED,
        key=f"case:{case.pk}:opened",
        customer=customer,
        context={"number": case.number, "due_at": case.due_at},
    )
    return case


class OpenOutcome(enum.Enum):
    CREATED = "created"
    STORED = "stored"  # the same external id was posted before: nothing new is written


@dataclass(frozen=True)
class OpenResult:
    outcome: OpenOutcome
    case: Case


def case_open_once(*, source_client_id: int, external_id: str, **fields: object) -> OpenResult:
    """Another system's case, at most once per (client, external id), even when it posts twice at once."""
    existing = Case.objects.filter(source_client_id=source_client_id, external_id=external_id).first()
    if existing is not None:
        return OpenResult(OpenOutcome.STORED, existing)
    try:
        with transaction.atomic():
            case = case_open(source_client_id=source_client_id, external_id=external_id, **fields)  # type: ignore[arg-type]
    except IntegrityError:
        # The unique (client, external id) constraint: a concurrent post of the same id won.
        existing = Case.objects.filter(source_client_id=source_client_id, external_id=external_id).first()
        if existing is None:
            raise
        return OpenResult(OpenOutcome.STORED, existing)
    return OpenResult(OpenOutcome.CREATED, case)


@transaction.atomic
def case_accept(*, case: Case, by: User) -> Case:
    """A member of the receiving team takes the case. Of two at once, one wins; the other is told who."""
    case = _locked(case)
    _refuse_unless_working(case, by)
    _refuse_if_closed(case)
    if case.assignee_id is not None and case.assignee_id != by.pk and case.status == Case.Status.IN_PROGRESS:
        raise ValidationError(
            _("방금 %(name)s 님이 이 사건을 맡았습니다.")
            % {"name": case.assignee.name if case.assignee else ""},
            code="already_taken",
        )
    if case.status not in (Case.Status.RECEIVED, Case.Status.RETURNED):
        raise ValidationError(_("접수 또는 반려 상태의 사건만 맡을 수 있습니다."), code="bad_status")
    case.assignee = by
    case.status = Case.Status.IN_PROGRESS
    case.save(update_fields=["assignee", "status"])
    _entry(case, kind=CaseEntry.Kind.ACCEPTED, by=by, to_team=case.team)
    _audit(case, by=by, action=AuditEntry.Action.UPDATE, what="accept")
    return case


@transaction.atomic
def case_transfer(*, case: Case, team: Team, note: str, by: User) -> Case:
    """Hand the case to another team with a note; it waits there, unassigned, to be accepted or returned."""
    case = _locked(case)
    _refuse_unless_working(case, by)
    _refuse_if_closed(case)
    note = _text(note, field="note", message=_("이관 사유를 입력해 주세요."))
    if team.pk == case.team_id:
        raise _field_error("team", _("지금 담당하는 팀입니다. 다른 팀을 고르세요."), "same_team")
    if not team.is_active:
        raise _field_error("team", _("운영 중인 팀을 고르세요."), "inactive_team")
    from_team = case.team
    case.sent_from_team, case.sent_by = from_team, by
    case.team, case.assignee, case.status = team, None, Case.Status.RECEIVED
    case.save(update_fields=["sent_from_team", "sent_by", "team", "assignee", "status"])
    _entry(case, kind=CaseEntry.Kind.TRANSFERRED, by=by, body=note, from_team=from_team, to_team=team)
    _audit(case, by=by, action=AuditEntry.Action.UPDATE, what="transfer")
    return case


@transaction.atomic
def case_return(*, case: Case, reason: str, by: User) -> Case:
    """반려: the receiving team sends the case back to whoever sent it, saying why."""
    case = _locked(case)
    _refuse_unless_working(case, by)
    reason = _text(reason, field="reason", message=_("반려 사유를 입력해 주세요."))
    if case.status not in (Case.Status.RECEIVED, Case.Status.IN_PROGRESS) or case.sent_by_id is None:
        raise ValidationError(_("보낸 사람이 있는 접수·처리중 사건만 반려할 수 있습니다."), code="bad_status")
    from_team = case.team
    if case.sent_from_team_id is not None:
        case.team_id = case.sent_from_team_id
    case.assignee_id, case.status = case.sent_by_id, Case.Status.RETURNED
    case.sent_from_team, case.sent_by = from_team, by
    case.save(update_fields=["team", "assignee", "status", "sent_from_team", "sent_by"])
    case.refresh_from_db(fields=["team"])
    _entry(case, kind=CaseEntry.Kind.RETURNED, by=by, body=reason, from_team=from_team, to_team=case.team)
    _audit(case, by=by, action=AuditEntry.Action.UPDATE, what="return")
    return case


@transaction.atomic
def case_note(*, case: Case, body: str, by: User) -> CaseEntry:
    """An internal note: staff read it on the case and the timeline, the customer never does."""
    case = _locked(case)
    _refuse_unless_working(case, by)
    body = _text(body, field="body", message=_("메모를 입력해 주세요."))
    entry = _entry(case, kind=CaseEntry.Kind.NOTE, by=by, body=body)
    _audit(case, by=by, action=AuditEntry.Action.UPDATE, what="note")
    return entry


@transaction.atomic
def case_answer(*, case: Case, body: str, by: User) -> CaseEntry:
    """The bank's answer to the customer (public); they get an SMS pointing to /me/cases/."""
    case = _locked(case)
    _refuse_unless_working(case, by)
    _refuse_if_closed(case)
    body = _text(body, field="body", message=_("답변을 입력해 주세요."))
    now = timezone.now()
    case.status = Case.Status.ANSWERED
    fields = ["status"]
    if case.assignee_id is None:
        case.assignee = by
        fields.append("assignee")
    if case.answered_at is None:
        case.answered_at = now
        fields.append("answered_at")
    fields += _resolve(case, now)
    case.save(update_fields=fields)
    entry = _entry(case, kind=CaseEntry.Kind.ANSWERED, by=by, body=body, is_public=True, created_at=now)
    _audit(case, by=by, action=AuditEntry.Action.UPDATE, what="answer")
    message_enqueue(
        purpose=Purpose.CASE_ANSWERED,
        key=f"case:{case.pk}:answered:{entry.pk}",
        customer=case.customer,
        context={"number": case.number, "title": case.title},
    )
    return entry


@transaction.atomic
def case_close(*, case: Case, by: User, note: str = "") -> Case:
    """종결. A complaint or request is closed only after it has been answered; praise and suggestions
    may be closed at once (there is nothing to answer)."""
    case = _locked(case)
    _refuse_unless_working(case, by)
    _refuse_if_closed(case)
    if case.kind in (Case.Kind.COMPLAINT, Case.Kind.REQUEST) and case.answered_at is None:
        raise ValidationError(_("답변을 등록한 뒤에 종결할 수 있습니다."), code="unanswered")
    case.status, case.closed_at = Case.Status.CLOSED, timezone.now()
    case.save(update_fields=["status", "closed_at", *_resolve(case, case.closed_at)])
    _entry(case, kind=CaseEntry.Kind.CLOSED, by=by, body=note.strip(), is_public=bool(note.strip()))
    _audit(case, by=by, action=AuditEntry.Action.UPDATE, what="close")
    message_enqueue(
        purpose=Purpose.CASE_CLOSED,
        key=f"case:{case.pk}:closed",
        customer=case.customer,
        context={"number": case.number, "title": case.title},
    )
    return case


# --- teams ---------------------------------------------------------------------------------------
@transaction.atomic
def team_save(
    *,
    team: Team | None,
    name: str,
    code: str,
    description: str,
    manager: User | None,
    members: list[User],
    is_active: bool,
    by: User,
    day_starts_at: dt.time | None = None,
    day_ends_at: dt.time | None = None,
) -> Team:
    """Create or edit a team and set its members (managers only)."""
    if not by.is_manager:
        raise ValidationError(_("관리자만 팀을 바꿀 수 있습니다."), code="not_manager")
    if any(not m.is_bank_staff for m in [*members, *([manager] if manager else [])]):
        raise ValidationError(_("팀원과 팀장은 직원이어야 합니다."), code="not_staff")
    team = team or Team()
    team.name, team.code, team.description = name.strip(), code.strip(), description.strip()
    team.manager, team.is_active = manager, is_active
    if day_starts_at is not None:
        team.day_starts_at = day_starts_at
    if day_ends_at is not None:
        team.day_ends_at = day_ends_at
    if team.day_ends_at <= team.day_starts_at:
        raise _field_error("day_ends_at", _("업무 종료 시각은 시작 시각보다 늦어야 합니다."), "day_order")
    team.full_clean()
    team.save()
    wanted = {m.pk for m in members}
    TeamMember.objects.filter(team=team).exclude(user_id__in=wanted).delete()
    have = set(TeamMember.objects.filter(team=team).values_list("user_id", flat=True))
    TeamMember.objects.bulk_create([TeamMember(team=team, user_id=pk) for pk in wanted - have])
    audit_write(
        actor=by, action=AuditEntry.Action.UPDATE, target=f"team:{team.pk}", detail={"members": len(wanted)}
    )
    return team


# --- overdue alarm -----------------------------------------------------------------------------
def _notify_overdue(case: Case) -> None:
    notify = settings.CASE_OVERDUE_NOTIFY
    if "sms" in notify:
        for phone in settings.CASE_OVERDUE_SMS_TO:
            message_enqueue(
                purpose=Purpose.CASE_OVERDUE,
                key=f"case-overdue:{case.pk}:{phone}",
                to_phone=phone,
                context={"number": case.number, "title": case.title, "team": case.team.name},
            )
    if "email" not in notify:
        return
    manager = case.team.manager
    if manager is not None and manager.is_active and manager.email:
        emails = [manager.email]
    else:  # a team without a manager: the bank's managers hear of it instead
        emails = list(
            User.objects.filter(role=User.Role.MANAGER, is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    if emails:
        send_mail(
            _("[omnihana] 처리기한 초과 사건: %(number)s %(title)s")
            % {"number": case.number, "title": case.title},
            _("%(team)s 팀의 사건이 처리기한 %(due)s 을 넘었습니다. 담당: %(assignee)s\n%(url)s")
            % {
                "team": case.team.name,
                "due": f"{timezone.localtime(case.due_at):%Y-%m-%d %H:%M}",
                "assignee": case.assignee.name if case.assignee else _("없음"),
                "url": reverse("staff:case_detail", args=[case.pk]),
            },
            None,
            emails,
        )


def case_overdue_alarm(*, now: dt.datetime | None = None) -> int:
    """Flag every open case past its deadline and tell its team's manager — once per case.

    The flag is set by a conditional UPDATE in the same transaction as the notifications, so two
    runs at once cannot both alert, and a failed email leaves the case unflagged for the next run.
    """
    now = now or timezone.now()
    pending = list(
        Case.objects.filter(status__in=Case.OPEN, due_at__lt=now, overdue_alerted_at__isnull=True)
        .order_by("due_at")
        .values_list("pk", flat=True)[:500]
    )
    alerted = 0
    for pk in pending:
        try:
            with transaction.atomic():
                claimed = Case.objects.filter(
                    pk=pk, overdue_alerted_at__isnull=True, status__in=Case.OPEN
                ).update(overdue_alerted_at=now)
                if not claimed:
                    continue
                _notify_overdue(Case.objects.select_related("team__manager", "assignee").get(pk=pk))
                alerted += 1
        except Exception:
            log.exception("overdue alarm for case %s failed; retried on the next run", pk)
    return alerted
