"""message_get_for_user: staff read a message, managers retry it; and messaging stays on its floor."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from messaging.access import message_get_for_user
from messaging.models import Message, Purpose

ROOT = Path(__file__).resolve().parents[2]
ABOVE_MESSAGING = {"omnihana", "api", "desk", "analytics", "demo", "inquiries", "consultations"}
ABOVE_MESSAGING |= {"branches", "audit", "customers", "tests", "bench"}


@pytest.fixture
def message(db) -> Message:
    return Message.objects.create(
        idempotency_key="access:1", purpose=Purpose.OTP, to_phone="+821023456789", body="x"
    )


def test_it_gives_staff_the_message_and_refuses_customers(message, customer, teller, manager):
    assert message_get_for_user(user=teller, pk=message.pk) == message
    assert message_get_for_user(user=manager, pk=message.pk) == message
    with pytest.raises(PermissionDenied):
        message_get_for_user(user=customer, pk=message.pk)


def test_it_lets_only_managers_retry(message, teller, manager):
    assert message_get_for_user(user=manager, pk=message.pk, to_retry=True) == message
    with pytest.raises(PermissionDenied):
        message_get_for_user(user=teller, pk=message.pk, to_retry=True)


def test_it_answers_404_for_a_missing_message_and_403_before_looking(db, customer, teller):
    with pytest.raises(Http404):
        message_get_for_user(user=teller, pk=987654)
    with pytest.raises(PermissionDenied):
        message_get_for_user(user=customer, pk=987654)


def _imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_it_keeps_messaging_below_every_app_but_core():
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imported(path) & ABOVE_MESSAGING)
        for path in (ROOT / "messaging").rglob("*.py")
    }
    assert {path: names for path, names in offenders.items() if names} == {}
