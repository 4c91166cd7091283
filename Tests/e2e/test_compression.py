"""Signed-in pages sent gzip-compressed to browsers, through the real server: the bytes decode to the page the
server sends uncompressed (apart from the per-page CSRF mask), with `Vary: Accept-Encoding` and `no-store`."""
from __future__ import annotations

import gzip
import re
import shutil
import subprocess
import zlib

import requests

from conftest import hidden_csrf, login

# The catalogue, the course page and the module page are written from kept parts (their gzip member is put together
# from parts compressed once, when that is not much larger than compressing the page whole); the others are
# compressed whole.
PAGES = ["/", "/courses", "/courses/info-security", "/courses/info-literacy/modules/finding-information", "/profile"]
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


def test_pages_from_kept_parts_decode_with_curl_and_zlib_stream_by_stream(server, unique):
    """The module page's member (kept parts' DEFLATE data and stored blocks) decodes with curl --compressed, and zlib
    fed a few bytes at a time reaches the end of the member with nothing left over."""
    login_name = unique("gzipcurl")
    http = login(server, login_name, server.add_user(login_name, "压缩测试"))
    cookie = "; ".join(f"{name}={value}" for name, value in http.cookies.items())
    for path in PAGES[1:4]:
        plain = raw_get(http, server.url(path), "identity").raw_bytes.decode("utf-8")
        packed = raw_get(http, server.url(path), "gzip").raw_bytes
        stream = zlib.decompressobj(16 + zlib.MAX_WBITS)
        decoded = b"".join(stream.decompress(packed[i:i + 7]) for i in range(0, len(packed), 7)) + stream.flush()
        assert stream.eof and stream.unused_data == b"", path
        assert unmasked(decoded.decode("utf-8")) == unmasked(plain), path
        if shutil.which("curl"):
            result = subprocess.run(["curl", "-s", "--compressed", "-H", f"Cookie: {cookie}", server.url(path)],
                                    capture_output=True, check=True, timeout=20)
            assert unmasked(result.stdout.decode("utf-8")) == unmasked(plain), path
