"""Black-box checks of the foundation: sign-in, sessions, CSRF, throttling, HTTP hygiene, CLI, backup, audit."""

from __future__ import annotations

import gzip
import http.client
import re
import shutil
import socket
import sqlite3
import subprocess
import time
from urllib.parse import urlsplit

import pytest
import requests

from conftest import (
    MAX_BODY_BYTES,
    LoginForm,
    attempt_login,
    client,
    cookie_attributes,
    cookie_line,
    form_with_action,
    is_signed_in,
    login,
    run_cli,
    session_cookie_name,
    signed_in_csrf,
    stop_and_check,
)

WRONG_PASSWORD = "Not-The-Right-One-9917"


# --- raw requests and header checks -------------------------------------------------------------


def raw_exchange(server, payload: bytes, *, timeout: float = 5.0, source: str | None = None) -> bytes:
    """Sends bytes on a fresh connection and returns everything received until the server closes or goes quiet."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=timeout,
                                  source_address=(source, 0) if source else None) as sock:
        sock.sendall(payload)
        received = b""
        try:
            while chunk := sock.recv(65536):
                received += chunk
        except TimeoutError:
            pass
        return received


def split_response(data: bytes) -> tuple[int, dict[str, str], bytes]:
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers, body


def one_request(server, method: str, path: str, headers: dict[str, str] | None = None):
    """A request sent exactly as written (no re-encoding of the path), answered and read."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        body = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body
    finally:
        connection.close()


def assert_security_headers(headers, where: str) -> None:
    lowered = {k.lower(): v for k, v in headers.items()}
    csp = lowered.get("content-security-policy")
    assert csp, f"{where}: no Content-Security-Policy"
    assert "'unsafe-inline'" not in csp, f"{where}: CSP allows 'unsafe-inline': {csp}"
    assert re.search(r"frame-ancestors\s+'none'", csp), f"{where}: CSP lacks frame-ancestors 'none': {csp}"
    assert lowered.get("x-content-type-options", "").lower() == "nosniff", f"{where}: no X-Content-Type-Options: nosniff"
    assert lowered.get("referrer-policy"), f"{where}: no Referrer-Policy"


def location_path(response: requests.Response, server) -> str:
    """The Location header as a path, accepting an absolute URL only if it points back at this server."""
    location = response.headers.get("Location", "")
    parts = urlsplit(location)
    assert parts.netloc in ("", f"127.0.0.1:{server.port}"), f"redirect leaves the site: {location}"
    assert not location.startswith("//"), f"protocol-relative redirect: {location}"
    return parts.path + (f"?{parts.query}" if parts.query else "")


def new_user(server, unique, prefix: str, name: str = "测试用户") -> tuple[str, str]:
    login_name = unique(prefix)
    return login_name, server.add_user(login_name, name)


def session_value(http: requests.Session, server) -> str:
    value = http.cookies.get(session_cookie_name(server))
    assert value, f"no {session_cookie_name(server)} cookie in the jar: {http.cookies}"
    return value


# --- health and the demo --------------------------------------------------------------------------


def test_healthz_and_metrics(server):
    health = requests.get(server.url("/healthz"), timeout=5)
    assert health.status_code == 200
    assert health.headers["Content-Type"].startswith("application/json")
    assert health.json()["status"] == "ok"
    metrics = requests.get(server.url("/metrics"), timeout=5)
    assert metrics.status_code == 200
    assert "http_requests_total" in metrics.text


def test_demo_prints_one_account_per_role_and_each_can_sign_in(server):
    assert set(server.demo_passwords) == {"demo-learner", "demo-trainer", "demo-hr", "demo-admin"}, server.log[-3000:]
    for account, password in server.demo_passwords.items():
        session = login(server, account, password)
        assert is_signed_in(server, session), account


def test_cli_lists_created_users_and_departments(server, unique):
    login_name, _ = new_user(server, unique, "listed", "王明远")
    users = server.cli("users", "list").stdout
    assert login_name in users and "王明远" in users, users
    departments = server.cli("departments", "list").stdout
    assert "数据局" in departments, departments


# --- sign-in --------------------------------------------------------------------------------------


