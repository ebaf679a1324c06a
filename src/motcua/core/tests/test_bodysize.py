"""The request body cap: a large upload is refused before it is read, by the production server too."""

import io
import json
import socket
import sys
from wsgiref.util import setup_testing_defaults

import pytest
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections

from motcua.core.bodysize import CHUNK, CapRequestBody
from motcua.identity.callers import issue_token
from motcua.identity.models import Official

CAP = 1024 * 1024
HUGE = 200 * 1024 * 1024


@pytest.fixture
def gunicorn(start_server):
    """The production server (gunicorn, one worker) on a free port, with a 1 MiB cap."""
    return start_server([sys.executable, "-m", "gunicorn", "motcua.wsgi:application", "--bind", "127.0.0.1:{port}",
                         "--workers", "1"], MOTCUA_MAX_REQUEST_BYTES=str(CAP))


def exchange(port: int, head: bytes) -> bytes:
    """Send a request's head, and no body, then read what comes back until the server closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        conn.sendall(head)
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    return answer


@pytest.mark.parametrize(("path", "content_type"), [
    ("/xac-thuc/", "multipart/form-data; boundary=x"),  # the public page that takes any PDF
    ("/api/dossiers", "application/json"),
])
@pytest.mark.own_servers
def test_a_body_declared_larger_than_the_cap_is_refused_before_it_is_sent(gunicorn, path, content_type):
    answer = exchange(gunicorn, f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n"
                                f"Content-Length: {HUGE}\r\n\r\n".encode())
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413"), answer[:500]
    text = body.decode()
    assert "1 MB" in text and "giới hạn" in text and "limit" in text
    if path.startswith("/api/"):
        refusal = json.loads(text)
        assert refusal["errors"][0]["field"] == "body" and refusal["detail"]["vi"] != refusal["detail"]["en"]


class ChunkedUpload(io.RawIOBase):
    """A body sent without a length, as gunicorn hands it over: it counts how much the server read."""

    def __init__(self, data: bytes = b"", size: int = 0) -> None:
        self.data, self.left, self.taken = data, size or len(data), 0

    def read(self, n: int = -1) -> bytes:
        n = self.left if n < 0 else min(n, self.left)
        chunk = self.data[self.taken:self.taken + n] if self.data else b"x" * n
        self.left -= n
        self.taken += n
        return chunk


def call(app, upload: ChunkedUpload, path: str, **headers) -> tuple[str, bytes]:
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": path, "CONTENT_TYPE": "application/json",
               "HTTP_TRANSFER_ENCODING": "chunked", "wsgi.input": upload, "wsgi.input_terminated": True,
               **headers}
    setup_testing_defaults(environ)
    status = []
    response = app(environ, lambda line, _headers: status.append(line))
    try:
        return status[0], b"".join(response)
    finally:
        if hasattr(response, "close"):
            response.close()  # as a server does: it ends the request (Django's request_finished)


def test_a_chunked_body_is_read_only_up_to_the_cap():
    upload = ChunkedUpload(size=HUGE)
    status, _body = call(CapRequestBody(get_wsgi_application(), CAP), upload, "/xac-thuc/")
    assert status.startswith("413") and upload.taken <= CAP + CHUNK


@pytest.mark.django_db
def test_a_chunked_body_within_the_cap_reaches_the_api(seeded):
    token = issue_token(Official.objects.get(user__username="hoankiem.motcua"))
    # Like Django's test client: keep the test transaction's connection across the in-process request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        submission = {"procedure_code": "9.999999", "channel": "counter", "applicant": {"id_number": "1", "name": "A"}}
        status, body = call(CapRequestBody(get_wsgi_application(), CAP), ChunkedUpload(json.dumps(submission).encode()),
                            "/api/dossiers", HTTP_AUTHORIZATION=f"Bearer {token}")
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    assert status.startswith("422")  # read and validated, not taken for an empty body
    assert "procedure_code" in [e["field"] for e in json.loads(body)["errors"]]
