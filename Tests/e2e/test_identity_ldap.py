"""Signing in against the organisation's directory (LDAP) on the platform's own form, tested against a real
OpenLDAP slapd (StartTLS and ldaps with a test CA, identity_servers.Slapd): bind-and-search as the service account,
the typed password checked by binding as the person, accounts created or matched and kept up to date from the
directory, people the user filter leaves out refused, filter metacharacters searched literally, failures throttled
like passwords, a directory that cannot be reached answered with a clear 503 while local accounts still sign in,
and `--local-passwords off`.
"""

from __future__ import annotations

import html
import sqlite3
import subprocess
from pathlib import Path

import pytest

from conftest import (BINARY, DEPARTMENT, STRONG_PASSWORD, Server, attempt_login, browser_sign_in, client, login, needs_chromium,
                      save_screenshot, signed_in_csrf, stop_and_check, wait_for)
from identity_servers import (  # noqa: F401  (identity_ca, slapd: fixtures)
    ALICE, LISI, PEOPLE_DN, SERVICE_DN, SERVICE_PASSWORD, USER_FILTER, ZHANGWEI, Person, identity_ca, slapd)
from test_accessibility import axe_source, axe_violations, describe

ZHANGWEI_DEPARTMENT = ["省人民政府", "省数据局", "综合处"]
NOT_SET_UP = {"zh": "您的账户尚未在本平台开通，请联系人事部门。",
              "en": "Your account has not been set up on the platform; contact HR."}
UNREACHABLE = {"zh": "暂时无法连接单位目录服务，请稍后再试。",
               "en": "The directory cannot be reached right now; try again later."}
MANAGED = {"zh": "密码由单位统一管理", "en": "Passwords are managed elsewhere"}
INVALID = {"zh": "登录名或密码不正确", "en": "The login or password is incorrect"}


def ldap_options(directory, ca, tmp_path: Path, *, url: str | None = None, provision: str = "create",
                 extra: tuple[str, ...] = ()) -> tuple[str, ...]:
    password_file = tmp_path / "ldap-bind-password"
    password_file.write_text(SERVICE_PASSWORD + "\n")
    return ("--ldap-url", url or directory.url, "--ldap-ca-file", str(ca.ca_crt), "--ldap-bind-dn", SERVICE_DN,
            "--ldap-bind-password-file", str(password_file), "--ldap-base", PEOPLE_DN,
            "--ldap-user-filter", USER_FILTER, "--ldap-attribute", "department=ou",
            "--ldap-attribute", "job-category=title", "--ldap-provision", provision, *extra)


@pytest.fixture
def directory_server(slapd, identity_ca, tmp_path):
    """A factory: a training server signing people in against the test's slapd."""
    started: list[Server] = []

    def make(*, provision: str = "create", url: str | None = None, extra: tuple[str, ...] = ()) -> Server:
        options = ldap_options(slapd, identity_ca, tmp_path, url=url, provision=provision, extra=extra)
        running = Server(tmp_path / f"server-{len(started)}", demo=False, extra=options).start()
        started.append(running)
        return running

    yield make
    for running in started:
        if running.process is not None and running.process.returncode is None:
            stop_and_check(running)


def query(server: Server, sql: str, *parameters) -> list[tuple]:
    connection = sqlite3.connect(server.db)
    try:
        return list(connection.execute(sql, parameters))
    finally:
        connection.close()


def account(server: Server, login_name: str) -> dict | None:
    rows = query(server, "SELECT id, display_name, employee_number, department_id, job_category, email, disabled "
                         "FROM users WHERE login = ?", login_name)
    if not rows:
        return None
    user_id, name, number, department, job, email, disabled = rows[0]
    return {"id": user_id, "name": name, "employee_number": number, "department": department_path(server, department),
            "job_category": job, "email": email, "disabled": bool(disabled)}


def department_path(server: Server, department_id: int) -> list[str]:
    names = []
    current = department_id
    while current is not None:
        name, parent = query(server, "SELECT name, parent_id FROM departments WHERE id = ?", current)[0]
        names.append(name)
        current = parent
    return list(reversed(names))


def sign_in_methods(server: Server, login_name: str) -> list[str]:
    return [row[0] for row in query(server, "SELECT s.method FROM sign_ins s JOIN users u ON u.id = s.user_id "
                                            "WHERE u.login = ? ORDER BY s.id", login_name)]


def page_text(response) -> str:
    return html.unescape(response.text)


