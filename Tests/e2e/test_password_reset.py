"""Password reset links: an administrator makes one for a person in their scope (404 outside it), sees it once and
(where mail is configured and the person has an address) it is mailed; the command line makes one too. A link sets
a new password once, within 24 hours, with the usual password rules; it ends sessions and API tokens as a password
change does and signs the person in; a used, replaced, voided (password changed) or expired link gives one message.
`/password/forgot` answers the same whether or not an account matches, sends the link by mail from the background
sender, is rate-limited, and names the help contact where mail is not configured. Pages: both languages, axe-clean,
screenshots."""

from __future__ import annotations

import html
import sqlite3
import time

import pytest
import requests

from admin_org import MARKER, admin_org, build_admin_org  # noqa: F401  (module fixture)
from conftest import (STRONG_PASSWORD, ClockedServer, attempt_login, browser_sign_in, client, hidden_csrf, login,
                      needs_chromium, run_cli, save_screenshot, signed_in_csrf, stop_and_check, wait_for)
from test_accessibility import axe_source, axe_violations, describe
from test_mail import LINK, SmtpSink, admin_reset_link, certificates, mail_options  # noqa: F401  (fixture)

NEW_PASSWORD = "Harbour-Lantern-Meadow-93"
UNUSABLE = {"zh": "此链接无法使用", "en": "This link cannot be used"}
SENT = "If an account matches, a link to set a new password has been sent to its e-mail address."
HELP = {"zh": "需要帮助？请联系本单位的管理员或平台服务台。",
        "en": "Need help? Contact your unit's administrator or the platform's help desk."}


def audit_actions(db, action: str) -> list[tuple[str, str, str]]:
    connection = sqlite3.connect(db)
    try:
        return list(connection.execute("SELECT actor, subject, details FROM audit_log WHERE action = ? ORDER BY id",
                                       (action,)))
    finally:
        connection.close()


def english(http: requests.Session, server) -> requests.Session:
    http.get(server.url("/language/en?next=/login"), timeout=30)
    return http


def set_password(server, link: str, password: str, confirm: str | None = None,
                 http: requests.Session | None = None) -> requests.Response:
    http = http or english(client(None), server)
    page = http.get(link, timeout=30)
    assert page.status_code == 200, page.text[:500]
    action = "/password/reset/" + link.rsplit("/", 1)[1]
    csrf = hidden_csrf(page.text, action)
    return http.post(server.url(action), data={"csrf_token": csrf, "new_password": password,
                                               "confirm_password": password if confirm is None else confirm},
                     allow_redirects=False, timeout=60)


def cli_link(server, login_name: str) -> str:
    out = server.cli("users", "reset-link", login_name, "--public-url", server.base).stdout
    return LINK.search(out).group(0)


