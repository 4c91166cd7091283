"""Header hardening over real sockets: the anonymous CSRF cookie (`__Host-` under TLS, only values the server
issued) and the request headers the server refuses with 400 (conflicting Content-Length, NUL and other control
characters in header values)."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
from pathlib import Path

import pytest
import requests

from conftest import (LoginForm, Server, client, cookie_attributes, cookie_line, hidden_csrf, server_verify,
                      stop_and_check, ui_text)

PLANTED = "A" * 40


def tls_server(fresh_server, tmp_path: Path) -> Server:
    """A server of the test's own under TLS, with a self-signed certificate for 127.0.0.1."""
    directory = tmp_path / "tls-0"
    directory.mkdir()
    certificate, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(certificate)], check=True, capture_output=True)
    running = fresh_server(demo=False, name="tls", extra=("--tls-cert", str(certificate), "--tls-key", str(key)))
    assert running.scheme == "https", running.log[-2000:]
    return running


def post_login(server: Server, http: requests.Session, token: str, **extra) -> requests.Response:
    return http.post(server.url("/login"), data={"login": "nobody-here", "password": "not the password",
                                                 "csrf_token": token}, allow_redirects=False, timeout=15, **extra)


# --- the anonymous CSRF cookie --------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is needed to make a test certificate")
def test_under_tls_the_login_page_sets_a_host_prefixed_secure_csrf_cookie(fresh_server, tmp_path):
    running = tls_server(fresh_server, tmp_path)
    http = client(verify=server_verify(running))
    page = http.get(running.url("/login"), timeout=10)
    assert page.status_code == 200
    line = cookie_line(page, "__Host-csa_csrf")
    assert line, f"no __Host-csa_csrf cookie: {page.raw.headers.getlist('Set-Cookie')}"
    assert cookie_line(page, "csa_csrf") is None
    _, value, attributes = cookie_attributes(line)
    assert "secure" in attributes and attributes.get("path") == "/" and "domain" not in attributes
    assert value == hidden_csrf(page.text, "/login")
    # The issued value is accepted: the form reaches the password check (401), not the CSRF refusal (403).
    assert post_login(running, http, value).status_code == 401
    # A value planted under the prefixed name (as a page of this very host could) is refused all the same.
    planted = client(verify=server_verify(running))
    planted.cookies.set("__Host-csa_csrf", PLANTED)
    refused = post_login(running, planted, PLANTED)
    assert refused.status_code == 403
    fresh = cookie_line(refused, "__Host-csa_csrf")
    assert fresh and cookie_attributes(fresh)[1] != PLANTED


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_planted_csrf_cookie_with_a_matching_field_is_refused_and_replaced(server, language):
    http = client()
    # Where the server's own Set-Cookie will land in the jar (host-only cookie of 127.0.0.1), so it replaces this one.
    http.cookies.set("csa_csrf", PLANTED, domain="127.0.0.1", path="/")
    http.cookies.set("csa_lang", language, domain="127.0.0.1", path="/")
    refused = post_login(server, http, PLANTED)
    assert refused.status_code == 403, refused.text[:500]
    assert ui_text(language, "error.403") in refused.text
    fresh = cookie_line(refused, "csa_csrf")
    assert fresh, f"no fresh csa_csrf cookie: {refused.raw.headers.getlist('Set-Cookie')}"
    _, value, _ = cookie_attributes(fresh)
    assert value != PLANTED and len(value) > 40
    # The browser now holds the issued value; the login form made from it is accepted.
    form = LoginForm(server, http)
    assert form.token == value
    assert form.submit("nobody-here", "not the password").status_code == 401


def test_the_issued_value_survives_a_restart_of_the_server(fresh_server):
    first = fresh_server(demo=False, name="restart")
    http = client()
    token = LoginForm(first, http).token
    assert first.stop() == 0
    # The same database, a new process: the key is in the database, so the cookie still verifies.
    second = Server(first.directory, demo=False).start()
    try:
        again = http.get(second.url("/login"), timeout=10)
        assert cookie_line(again, "csa_csrf") is None, "the cookie issued before the restart was replaced"
        assert post_login(second, http, token).status_code == 401
    finally:
        stop_and_check(second)


# --- request headers --------------------------------------------------------------------------------


def raw_status(server: Server, payload: bytes, *, timeout: float = 5.0) -> tuple[int, bytes]:
    """Sends raw bytes, returns the status and the response head; waits for the server to close when it says so."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=timeout) as connection:
        connection.sendall(payload)
        received = b""
        while b"\r\n\r\n" not in received:
            chunk = connection.recv(65536)
            if not chunk:
                break
            received += chunk
    head = received.split(b"\r\n\r\n", 1)[0]
    assert head.startswith(b"HTTP/1.1 "), received[:200]
    return int(head.split(b" ")[1]), head


LOGIN = b"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"


def test_two_different_content_lengths_are_400(server):
    status, head = raw_status(server, LOGIN + b"Content-Length: 3\r\nContent-Length: 5\r\n\r\nabcde")
    assert status == 400
    assert b"connection: close" in head.lower()
    assert b"x-content-type-options: nosniff" in head.lower()


def test_the_same_content_length_twice_is_read_as_one(server):
    status, _ = raw_status(server, LOGIN + b"Content-Length: 3\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc")
    assert status == 403  # the body was read and the form refused for want of a CSRF token: not a framing error


def test_content_length_with_transfer_encoding_is_400(server):
    status, _ = raw_status(server, LOGIN + b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
    assert status == 400


@pytest.mark.parametrize("path", ["/login", "/healthz", "/api/v1/me"])
def test_a_nul_in_a_header_value_is_400(server, path):
    payload = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n".encode() + b"X-Note: a\x00bc\r\nConnection: close\r\n\r\n"
    status, _ = raw_status(server, payload)
    assert status == 400
    # Also as the last header, where nothing follows the hidden bytes but the empty line.
    status, _ = raw_status(server, f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n".encode()
                           + b"Cookie: csa_lang=en\x00x\r\n\r\n")
    assert status == 400


@pytest.mark.parametrize("value", [b"a\x01b", b"a\rb", b"a\x7fb", b"a\x1bb"])
def test_other_control_characters_in_a_header_value_are_400(server, value):
    status, _ = raw_status(server, b"GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Note: " + value
                           + b"\r\nConnection: close\r\n\r\n")
    assert status == 400


def test_ordinary_raw_requests_still_pass(server):
    status, _ = raw_status(server, b"GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Note:  tab\tand spaces  \r\n"
                           b"Accept-Language: zh-CN,zh;q=0.9\r\nX-Bytes: \xe4\xb8\xad\r\nConnection: close\r\n\r\n")
    assert status == 200
    assert requests.get(server.url("/healthz"), timeout=5).status_code == 200


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is needed to make a test certificate")
def test_under_tls_a_nul_in_a_header_value_is_400_with_hsts(fresh_server, tmp_path):
    running = tls_server(fresh_server, tmp_path)
    context = ssl.create_default_context(cafile=str(running.directory / "cert.pem"))
    with socket.create_connection(("127.0.0.1", running.port), timeout=5) as plain:
        with context.wrap_socket(plain, server_hostname="127.0.0.1") as connection:
            connection.sendall(b"GET /login HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Note: a\x00bc\r\nConnection: close\r\n\r\n")
            received = b""
            while b"\r\n\r\n" not in received:
                chunk = connection.recv(65536)
                if not chunk:
                    break
                received += chunk
    assert received.startswith(b"HTTP/1.1 400"), received[:200]
    assert b"strict-transport-security:" in received.lower()