def refused(server: Server, login_name: str, password: str, status: int, message: str | None = None):
    attempt = attempt_login(server, login_name, password)
    assert attempt.response.status_code == status, (
        f"{login_name} -> {attempt.response.status_code} (expected {status}): {attempt.response.text[:600]}")
    if message is not None:
        assert message in page_text(attempt.response), attempt.response.text[:2000]
    return attempt.response


# --- signing in ---------------------------------------------------------------------------------------------------


@needs_chromium
def test_zhang_wei_signs_in_through_the_form_and_gets_an_account_in_the_directory_s_department(
        directory_server, chromium):
    server = directory_server()
    driver = chromium("zh")
    browser_sign_in(driver, server, ZHANGWEI.uid, ZHANGWEI.password)
    from selenium.webdriver.common.by import By

    wait_for(driver, lambda d: ZHANGWEI.cn in d.find_element(By.TAG_NAME, "body").text, message="张伟 not shown")
    made = account(server, ZHANGWEI.uid)
    assert made == {"id": made["id"], "name": ZHANGWEI.cn, "employee_number": ZHANGWEI.employee_number,
                    "department": ZHANGWEI_DEPARTMENT, "job_category": ZHANGWEI.title, "email": ZHANGWEI.mail,
                    "disabled": False}
    assert sign_in_methods(server, ZHANGWEI.uid) == ["ldap"]
    assert query(server, "SELECT method, subject FROM external_identities WHERE user_id = ?", made["id"]) == [
        ("ldap", ZHANGWEI.dn)]
    assert query(server, "SELECT method FROM sessions WHERE user_id = ?", made["id"]) == [("ldap",)]
    assert "method=ldap" in server.log


def test_a_wrong_password_and_a_person_disabled_in_the_directory_are_refused(directory_server, slapd):
    server = directory_server()
    refused(server, ZHANGWEI.uid, "Not-" + ZHANGWEI.password, 401, INVALID["zh"])
    refused(server, LISI.uid, LISI.password, 401, INVALID["zh"])
    assert slapd.whoami(LISI.dn, LISI.password), "lisi's password is right: the user filter alone keeps them out"
    assert account(server, ZHANGWEI.uid) is None and account(server, LISI.uid) is None
    # Enabled in the directory again: lisi signs in.
    slapd.enable_person(LISI.uid)
    login(server, LISI.uid, LISI.password)
    assert sign_in_methods(server, LISI.uid) == ["ldap"]
    # Disabled again: a platform password set for the linked account does not let lisi in either.
    slapd.disable_person(LISI.uid)
    server.cli("users", "set-password", "--login", LISI.uid, "--password-stdin", stdin=STRONG_PASSWORD + "\n")
    refused(server, LISI.uid, LISI.password, 401, INVALID["zh"])
    refused(server, LISI.uid, STRONG_PASSWORD, 401, INVALID["zh"])
    assert sign_in_methods(server, LISI.uid) == ["ldap"]
    assert STRONG_PASSWORD not in server.log and ZHANGWEI.password not in server.log and SERVICE_PASSWORD not in server.log


def test_a_person_changed_in_the_directory_is_updated_at_the_next_sign_in(directory_server, slapd):
    server = directory_server()
    login(server, ZHANGWEI.uid, ZHANGWEI.password)
    first = account(server, ZHANGWEI.uid)
    slapd.modify_person(ZHANGWEI.uid, cn="张伟东", ou="省人民政府/省人力资源和社会保障厅/培训处", title="综合管理岗位")
    login(server, ZHANGWEI.uid, ZHANGWEI.password)
    second = account(server, ZHANGWEI.uid)
    assert second["id"] == first["id"]
    assert (second["name"], second["department"], second["job_category"]) == (
        "张伟东", ["省人民政府", "省人力资源和社会保障厅", "培训处"], "综合管理岗位")
    assert sign_in_methods(server, ZHANGWEI.uid) == ["ldap", "ldap"]
    audited = query(server, "SELECT actor FROM audit_log WHERE actor = 'sign-in:ldap'")
    assert audited, "the directory's changes are audited with the actor sign-in:ldap"


def test_with_match_an_unknown_person_is_told_to_contact_hr_and_a_known_one_signs_in(directory_server):
    server = directory_server(provision="match")
    response = refused(server, ZHANGWEI.uid, ZHANGWEI.password, 403, NOT_SET_UP["zh"])
    assert account(server, ZHANGWEI.uid) is None
    assert ZHANGWEI.uid in response.text, "the login stays in the form"
    # Alice already has an account (same login): the directory's password signs her in to it, not the local one.
    server.add_user(ALICE.uid, "Alice")
    before = account(server, ALICE.uid)
    refused(server, ALICE.uid, STRONG_PASSWORD, 401, INVALID["zh"])
    login(server, ALICE.uid, ALICE.password)
    after = account(server, ALICE.uid)
    assert after["id"] == before["id"] and after["name"] == ALICE.cn and after["employee_number"] == ALICE.employee_number
    assert sign_in_methods(server, ALICE.uid) == ["ldap"]


