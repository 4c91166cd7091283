"""Sign-in through the identity platform over CAS 3.0, against the real LemonLDAP::NG portal (https, back-channel
single logout) and slapd from identity_servers.py: the browser's round trip, accounts created in the directory's
department, refused tickets, an unreachable CAS server, `match` without an account, single logout from the portal,
sign-out through the portal, and the login page's accessibility."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path
from urllib.parse import urlencode

import pytest
import requests

from conftest import (
    BINARY,
    CHROMEDRIVER,
    CHROMIUM,
    COURSES,
    Server,
    browser_path,
    free_port,
    hidden_csrf,
    http_language,
    needs_chromium,
    page_text,
    stop_and_check,
    wait_for,
)
from identity_servers import (  # noqa: F401  (identity_ca: fixture)
    LOGIN_PASSWORD_SELECTOR,
    LOGIN_SUBMIT_SELECTOR,
    LOGIN_USER_SELECTOR,
    ZHANGWEI,
    LemonLDAP,
    Slapd,
    form_login,
    identity_ca,
    wait_until,
)

CALLBACK = "/login/cas/callback"
# The refusal texts (Resources/Localization, login.cas.error.*), in both languages.
REFUSED = {"zh": "统一身份认证平台未确认本次登录", "en": "The identity platform did not confirm this sign-in"}
UNAVAILABLE = {"zh": "暂时无法连接统一身份认证平台", "en": "The identity platform cannot be reached right now"}
NO_ACCOUNT = {"zh": "您在本平台的账号尚未开通", "en": "your account on this platform has not been set up yet"}
NO_TICKET = {"zh": "统一身份认证平台没有返回登录凭据", "en": "The identity platform sent no sign-in ticket back"}
DISABLED = {"zh": "您在本平台的账号已停用", "en": "Your account on this platform is disabled"}


def cas_server(directory: Path, idp: LemonLDAP, *, provision: str = "create", demo: bool = False,
               extra: tuple[str, ...] = ()) -> Server:
    """A training server whose login page offers the portal's CAS (directory department path in `ou`)."""
    return Server(directory, demo=demo, extra=(
        "--cas-url", idp.cas_url, "--cas-ca-file", str(idp.ca.ca_crt), "--cas-provision", provision,
        "--cas-attribute", "department=ou", "--cas-attribute", "job-category=title", *extra)).start()


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory, identity_ca):
    base = tmp_path_factory.mktemp("cas")
    with Slapd(base / "slapd", identity_ca) as ldap, \
            LemonLDAP(base / "llng", ldap, identity_ca, https=True, cas_single_logout=True) as idp:
        yield idp


@pytest.fixture(scope="module")
def platform(tmp_path_factory: pytest.TempPathFactory, portal: LemonLDAP):
    server = cas_server(tmp_path_factory.mktemp("cas-platform"), portal)
    yield server
    stop_and_check(server)


def browser_session(idp: LemonLDAP) -> requests.Session:
    """One browser's cookie jar for both the platform (http) and the portal (https, the test CA)."""
    return idp.session()


def ticket_callback(server: Server, idp: LemonLDAP, http: requests.Session, person=ZHANGWEI,
                    next_path: str | None = None) -> str:
    """Starts at /login/cas, signs in at the portal's form and returns the callback URL it sends the browser to
    (carrying the ticket), without following it."""
    start = server.url("/login/cas" + (f"?{urlencode({'next': next_path})}" if next_path else ""))
    to_portal = http.get(start, allow_redirects=False, timeout=10)
    assert to_portal.status_code == 303, to_portal.text[:500]
    location = to_portal.headers["Location"]
    assert location.startswith(f"{idp.cas_url}/login?service="), location
    back = form_login(http, location, person.uid, person.password)
    callback = back.headers.get("Location", "")
    assert back.status_code == 302 and callback.startswith(server.url(CALLBACK)), (back.status_code, callback)
    assert "ticket=ST-" in callback
    return callback


def cas_sign_in(server: Server, idp: LemonLDAP, http: requests.Session, person=ZHANGWEI,
                next_path: str | None = None) -> requests.Response:
    """The whole round trip; returns the platform's answer to the callback (303 to `next` when signed in)."""
    return http.get(ticket_callback(server, idp, http, person, next_path), allow_redirects=False, timeout=30)


def query(server: Server, sql: str, *arguments) -> list[tuple]:
    with sqlite3.connect(f"file:{server.db}?mode=ro", uri=True) as db:
        return db.execute(sql, arguments).fetchall()


