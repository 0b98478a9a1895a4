from __future__ import annotations

import pytest
from django.db import DatabaseError, transaction

from audit.models import AuditEntry


@pytest.fixture
def entry(db, teller, customer) -> AuditEntry:
    return AuditEntry.objects.create(
        actor=teller, customer=customer, action=AuditEntry.Action.VIEW, ip="127.0.0.1", target="customer page"
    )


def test_the_model_refuses_to_change_or_delete_an_entry(entry):
    entry.target = "something else"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    assert AuditEntry.objects.get(pk=entry.pk).target == "customer page"


def test_the_database_refuses_raw_updates_and_deletes(entry):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(target="tampered")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.filter(pk=entry.pk, target="customer page").exists()
