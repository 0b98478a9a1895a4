from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from customers.models import User
from demo.accounts import DEMO_PASSWORD
from messaging.providers import memory


def seed_demo_bank(consultations: int = 200, customers: int = 60) -> str:
    out = io.StringIO()
    call_command(
        "seed_demo",
        "--consultations",
        str(consultations),
        "--customers",
        str(customers),
        "--no-progress",
        stdout=out,
    )
    return out.getvalue()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The demo bank, built once per session; each `db` test runs in a transaction rolled back after it."""
    with django_db_blocker.unblock():
        seed_demo_bank()


@pytest.fixture
def frozen_now(monkeypatch):
    """Call with an aware datetime: from then on django.utils.timezone.now() returns it."""

    def travel(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return travel


@pytest.fixture
def outbox():
    """SMS the in-memory provider 'sent' during the test."""
    memory.outbox.clear()
    yield memory.outbox
    memory.outbox.clear()


@pytest.fixture
def demo_password() -> str:
    return DEMO_PASSWORD


@pytest.fixture
def customer(db) -> User:
    return User.objects.get(username="hanauser1")


@pytest.fixture
def other_customer(db) -> User:
    return User.objects.get(username="hanauser2")


@pytest.fixture
def agent(db) -> User:
    return User.objects.get(username="hnv2001")


@pytest.fixture
def teller(db) -> User:
    return User.objects.get(username="hnv2004")


@pytest.fixture
def manager(db) -> User:
    return User.objects.get(username="hnv9001")


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path_factory):
    """Uploaded files go to a fresh folder per test, never into var/."""
    settings.MEDIA_ROOT = str(tmp_path_factory.mktemp("media"))