def test_an_administrator_makes_a_link_that_sets_a_new_password_once(admin_org):
    server = admin_org.server
    learner = admin_org.session("learner.a1")
    answer = english(admin_org.session("admin.a"), server)
    csrf = signed_in_csrf(server, answer, "/profile")
    made = answer.post(server.url(f"/admin/people/{admin_org.user_id('learner.a1')}/password-reset"),
                       data={"csrf_token": csrf}, allow_redirects=False, timeout=30)
    assert made.status_code == 200
    assert made.headers["Cache-Control"] == "no-store"
    assert "Mail is not configured on this platform: the link was not mailed." in made.text
    assert MARKER not in made.text.lower().encode()
    link = LINK.search(made.text).group(0)
    token = link.rsplit("/", 1)[1]
    assert link.startswith(server.base + "/password/reset/")
    assert token not in server.log, "the link must not be logged"
    issued = audit_actions(server.db, "password.reset_link")
    assert issued[-1][0] == "admin.a" and issued[-1][1] == f"user:{admin_org.user_id('learner.a1')}"
    assert token not in issued[-1][2]

    # The rules of a password change apply; nothing changes on a refusal.
    refused = set_password(server, link, "short")
    assert refused.status_code == 422 and "at least 12 characters" in refused.text
    refused = set_password(server, link, NEW_PASSWORD, confirm=NEW_PASSWORD + "x")
    assert refused.status_code == 422 and "do not match" in refused.text
    page = client(None).get(link, timeout=30)
    assert "learner.a1" in page.text
    anonymous = client(None)
    anonymous.get(link, timeout=30)
    refused = anonymous.post(link, data={"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
                             allow_redirects=False, timeout=30)
    assert refused.status_code == 403, "the form needs its CSRF token"

    browser = english(client(None), server)
    done = set_password(server, link, NEW_PASSWORD, http=browser)
    assert done.status_code == 303 and done.headers["Location"] == "/profile?notice=password"
    profile = browser.get(server.url("/profile?notice=password"), allow_redirects=False, timeout=30)
    assert profile.status_code == 200 and "learner.a1" in profile.text, "signed in after setting the password"
    assert learner.get(server.url("/"), allow_redirects=False, timeout=30).status_code == 303, "other sessions end"
    assert attempt_login(server, "learner.a1", STRONG_PASSWORD).response.status_code == 401
    login(server, "learner.a1", NEW_PASSWORD)
    reset = audit_actions(server.db, "password.reset")
    assert reset[-1][0] == "learner.a1" and "admin" in reset[-1][2]

    # Once only: the same message for a used link as for an unknown one.
    for target in (link, server.url("/password/reset/" + "A" * 43), server.url("/password/reset/nonsense")):
        gone = english(client(None), server).get(target, timeout=30)
        assert gone.status_code == 410 and UNUSABLE["en"] in gone.text
    again = english(client(None), server)
    again.get(server.url("/login"), timeout=30)
    csrf = again.cookies.get("csa_csrf")
    late = again.post(link, data={"csrf_token": csrf, "new_password": "Another-Password-Entirely-5",
                                  "confirm_password": "Another-Password-Entirely-5"}, allow_redirects=False, timeout=30)
    assert late.status_code == 410
    login(server, "learner.a1", NEW_PASSWORD)


def test_links_are_only_for_people_in_the_administrators_scope(admin_org):
    server = admin_org.server
    unit = admin_org.session("admin.a")
    csrf = signed_in_csrf(server, unit, "/profile")
    for target in (admin_org.user_id("zzmarker.b"), 999_999, "abc"):
        answer = unit.post(server.url(f"/admin/people/{target}/password-reset"), data={"csrf_token": csrf},
                           allow_redirects=False, timeout=30)
        assert answer.status_code == 404, target
        assert MARKER not in answer.text.lower().encode()
    for login_name in ("learner.a2", "hr.a"):
        other = admin_org.session(login_name)
        token = signed_in_csrf(server, other, "/profile")
        answer = other.post(server.url(f"/admin/people/{admin_org.user_id('learner.a2')}/password-reset"),
                            data={"csrf_token": token}, allow_redirects=False, timeout=30)
        assert answer.status_code == 403
    missing_csrf = unit.post(server.url(f"/admin/people/{admin_org.user_id('learner.a2')}/password-reset"),
                             allow_redirects=False, timeout=30)
    assert missing_csrf.status_code == 403
    root = admin_org.session("admin.root")
    assert admin_reset_link(admin_org, "zzmarker.b", admin="admin.root").status_code == 200
    assert root.get(server.url("/"), timeout=30).status_code == 200
    # A disabled account gets no link.
    server.cli("users", "disable", "--login", "learner.a2")
    try:
        refused = admin_reset_link(admin_org, "learner.a2")
        assert refused.status_code == 409 and "此账号已停用" in refused.text
        assert not LINK.search(refused.text)
    finally:
        server.cli("users", "enable", "--login", "learner.a2")


def test_a_link_ends_when_replaced_when_the_password_changes_and_after_a_day(tmp_path):
    server = ClockedServer(tmp_path / "clocked", demo=False)
    server.directory.mkdir(parents=True)
    server.add_user("zhang.wei", "张伟")
    server.start()
    try:
        first = cli_link(server, "zhang.wei")
        second = cli_link(server, "zhang.wei")
        assert client(None).get(first, timeout=30).status_code == 410, "a newer link replaces the older"
        assert client(None).get(second, timeout=30).status_code == 200
        server.cli("users", "set-password", "--login", "zhang.wei", "--password-stdin", stdin=NEW_PASSWORD + "\n")
        assert client(None).get(second, timeout=30).status_code == 410, "a password change voids the link"
        third = cli_link(server, "zhang.wei")
        server.advance(24 * 3600 - 60)
        assert client(None).get(third, timeout=30).status_code == 200
        server.advance(120)
        assert client(None).get(third, timeout=30).status_code == 410, "a link lasts 24 hours"
        assert [row[0] for row in audit_actions(server.db, "password.reset_link")] == ["cli", "cli", "cli"]
    finally:
        stop_and_check(server)
    missing = run_cli(server.db, "users", "reset-link", "nobody", check=False)
    assert missing.returncode != 0 and "no account nobody" in missing.stderr


def test_without_mail_the_forgot_page_names_the_help_contact(admin_org):
    server = admin_org.server
    for language in ("zh", "en"):
        http = client(None)
        http.get(server.url(f"/language/{language}?next=/login"), timeout=30)
        page = http.get(server.url("/password/forgot"), timeout=30)
        assert page.status_code == 200 and HELP[language] in html.unescape(page.text)
        assert 'name="identifier"' not in page.text
    http = client(None)
    http.get(server.url("/password/forgot"), timeout=30)
    answer = http.post(server.url("/password/forgot"), data={"csrf_token": http.cookies.get("csa_csrf"),
                                                             "identifier": "learner.a1"}, allow_redirects=False, timeout=30)
    assert answer.status_code == 404


@pytest.fixture(scope="module")
def mail_org(tmp_path_factory, certificates):  # noqa: F811
    directory = tmp_path_factory.mktemp("reset-mail")
    sink = SmtpSink(certificates).start()
    org = build_admin_org(directory / "org", extra=mail_options(directory / "mail", certificates, sink.port))
    org.server.cli("users", "set-email", "--login", "learner.a1", "--email", "li.xue@example.gov")
    org.server.cli("users", "set-email", "--login", "learner.a2", "--email", "Wang.Xue@Example.gov")
    yield org, sink
    stop_and_check(org.server)
    sink.stop()


def ask(server, identifier: str, http: requests.Session | None = None) -> requests.Response:
    http = http or english(client(None), server)
    page = http.get(server.url("/password/forgot"), timeout=30)
    csrf = hidden_csrf(page.text, "/password/forgot")
    return http.post(server.url("/password/forgot"), data={"csrf_token": csrf, "identifier": identifier},
                     allow_redirects=False, timeout=30)


def test_forgot_password_mails_a_link_without_telling_whether_an_account_exists(mail_org):
    org, sink = mail_org
    server = org.server
    answers = []
    for identifier in ("learner.a1", "no.such.person", "WANG.XUE@example.GOV", "nobody@example.gov"):
        http = english(client(None), server)
        answer = ask(server, identifier, http)
        assert answer.status_code == 303 and answer.headers["Location"] == "/password/forgot?sent=1"
        shown = http.get(server.url(answer.headers["Location"]), timeout=30)
        assert SENT in shown.text
        answers.append(shown.text)
    assert len(set(answers)) == 1, "every request is answered with the same page"
    received = sink.wait_for(2)
    time.sleep(2)
    assert len(sink.received) == 2, "no mail for identifiers that match no account"
    assert sorted(r.recipients[0] for r in received) == ["Wang.Xue@Example.gov", "li.xue@example.gov"]
    mail = next(r for r in received if r.recipients == ["li.xue@example.gov"]).message
    body = mail.get_content()
    assert "asked to reset the password of the account learner.a1" in body
    assert audit_actions(server.db, "password.reset_link")[-1][0] == "system"
    assert "learner.a1" not in str(list(sqlite3.connect(server.db).execute("SELECT * FROM password_reset_requests")))
    done = set_password(server, LINK.search(body).group(0), NEW_PASSWORD)
    assert done.status_code == 303
    login(server, "learner.a1", NEW_PASSWORD)
    # Empty input: the form again with its error.
    refused = ask(server, "   ")
    assert refused.status_code == 422 and "Enter your login or e-mail address" in refused.text


def test_forgot_password_is_rate_limited_per_identifier_account_and_client(mail_org):
    org, sink = mail_org
    server = org.server
    before = len(sink.received)
    # Four requests for one account (by login and by address): three links an hour at most, the answer unchanged.
    for identifier in ("learner.a2", "learner.a2", "wang.xue@example.gov", "learner.a2"):
        assert ask(server, identifier).status_code == 303
    time.sleep(3)
    to_wang = [r for r in sink.received if r.recipients == ["Wang.Xue@Example.gov"]]
    assert len(to_wang) == 3, "three links an hour for one account"
    assert len(sink.received) - before == 2
    # The client address asked 8 times in this module already; at 10 within the hour it is refused.
    statuses = [ask(server, f"someone{i}").status_code for i in range(4)]
    assert 429 in statuses and statuses[0] == 303
    refused = ask(server, "someone-else")
    assert refused.status_code == 429 and "Retry-After" in refused.headers


# --- pages in a browser ---------------------------------------------------------------------------------------


def check_page(driver, name: str, language: str) -> None:
    wait_for(driver, lambda d: d.execute_script("return document.readyState") == "complete")
    save_screenshot(driver, name, language)
    violations = axe_violations(driver, axe_source())
    assert not violations, f"{name} ({language}): {describe(violations)}"
    size = driver.execute_script("return document.documentElement.outerHTML.length")
    assert size <= 50_000


@needs_chromium
@pytest.mark.parametrize("language", ["zh", "en"])
def test_reset_pages_are_accessible_in_both_languages(admin_org, mail_org, chromium, language):
    from selenium.webdriver.common.by import By

    org, _ = mail_org
    server = org.server
    driver = chromium(language)
    driver.get(server.url(f"/language/{language}?next=/password/forgot"))
    check_page(driver, "password-forgot", language)
    driver.get(server.url("/password/forgot?sent=1"))
    check_page(driver, "password-forgot-sent", language)
    driver.get(admin_org.server.url(f"/language/{language}?next=/password/forgot"))
    check_page(driver, "password-forgot-help", language)

    link = cli_link(server, "hr.a")
    driver.get(link)
    check_page(driver, "password-reset", language)
    driver.find_element(By.ID, "new_password").send_keys("short")
    driver.find_element(By.ID, "confirm_password").send_keys("other")
    driver.find_element(By.CSS_SELECTOR, "form.form button[type='submit']").click()
    wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".error-summary"))
    check_page(driver, "password-reset-errors", language)
    driver.find_element(By.ID, "new_password").send_keys(NEW_PASSWORD)
    driver.find_element(By.ID, "confirm_password").send_keys(NEW_PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form.form button[type='submit']").click()
    wait_for(driver, lambda d: "/profile" in d.current_url)
    driver.get(link)
    check_page(driver, "password-reset-unusable", language)
    server.cli("users", "set-password", "--login", "hr.a", "--password-stdin", stdin=STRONG_PASSWORD + "\n")

    # The administrator's page of the link, reached with the button on the person's page.
    admin = chromium(language)
    browser_sign_in(admin, server, "admin.a", STRONG_PASSWORD, language)
    admin.get(server.url(f"/admin/people/{org.user_id('learner.a2')}"))
    admin.find_element(By.CSS_SELECTOR, "form[action$='/password-reset'] button[type='submit']").click()
    wait_for(admin, lambda d: d.find_elements(By.ID, "reset-link"))
    assert LINK.fullmatch(admin.find_element(By.ID, "reset-link").get_attribute("value"))
    check_page(admin, "admin-password-reset-link", language)
