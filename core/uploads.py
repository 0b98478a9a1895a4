"""Uploads refused while they arrive, not after: Django would otherwise stream a 60 MiB file to a
temporary file before any view could look at its size.

`SizeLimitUploadHandler` runs first in FILE_UPLOAD_HANDLERS. A request whose declared length is over
UPLOAD_REQUEST_MAX_BYTES is not parsed at all; a file that grows past FILE_UPLOAD_MAX_BYTES stops the
upload at that chunk. Either way the request is marked, and the view answers with `upload_refused`
instead of saving what arrived before the cut (the form would otherwise look valid without the file).
The reverse proxy in front has the same request limit (docs/operations.md), so most of these never
reach us.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, QueryDict
from django.utils.datastructures import MultiValueDict

_REFUSED = "_oh_upload_refused"


def upload_refused(request: HttpRequest) -> bool:
    if request.method == "POST":
        _ = request.FILES  # the body is parsed on first use; the mark is set while parsing
    return bool(getattr(request, _REFUSED, False))


class SizeLimitUploadHandler(FileUploadHandler):
    received = 0

    def _mark(self) -> None:
        if self.request is not None:
            setattr(self.request, _REFUSED, True)

    def handle_raw_input(
        self, input_data: Any, META: dict[str, Any], content_length: int, boundary: Any, encoding: Any = None
    ) -> tuple[QueryDict, MultiValueDict] | None:
        if content_length > settings.UPLOAD_REQUEST_MAX_BYTES:
            self._mark()
            return QueryDict(), MultiValueDict()  # nothing of the body is read
        return None

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > settings.FILE_UPLOAD_MAX_BYTES:
            self._mark()
            raise StopUpload(connection_reset=True)
        return raw_data  # on to the handler that keeps it

    def file_complete(self, file_size: int) -> None:
        return None