def test_login_page_has_the_form_and_an_anonymous_csrf_cookie(server):
    page = requests.get(server.url("/login"), timeout=5)
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    form = form_with_action(page.text, "/login")
    assert form["method"] == "post"
    assert {"login", "password", "csrf_token"} <= set(form["inputs"]), form
    assert form["inputs"]["password"].get("type") == "password"
    assert form["inputs"]["csrf_token"].get("type") == "hidden"
    line = cookie_line(page, "csa_csrf")
    assert line, f"GET /login set no csa_csrf cookie: {page.headers.get('Set-Cookie')}"
    _, value, _ = cookie_attributes(line)
    assert value and value == form["inputs"]["csrf_token"]["value"]


def test_anonymous_home_redirects_to_login_with_next(server):
    response = requests.get(server.url("/"), allow_redirects=False, timeout=5)
    assert response.status_code == 303
    assert location_path(response, server) == "/login?next=%2F"


def test_login_redirects_home_with_an_http_only_same_site_session_cookie(server, unique):
    login_name, password = new_user(server, unique, "signin")
    attempt = attempt_login(server, login_name, password)
    response = attempt.response
    assert response.status_code == 303, response.text[:500]
    assert location_path(response, server) == "/"
    line = cookie_line(response, "csa_session")
    assert line, f"no csa_session cookie set: {response.raw.headers.getlist('Set-Cookie')}"
    name, value, attributes = cookie_attributes(line)
    assert "httponly" in attributes, line
    assert attributes.get("samesite", "").lower() == "lax", line
    assert attributes.get("path") == "/", line
    assert "domain" not in attributes, line
    assert len(value) >= 22, f"session token too short for 128 bits: {value!r}"
    assert value != attempt.login_csrf
    assert is_signed_in(server, attempt.http)


def test_login_follows_a_local_next_and_never_an_external_one(server, unique):
    login_name, password = new_user(server, unique, "next")
    local = attempt_login(server, login_name, password, next_path="/healthz")
    assert local.response.status_code == 303
    assert location_path(local.response, server) == "/healthz"
    for hostile in ("https://evil.example/x", "//evil.example/x", "/\\evil.example/x"):
        attempt = attempt_login(server, login_name, password, next_path=hostile)
        assert attempt.response.status_code in (303, 400), (hostile, attempt.response.status_code)
        if attempt.response.status_code == 303:
            path = location_path(attempt.response, server)
            assert not path.startswith("//") and "evil.example" not in urlsplit(path).netloc, (hostile, path)
            assert not path.startswith("/\\"), (hostile, path)


def test_wrong_password_and_unknown_login_get_the_same_401(server, unique):
    known, _ = new_user(server, unique, "known")
    unknown = unique("nobody")
    wrong = attempt_login(server, known, WRONG_PASSWORD)
    missing = attempt_login(server, unknown, WRONG_PASSWORD)
    assert wrong.response.status_code == 401
    assert missing.response.status_code == 401

    def normalized(attempt, login_name):
        text = attempt.response.text.replace(login_name, "LOGIN")
        for token in re.findall(r'name="csrf_token"\s+value="([^"]*)"|value="([^"]*)"\s+name="csrf_token"', text):
            for part in token:
                if part:
                    text = text.replace(part, "TOKEN")
        text = re.sub(r"'nonce-[^']+'|nonce=\"[^\"]+\"", "NONCE", text)
        return text

    assert normalized(wrong, known) == normalized(missing, unknown)
    for attempt in (wrong, missing):
        assert cookie_line(attempt.response, "csa_session") is None


def test_a_new_session_token_at_every_login_and_a_planted_one_is_replaced(server, unique):
    login_name, password = new_user(server, unique, "rotate")
    planted = "A" * 43
    browser = client()
    browser.cookies.set("csa_session", planted, domain="127.0.0.1", path="/")
    first = attempt_login(server, login_name, password, http=browser)
    assert first.response.status_code == 303
    first_token = cookie_attributes(cookie_line(first.response, "csa_session"))[1]
    assert first_token != planted
    assert session_value(browser, server) == first_token

    planted_only = requests.get(server.url("/"), headers={"Cookie": f"csa_session={planted}"},
                                allow_redirects=False, timeout=5)
    assert planted_only.status_code == 303

    second = attempt_login(server, login_name, password)
    assert second.response.status_code == 303
    second_token = cookie_attributes(cookie_line(second.response, "csa_session"))[1]
    assert second_token != first_token


# --- CSRF -----------------------------------------------------------------------------------------


