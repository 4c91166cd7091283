"""Password guessing is slowed without locking the owner out, the client address comes from X-Forwarded-For only
through a trusted proxy, and API tokens end: listed, revoked, expired, and ended by a password change or by
disabling the account. Everything through the real binary over HTTP; the clock is moved, never waited for."""

from __future__ import annotations

import re
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from conftest import BINARY, ClockedServer, LoginForm, STRONG_PASSWORD, client, hidden_csrf, login, stop_and_check

WRONG = "not-the-password-at-all"
NEW_PASSWORD = "Harbour-Lantern-Velvet-83"


@pytest.fixture(scope="module")
def proxied(tmp_path_factory: pytest.TempPathFactory):
    """A server behind a "proxy" at 127.0.0.1: requests from it name their client in X-Forwarded-For."""
    running = ClockedServer(tmp_path_factory.mktemp("proxied"), demo=False,
                            extra=("--trusted-proxy", "127.0.0.1/32", "--trusted-proxy", "2001:db8::/32")).start()
    yield running
    stop_and_check(running)


@pytest.fixture(scope="module")
def direct(tmp_path_factory: pytest.TempPathFactory):
    """A server without trusted proxies: the peer is the client, whatever it claims."""
    running = ClockedServer(tmp_path_factory.mktemp("direct"), demo=False).start()
    yield running
    stop_and_check(running)


def new_user(server, unique, prefix: str) -> str:
    login_name = unique(prefix)
    server.add_user(login_name, "测试用户")
    return login_name


def via(address: str) -> requests.Session:
    """A browser whose requests the proxy at 127.0.0.1 forwards for `address`."""
    http = client("127.0.0.1")
    http.headers["X-Forwarded-For"] = address
    return http


def assert_throttled(response: requests.Response, what: str) -> int:
    assert response.status_code == 429, f"{what} -> {response.status_code}: {response.text[:300]}"
    retry_after = response.headers.get("Retry-After", "")
    assert retry_after.isdigit() and int(retry_after) > 0, f"{what}: Retry-After {retry_after!r}"
    return int(retry_after)


# --- the owner is not locked out ------------------------------------------------------------------


def test_the_owner_signs_in_from_their_address_after_30_failures_from_other_addresses(proxied, unique):
    target = new_user(proxied, unique, "owner")
    login(proxied, target, STRONG_PASSWORD, http=via("198.51.100.10"))
    statuses = []
    for index in range(30):
        response = LoginForm(proxied, via(f"203.0.113.{index}")).submit(target, WRONG)
        statuses.append(response.status_code)
        if response.status_code == 429:
            assert_throttled(response, f"attempt {index + 1}")
    # Five are checked; then each further attempt must wait the account's doubling delay (2 s, 4 s, 8 s, ...), so
    # only the seconds this loop takes let a few more through.
    assert statuses[:6] == [401] * 5 + [429] and statuses.count(401) <= 8, statuses
    owner = LoginForm(proxied, via("198.51.100.10")).submit(target, STRONG_PASSWORD)
    assert owner.status_code == 303, f"the owner from their usual address -> {owner.status_code}"
    # From an address the account never used, the owner is slowed, not locked out.
    elsewhere = LoginForm(proxied, via("198.51.100.99"))
    wait = assert_throttled(elsewhere.submit(target, STRONG_PASSWORD), "the owner from a new address")
    assert wait <= 300, f"the delay is capped at five minutes, not {wait} s"
    proxied.advance(wait + 1)
    assert elsewhere.submit(target, STRONG_PASSWORD).status_code == 303


def test_one_address_is_held_after_20_failures_across_accounts_and_nobody_else(proxied, unique):
    victim = new_user(proxied, unique, "victim")
    form = LoginForm(proxied, via("203.0.113.200"))
    for attempt in range(20):
        response = form.submit(unique("stranger"), WRONG)
        assert response.status_code == 401, f"failure {attempt + 1} -> {response.status_code}"
    assert_throttled(form.submit(victim, STRONG_PASSWORD), "21st attempt from the address")
    # Behind the same proxy, other clients are untouched.
    assert LoginForm(proxied, via("203.0.113.201")).submit(victim, STRONG_PASSWORD).status_code == 303


