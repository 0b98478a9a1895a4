"""An oversized upload is cut off while it arrives, not read in full before the size check."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import MemoryFileUploadHandler, TemporaryFileUploadHandler
from django.urls import reverse

from consultations.models import MiddleCategory
from inquiries.models import Attachment, Inquiry

MiB = 1024 * 1024
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def received(monkeypatch) -> dict[int, int]:
    """Chunks (offset: length) that reached the handlers that keep a file (memory, temporary file);
    a chunk the memory handler passes on to the next one is counted once."""
    counts: dict[int, int] = {}
    for handler in (MemoryFileUploadHandler, TemporaryFileUploadHandler):
        original = handler.receive_data_chunk

        def counting(self, raw_data, start, original=original):
            counts[start] = len(raw_data)
            return original(self, raw_data, start)

        monkeypatch.setattr(handler, "receive_data_chunk", counting)
    return counts


def test_a_file_over_the_limit_is_cut_at_the_limit(client, customer, received, settings):
    client.force_login(customer)
    big = SimpleUploadedFile("big.png", PNG + bytes(6 * MiB))
    response = client.post(reverse("inquiries:upload"), {"file": big})
    assert response.status_code == 413
    assert "파일이 너무 큽니다" in response.json()["error"]
    assert sum(received.values()) <= settings.FILE_UPLOAD_MAX_BYTES
    assert not Attachment.objects.exists()


def test_a_request_declared_over_the_limit_is_not_read_at_all(client, customer, received, settings):
    settings.UPLOAD_REQUEST_MAX_BYTES = 2 * MiB  # the same rule as 60 MiB against 26, with less memory
    client.force_login(customer)
    response = client.post(
        reverse("inquiries:upload"), {"file": SimpleUploadedFile("a.png", PNG + bytes(3 * MiB))}
    )
    assert response.status_code == 413
    assert received == {}


def test_an_inquiry_with_a_cut_file_is_not_saved_without_it(client, customer, received):
    middle = MiddleCategory.objects.select_related("main").get(code="0203")
    client.force_login(customer)
    before = Inquiry.objects.count()
    response = client.post(
        reverse("inquiries:new"),
        {
            "title": "서류 문의",
            "main_category": middle.main_id,
            "middle_category": middle.pk,
            "body": "<p>첨부합니다</p>",
            "files": SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + bytes(6 * MiB)),
        },
    )
    assert response.status_code == 200
    assert "파일이 너무 큽니다" in response.content.decode()
    assert Inquiry.objects.count() == before
