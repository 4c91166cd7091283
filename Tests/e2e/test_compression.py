"""Signed-in pages sent gzip-compressed to browsers, through the real server: the bytes decode to the page the
server sends uncompressed (apart from the per-page CSRF mask), with `Vary: Accept-Encoding` and `no-store`."""
from __future__ import annotations

import gzip
import re

import requests

from conftest import hidden_csrf, login

PAGES = ["/", "/courses", "/courses/info-security", "/profile"]
MASKED = re.compile(r'(name="csrf_token" value=|data-csrf=)"[^"]*"')


def unmasked(page: str) -> str:
    return MASKED.sub(lambda match: match.group(1) + '"TOKEN"', page)


def raw_get(http: requests.Session, url: str, encoding: str) -> requests.Response:
    """A GET whose body is kept as sent (requests would decode gzip itself)."""
    response = http.get(url, headers={"Accept-Encoding": encoding}, allow_redirects=False, timeout=10, stream=True)
    response.raw_bytes = response.raw.read(decode_content=False)
    return response


def test_signed_in_pages_are_sent_compressed_and_decode_to_the_same_page(server, unique):
    login_name = unique("gzip")
    http = login(server, login_name, server.add_user(login_name, "压缩测试"))
    for path in PAGES:
        plain = raw_get(http, server.url(path), "identity")
        packed = raw_get(http, server.url(path), "gzip, deflate, br")
        assert plain.status_code == packed.status_code == 200, path
        assert "Content-Encoding" not in plain.headers, path
        assert packed.headers.get("Content-Encoding") == "gzip", path
        for response in (plain, packed):
            assert "accept-encoding" in response.headers.get("Vary", "").lower(), path
            assert response.headers.get("Cache-Control") == "no-store", path
        assert len(packed.raw_bytes) < len(plain.raw_bytes), path
        assert int(packed.headers["Content-Length"]) == len(packed.raw_bytes), path
        decoded = gzip.decompress(packed.raw_bytes).decode("utf-8")
        assert unmasked(decoded) == unmasked(plain.raw_bytes.decode("utf-8")), path


def test_the_masked_token_of_a_compressed_page_signs_out(server, unique):
    login_name = unique("gzipout")
    http = login(server, login_name, server.add_user(login_name, "压缩测试"))
    first = hidden_csrf(http.get(server.url("/profile"), timeout=10).text, "/logout")
    second = hidden_csrf(http.get(server.url("/profile"), timeout=10).text, "/logout")
    assert first != second, "the session's token is masked afresh on every page"
    out = http.post(server.url("/logout"), data={"csrf_token": first}, allow_redirects=False, timeout=10)
    assert out.status_code == 303
    assert http.get(server.url("/profile"), allow_redirects=False, timeout=10).status_code == 303