@pytest.mark.parametrize("typed", ["*", "zhang*", "*)(uid=*", "zhangwei)(|(uid=*", "\\2a"])
def test_filter_metacharacters_in_the_login_do_not_widen_the_search(directory_server, typed):
    server = directory_server()
    refused(server, typed, ZHANGWEI.password, 401, INVALID["zh"])
    assert query(server, "SELECT count(*) FROM users") == [(0,)]


def test_directory_failures_are_throttled_like_passwords(directory_server):
    server = directory_server()
    http = client(None)
    for _ in range(5):
        refused_response = attempt_login(server, ZHANGWEI.uid, "Wrong-Passw0rd!", http=http).response
        assert refused_response.status_code == 401
    held = attempt_login(server, ZHANGWEI.uid, ZHANGWEI.password, http=http).response
    assert held.status_code == 429, held.text[:500]
    assert int(held.headers["Retry-After"]) > 0
    assert account(server, ZHANGWEI.uid) is None, "a throttled attempt never reaches the directory"


def test_when_the_directory_is_down_a_clear_503_and_local_accounts_still_sign_in(directory_server, slapd):
    server = directory_server()
    login(server, ZHANGWEI.uid, ZHANGWEI.password)
    local_password = server.add_user("local-admin", "本地管理员")
    slapd.stop()
    refused(server, ZHANGWEI.uid, ZHANGWEI.password, 503, UNREACHABLE["zh"])
    login(server, "local-admin", local_password)
    assert sign_in_methods(server, "local-admin") == ["password"]
    refused(server, "local-admin", "Wrong-" + local_password, 503, UNREACHABLE["zh"])
    assert "method=ldap: directory unreachable" in server.log


def test_a_local_password_never_decides_for_a_person_in_the_directory(directory_server):
    server = directory_server()
    server.add_user(ZHANGWEI.uid, "张伟（本地）")
    refused(server, ZHANGWEI.uid, STRONG_PASSWORD, 401, INVALID["zh"])
    login(server, ZHANGWEI.uid, ZHANGWEI.password)
    assert sign_in_methods(server, ZHANGWEI.uid) == ["ldap"]


def test_ldaps_works_too(directory_server, slapd):
    server = directory_server(url=slapd.ldaps_url)
    login(server, ZHANGWEI.uid, ZHANGWEI.password)
    assert sign_in_methods(server, ZHANGWEI.uid) == ["ldap"]


def test_a_directory_certificate_from_another_ca_is_refused(directory_server, slapd, tmp_path):
    from identity_servers import make_test_ca

    other = make_test_ca(tmp_path / "other-ca")
    server = directory_server(extra=("--ldap-ca-file", str(other.ca_crt)))
    refused(server, ZHANGWEI.uid, ZHANGWEI.password, 503, UNREACHABLE["zh"])
    assert account(server, ZHANGWEI.uid) is None


# --- local passwords off ------------------------------------------------------------------------------------------


def test_with_local_passwords_off_only_the_directory_signs_people_in(directory_server):
    server = directory_server(extra=("--local-passwords", "off"))
    page = client(None).get(server.url("/login"), timeout=10)
    assert page.status_code == 200 and 'name="password"' in page.text
    assert "/password/forgot" not in page.text
    http = client(None)
    for path in ("/password/forgot", "/password/reset/abcdef"):
        answer = http.get(server.url(path), timeout=10)
        assert answer.status_code == 410 and MANAGED["zh"] in answer.text, f"{path} -> {answer.status_code}"
    local_password = server.add_user("local-clerk", "本地职员")
    refused(server, "local-clerk", local_password, 401, INVALID["zh"])
    assert sign_in_methods(server, "local-clerk") == []
    login(server, ZHANGWEI.uid, ZHANGWEI.password)
    assert sign_in_methods(server, ZHANGWEI.uid) == ["ldap"]
    # An administrator (signed in through the directory) cannot make a password reset link: 410, nothing made.
    server.add_user(ALICE.uid, "Alice", roles=("admin",), department=DEPARTMENT)
    admin = login(server, ALICE.uid, ALICE.password)
    csrf = signed_in_csrf(server, admin, "/profile")
    clerk_id = account(server, "local-clerk")["id"]
    made = admin.post(server.url(f"/admin/people/{clerk_id}/password-reset"), data={"csrf_token": csrf},
                      allow_redirects=False, timeout=30)
    assert made.status_code == 410 and MANAGED["zh"] in made.text, made.text[:500]
    assert query(server, "SELECT count(*) FROM password_reset_tokens") == [(0,)]
    # Anonymous clients still get no further than before.
    assert client(None).post(server.url(f"/admin/people/{clerk_id}/password-reset"), data={},
                             allow_redirects=False, timeout=30).status_code in (303, 401, 403)


