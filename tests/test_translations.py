"""The English catalogue: the committed .po is the only source, and the committed .mo is compiled from it."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

PO = Path(__file__).resolve().parents[1] / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (\".*\")$")


class Entry:
    def __init__(self) -> None:
        self.fuzzy = False
        self.parts: dict[str, str] = {}  # "msgid", "msgid_plural", "msgctxt", "msgstr[0]", ...

    @property
    def strs(self) -> dict[int, str]:
        return {int(key[7:-1]): text for key, text in self.parts.items() if key.startswith("msgstr[")}


def po_entries(text: str) -> list[Entry]:
    """Just enough of the PO format for a file written by makemessages: one entry per blank-line
    separated block, string literals joined across lines, obsolete (#~) entries skipped."""
    entries: list[Entry] = []
    for block in text.split("\n\n"):
        entry, last = Entry(), ""
        for line in block.splitlines():
            if line.startswith("#,"):
                entry.fuzzy = entry.fuzzy or "fuzzy" in line
            elif line.startswith('"') and last:
                entry.parts[last] += ast.literal_eval(line)
            elif match := KEYWORD.match(line):
                last = "msgstr[0]" if match[1] == "msgstr" else match[1]
                entry.parts[last] = ast.literal_eval(match[2])
        if "msgid" in entry.parts:
            entries.append(entry)
    return entries


def expected_catalog(entries: list[Entry]) -> dict[object, str]:
    """What gettext reads out of a .mo compiled from these entries (msgfmt leaves fuzzy ones out)."""
    catalog: dict[object, str] = {}
    for entry in entries:
        if entry.fuzzy:
            continue
        msgid = entry.parts["msgid"]
        if "msgctxt" in entry.parts:
            msgid = f"{entry.parts['msgctxt']}\x04{msgid}"
        if "msgid_plural" in entry.parts:
            catalog.update({(msgid, n): text for n, text in entry.strs.items()})
        else:
            catalog[msgid] = entry.strs[0]
    return catalog


def test_it_has_every_english_string_translated():
    untranslated = [
        entry.parts["msgid"]
        for entry in po_entries(PO.read_text(encoding="utf-8"))
        if entry.parts["msgid"] and (entry.fuzzy or not all(entry.strs.values()))
    ]
    assert untranslated == []


def _without_creation_date(catalog: dict[object, str]) -> dict[object, str]:
    # GNU msgfmt drops POT-Creation-Date from the header so that builds are reproducible.
    header = "".join(line for line in catalog.get("", "").splitlines(True) if not line.startswith("POT-"))
    return {**catalog, "": header}


def test_it_ships_the_mo_compiled_from_the_po():
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    expected = expected_catalog(po_entries(PO.read_text(encoding="utf-8")))
    assert _without_creation_date(compiled._catalog) == _without_creation_date(expected)  # type: ignore[attr-defined]