def test_login_post_without_the_right_csrf_token_is_403(server, unique):
    login_name, password = new_user(server, unique, "csrf")
    form = LoginForm(server)
    missing = form.http.post(server.url("/login"), data={"login": login_name, "password": password},
                             allow_redirects=False, timeout=10)
    assert missing.status_code == 403, missing.status_code
    wrong = form.submit(login_name, password, csrf="0" * max(len(form.token), 32))
    assert wrong.status_code == 403, wrong.status_code

    other_browser = LoginForm(server)
    assert other_browser.token != form.token
    foreign = form.submit(login_name, password, csrf=other_browser.token)
    assert foreign.status_code == 403, foreign.status_code

    no_cookie = requests.post(server.url("/login"),
                              data={"login": login_name, "password": password, "csrf_token": form.token},
                              allow_redirects=False, timeout=10)
    assert no_cookie.status_code == 403, no_cookie.status_code
    for response in (missing, wrong, foreign, no_cookie):
        assert cookie_line(response, "csa_session") is None

    assert LoginForm(server).submit(login_name, password).status_code == 303


def test_logout_needs_the_sessions_own_csrf_token(server, unique):
    alice, alice_password = new_user(server, unique, "alice")
    bob, bob_password = new_user(server, unique, "bob")
    alice_browser = login(server, alice, alice_password)
    bob_browser = login(server, bob, bob_password)
    alice_token = signed_in_csrf(server, alice_browser)
    bob_token = signed_in_csrf(server, bob_browser)
    assert alice_token != bob_token

    for label, data in (("missing", {}), ("wrong", {"csrf_token": "0" * len(alice_token)}),
                        ("another user's", {"csrf_token": bob_token})):
        response = alice_browser.post(server.url("/logout"), data=data, allow_redirects=False, timeout=10)
        assert response.status_code == 403, f"logout with {label} token -> {response.status_code}"
        assert is_signed_in(server, alice_browser), f"logout with {label} token ended the session"

    done = alice_browser.post(server.url("/logout"), data={"csrf_token": alice_token}, allow_redirects=False,
                              timeout=10)
    assert done.status_code == 303
    assert location_path(done, server) == "/login"
    assert is_signed_in(server, bob_browser)


def test_logout_ends_the_session_on_the_server(server, unique):
    login_name, password = new_user(server, unique, "logout")
    browser = login(server, login_name, password)
    old_cookie = session_value(browser, server)
    token = signed_in_csrf(server, browser)
    assert browser.post(server.url("/logout"), data={"csrf_token": token}, allow_redirects=False,
                        timeout=10).status_code == 303

    replay = requests.get(server.url("/"), headers={"Cookie": f"csa_session={old_cookie}"},
                          allow_redirects=False, timeout=5)
    assert replay.status_code == 303, f"old cookie after logout -> {replay.status_code}"
    assert location_path(replay, server).startswith("/login")
    replayed_post = requests.post(server.url("/logout"), headers={"Cookie": f"csa_session={old_cookie}"},
                                  data={"csrf_token": token}, allow_redirects=False, timeout=5)
    assert replayed_post.status_code in (303, 401, 403)
    again = requests.get(server.url("/"), headers={"Cookie": f"csa_session={old_cookie}"},
                         allow_redirects=False, timeout=5)
    assert again.status_code == 303


def test_disabling_an_account_ends_its_session_at_once(server, unique):
    login_name, password = new_user(server, unique, "disabled")
    browser = login(server, login_name, password)
    assert is_signed_in(server, browser)
    server.cli("users", "disable", "--login", login_name)
    response = browser.get(server.url("/"), allow_redirects=False, timeout=5)
    assert response.status_code == 303, f"disabled user's session -> {response.status_code}"
    again = attempt_login(server, login_name, password)
    assert again.response.status_code in (401, 403), again.response.status_code
    assert cookie_line(again.response, "csa_session") is None


def test_set_password_replaces_the_old_one(server, unique):
    login_name, old_password = new_user(server, unique, "newpass")
    new_password = "Copper-Meadow-Window-83"
    server.cli("users", "set-password", "--login", login_name, "--password-stdin", stdin=new_password + "\n")
    assert attempt_login(server, login_name, old_password).response.status_code == 401
    assert attempt_login(server, login_name, new_password).response.status_code == 303


# --- throttling -----------------------------------------------------------------------------------


