"""Everything that changes the inquiry board. Bodies are cleaned here, before they are stored."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from consultations.models import MainCategory, MiddleCategory
from customers.models import User
from messaging.models import Purpose
from messaging.outbox import message_enqueue

from .files import EXTENSIONS, check_upload, clean_name
from .models import Attachment, FaqEntry, FaqHelpful, Inquiry, Reply
from .sanitize import has_text, inline_image_ids, sanitize_html
from .sla import sla_deadline

log = logging.getLogger(__name__)
WAITING = Inquiry.WAITING


def _clean_body(body: str) -> str:
    cleaned = sanitize_html(body)
    if not has_text(cleaned):
        raise ValidationError({"body": _("내용을 입력해 주세요.")}, code="empty")
    return cleaned


def attachment_store(*, upload: UploadedFile, user: User, inline: bool = False) -> Attachment:
    kind = check_upload(upload, images_only=inline)
    attachment = Attachment(
        original_name=clean_name(upload.name or ""),
        content_type=kind,
        size=upload.size or 0,
        uploaded_by=user,
        is_inline=inline,
    )
    attachment.file.save(f"upload.{EXTENSIONS[kind]}", upload, save=False)
    attachment.save()
    return attachment


def _claim_files(
    *, inquiry: Inquiry, reply: Reply | None, user: User, body: str, files: Iterable[UploadedFile]
) -> None:
    """Tie the editor's images named in the body to this post, and store the attached files."""
    Attachment.objects.filter(
        pk__in=inline_image_ids(body), uploaded_by=user, inquiry__isnull=True, is_inline=True
    ).update(inquiry=inquiry, reply=reply)
    for upload in files:
        attachment = attachment_store(upload=upload, user=user)
        attachment.inquiry, attachment.reply = inquiry, reply
        attachment.save(update_fields=["inquiry", "reply"])


def _check_files(files: list[UploadedFile]) -> None:
    if len(files) > settings.INQUIRY_MAX_FILES:
        raise ValidationError(
            {"files": _("파일은 %(n)d개까지 첨부할 수 있습니다.") % {"n": settings.INQUIRY_MAX_FILES}}
        )
    errors = []
    for upload in files:
        try:
            check_upload(upload)
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError({"files": errors})


@transaction.atomic
def inquiry_create(
    *,
    customer: User,
    title: str,
    main_category: MainCategory,
    middle_category: MiddleCategory,
    body: str,
    files: list[UploadedFile] | None = None,
) -> Inquiry:
    files = files or []
    if middle_category.main_id != main_category.pk:
        raise ValidationError({"middle_category": _("대분류에 속한 중분류를 고르세요.")})
    cleaned = _clean_body(body)
    _check_files(files)
    now = timezone.now()
    inquiry = Inquiry.objects.create(
        customer=customer,
        title=title.strip(),
        main_category=main_category,
        middle_category=middle_category,
        body=cleaned,
        sla_due_at=sla_deadline(now),
    )
    _claim_files(inquiry=inquiry, reply=None, user=customer, body=cleaned, files=files)
    return inquiry


@transaction.atomic
def inquiry_follow_up(
    *, inquiry: Inquiry, customer: User, body: str, files: list[UploadedFile] | None = None
) -> Reply:
    """The customer adds a comment: the inquiry waits for staff again, with a new deadline."""
    if inquiry.customer_id != customer.pk:
        raise ValidationError(_("본인의 문의에만 글을 남길 수 있습니다."), code="not_owner")
    files = files or []
    cleaned = _clean_body(body)
    _check_files(files)
    reply = Reply.objects.create(inquiry=inquiry, author=customer, body=cleaned)
    _claim_files(inquiry=inquiry, reply=reply, user=customer, body=cleaned, files=files)
    Inquiry.objects.filter(pk=inquiry.pk).update(
        status=Inquiry.Status.FOLLOW_UP, sla_due_at=sla_deadline(reply.created_at)
    )
    inquiry.refresh_from_db()
    return reply


@transaction.atomic
def inquiry_reply(
    *,
    inquiry: Inquiry,
    author: User,
    body: str,
    internal: bool = False,
    files: list[UploadedFile] | None = None,
) -> Reply:
    """Staff answer (the customer gets an SMS) or leave an internal note (the customer sees nothing)."""
    if not author.is_bank_staff:
        raise ValidationError(_("직원만 답변할 수 있습니다."), code="not_staff")
    files = files or []
    cleaned = _clean_body(body)
    _check_files(files)
    inquiry = Inquiry.objects.select_for_update().get(pk=inquiry.pk)
    reply = Reply.objects.create(inquiry=inquiry, author=author, body=cleaned, is_internal=internal)
    _claim_files(inquiry=inquiry, reply=reply, user=author, body=cleaned, files=files)
    if internal:
        return reply
    updates: dict[str, object] = {"status": Inquiry.Status.ANSWERED}
    if inquiry.first_response_at is None:
        updates["first_response_at"] = reply.created_at
    if inquiry.assignee_id is None:
        updates["assignee"] = author
    Inquiry.objects.filter(pk=inquiry.pk).update(**updates)
    message_enqueue(
        purpose=Purpose.INQUIRY_ANSWERED,
        key=f"inquiry-answered:{reply.pk}",
        customer=inquiry.customer,
        context={"title": inquiry.title},
    )
    return reply


def inquiry_assign(*, inquiry: Inquiry, assignee: User | None, by: User) -> Inquiry:
    """Claim (assignee = by) or hand to another member of staff; None releases it."""
    if not by.is_bank_staff:
        raise ValidationError(_("직원만 담당자를 정할 수 있습니다."), code="not_staff")
    if assignee is not None and (not assignee.is_bank_staff or not assignee.is_active):
        raise ValidationError(_("담당자는 재직 중인 직원이어야 합니다."), code="not_staff")
    Inquiry.objects.filter(pk=inquiry.pk).update(assignee=assignee)
    inquiry.refresh_from_db()
    return inquiry


