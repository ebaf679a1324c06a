"""The request body cap, in front of Django (a WSGI middleware).

Django's own limits leave uploaded files out: ``DATA_UPLOAD_MAX_MEMORY_SIZE`` counts form fields only, and
``FILE_UPLOAD_MAX_MEMORY_SIZE`` merely spills a large file to disk, so a 200 MB upload would be read in
full before anything refused it. Here a body declared larger than the cap is refused with 413 before a
byte of it is read; a body sent without a length (chunked, where the server ends the stream for us) is
read only up to the cap, then refused or handed to Django with the length it turned out to have. A length
smaller than what is sent is safe as it is: Django never reads past it.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterable, Iterator
from typing import Any

CHUNK = 64 * 1024
MEMORY_BUFFER = 1024 * 1024  # a chunked body larger than this waits on disk

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WSGIApp = Callable[[Environ, StartResponse], Iterable[bytes]]


class CapRequestBody:
    def __init__(self, app: WSGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        declared = environ.get("CONTENT_LENGTH", "")
        if declared:
            if declared.isdigit() and int(declared) > self.limit:
                return self._refuse(environ, start_response)
        elif environ.get("wsgi.input_terminated") and "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower():
            # The server (gunicorn) decodes the chunks and ends the stream where the body ends.
            body = self._read_capped(environ["wsgi.input"])
            if body is None:
                return self._refuse(environ, start_response)
            # Django reads as many bytes as CONTENT_LENGTH says, and none without it.
            environ = {**environ, "wsgi.input": body, "CONTENT_LENGTH": str(body.tell())}
            body.seek(0)
            return _ClosingAlso(self.app(environ, start_response), body)
        return self.app(environ, start_response)

    def _read_capped(self, stream: Any) -> Any:
        """The whole body in a spooled file, or None as soon as it is larger than the cap."""
        body = tempfile.SpooledTemporaryFile(max_size=MEMORY_BUFFER)  # noqa: SIM115 — closed with the response
        size = 0
        while chunk := stream.read(CHUNK):
            size += len(chunk)
            if size > self.limit:
                body.close()
                return None
            body.write(chunk)
        return body

    def _refuse(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        megabytes = self.limit / (1024 * 1024)
        vi = f"Dữ liệu gửi lên vượt quá giới hạn {megabytes:g} MB."
        en = f"The request is larger than the limit of {megabytes:g} MB."
        if environ.get("PATH_INFO", "").startswith("/api/"):
            content = json.dumps({"detail": {"vi": vi, "en": en}, "code": "request_too_large", "errors": [
                {"field": "body", "code": "request_too_large", "vi": vi, "en": en}]}, ensure_ascii=False)
            content_type = "application/json"
        else:
            content, content_type = f"{vi}\n{en}\n", "text/plain; charset=utf-8"
        data = content.encode()
        start_response("413 Content Too Large", [("Content-Type", content_type),
                                                 ("Content-Length", str(len(data)))])
        return [data]


class _ClosingAlso:
    """The application's response, which closes the buffered body when the server closes the response."""

    def __init__(self, response: Iterable[bytes], body: Any) -> None:
        self.response, self.body = response, body

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.response)

    def close(self) -> None:
        try:
            if hasattr(self.response, "close"):
                self.response.close()
        finally:
            self.body.close()
