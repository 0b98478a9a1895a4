"""A campaign's life: written, submitted, approved by another manager (or rejected), sent, paused,
resumed, stopped. Every step is a row in the audit log, written in the step's own transaction."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditEntry
from audit.services import audit_write
from customers.models import User
from messaging.models import Message, Purpose
from messaging.outbox import message_enqueue, message_withdraw

from .content import alimtalk_of, check_content, framed
from .models import Campaign, Segment

S = Campaign.Status


def _audit(
    campaign: Campaign, *, by: User | None, step: str, action: str = AuditEntry.Action.UPDATE, **detail: Any
) -> None:
    audit_write(
        actor=by,
        action=action,
        target=f"campaign:{campaign.pk}",
        detail={"step": step, "status": campaign.status, **detail},
    )


def _locked(campaign: Campaign) -> Campaign:
    return Campaign.objects.select_for_update().get(pk=campaign.pk)


def _require_manager(user: User) -> None:
    if not (user.is_authenticated and user.is_manager):
        raise PermissionDenied


def message_key_prefix(campaign: Campaign) -> str:
    return f"campaign:{campaign.pk}:"


def segment_save(*, data: dict[str, Any], by: User) -> Segment:
    _require_manager(by)
    with transaction.atomic():
        segment = Segment.objects.create(created_by=by, **data)
        audit_write(
            actor=by,
            action=AuditEntry.Action.CREATE,
            target=f"segment:{segment.pk}",
            detail={"name": segment.name},
        )
    return segment


def campaign_save(*, data: dict[str, Any], by: User, campaign: Campaign | None = None) -> Campaign:
    """Create or edit. An edit of an approved (or submitted) campaign takes it back to 작성중:
    what was approved is not what would be sent any more."""
    _require_manager(by)
    with transaction.atomic():
        if campaign is None:
            campaign = Campaign.objects.create(author=by, **data)
            _audit(campaign, by=by, step="create", action=AuditEntry.Action.CREATE)
            return campaign
        campaign = _locked(campaign)
        if not campaign.is_editable:
            raise ValidationError(_("발송이 시작된 캠페인은 고칠 수 없습니다."), code="not_editable")
        changed = [
            f for f in Campaign.CONTENT_FIELDS if getattr(campaign, f) != data.get(f, getattr(campaign, f))
        ]
        for field, value in data.items():
            setattr(campaign, field, value)
        if changed and campaign.status in (S.PENDING, S.APPROVED):
            campaign.status = S.DRAFT
            campaign.approver = None
            campaign.decided_at = None
        campaign.save()
        _audit(campaign, by=by, step="edit", changed=changed)
    return campaign


def _check_ready(campaign: Campaign, now: dt.datetime) -> None:
    check_content(campaign.body, campaign.channel)
    if campaign.channel == Campaign.Channel.ALIMTALK:
        template = campaign.alimtalk_template
        if template is None or not template.is_active or template.body.strip() != campaign.body.strip():
            raise ValidationError(
                _("알림톡은 승인된 템플릿의 문안 그대로만 보낼 수 있습니다. 템플릿을 다시 고르세요."),
                code="alimtalk_template",
            )
    if campaign.ends_at <= now:
        raise ValidationError(_("발송 종료 시각이 이미 지났습니다."), code="ended")


def campaign_submit(*, campaign: Campaign, by: User) -> Campaign:
    _require_manager(by)
    with transaction.atomic():
        campaign = _locked(campaign)
        if campaign.status not in (S.DRAFT, S.REJECTED):
            raise ValidationError(_("작성중이거나 반려된 캠페인만 승인 요청할 수 있습니다."), code="state")
        _check_ready(campaign, timezone.now())
        campaign.status = S.PENDING
        campaign.reason = ""
        campaign.save(update_fields=["status", "reason", "updated_at"])
        _audit(campaign, by=by, step="submit")
    return campaign


def campaign_decide(*, campaign: Campaign, by: User, approve: bool, reason: str = "") -> Campaign:
    """Another manager approves or rejects (a rejection needs a reason). Never the author."""
    _require_manager(by)
    reason = reason.strip()
    with transaction.atomic():
        campaign = _locked(campaign)
        if campaign.author_id == by.pk:
            raise ValidationError(_("작성자는 자신의 캠페인을 승인하거나 반려할 수 없습니다."), code="author")
        if campaign.status != S.PENDING:
            raise ValidationError(_("승인 요청된 캠페인만 승인하거나 반려할 수 있습니다."), code="state")
        if not approve and not reason:
            raise ValidationError(_("반려 사유를 입력하세요."), code="reason")
        if approve:
            _check_ready(campaign, timezone.now())
        campaign.status = S.APPROVED if approve else S.REJECTED
        campaign.approver = by
        campaign.decided_at = timezone.now()
        campaign.reason = reason[:200]
        campaign.save(update_fields=["status", "approver", "decided_at", "reason", "updated_at"])
        _audit(campaign, by=by, step="approve" if approve else "reject", reason=campaign.reason)
    return campaign


_MOVES = {
    "pause": ((S.APPROVED, S.SENDING), S.PAUSED),
    "resume": ((S.PAUSED,), S.SENDING),
    "stop": ((S.APPROVED, S.SENDING, S.PAUSED), S.STOPPED),
}


def campaign_move(*, campaign: Campaign, by: User, step: str) -> Campaign:
    """Pause, resume or stop. A stop also withdraws the messages not yet on their way."""
    _require_manager(by)
    sources, target = _MOVES[step]
    with transaction.atomic():
        campaign = _locked(campaign)
        if campaign.status not in sources:
            raise ValidationError(_("지금 상태에서는 할 수 없는 작업입니다."), code="state")
        campaign.status = target
        campaign.save(update_fields=["status", "updated_at"])
        withdrawn = 0
        if step == "stop":
            withdrawn = message_withdraw(
                key_prefixes=[message_key_prefix(campaign)],
                reason=str(_("캠페인이 중지되어 보내지 않았습니다.")),
            )
        _audit(campaign, by=by, step=step, withdrawn=withdrawn)
    return campaign


def campaign_test_send(*, campaign: Campaign, by: User, phone: str) -> Message:
    """The text as a customer would get it, to the manager's own phone (with their name)."""
    _require_manager(by)
    check_content(campaign.body, campaign.channel)
    values = {"#{이름}": by.name, "#{고객등급}": str(_("골드"))}
    with transaction.atomic():
        message = message_enqueue(
            purpose=Purpose.CAMPAIGN_TEST,
            key=f"campaign-test:{campaign.pk}:{uuid.uuid4().hex}",
            context={},
            to_phone=phone,
            body=framed(campaign.body, values),
            alimtalk=alimtalk_of(campaign, values),
        )
        _audit(campaign, by=by, step="test_send", message=message.pk)
    return message