def department_path(server: Server, department_id: int) -> str:
    names = []
    current: int | None = department_id
    while current is not None:
        name, parent = query(server, "SELECT name, parent_id FROM departments WHERE id = ?", current)[0]
        names.append(name)
        current = parent
    return "/".join(reversed(names))


def signed_in(server: Server, http: requests.Session) -> bool:
    home = http.get(server.url("/"), allow_redirects=False, timeout=10)
    return home.status_code == 200


def refused_page(response: requests.Response, status: int, texts: dict[str, str], language: str) -> None:
    assert response.status_code == status, (response.status_code, response.text[:800])
    assert texts[language] in response.text, response.text[:3000]
    assert 'role="alert"' in response.text
    # The way back in is on the same page.
    assert 'href="/login/cas?next=' in response.text


# --- the browser ------------------------------------------------------------------------------------------------------


def chromium(language: str):
    """Headless Chromium (as conftest.new_chromium) that accepts the portal's test certificate."""
    os.environ["SE_OFFLINE"] = "true"
    os.environ["SE_AVOID_STATS"] = "true"
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    accept = "zh-CN,zh" if language == "zh" else "en-GB,en"
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", f"--lang={accept.split(',')[0]}",
                     "--window-size=1280,900", "--disable-gpu"):
        options.add_argument(argument)
    # No speculative connections: the portal serves one connection at a time, and an idle preconnected socket
    # would hold it while the platform validates the ticket.
    options.add_argument("--dns-prefetch-disable")
    options.add_experimental_option("prefs", {"intl.accept_languages": accept, "net.network_prediction_options": 2})
    options.accept_insecure_certs = True  # the portal's certificate comes from the test CA
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.set_page_load_timeout(20)
    return driver


@needs_chromium
def test_the_browser_signs_in_at_the_portal_and_lands_on_the_dashboard(platform: Server, portal: LemonLDAP) -> None:
    from selenium.webdriver.common.by import By

    driver = chromium("zh")
    try:
        driver.get(platform.url("/login"))
        button = driver.find_element(By.CSS_SELECTOR, "a[href^='/login/cas']")
        assert button.text == "通过统一身份认证平台登录"
        button.click()
        wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, LOGIN_USER_SELECTOR), message="no portal form")
        assert driver.current_url.startswith(portal.cas_url + "/login")
        driver.find_element(By.CSS_SELECTOR, LOGIN_USER_SELECTOR).send_keys(ZHANGWEI.uid)
        driver.find_element(By.CSS_SELECTOR, LOGIN_PASSWORD_SELECTOR).send_keys(ZHANGWEI.password)
        driver.find_element(By.CSS_SELECTOR, LOGIN_SUBMIT_SELECTOR).click()
        try:
            wait_for(driver, lambda d: d.current_url.startswith(platform.base) and browser_path(d) == "/")
        except Exception as error:
            raise AssertionError(f"not back on the dashboard: {driver.current_url}\n{page_text(driver)[:1500]}\n"
                                 f"{platform.log[-2000:]}") from error
        assert "张伟" in page_text(driver)

        # The account: created at the first sign-in, in the directory's department, with its details.
        (user_id, name, number, department), = query(
            platform, "SELECT id, display_name, employee_number, department_id FROM users WHERE login = ?", "zhangwei")
        assert (name, number) == ("张伟", "100001")
        assert department_path(platform, department) == ZHANGWEI.department
        assert set(query(platform, "SELECT method FROM sign_ins WHERE user_id = ?", user_id)) == {("cas",)}
        assert set(query(platform, "SELECT method FROM sessions WHERE user_id = ?", user_id)) == {("cas",)}
        # Signing out through the portal is checked with requests (next tests): once signed in there, headless
        # Chromium's next navigation to the portal (which serves one connection at a time) stalls (docs/testing.md).
    finally:
        driver.quit()


def test_signing_out_of_the_platform_redirects_to_the_portals_logout(platform: Server, portal: LemonLDAP) -> None:
    http = browser_session(portal)
    assert cas_sign_in(platform, portal, http).status_code == 303
    csrf = hidden_csrf(http.get(platform.url("/"), timeout=10).text, "/logout")
    out = http.post(platform.url("/logout"), data={"csrf_token": csrf}, allow_redirects=False, timeout=10)
    assert out.status_code == 303
    assert out.headers["Location"] == f"{portal.cas_url}/logout?{urlencode({'service': platform.url('/login')})}"
    back = http.get(out.headers["Location"], allow_redirects=False, timeout=10, verify=portal.verify)
    assert back.status_code == 302 and back.headers["Location"] == platform.url("/login")
    assert not signed_in(platform, http)
    # The portal's session has ended too: the next CAS sign-in asks for the password again.
    again = http.get(http.get(platform.url("/login/cas"), allow_redirects=False, timeout=10).headers["Location"],
                     allow_redirects=False, timeout=10, verify=portal.verify)
    assert again.status_code == 200 and 'name="password"' in again.text