def test_five_failures_from_one_address_hold_that_address_for_that_account(direct, unique):
    target = new_user(direct, unique, "pair")
    form = LoginForm(direct, client("127.0.0.21"))
    for attempt in range(5):
        assert form.submit(target, WRONG).status_code == 401, f"failure {attempt + 1}"
    assert_throttled(form.submit(target, STRONG_PASSWORD), "6th attempt, right password")
    direct.advance(15 * 60 + 1)
    assert form.submit(target, STRONG_PASSWORD).status_code == 303, "the window has passed"


# --- X-Forwarded-For ------------------------------------------------------------------------------


def test_forwarded_for_is_honoured_from_a_trusted_proxy_only(proxied, direct, unique):
    for server in (proxied, direct):
        target = new_user(server, unique, "xff")
        login(server, target, STRONG_PASSWORD, http=via("198.51.100.20"))
        form = LoginForm(server, via("203.0.113.77"))
        for _ in range(5):
            assert form.submit(target, WRONG).status_code == 401
        owner = LoginForm(server, via("198.51.100.20")).submit(target, STRONG_PASSWORD)
        if server is proxied:
            assert owner.status_code == 303, "through the trusted proxy, the owner's address is their own"
            assert "login failed address=203.0.113.77" in server.log
        else:
            # Without a trusted proxy both "clients" are the peer 127.0.0.1, which has used up its five tries.
            assert_throttled(owner, "X-Forwarded-For from an untrusted peer")
            assert "address=203.0.113.77" not in server.log
    # A peer that is not the proxy cannot choose its address either: its 20 failures across accounts, each
    # claiming another address, hold the peer.
    spoofer = client("127.0.0.22")
    for index in range(20):
        spoofer.headers["X-Forwarded-For"] = f"192.0.2.{index}"
        assert LoginForm(proxied, spoofer).submit(unique("stranger"), WRONG).status_code == 401
    spoofer.headers["X-Forwarded-For"] = "192.0.2.99"
    assert_throttled(LoginForm(proxied, spoofer).submit(unique("stranger"), WRONG), "a spoofing client's 21st try")
    assert "login failed address=127.0.0.22" in proxied.log and "address=192.0.2." not in proxied.log


def test_serve_refuses_a_malformed_trusted_proxy(tmp_path):
    done = subprocess.run([str(BINARY), "serve", "--db", str(tmp_path / "x.sqlite"), "--trusted-proxy", "10.0.0.0/33"],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode != 0
    assert "--trusted-proxy 10.0.0.0/33 is not an address or CIDR" in done.stderr + done.stdout
    assert not (tmp_path / "x.sqlite").exists()


# --- the race ---------------------------------------------------------------------------------------


def test_64_parallel_wrong_passwords_get_at_most_five_checks(direct, unique):
    target = new_user(direct, unique, "race")
    form = LoginForm(direct, client("127.0.0.23"))
    cookies = form.http.cookies.get_dict()

    def attempt(_: int) -> int:
        http = client("127.0.0.23")
        return http.post(direct.url("/login"), data={"login": target, "password": WRONG, "csrf_token": form.token},
                         cookies=cookies, allow_redirects=False, timeout=60).status_code

    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(attempt, range(64)))
    # Every 401 is one Argon2 check of a wrong password; a 429 runs none.
    assert statuses.count(401) == 5 and statuses.count(429) == 59, sorted(statuses)


# --- the profile page's current password ---------------------------------------------------------


def test_guessing_the_current_password_on_the_profile_page_is_throttled(direct, unique):
    target = new_user(direct, unique, "profile")
    http = login(direct, target, STRONG_PASSWORD, http=client("127.0.0.24"))

    def change(current: str) -> requests.Response:
        token = hidden_csrf(http.get(direct.url("/profile"), timeout=10).text, "/profile/password")
        return http.post(direct.url("/profile/password"), allow_redirects=False, timeout=15,
                         data={"csrf_token": token, "current_password": current, "new_password": NEW_PASSWORD,
                               "confirm_password": NEW_PASSWORD})

    for attempt in range(5):
        assert change(WRONG).status_code == 400, f"wrong current password {attempt + 1}"
    held = change(STRONG_PASSWORD)
    assert_throttled(held, "6th try, right current password")
    assert 'id="current_password"' in held.text and "aria-invalid" in held.text
    direct.advance(15 * 60 + 1)
    assert change(STRONG_PASSWORD).status_code == 303


# --- API tokens -----------------------------------------------------------------------------------


TOKEN_LINE = re.compile(r"^API token (\d+) for (\S+), expires (\d{4}-\d\d-\d\d \d\d:\d\d UTC)")