def test_serve_refuses_local_passwords_off_with_no_other_way_in_and_bad_directory_options(tmp_path, slapd, identity_ca):
    def serve(*options: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(BINARY), "serve", "--db", str(tmp_path / "db.sqlite"), "--port", "0", *options],
                              capture_output=True, text=True, timeout=30)

    done = serve("--local-passwords", "off")
    assert done.returncode != 0 and "nobody could sign in" in done.stderr, done.stderr
    done = serve("--ldap-base", PEOPLE_DN)
    assert done.returncode != 0 and "--ldap-base needs --ldap-url" in done.stderr, done.stderr
    options = list(ldap_options(slapd, identity_ca, tmp_path))
    for bad, expected in [("--ldap-user-filter=(uid=zhangwei)", "{login}"),
                          ("--ldap-attribute=colour=cn", "FIELD=ATTRIBUTE"),
                          ("--ldap-attribute=login=", "login cannot be left out"),
                          ("--ldap-provision=sometimes", "match or create"),
                          ("--ldap-url=http://127.0.0.1", "ldap://")]:
        done = serve(*options, bad)
        assert done.returncode != 0 and expected in done.stderr, f"{bad}: {done.stderr}"
    empty = tmp_path / "empty-password"
    empty.write_text("\n")
    done = serve(*options, "--ldap-bind-password-file", str(empty))
    assert done.returncode != 0 and "is empty" in done.stderr, done.stderr


def test_ldap_check_prints_the_mapped_details_of_a_login(slapd, identity_ca, tmp_path):
    options = ldap_options(slapd, identity_ca, tmp_path)
    done = subprocess.run([str(BINARY), "ldap-check", *options, ZHANGWEI.uid], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    assert f"entry: {ZHANGWEI.dn}" in done.stdout
    assert f"name (cn): {ZHANGWEI.cn}" in done.stdout
    assert "department (ou): 省人民政府/省数据局/综合处" in done.stdout
    assert f"employee-number (employeeNumber): {ZHANGWEI.employee_number}" in done.stdout
    assert "provisioning: create" in done.stdout
    done = subprocess.run([str(BINARY), "ldap-check", *options, LISI.uid], capture_output=True, text=True, timeout=30)
    assert done.returncode != 0 and "cannot sign in" in done.stderr, done.stdout + done.stderr


# --- the pages ----------------------------------------------------------------------------------------------------


@needs_chromium
@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_new_messages_are_clear_and_pass_axe(directory_server, slapd, chromium, language):
    from selenium.webdriver.common.by import By

    server = directory_server(provision="match", extra=("--local-passwords", "off"))
    driver = chromium(language)
    source = axe_source()

    def submit(login_name: str, password: str) -> str:
        driver.get(server.url("/login"))
        wait_for(driver, lambda d: d.find_elements(By.NAME, "login"), message="no login field")
        driver.find_element(By.NAME, "login").send_keys(login_name)
        driver.find_element(By.NAME, "password").send_keys(password)
        driver.find_element(By.CSS_SELECTOR, "form[action='/login'] button[type='submit']").click()
        wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "[role=alert], .error-summary, .alert"),
                 message="no error shown")
        return driver.find_element(By.TAG_NAME, "body").text

    checks = [("not-set-up", lambda: submit(ZHANGWEI.uid, ZHANGWEI.password), NOT_SET_UP[language])]
    for name, action, expected in checks:
        text = action()
        assert expected in text, text
        violations = axe_violations(driver, source)
        assert not violations, describe(violations)
        save_screenshot(driver, f"ldap-{name}", language)
    driver.get(server.url("/password/forgot"))
    assert MANAGED[language] in driver.find_element(By.TAG_NAME, "body").text
    violations = axe_violations(driver, source)
    assert not violations, describe(violations)
    save_screenshot(driver, "password-managed-elsewhere", language)
    slapd.stop()
    text = submit(ZHANGWEI.uid, ZHANGWEI.password)
    assert UNREACHABLE[language] in text, text
    violations = axe_violations(driver, source)
    assert not violations, describe(violations)
    save_screenshot(driver, "ldap-unreachable", language)