# --- FAQ ---------------------------------------------------------------------------------------
_PHONE = re.compile(r"(?:\+?82[-\s]?)?0?1[016789][-\s.]?\d{3,4}[-\s.]?\d{4}")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_RRN = re.compile(r"\d{6}[-\s]?[1-8]\d{6}")
_ACCOUNT = re.compile(r"\d{3,6}-\d{2,6}-\d{3,8}")


def anonymise(text: str, *, names: Iterable[str] = ()) -> str:
    """Blank what identifies a person: phone and account numbers, resident numbers, emails, names."""
    text = _RRN.sub("******-*******", text)
    text = _PHONE.sub("***-****-****", text)
    text = _ACCOUNT.sub("***-***-******", text)
    text = _EMAIL.sub("***@***", text)
    for name in names:
        if name and len(name) >= 2:
            text = text.replace(name, _("고객"))
    return text


@transaction.atomic
def faq_publish(
    *, inquiry: Inquiry | None, title: str, answer: str, main_category: MainCategory, by: User
) -> FaqEntry:
    """An edited, anonymised question and answer anyone may read. No images (they belong to a customer)."""
    if not by.is_bank_staff:
        raise ValidationError(_("직원만 게시할 수 있습니다."), code="not_staff")
    if (
        inquiry is not None
        and not inquiry.replies.filter(is_internal=False, author__role__in=User.STAFF_ROLES).exists()
    ):
        # An entry drawn from an inquiry publishes the bank's answer; without one it would be a bare question.
        raise ValidationError(_("답변이 등록된 문의만 FAQ로 게시할 수 있습니다."), code="unanswered")
    names = [inquiry.customer.name] if inquiry is not None else []
    cleaned = anonymise(sanitize_html(answer, images=False), names=names)
    if not has_text(cleaned):
        raise ValidationError({"answer": _("답변을 입력해 주세요.")})
    title = anonymise(title.strip(), names=names)
    if not title:
        raise ValidationError({"title": _("질문을 입력해 주세요.")})
    return FaqEntry.objects.create(
        source=inquiry, main_category=main_category, title=title, answer=cleaned, published_by=by
    )


def faq_unpublish(*, faq: FaqEntry, by: User) -> None:
    if not by.is_bank_staff:
        raise ValidationError(_("직원만 게시를 내릴 수 있습니다."), code="not_staff")
    FaqEntry.objects.filter(pk=faq.pk).update(is_published=False)


def faq_count_view(*, faq: FaqEntry) -> None:
    FaqEntry.objects.filter(pk=faq.pk).update(view_count=F("view_count") + 1)


def faq_mark_helpful(*, faq: FaqEntry, user: User) -> bool:
    """True when this user's vote was counted now; False when they had already voted."""
    try:
        with transaction.atomic():
            FaqHelpful.objects.create(faq=faq, user=user)
    except IntegrityError:
        return False
    return True


# --- overdue alarm -----------------------------------------------------------------------------
def _manager_emails() -> list[str]:
    if "email" not in settings.INQUIRY_OVERDUE_NOTIFY:
        return []
    return list(
        User.objects.filter(role=User.Role.MANAGER, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )


def _notify_managers(inquiry: Inquiry, emails: list[str]) -> None:
    if "sms" in settings.INQUIRY_OVERDUE_NOTIFY:
        for phone in settings.INQUIRY_OVERDUE_SMS_TO:
            message_enqueue(
                purpose=Purpose.INQUIRY_OVERDUE,
                key=f"inquiry-overdue:{inquiry.pk}:{phone}",
                to_phone=phone,
                context={"title": inquiry.title, "created_at": inquiry.created_at},
            )
    if emails:
        send_mail(
            _("[omnihana] 응답기한 초과 문의: %(title)s") % {"title": inquiry.title},
            _("접수 %(created)s, 기한 %(due)s 이 지났습니다. 담당: %(assignee)s\n%(url)s")
            % {
                "created": f"{timezone.localtime(inquiry.created_at):%Y-%m-%d %H:%M}",
                "due": f"{timezone.localtime(inquiry.sla_due_at):%Y-%m-%d %H:%M}",
                "assignee": inquiry.assignee.name if inquiry.assignee else _("없음"),
                "url": reverse("staff:inquiry_detail", args=[inquiry.pk]),
            },
            None,
            emails,
        )


def inquiry_overdue_alarm(*, now: dt.datetime | None = None) -> int:
    """Flag every waiting inquiry past its deadline and tell the managers — once per inquiry.

    The flag is set by a conditional UPDATE in the same transaction as the notifications, so two
    runs at once cannot both alert, and a failed email leaves the inquiry unflagged for the next run.
    """
    now = now or timezone.now()
    due = Inquiry.objects.filter(
        status__in=WAITING, sla_due_at__lt=now, overdue_alerted_at__isnull=True
    ).values_list("pk", flat=True)
    alerted = 0
    pending = list(due[:500])
    emails = _manager_emails() if pending else []
    for pk in pending:
        try:
            with transaction.atomic():
                claimed = Inquiry.objects.filter(
                    Q(pk=pk), Q(overdue_alerted_at__isnull=True), status__in=WAITING
                ).update(overdue_alerted_at=now)
                if not claimed:
                    continue
                inquiry = Inquiry.objects.select_related("assignee").get(pk=pk)
                _notify_managers(inquiry, emails)
                alerted += 1
        except Exception:
            log.exception("overdue alarm for inquiry %s failed; retried on the next run", pk)
    return alerted
