from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .files import IMAGE_TYPES, storage_name


class Inquiry(models.Model):
    """A post on the internet inquiry board (INQUIRY_TB). Reply counts are computed, not stored."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("접수")
        ANSWERED = "answered", _("답변완료")
        FOLLOW_UP = "follow_up", _("추가문의")

    WAITING = (Status.RECEIVED, Status.FOLLOW_UP)  # waiting for staff: the queue and the SLA clock

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("작성자"), on_delete=models.PROTECT, related_name="inquiries"
    )
    title = models.CharField(_("제목"), max_length=100)
    main_category = models.ForeignKey(
        "consultations.MainCategory", verbose_name=_("대분류"), on_delete=models.PROTECT, related_name="+"
    )
    middle_category = models.ForeignKey(
        "consultations.MiddleCategory", verbose_name=_("중분류"), on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField(_("내용"), help_text=_("서버에서 정화된 HTML"))
    status = models.CharField(_("상태"), max_length=16, choices=Status.choices, default=Status.RECEIVED)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("담당 상담사"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_inquiries",
    )
    created_at = models.DateTimeField(_("작성 일시"), auto_now_add=True)
    sla_due_at = models.DateTimeField(_("첫 응답 기한"))
    first_response_at = models.DateTimeField(_("첫 응답 일시"), null=True, blank=True)
    overdue_alerted_at = models.DateTimeField(null=True, blank=True)
    # Consultations recorded after this inquiry that a member of staff linked to it (record form).
    consultations = models.ManyToManyField(
        "consultations.Consultation", verbose_name=_("이어진 상담"), blank=True, related_name="inquiries"
    )

    class Meta:
        verbose_name = _("문의")
        verbose_name_plural = _("문의")
        indexes = [
            models.Index(fields=["status", "sla_due_at"], name="inquiry_queue"),
            models.Index(fields=["customer", "-created_at"], name="inquiry_customer_time"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_waiting(self) -> bool:
        return self.status in self.WAITING


class Reply(models.Model):
    """An answer by staff, a follow-up comment by the customer, or an internal staff note."""

    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("내용"))
    is_internal = models.BooleanField(_("내부 메모"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("답글")
        verbose_name_plural = _("답글")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.inquiry_id}#{self.pk}"


class Attachment(models.Model):
    """A file on an inquiry or a reply. Images put into the editor are uploaded before the post
    exists (inquiry empty) and tied to it when the post is saved."""

    inquiry = models.ForeignKey(
        Inquiry, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    reply = models.ForeignKey(
        Reply, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    is_inline = models.BooleanField(default=False, help_text=_("본문에 들어간 이미지"))
    file = models.FileField(upload_to=storage_name)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("첨부파일")
        verbose_name_plural = _("첨부파일")

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type in IMAGE_TYPES


class FaqEntry(models.Model):
    source = models.ForeignKey(Inquiry, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    main_category = models.ForeignKey(
        "consultations.MainCategory", verbose_name=_("대분류"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("질문"), max_length=100)
    answer = models.TextField(_("답변"))
    is_published = models.BooleanField(_("게시"), default=True)
    view_count = models.PositiveIntegerField(_("조회수"), default=0)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("자주 묻는 질문")
        ordering = ["-published_at", "-id"]
        verbose_name_plural = _("자주 묻는 질문")

    def __str__(self) -> str:
        return self.title


class FaqHelpful(models.Model):
    faq = models.ForeignKey(FaqEntry, on_delete=models.CASCADE, related_name="helpful_votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("FAQ 도움됨 표시")
        verbose_name_plural = _("FAQ 도움됨 표시")
        constraints = [models.UniqueConstraint(fields=["faq", "user"], name="faq_helpful_once")]

    def __str__(self) -> str:
        return f"{self.faq_id} ♥ {self.user_id}"
