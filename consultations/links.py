"""What a consultation record may be linked to on a floor above it (an inquiry, ...).

consultations sits below inquiries (pyproject [tool.importlinter]) and never imports it. An app
above registers a RecordLink in its AppConfig.ready(); the record form then offers its choices
for the customer, the create view saves the chosen one, and the record page shows the links.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from customers.models import User

    from .models import Consultation


@dataclass(frozen=True)
class RecordLink:
    field: str  # the form field's name
    label: Any  # a lazy label
    empty_label: Any  # the choice meaning "no link"
    choices: Callable[[User], list[tuple[int, str]]]  # the customer's linkable items
    save: Callable[[Consultation, int], None]  # link the new record to the chosen item
    shown: Callable[[Consultation], list[tuple[str, str]]]  # (label, url) of the record's links


RECORD_LINKS: list[RecordLink] = []


def register(link: RecordLink) -> None:
    if all(existing.field != link.field for existing in RECORD_LINKS):
        RECORD_LINKS.append(link)


def links_shown(consultation: Consultation) -> list[tuple[str, str]]:
    return [item for link in RECORD_LINKS for item in link.shown(consultation)]
