"""Uploaded files: only images and PDF, recognised by their first bytes (never by name or the
browser's word), size-limited, stored under MEDIA_ROOT (outside the web root) with a random name."""

from __future__ import annotations

import os
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}
EXTENSIONS = {
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
    "application/pdf": "pdf",
}


def sniff(head: bytes) -> str | None:
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    return None


def too_large_message() -> str:
    return _("파일이 너무 큽니다. 파일 하나에 %(limit)s, 한 번에 %(total)s까지 올릴 수 있습니다.") % {
        "limit": filesizeformat(settings.INQUIRY_UPLOAD_MAX_BYTES),
        "total": filesizeformat(settings.UPLOAD_REQUEST_MAX_BYTES),
    }


def check_upload(upload: UploadedFile, *, images_only: bool = False) -> str:
    """The file's real content type, or a ValidationError that says what is wrong."""
    limit = settings.INQUIRY_UPLOAD_MAX_BYTES
    if upload.size is None or upload.size > limit:
        raise ValidationError(
            _("%(name)s: 파일이 너무 큽니다. %(limit)s 이하만 올릴 수 있습니다.")
            % {"name": upload.name, "limit": filesizeformat(limit)},
            code="too_large",
        )
    if upload.size == 0:
        raise ValidationError(_("%(name)s: 빈 파일입니다.") % {"name": upload.name}, code="empty")
    upload.seek(0)
    kind = sniff(upload.read(16))
    upload.seek(0)
    allowed = IMAGE_TYPES if images_only else IMAGE_TYPES | {"application/pdf"}
    if kind not in allowed:
        message = (
            _("%(name)s: 이미지(PNG, JPEG, GIF, WebP)만 넣을 수 있습니다.")
            if images_only
            else _("%(name)s: 이미지(PNG, JPEG, GIF, WebP)와 PDF만 첨부할 수 있습니다.")
        )
        raise ValidationError(message % {"name": upload.name}, code="type")
    return kind  # type: ignore[return-value]


def clean_name(name: str) -> str:
    """The name to show: no folders, no control characters, at most 200 characters."""
    base = os.path.basename(name.replace("\\", "/"))
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '"<>')
    return (base or "file")[:200]


def storage_name(instance: object, filename: str) -> str:
    """Where a file lands under MEDIA_ROOT; the upload's own name plays no part."""
    ext = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
    from django.utils import timezone

    return f"inquiries/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{ext}"