def test_failed_logins_lock_the_account_after_five(server, unique):
    target, password = new_user(server, unique, "locked")
    bystander, bystander_password = new_user(server, unique, "bystander")
    form = LoginForm(server, client("127.0.0.2"))
    for attempt in range(5):
        response = form.submit(target, WRONG_PASSWORD)
        assert response.status_code == 401, f"failure {attempt + 1} -> {response.status_code}"
    blocked = form.submit(target, password)
    assert blocked.status_code == 429, f"6th attempt (right password) -> {blocked.status_code}"
    retry_after = blocked.headers.get("Retry-After", "")
    assert retry_after.isdigit() and int(retry_after) > 0, f"Retry-After: {retry_after!r}"
    assert cookie_line(blocked, "csa_session") is None
    assert form.submit(bystander, bystander_password).status_code == 303, "other accounts must stay open"


def test_failed_logins_throttle_the_address_after_twenty(fresh_server, unique):
    running = fresh_server(demo=False, name="address-throttle")
    victim, password = new_user(running, unique, "victim")
    form = LoginForm(running, client("127.0.0.3"))
    for attempt in range(20):
        response = form.submit(unique("stranger"), WRONG_PASSWORD)
        assert response.status_code == 401, f"failure {attempt + 1} -> {response.status_code}"
    blocked = form.submit(victim, password)
    assert blocked.status_code == 429, f"21st attempt from the address -> {blocked.status_code}"
    retry_after = blocked.headers.get("Retry-After", "")
    assert retry_after.isdigit() and int(retry_after) > 0, f"Retry-After: {retry_after!r}"
    elsewhere = LoginForm(running, client("127.0.0.4")).submit(victim, password)
    assert elsewhere.status_code == 303, f"same account from another address -> {elsewhere.status_code}"


# --- HTTP hygiene ---------------------------------------------------------------------------------


def test_a_body_over_the_limit_is_413(server):
    form = LoginForm(server)
    body = {"login": "x", "password": "p" * (MAX_BODY_BYTES + 1), "csrf_token": form.token}
    response = form.http.post(server.url("/login"), data=body, allow_redirects=False, timeout=10)
    assert response.status_code == 413
    assert_security_headers(response.headers, "413 for POST /login")
    assert requests.get(server.url("/healthz"), timeout=5).status_code == 200


def test_a_declared_oversized_body_is_refused_before_it_is_sent(server):
    request = (f"POST /login HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
               "Content-Type: application/x-www-form-urlencoded\r\n"
               f"Content-Length: {100 * 1024 * 1024}\r\n\r\n").encode()
    received = raw_exchange(server, request, timeout=5)
    assert received, "no answer within 5 s to a 100 MiB Content-Length (the server waits for the body)"
    status, headers, _ = split_response(received)
    assert status == 413
    assert_security_headers(headers, "413 for a declared 100 MiB body")
    assert requests.get(server.url("/healthz"), timeout=5).status_code == 200


@pytest.mark.parametrize("path", ["/login?x=%zz", "/%C0%AF", "/login?x=%C0%AF", "/login?x=%", "/login?x=%ED%A0%80"])
def test_invalid_percent_encoding_is_400(server, path):
    status, headers, _ = one_request(server, "GET", path)
    assert status == 400, f"GET {path} -> {status}"
    assert_security_headers(headers, f"400 for {path}")


@pytest.mark.parametrize("path", ["/login", "/", "/healthz", "/assets/style.css"])
def test_head_answers_the_same_headers_without_a_body(server, path):
    get_status, get_headers, get_body = one_request(server, "GET", path)
    head = raw_exchange(server, f"HEAD {path} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
                                "Connection: close\r\n\r\n".encode(), timeout=5)
    status, headers, body = split_response(head)
    assert status == get_status
    assert body == b"", f"HEAD {path} sent {len(body)} body bytes"
    for name in ("content-type", "location", "x-content-type-options", "referrer-policy", "etag"):
        assert headers.get(name) == get_headers.get(name), f"HEAD {path}: {name} differs"
    unnonced = lambda value: re.sub(r"'nonce-[^']+'", "'nonce'", value or "")
    assert unnonced(headers.get("content-security-policy")) == unnonced(get_headers.get("content-security-policy"))
    if "content-length" in headers and path != "/login":
        assert headers["content-length"] == str(len(get_body))


