"""Two-step sign-in (TOTP, RFC 6238) end to end, with codes from pyotp as an authenticator app makes them.

A person sets it up from the profile in headless Chromium (QR code and the secret as text, a first code, the
recovery codes shown once), then signs in with the password and a code. Wrong and replayed codes are refused,
a recovery code works once, wrong codes are throttled and end the pending sign-in. With `--require-2fa hr,admin`
the demo HR account must set it up before any HR page while a learner is not asked; an administrator's reset
(page and command) is audited and makes the person set it up again. Every new page is axe-clean in both languages.
"""

from __future__ import annotations

import re
import sqlite3
import time

import pyotp
import pytest
import requests

from conftest import (STRONG_PASSWORD, attempt_login, browser_path, browser_sign_in, browser_sign_out, forms,
                      hidden_csrf, needs_chromium, save_screenshot, session_cookie_name, wait_for,
                      wait_for_navigation)
from test_accessibility import axe_source, axe_violations, describe

SECRET = re.compile(r'<code id="secret">([A-Z2-7 ]+)</code>')
RECOVERY = re.compile(r"<li><code>([0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4})</code></li>")
PENDING_COOKIE = "csa_2fa"


# The authenticator below may wait for the next 30-second step between two requests of one keep-alive connection, and
# the server closes a connection idle for 30 seconds by default. A request sent in the instant the server closes gets
# no answer ("Remote end closed connection"); browsers resend it, the test's HTTP client does not. The servers here
# keep idle connections longer than any such wait.
PATIENT = ("--connection-timeout", "120")


