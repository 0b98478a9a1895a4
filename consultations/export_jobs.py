"""Exports too big for one request: a manager's export over EXPORT_MAX_ROWS runs as a Celery task
that writes the file under MEDIA_ROOT/exports/ (private, never served as static), counting its
progress in the job row. The download link is signed, expires after EXPORT_LINK_HOURS and opens
only for the manager who asked; every finished file and every download is audited."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import signing
from django.http import Http404
from django.utils import timezone

from audit.models import AuditEntry
from audit.services import audit_write
from customers.models import User

from .export import csv_stream, xlsx_file
from .models import ExportJob

SALT = "omnihana.export-job"
PROGRESS_EVERY = 1000  # rows between progress writes


def export_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "exports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def export_job_start(*, user: User, fmt: str, params: dict[str, str], total: int) -> ExportJob:
    from .tasks import export_job_task  # the task module imports this one

    job = ExportJob.objects.create(requested_by=user, fmt=fmt, params=params, total=total)
    export_job_task.delay(job.pk)
    return job


def _counted(rows: Iterable[Any], job: ExportJob, seen: list[int]) -> Iterator[Any]:
    for n, row in enumerate(rows, start=1):
        seen[0] = n
        if n % PROGRESS_EVERY == 0:
            ExportJob.objects.filter(pk=job.pk).update(done=n)
        yield row


def export_job_run(job_id: int) -> None:
    from .forms import ConsultationSearchForm
    from .search import consultation_export_rows

    job = ExportJob.objects.select_related("requested_by").get(pk=job_id)
    if job.status != ExportJob.Status.QUEUED:
        return  # a redelivered task
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING)
    form = ConsultationSearchForm(job.params)
    if not form.is_valid():
        ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.FAILED, finished_at=timezone.now())
        return
    name = f"{uuid.uuid4().hex}.{job.fmt}"
    target = export_dir() / name
    seen = [0]
    rows = _counted(consultation_export_rows(form.filters()), job, seen)
    try:
        if job.fmt == "xlsx":
            with xlsx_file(rows) as source, target.open("wb") as out:
                shutil.copyfileobj(source, out)
        else:
            with target.open("w", encoding="utf-8", newline="") as out:
                for chunk in csv_stream(rows):
                    out.write(chunk)
    except Exception:
        target.unlink(missing_ok=True)
        ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.FAILED, finished_at=timezone.now())
        raise
    count = seen[0]
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.DONE, done=count, file_name=name, finished_at=timezone.now()
    )
    audit_write(
        action=AuditEntry.Action.EXPORT,
        actor=job.requested_by,
        target=f"consultations.{job.fmt} job:{job.pk}",
        detail={"filters": job.params, "rows": count, "background": True},
    )


def export_link_token(job: ExportJob) -> str:
    return signing.TimestampSigner(salt=SALT).sign(f"{job.pk}:{job.requested_by_id}")


def export_job_for_download(*, user: User, token: str) -> ExportJob:
    """The finished job a link names, for its requester, within EXPORT_LINK_HOURS; else 404."""
    try:
        value = signing.TimestampSigner(salt=SALT).unsign(token, max_age=settings.EXPORT_LINK_HOURS * 3600)
        job_id, owner_id = (int(part) for part in value.split(":"))
    except (signing.BadSignature, ValueError):
        raise Http404 from None
    if owner_id != user.pk or not user.is_manager:
        raise Http404
    job = ExportJob.objects.filter(pk=job_id, requested_by=user, status=ExportJob.Status.DONE).first()
    if job is None or not (export_dir() / job.file_name).is_file():
        raise Http404
    return job


def export_job_get_for_user(*, user: User, pk: int) -> ExportJob:
    job = ExportJob.objects.filter(pk=pk, requested_by=user).first()
    if job is None or not user.is_manager:
        raise Http404
    return job