def test_keep_alive_answers_several_requests_on_one_socket(server):
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        statuses = []
        sockets = []
        for path in ("/healthz", "/", "/login", "/no-such-page"):
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            statuses.append(response.status)
            assert not response.will_close, f"server closed the connection after GET {path}"
            sockets.append(connection.sock)
        assert statuses == [200, 303, 200, 404]
        assert all(sock is sockets[0] for sock in sockets), "a new connection was opened"
    finally:
        connection.close()


@pytest.mark.parametrize("path,expected", [
    ("/login", 200), ("/healthz", 200), ("/assets/style.css", 200), ("/no-such-page", 404),
    ("/", 303), ("/api/v1/me", 401), ("/login?x=%zz", 400),
])
def test_every_kind_of_response_carries_the_security_headers(server, path, expected):
    status, headers, _ = one_request(server, "GET", path)
    assert status == expected
    assert_security_headers(headers, f"GET {path} ({status})")


def test_signed_in_pages_carry_security_headers_and_are_not_cached(server, unique):
    login_name, password = new_user(server, unique, "headers")
    browser = login(server, login_name, password)
    home = browser.get(server.url("/"), allow_redirects=False, timeout=5)
    assert home.status_code == 200
    assert_security_headers(home.headers, "signed-in GET /")
    assert "no-store" in home.headers.get("Cache-Control", ""), f"Cache-Control: {home.headers.get('Cache-Control')}"


@pytest.mark.parametrize("path", ["/.git/HEAD", "/academy.sqlite", "/academy.sqlite-wal", "/assets/",
                                  "/assets/../Package.swift", "/assets/%2e%2e/%2e%2e/Package.swift"])
def test_no_repository_database_or_directory_is_served(server, path):
    status, _, body = one_request(server, "GET", path)
    assert status in (400, 403, 404), f"GET {path} -> {status}"
    assert b"SQLite format 3" not in body and b"PackageDescription" not in body


@pytest.mark.parametrize("method", ["TRACE", "FOO"])
def test_unknown_methods_are_refused(server, method):
    status, _, _ = one_request(server, method, "/")
    assert status in (400, 405, 501), f"{method} / -> {status}"


def test_static_asset_has_an_etag_and_answers_304(server):
    first = requests.get(server.url("/assets/style.css"), timeout=5)
    assert first.status_code == 200
    assert first.headers["Content-Type"].startswith("text/css")
    etag = first.headers.get("ETag")
    assert etag, "no ETag on /assets/style.css"
    again = requests.get(server.url("/assets/style.css"), headers={"If-None-Match": etag}, timeout=5)
    assert again.status_code == 304
    assert again.content == b""
    other = requests.get(server.url("/assets/style.css"), headers={"If-None-Match": '"not-it"'}, timeout=5)
    assert other.status_code == 200 and other.content == first.content


def test_the_stylesheet_is_sent_compressed_to_clients_that_accept_gzip(server):
    url = server.url("/assets/style.css")
    plain = requests.get(url, headers={"Accept-Encoding": "identity"}, timeout=5)
    assert plain.status_code == 200 and "Content-Encoding" not in plain.headers
    compressed = requests.get(url, headers={"Accept-Encoding": "gzip, deflate, br"}, stream=True, timeout=5)
    body = compressed.raw.read(decode_content=False)
    assert compressed.headers.get("Content-Encoding") == "gzip"
    assert compressed.headers.get("Vary") == "Accept-Encoding" and plain.headers.get("Vary") == "Accept-Encoding"
    assert compressed.headers["ETag"] != plain.headers["ETag"], "two forms of one file need two ETags"
    assert gzip.decompress(body) == plain.content
    assert len(body) * 2 < len(plain.content)
    refused = requests.get(url, headers={"Accept-Encoding": "gzip;q=0, br"}, stream=True, timeout=5)
    assert "Content-Encoding" not in refused.headers and refused.raw.read(decode_content=False) == plain.content


# --- API tokens -----------------------------------------------------------------------------------


def test_bearer_token_reaches_the_api_and_a_bad_one_is_401(server, unique):
    login_name, _ = new_user(server, unique, "api")
    token = server.cli("tokens", "create", "--login", login_name).stdout.strip().splitlines()[-1].strip()
    assert token and " " not in token
    me = requests.get(server.url("/api/v1/me"), headers={"Authorization": f"Bearer {token}"}, timeout=5)
    assert me.status_code == 200, me.text[:300]
    assert me.headers["Content-Type"].startswith("application/json")
    assert me.json()["login"] == login_name
    assert_security_headers(me.headers, "GET /api/v1/me")
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    for header in ({"Authorization": f"Bearer {tampered}"}, {"Authorization": "Bearer "}, {},
                   {"Authorization": f"Basic {token}"}):
        response = requests.get(server.url("/api/v1/me"), headers=header, timeout=5)
        assert response.status_code == 401, f"{header} -> {response.status_code}"


