"""The Django admin in Korean: every app and model heading on its index is Korean (issue 18 saw
"Attachments" and "Faq helpfuls" there)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from customers.models import User

HANGUL = re.compile(r"[\uac00-\ud7a3]")


class Headings(HTMLParser):
    """The text of the app list's captions (apps) and row headers (models)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._open: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "caption" or (tag == "th" and ("scope", "row") in attrs):
            self._open.append(tag)
            self.found.append("")

    def handle_endtag(self, tag):
        if self._open and tag == self._open[-1]:
            self._open.pop()

    def handle_data(self, data):
        if self._open:
            self.found[-1] += data.strip()


def test_the_admin_index_names_every_app_and_model_in_korean(client, db):
    client.force_login(User.objects.get(username="hnv9001"))
    response = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="ko")
    assert response.status_code == 200
    reader = Headings()
    reader.feed(response.content.decode())
    assert len(reader.found) > 20, reader.found  # the apps and models were read at all
    assert "FAQ 도움됨 표시" in reader.found
    assert [heading for heading in reader.found if not HANGUL.search(heading)] == []
