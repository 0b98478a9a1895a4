"""Appending to the audit log: who did what to which customer's record, when and from where.

Services that change a record write its entry in their own transaction (`audit_write`), so a
change and its entry are stored together or not at all; views that only read call `audit_record`.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from core.bulk import insert_one
from core.request import client_ip
from customers.models import User

from .models import AuditEntry


def audit_entry(
    *,
    action: str,
    actor: User | None = None,
    api_client_id: int | None = None,
    ip: str | None = None,
    customer: User | None = None,
    customer_id: int | None = None,
    target: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """An unsaved entry (for bulk writes); `audit_write` saves one."""
    return AuditEntry(
        actor=actor if actor is not None and actor.is_authenticated else None,
        api_client_id=api_client_id,
        ip=ip,
        customer=customer,
        customer_id=customer.pk if customer is not None else customer_id,
        action=action,
        target=target[:100],
        detail=detail or {},
    )


def audit_write(**fields: Any) -> AuditEntry:
    """Save one entry (a plain INSERT: entries are never updated, and no signal listens)."""
    return insert_one(audit_entry(**fields))


def audit_record(
    *,
    request: HttpRequest,
    action: str,
    customer: User | None = None,
    target: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append what the signed-in user did in this request."""
    return audit_write(
        actor=request.user if request.user.is_authenticated else None,
        ip=client_ip(request),
        customer=customer,
        action=action,
        target=target,
        detail=detail,
    )