def test_signing_out_at_the_portal_ends_the_platform_session(platform: Server, portal: LemonLDAP) -> None:
    http = browser_session(portal)
    other = browser_session(portal)
    landed = cas_sign_in(platform, portal, http, next_path="/courses")
    assert landed.status_code == 303 and landed.headers["Location"] == "/courses"
    assert cas_sign_in(platform, portal, other).status_code == 303
    assert signed_in(platform, http) and signed_in(platform, other)
    # Sign-out at the portal: it posts a logoutRequest to the service URL (the platform's callback) before it
    # answers; the platform must answer that without calling the portal back.
    out = http.get(f"{portal.cas_url}/logout", params={"service": platform.url("/login")}, allow_redirects=False,
                   timeout=30, verify=portal.verify)
    assert out.status_code == 302
    wait_until(lambda: not signed_in(platform, http), "the platform session to end", timeout=5)
    home = http.get(platform.url("/courses"), allow_redirects=False, timeout=10)
    assert home.status_code == 303 and home.headers["Location"].startswith("/login")
    # The other browser's session (another ticket) goes on.
    assert signed_in(platform, other)
    wait_until(lambda: "single logout method=cas sessions=1" in platform.log, "the single logout's log line", timeout=5)


def test_a_malformed_or_foreign_logout_request_ends_nothing(platform: Server, portal: LemonLDAP) -> None:
    http = browser_session(portal)
    assert cas_sign_in(platform, portal, http).status_code == 303
    url = platform.url(CALLBACK)
    for body in ({"logoutRequest": "<not xml"}, {"logoutRequest": ""}, {"something": "else"},
                 {"logoutRequest": "<samlp:LogoutRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\">"
                                   "</samlp:LogoutRequest>"}):
        answer = requests.post(url, data=body, timeout=10)
        assert answer.status_code == 400, answer.text
    foreign = ("<samlp:LogoutRequest xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" ID=\"x\" Version=\"2.0\">"
               "<samlp:SessionIndex>ST-someone-elses-ticket</samlp:SessionIndex></samlp:LogoutRequest>")
    answer = requests.post(url, data={"logoutRequest": foreign}, timeout=10)
    assert answer.status_code == 200
    assert signed_in(platform, http)
    # The exemption from the CSRF check is this one route's: other posts without a token are still refused.
    assert requests.post(platform.url("/logout"), timeout=10).status_code == 403


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_replayed_ticket_is_refused_with_a_clear_page(platform: Server, portal: LemonLDAP, language: str) -> None:
    http = browser_session(portal)
    callback = ticket_callback(platform, portal, http)
    first = http.get(callback, allow_redirects=False, timeout=30)
    assert first.status_code == 303
    # Another browser replays the same callback URL (ticket and all): the portal says INVALID_TICKET.
    thief = requests.Session()
    http_language(platform, thief, language)
    replay = thief.get(callback, timeout=30)
    refused_page(replay, 401, REFUSED, language)
    assert not signed_in(platform, thief)
    assert "login refused method=cas reason=ticket-refused code=INVALID_TICKET" in platform.log
    assert "ST-" not in "\n".join(line for line in platform.lines if "method=cas" in line)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_made_up_or_missing_ticket_is_refused(platform: Server, language: str) -> None:
    http = requests.Session()
    http_language(platform, http, language)
    made_up = http.get(platform.url(f"{CALLBACK}?ticket=ST-1-made-up-by-someone"), timeout=30)
    refused_page(made_up, 401, REFUSED, language)
    missing = http.get(platform.url(f"{CALLBACK}?next=%2Fcourses"), timeout=30)
    refused_page(missing, 400, NO_TICKET, language)
    assert 'href="/login/cas?next=%2Fcourses"' in missing.text
    assert not signed_in(platform, http)


def test_a_disabled_account_cannot_sign_in(platform: Server, portal: LemonLDAP) -> None:
    from identity_servers import ALICE

    assert cas_sign_in(platform, portal, browser_session(portal), person=ALICE).status_code == 303
    platform.cli("users", "disable", "--login", "alice")
    http = browser_session(portal)
    http_language(platform, http, "en")
    refused_page(cas_sign_in(platform, portal, http, person=ALICE), 403, DISABLED, "en")
    assert not signed_in(platform, http)
    assert "login refused method=cas reason=disabled" in platform.log