class Authenticator:
    """An authenticator app holding one secret. The server accepts each code once and no earlier code after a
    later one, so every code handed out is for a step after the last one (waiting for the clock when needed)."""

    def __init__(self, secret: str) -> None:
        self.secret = secret.replace(" ", "")
        self.totp = pyotp.TOTP(self.secret)
        self.last: int | None = None

    def code(self) -> str:
        step = int(time.time() // 30)
        candidate = step if self.last is None or self.last < step else self.last + 1
        # The server takes one step either side of its own: a step ahead is fine; further ahead, wait for it.
        while candidate > int(time.time() // 30) + 1:
            time.sleep(0.25)
        self.last = candidate
        return self.totp.at(candidate * 30)

    def used(self) -> str:
        """The code last handed out (already used: a replay)."""
        assert self.last is not None
        return self.totp.at(self.last * 30)


def secret_of(page: str) -> str:
    found = SECRET.search(page)
    assert found, f"no secret on the page:\n{page[:2000]}"
    return found.group(1).replace(" ", "")


def recovery_codes(page: str) -> list[str]:
    codes = RECOVERY.findall(page)
    assert len(codes) == 10, f"expected 10 recovery codes:\n{page[:3000]}"
    return codes


def post(server, http: requests.Session, page_path: str, action: str, fields: dict[str, str],
         page: str | None = None) -> requests.Response:
    """Posts `fields` to `action` with the CSRF field of the form on `page` (fetched from `page_path` when not given)."""
    if page is None:
        got = http.get(server.url(page_path), allow_redirects=False, timeout=10)
        assert got.status_code == 200, f"GET {page_path} -> {got.status_code}"
        page = got.text
    token = hidden_csrf(page, action)
    return http.post(server.url(action), data={"csrf_token": token, **fields}, allow_redirects=False, timeout=15)


def enrol_from_profile(server, http: requests.Session) -> tuple[Authenticator, list[str]]:
    setup = http.get(server.url("/profile/second-factor"), allow_redirects=False, timeout=10)
    assert setup.status_code == 200
    app = Authenticator(secret_of(setup.text))
    done = post(server, http, "", "/profile/second-factor/setup", {"code": app.code()}, page=setup.text)
    assert done.status_code == 200, done.text[:2000]
    return app, recovery_codes(done.text)


def enrol_when_required(server, login_name: str, password: str, next_path: str = "/") -> tuple[requests.Session, Authenticator]:
    """Signs in where the role requires two-step sign-in and sets it up on the way; returns the signed-in session."""
    attempt = attempt_login(server, login_name, password, next_path=next_path)
    assert attempt.response.status_code == 303
    assert attempt.response.headers["Location"] == "/login/second-factor/setup"
    http = attempt.http
    setup = http.get(server.url("/login/second-factor/setup"), allow_redirects=False, timeout=10)
    assert setup.status_code == 200
    app = Authenticator(secret_of(setup.text))
    done = post(server, http, "", "/login/second-factor/setup", {"code": app.code()}, page=setup.text)
    assert done.status_code == 200
    assert http.cookies.get(session_cookie_name(server))
    recovery_codes(done.text)
    return http, app


def password_step(server, login_name: str, password: str, next_path: str | None = None) -> requests.Session:
    """The password step of a person with two-step sign-in: a pending sign-in, no session yet."""
    attempt = attempt_login(server, login_name, password, next_path=next_path)
    assert attempt.response.status_code == 303, attempt.response.text[:1000]
    assert attempt.response.headers["Location"] == "/login/second-factor"
    assert not attempt.http.cookies.get(session_cookie_name(server))
    assert attempt.http.cookies.get(PENDING_COOKIE)
    return attempt.http


def code_step(server, http: requests.Session, **fields: str) -> requests.Response:
    return post(server, http, "/login/second-factor", "/login/second-factor", fields)


def sign_ins(server, login_name: str) -> list[tuple[str, int]]:
    with sqlite3.connect(server.db) as db:
        return db.execute("SELECT s.method, s.second_factor FROM sign_ins s JOIN users u ON u.id = s.user_id "
                          "WHERE u.login = ? ORDER BY s.id", (login_name,)).fetchall()


def audit(server, action: str) -> list[tuple[str, str, str]]:
    with sqlite3.connect(server.db) as db:
        return db.execute("SELECT actor, subject, details FROM audit_log WHERE action = ? ORDER BY id",
                          (action,)).fetchall()


def user_id(server, login_name: str) -> int:
    with sqlite3.connect(server.db) as db:
        return db.execute("SELECT id FROM users WHERE login = ?", (login_name,)).fetchone()[0]


def check_page(driver, name: str, language: str) -> None:
    wait_for(driver, lambda d: d.execute_script("return document.readyState") == "complete")
    save_screenshot(driver, name, language)
    violations = axe_violations(driver, axe_source())
    assert not violations, f"{name} ({language}): {describe(violations)}"
    assert driver.execute_script("return document.documentElement.outerHTML.length") <= 50_000


# --- in the browser ---------------------------------------------------------------------------------------------


@needs_chromium
@pytest.mark.parametrize("language", ["zh", "en"])
def test_set_up_from_the_profile_then_sign_in_with_password_and_code(fresh_server, chromium, unique, language):
    from selenium.webdriver.common.by import By

    server = fresh_server(demo=False, extra=PATIENT)
    person = unique("totp")
    server.add_user(person, "李明")
    driver = chromium(language)
    browser_sign_in(driver, server, person, STRONG_PASSWORD, language)
    driver.get(server.url("/profile"))
    check_page(driver, "profile-second-factor-off", language)
    link = driver.find_element(By.CSS_SELECTOR, "a[href='/profile/second-factor']")
    wait_for_navigation(driver, link.click, lambda path: path == "/profile/second-factor")
    check_page(driver, "second-factor-setup", language)
    assert driver.find_element(By.CSS_SELECTOR, ".qr svg[role='img']")
    app = Authenticator(driver.find_element(By.ID, "secret").text)
    # A wrong first code: the same page, the error beside the field, nothing turned on.
    driver.find_element(By.ID, "code").send_keys("000000" if app.totp.now() != "000000" else "111111")
    wait_for_navigation(driver, lambda: driver.find_element(By.CSS_SELECTOR, "form.form button[type='submit']").click())
    assert driver.find_elements(By.CSS_SELECTOR, ".error-summary")
    check_page(driver, "second-factor-setup-error", language)
    driver.find_element(By.ID, "code").send_keys(app.code())
    wait_for_navigation(driver, lambda: driver.find_element(By.CSS_SELECTOR, "form.form button[type='submit']").click())
    codes = recovery_codes(driver.page_source)
    check_page(driver, "second-factor-recovery-codes", language)
    wait_for_navigation(driver, lambda: driver.find_element(By.CSS_SELECTOR, "main a.button").click(),
                        lambda path: path == "/profile")
    driver.get(server.url("/profile/second-factor"))
    check_page(driver, "second-factor-manage", language)
    browser_sign_out(driver)

    # Password, then the code: the dashboard.
    driver.find_element(By.NAME, "login").send_keys(person)
    driver.find_element(By.NAME, "password").send_keys(STRONG_PASSWORD)
    wait_for_navigation(driver, lambda: driver.find_element(By.CSS_SELECTOR, "form[action='/login'] button").click(),
                        lambda path: path == "/login/second-factor")
    check_page(driver, "second-factor-login", language)
    code_field = driver.find_element(By.ID, "code")
    assert code_field.get_attribute("autocomplete") == "one-time-code"
    assert code_field.get_attribute("inputmode") == "numeric"
    code_field.send_keys("12345")
    wait_for_navigation(driver, lambda: driver.find_element(
        By.CSS_SELECTOR, "form[action='/login/second-factor'] button").click())
    assert driver.find_elements(By.CSS_SELECTOR, ".error-summary")
    check_page(driver, "second-factor-login-error", language)
    driver.find_element(By.ID, "code").send_keys(app.code())
    wait_for_navigation(driver, lambda: driver.find_element(
        By.CSS_SELECTOR, "form[action='/login/second-factor'] button").click(), lambda path: path == "/")
    assert sign_ins(server, person)[-1] == ("password", 1)
    assert len(codes) == 10


# --- codes over HTTP ---------------------------------------------------------------------------------------------


def test_wrong_replayed_and_recovery_codes(fresh_server, unique):
    server = fresh_server(demo=False, extra=PATIENT)
    person = unique("codes")
    server.add_user(person, "王芳")
    http = attempt_login(server, person, STRONG_PASSWORD).http
    app, codes = enrol_from_profile(server, http)
    assert audit(server, "user.second_factor_enable")

    # A right code signs in, once.
    pending = password_step(server, person, STRONG_PASSWORD, next_path="/profile")
    wrong = code_step(server, pending, code="123 45")
    assert wrong.status_code == 401 and "error-summary" in wrong.text
    signed_in = code_step(server, pending, code=app.code())
    assert signed_in.status_code == 303 and signed_in.headers["Location"] == "/profile"
    assert pending.cookies.get(session_cookie_name(server))
    assert not pending.cookies.get(PENDING_COOKIE)

    # The same code again, in another sign-in: refused.
    again = password_step(server, person, STRONG_PASSWORD)
    replay = code_step(server, again, code=app.used())
    assert replay.status_code == 401
    assert not again.cookies.get(session_cookie_name(server))

    # A recovery code works once, typed loosely.
    assert code_step(server, again, recovery_code=codes[0].upper().replace("-", " ")).status_code == 303
    third = password_step(server, person, STRONG_PASSWORD)
    used = code_step(server, third, recovery_code=codes[0])
    assert used.status_code == 401
    assert code_step(server, third, recovery_code=codes[1]).status_code == 303
    assert sign_ins(server, person)[-3:] == [("password", 1)] * 3

    # Signed in: new recovery codes need the password and a code; the old ones stop working.
    refused = post(server, third, "/profile/second-factor", "/profile/second-factor/recovery-codes",
                   {"codes_password": "not the password", "codes_code": "000000"})
    assert refused.status_code == 422
    fresh = post(server, third, "/profile/second-factor", "/profile/second-factor/recovery-codes",
                 {"codes_password": STRONG_PASSWORD, "codes_code": app.code()})
    assert fresh.status_code == 200
    new_codes = recovery_codes(fresh.text)
    fourth = password_step(server, person, STRONG_PASSWORD)
    assert code_step(server, fourth, recovery_code=codes[2]).status_code == 401
    assert code_step(server, fourth, recovery_code=new_codes[0]).status_code == 303

    # Turning it off: password and code; then the password alone signs in.
    off = post(server, fourth, "/profile/second-factor", "/profile/second-factor/off",
               {"off_password": STRONG_PASSWORD, "off_code": app.code()})
    assert off.status_code == 303 and off.headers["Location"] == "/profile?notice=second-factor-off"
    assert audit(server, "user.second_factor_disable")
    plain = attempt_login(server, person, STRONG_PASSWORD)
    assert plain.response.headers["Location"] == "/"
    assert sign_ins(server, person)[-1] == ("password", 0)


def test_wrong_codes_end_the_pending_sign_in_and_are_throttled(fresh_server, unique):
    server = fresh_server(demo=False, extra=PATIENT)
    person = unique("guess")
    server.add_user(person, "赵磊")
    http = attempt_login(server, person, STRONG_PASSWORD).http
    app, _ = enrol_from_profile(server, http)
    right = app.code()
    wrong = "000000" if right != "000000" else "111111"

    pending = password_step(server, person, STRONG_PASSWORD)
    for _ in range(4):
        assert code_step(server, pending, code=wrong).status_code == 401
    ended = code_step(server, pending, code=wrong)
    assert ended.status_code == 401
    assert "/login" in [form["action"] for form in forms(ended.text)]
    # The pending sign-in is gone: even the right code is no use now.
    gone = pending.get(server.url("/login/second-factor"), allow_redirects=False, timeout=10)
    assert gone.status_code == 401 and 'action="/login"' in gone.text

    # Five wrong codes from this address: the next attempt, right or wrong, waits (429 with Retry-After).
    again = password_step(server, person, STRONG_PASSWORD)
    held = code_step(server, again, code=right)
    assert held.status_code == 429
    assert int(held.headers["Retry-After"]) > 0
    assert not again.cookies.get(session_cookie_name(server))
    # The server's output is read by a thread of the test's own: give it a moment to take in the last lines.
    deadline = time.monotonic() + 5
    while "second factor throttled" not in server.log and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "method=password" in server.log and "second factor throttled" in server.log


def test_a_cancelled_sign_in_ends_and_the_cookie_is_cleared(fresh_server, unique):
    server = fresh_server(demo=False, extra=PATIENT)
    person = unique("cancel")
    server.add_user(person, "孙丽")
    http = attempt_login(server, person, STRONG_PASSWORD).http
    app, _ = enrol_from_profile(server, http)
    pending = password_step(server, person, STRONG_PASSWORD)
    cancelled = post(server, pending, "/login/second-factor", "/login/second-factor/cancel", {})
    assert cancelled.status_code == 303 and cancelled.headers["Location"] == "/login"
    assert not pending.cookies.get(PENDING_COOKIE)
    assert pending.get(server.url("/login/second-factor"), allow_redirects=False, timeout=10).status_code == 401


# --- required for HR and administrators -----------------------------------------------------------------------------


@needs_chromium
@pytest.mark.parametrize("language", ["zh", "en"])
def test_required_roles_enrol_before_any_page(fresh_server, chromium, language):
    from selenium.webdriver.common.by import By

    server = fresh_server(extra=("--require-2fa", "hr,admin", *PATIENT))
    driver = chromium(language)
    driver.get(server.url(f"/language/{language}?next=/hr"))
    wait_for(driver, lambda d: browser_path(d) == "/login")
    driver.find_element(By.NAME, "login").send_keys("demo-hr")
    driver.find_element(By.NAME, "password").send_keys(server.demo_passwords["demo-hr"])
    wait_for_navigation(driver, lambda: driver.find_element(By.CSS_SELECTOR, "form[action='/login'] button").click(),
                        lambda path: path == "/login/second-factor/setup")
    check_page(driver, "second-factor-required-setup", language)
    # Not signed in yet: /hr sends the browser to the login page.
    driver.get(server.url("/hr"))
    wait_for(driver, lambda d: browser_path(d) == "/login")
    driver.get(server.url("/login/second-factor/setup"))
    app = Authenticator(driver.find_element(By.ID, "secret").text)
    driver.find_element(By.ID, "code").send_keys(app.code())
    wait_for_navigation(driver, lambda: driver.find_element(
        By.CSS_SELECTOR, "form[action='/login/second-factor/setup'] button").click())
    recovery_codes(driver.page_source)
    check_page(driver, "second-factor-required-codes", language)
    wait_for_navigation(driver, lambda: driver.find_element(By.CSS_SELECTOR, "main a.button").click(),
                        lambda path: path == "/hr")
    assert "/hr" == browser_path(driver)

    # A learner is not asked.
    learner = attempt_login(server, "demo-learner", server.demo_passwords["demo-learner"])
    assert learner.response.headers["Location"] == "/"
    assert learner.http.cookies.get(session_cookie_name(server))
    assert sign_ins(server, "demo-hr")[-1] == ("password", 1)
    assert sign_ins(server, "demo-learner")[-1] == ("password", 0)

    # The profile says it is required and offers no way to turn it off.
    http = attempt_login(server, "demo-hr", server.demo_passwords["demo-hr"]).http
    assert code_step(server, http, code=app.code()).status_code == 303
    manage = http.get(server.url("/profile/second-factor"), timeout=10)
    assert 'action="/profile/second-factor/off"' not in manage.text
    refused = http.post(server.url("/profile/second-factor/off"),
                        data={"csrf_token": hidden_csrf(manage.text, "/profile/second-factor/recovery-codes"),
                              "off_password": server.demo_passwords["demo-hr"], "off_code": "000000"},
                        allow_redirects=False, timeout=10)
    assert refused.status_code == 403


@needs_chromium
@pytest.mark.parametrize("language", ["zh", "en"])
def test_an_administrator_resets_it_and_the_person_sets_it_up_again(fresh_server, chromium, language):
    from selenium.webdriver.common.by import By

    server = fresh_server(extra=("--require-2fa", "hr,admin", *PATIENT))
    hr_password = server.demo_passwords["demo-hr"]
    enrol_when_required(server, "demo-hr", hr_password)
    admin_http, admin_app = enrol_when_required(server, "demo-admin", server.demo_passwords["demo-admin"])
    hr_id = user_id(server, "demo-hr")

    # The administrator's page: on, the last sign-ins with how and whether a second step was checked.
    driver = chromium(language)
    driver.get(server.url(f"/language/{language}?next=/login"))
    driver.find_element(By.NAME, "login").send_keys("demo-admin")
    driver.find_element(By.NAME, "password").send_keys(server.demo_passwords["demo-admin"])
    wait_for_navigation(driver, lambda: driver.find_element(By.CSS_SELECTOR, "form[action='/login'] button").click(),
                        lambda path: path == "/login/second-factor")
    driver.find_element(By.ID, "code").send_keys(admin_app.code())
    wait_for_navigation(driver, lambda: driver.find_element(
        By.CSS_SELECTOR, "form[action='/login/second-factor'] button").click(), lambda path: path == "/")
    driver.get(server.url(f"/admin/people/{hr_id}"))
    check_page(driver, "admin-person-sign-in", language)
    table = driver.find_element(By.ID, "sign-ins-caption").find_element(By.XPATH, "./..").text
    assert ("平台密码" if language == "zh" else "Platform password") in table
    # No reason: refused, nothing reset.
    wait_for_navigation(driver, lambda: driver.find_element(
        By.CSS_SELECTOR, f"form[action='/admin/people/{hr_id}/second-factor/reset'] button").click())
    assert driver.find_elements(By.CSS_SELECTOR, ".error-summary")
    check_page(driver, "admin-person-second-factor-reason", language)
    assert not audit(server, "user.second_factor_reset")
    driver.find_element(By.ID, "second_factor_reason").send_keys("手机丢失，本人到场核实")
    wait_for_navigation(driver, lambda: driver.find_element(
        By.CSS_SELECTOR, f"form[action='/admin/people/{hr_id}/second-factor/reset'] button").click())
    assert f"/admin/people/{hr_id}" == browser_path(driver)
    assert not driver.find_elements(By.CSS_SELECTOR, f"form[action='/admin/people/{hr_id}/second-factor/reset']")
    actor, subject, details = audit(server, "user.second_factor_reset")[-1]
    assert actor == "demo-admin" and subject == f"user:{hr_id}" and "手机丢失" in details

    # The next sign-in sets it up again.
    enrol_when_required(server, "demo-hr", hr_password)

    # The command does the same, audited as the command line.
    done = server.cli("users", "reset-2fa", "demo-hr", "--reason", "lost phone")
    assert "reset" in done.stdout
    assert audit(server, "user.second_factor_reset")[-1][0] == "cli"
    assert "lost phone" in audit(server, "user.second_factor_reset")[-1][2]
    again = attempt_login(server, "demo-hr", hr_password)
    assert again.response.headers["Location"] == "/login/second-factor/setup"
    missing = server.cli("users", "reset-2fa", "demo-hr", "--reason", " ", check=False)
    assert missing.returncode != 0 and "reason" in missing.stderr
    assert admin_http.cookies.get(session_cookie_name(server))


def test_an_unknown_role_for_require_2fa_is_refused_with_a_clear_message(tmp_path):
    import subprocess

    from conftest import BINARY, COURSES

    done = subprocess.run([str(BINARY), "serve", "--db", str(tmp_path / "a.sqlite"), "--courses", str(COURSES),
                           "--port", "0", "--require-2fa", "hr,boss"], capture_output=True, text=True, timeout=30)
    assert done.returncode != 0
    assert 'unknown role "boss"' in done.stderr and "learner, trainer, hr, admin" in done.stderr