# --- backup and audit -----------------------------------------------------------------------------


def test_backup_writes_a_copy_that_passes_integrity_check(server, tmp_path):
    target = tmp_path / "backup.sqlite"
    done = server.cli("backup", str(target))
    assert "ok" in done.stdout.split(), done.stdout
    database = sqlite3.connect(f"file:{target}?mode=ro", uri=True)
    try:
        assert database.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        logins = {row[0] for row in database.execute("SELECT login FROM users")}
    finally:
        database.close()
    assert {"demo-learner", "demo-trainer", "demo-hr", "demo-admin"} <= logins


def test_verify_audit_names_the_first_edited_row(fresh_server, unique):
    running = fresh_server(name="audit")
    login_name, password = new_user(running, unique, "audited")
    login(running, login_name, password)
    attempt_login(running, login_name, WRONG_PASSWORD)
    running.cli("users", "disable", "--login", login_name)
    stop_and_check(running)

    intact = run_cli(running.db, "verify-audit", check=False)
    assert intact.returncode == 0, intact.stdout + intact.stderr
    database = sqlite3.connect(running.db)
    try:
        ids = [row[0] for row in database.execute("SELECT id FROM audit_log ORDER BY id")]
        assert len(ids) >= 3, f"only {len(ids)} audit rows after user changes and logins"
        assert re.search(rf"audit log intact: {len(ids)} rows", intact.stdout), intact.stdout
        victim = ids[len(ids) // 2]
        database.execute("DROP TRIGGER audit_log_no_update")
        database.execute("UPDATE audit_log SET details = details || ' ' WHERE id = ?", (victim,))
        database.commit()
    finally:
        database.close()

    broken = run_cli(running.db, "verify-audit", check=False)
    output = broken.stdout + broken.stderr
    assert broken.returncode == 1, output
    assert re.search(rf"(?<!\d){victim}(?!\d)", output), f"row {victim} not named in: {output}"


# --- shutdown -------------------------------------------------------------------------------------


def test_sigterm_with_slow_clients_connected_still_exits_cleanly(fresh_server):
    running = fresh_server(demo=False, name="sigterm")
    assert requests.get(running.url("/healthz"), timeout=5).status_code == 200
    slow_header = socket.create_connection(("127.0.0.1", running.port), timeout=5)
    slow_body = socket.create_connection(("127.0.0.1", running.port), timeout=5)
    try:
        slow_header.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        slow_body.sendall(b"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 500\r\n\r\nlogin=")
        time.sleep(0.3)
        started = time.monotonic()
        status = running.stop()
        elapsed = time.monotonic() - started
    finally:
        slow_header.close()
        slow_body.close()
    assert status == 0, running.log[-3000:]
    assert elapsed < 12.5, f"stopping took {elapsed:.1f} s (grace is 10 s)"


# --- TLS ------------------------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl is needed to make a test certificate")
def test_under_tls_the_session_cookie_is_host_prefixed_and_secure(fresh_server, tmp_path, unique):
    directory = tmp_path / "tls-0"
    directory.mkdir()
    certificate, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(certificate)], check=True, capture_output=True)
    running = fresh_server(demo=False, name="tls", extra=("--tls-cert", str(certificate), "--tls-key", str(key)))
    assert running.scheme == "https", running.log[-2000:]
    login_name, password = new_user(running, unique, "tls")
    attempt = attempt_login(running, login_name, password)
    assert attempt.response.status_code == 303
    line = cookie_line(attempt.response, "__Host-csa_session")
    assert line, f"no __Host-csa_session cookie: {attempt.response.raw.headers.getlist('Set-Cookie')}"
    _, _, attributes = cookie_attributes(line)
    assert "secure" in attributes and "httponly" in attributes and attributes.get("path") == "/"
    assert "domain" not in attributes
    assert is_signed_in(running, attempt.http)
    assert_security_headers(attempt.response.headers, "TLS POST /login")