def test_match_without_an_account_says_it_is_not_set_up(tmp_path: Path, portal: LemonLDAP) -> None:
    server = cas_server(tmp_path / "match", portal, provision="match")
    try:
        for language in ("zh", "en"):
            http = browser_session(portal)
            http_language(server, http, language)
            refused_page(cas_sign_in(server, portal, http), 403, NO_ACCOUNT, language)
            assert not signed_in(server, http)
        assert query(server, "SELECT count(*) FROM users WHERE login = 'zhangwei'") == [(0,)]
        assert query(server, "SELECT count(*) FROM sign_ins") == [(0,)]
        # Once the account exists (same login), the same person gets in and the account is linked.
        server.cli("departments", "add", "省人民政府", check=False)
        server.cli("users", "add", "--login", "zhangwei", "--name", "Zhang", "--department", "省人民政府",
                   "--password-stdin", stdin="Lantern-Orchard-Quietly-47\n")
        http = browser_session(portal)
        assert cas_sign_in(server, portal, http).status_code == 303 and signed_in(server, http)
        assert query(server, "SELECT display_name FROM users WHERE login = 'zhangwei'") == [("张伟",)]
        assert query(server, "SELECT subject FROM external_identities WHERE method = 'cas'") == [("zhangwei",)]
    finally:
        stop_and_check(server)


def test_a_stopped_cas_server_gives_a_503_page(tmp_path: Path, identity_ca) -> None:
    with Slapd(tmp_path / "slapd", identity_ca) as ldap, \
            LemonLDAP(tmp_path / "llng", ldap, identity_ca, https=True) as idp:
        server = cas_server(tmp_path / "platform", idp)
        try:
            http = browser_session(idp)
            callback = ticket_callback(server, idp, http)
            idp.stop()
            for language in ("zh", "en"):
                http_language(server, http, language)
                refused_page(http.get(callback, timeout=30), 503, UNAVAILABLE, language)
            assert not signed_in(server, http)
            assert "CAS server unreachable method=cas" in server.log
        finally:
            stop_and_check(server)


def test_a_cas_server_with_an_untrusted_certificate_is_unreachable(tmp_path: Path, portal: LemonLDAP) -> None:
    # Without --cas-ca-file the system CAs do not know the test CA: the ticket is not sent over that connection.
    server = Server(tmp_path / "untrusted", demo=False, extra=("--cas-url", portal.cas_url)).start()
    try:
        http = browser_session(portal)
        refused_page(http.get(ticket_callback(server, portal, http), timeout=30), 503, UNAVAILABLE, "zh")
        assert "CAS server unreachable method=cas" in server.log
    finally:
        stop_and_check(server)


@pytest.mark.parametrize("arguments, message", [
    (("--cas-url", "http://127.0.0.1:9/cas"), "does not use https"),
    (("--cas-url", "https://cas.example.gov/cas", "--cas-provision", "maybe"), "--cas-provision must be match or create"),
    (("--cas-url", "https://cas.example.gov/cas", "--cas-attribute", "dept=ou"), "--cas-attribute dept=ou: give FIELD=ATTRIBUTE"),
    (("--cas-provision", "create"), "--cas-provision needs --cas-url"),
])
def test_serve_refuses_bad_cas_options_at_start(tmp_path: Path, arguments: tuple[str, ...], message: str) -> None:
    done = subprocess.run([str(BINARY), "serve", "--port", str(free_port()), "--db", str(tmp_path / "db.sqlite"),
                           "--courses", str(COURSES), *arguments], capture_output=True, text=True, timeout=30)
    assert done.returncode != 0
    assert message in done.stderr, done.stderr


def test_without_cas_the_paths_do_not_exist(server: Server) -> None:
    assert requests.get(server.url("/login/cas"), allow_redirects=False, timeout=10).status_code == 404
    assert requests.get(server.url(f"{CALLBACK}?ticket=ST-1"), timeout=10).status_code == 404
    assert 'href="/login/cas' not in requests.get(server.url("/login"), timeout=10).text


@needs_chromium
@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_login_page_with_cas_passes_axe(platform: Server, language: str) -> None:
    from test_accessibility import axe_source, axe_violations, describe

    source = axe_source()
    driver = chromium(language)
    try:
        driver.set_script_timeout(60)
        driver.get(platform.url(f"/language/{language}?next=/login"))
        assert (violations := axe_violations(driver, source)) == [], describe(violations)
        # The refusal page (the login page with the reason at the top) too.
        driver.get(platform.url(f"{CALLBACK}?ticket=ST-1-made-up"))
        assert REFUSED[language] in page_text(driver)
        assert (violations := axe_violations(driver, source)) == [], describe(violations)
    finally:
        driver.quit()