def create_token(server, login_name: str, *extra: str) -> tuple[int, str]:
    done = server.cli("tokens", "create", "--login", login_name, *extra)
    lines = done.stdout.strip().splitlines()
    found = TOKEN_LINE.match(lines[0])
    assert found, done.stdout
    return int(found.group(1)), lines[-1].strip()


def me(server, token: str) -> int:
    return requests.get(server.url("/api/v1/me"), headers={"Authorization": f"Bearer {token}"}, timeout=10).status_code


def listed(server, login_name: str) -> dict[int, str]:
    rows = server.cli("tokens", "list", "--login", login_name).stdout.strip().splitlines()
    assert rows[0].split()[:2] == ["id", "name"], rows
    return {int(row.split()[0]): row for row in rows[1:]}


def test_tokens_are_listed_without_secrets_and_revoked(proxied, unique):
    owner = new_user(proxied, unique, "tokens")
    first_id, first = create_token(proxied, owner, "--name", "report")
    second_id, second = create_token(proxied, owner, "--name", "sync", "--expires-days", "7")
    assert me(proxied, first) == 200 and me(proxied, second) == 200
    rows = listed(proxied, owner)
    assert set(rows) == {first_id, second_id}
    assert first not in "\n".join(rows.values()) and second not in "\n".join(rows.values())
    assert "never" not in rows[first_id] and "active" in rows[first_id], rows[first_id]
    revoked = proxied.cli("tokens", "revoke", str(first_id))
    assert f"revoked API token {first_id}" in revoked.stdout
    assert me(proxied, first) == 401 and me(proxied, second) == 200
    assert "revoked" in listed(proxied, owner)[first_id]
    again = proxied.cli("tokens", "revoke", str(first_id), check=False)
    assert again.returncode != 0 and "already revoked" in again.stderr + again.stdout
    unknown = proxied.cli("tokens", "revoke", "999999", check=False)
    assert unknown.returncode != 0 and "no API token 999999" in unknown.stderr + unknown.stdout
    for bad in ("0", "3651", "x"):
        refused = proxied.cli("tokens", "create", "--login", owner, "--expires-days", bad, check=False)
        assert refused.returncode != 0, bad
    assert set(listed(proxied, owner)) == {first_id, second_id}, "refused commands created nothing"
    assert "audit log intact" in proxied.cli("verify-audit").stdout


def test_a_password_change_or_disabling_ends_every_token(proxied, unique):
    owner = new_user(proxied, unique, "ending")
    _, token = create_token(proxied, owner)
    proxied.cli("users", "set-password", "--login", owner, "--password-stdin", stdin=NEW_PASSWORD + "\n")
    assert me(proxied, token) == 401, "set-password ends the account's tokens"

    _, token = create_token(proxied, owner)
    http = login(proxied, owner, NEW_PASSWORD, http=via("198.51.100.30"))
    page = http.get(proxied.url("/profile"), timeout=10).text
    changed = http.post(proxied.url("/profile/password"), allow_redirects=False, timeout=15,
                        data={"csrf_token": hidden_csrf(page, "/profile/password"), "current_password": NEW_PASSWORD,
                              "new_password": STRONG_PASSWORD, "confirm_password": STRONG_PASSWORD})
    assert changed.status_code == 303
    assert me(proxied, token) == 401, "a password change on the profile page ends the account's tokens"
    notice = http.get(proxied.url(changed.headers["Location"]), timeout=10).text
    assert "API 令牌已作废" in notice, "the notice says the tokens ended"

    _, token = create_token(proxied, owner)
    proxied.cli("users", "disable", "--login", owner)
    assert me(proxied, token) == 401
    proxied.cli("users", "enable", "--login", owner)
    assert me(proxied, token) == 401, "enabling the account does not revive its tokens"
    assert all("revoked" in row for row in listed(proxied, owner).values())


def test_a_token_expires(proxied, unique):
    owner = new_user(proxied, unique, "expiry")
    token_id, token = create_token(proxied, owner, "--expires-days", "1")
    _, lasting = create_token(proxied, owner)
    assert me(proxied, token) == 200
    proxied.advance(86_400 + 60)
    assert me(proxied, token) == 401, "a day later the one-day token has expired"
    assert me(proxied, lasting) == 200, "the 90-day token still works"
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", listed(proxied, owner)[token_id]), "the expiry is listed"
