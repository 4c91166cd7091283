"""API tokens in the administration: on a person's page (list, create with a name and a lifetime, the secret shown
once on the next page and never again, revoke) and at /admin/tokens (every token of the people in scope, by state;
integrators' tokens made for an account of their own). The marker person's tokens never appear for a unit
administrator and cannot be revoked by them; the `tokens` commands keep working on the same service."""

from __future__ import annotations

import re
import sqlite3

import pytest
import requests

from admin_org import MARKER, admin_org  # noqa: F401  (module fixture)
from conftest import STRONG_PASSWORD, browser_sign_in, hidden_csrf, needs_chromium, save_screenshot, wait_for
from test_accessibility import axe_source, axe_violations, describe
from test_admin_people import added, csrf, post

SECRET = re.compile(r'value="(csa_[A-Za-z0-9_-]+)"')


def me(server, secret: str) -> int:
    return requests.get(server.url("/api/v1/me"), headers={"Authorization": f"Bearer {secret}"}, timeout=30).status_code


def test_a_persons_tokens_created_shown_once_and_revoked(admin_org):
    server = admin_org.server
    http = admin_org.session("admin.a")
    person = added(http, admin_org, "token.owner", "令牌主人", admin_org.departments["A1"])
    created = post(http, admin_org, person, "tokens", {"token_name": "考勤系统", "expires_days": "30"})
    assert created.status_code == 200 and created.headers.get("Cache-Control") == "no-store"
    secret = SECRET.search(created.text).group(1)
    assert "只显示这一次" in created.text and "考勤系统" in created.text
    assert me(server, secret) == 200
    page = http.get(server.url(f"/admin/people/{person}"), timeout=30).text
    assert secret not in page and "考勤系统" in page and "有效" in page and "从未使用" not in page
    # Bad input: the page again with the problems, nothing made.
    tokens_before = server.cli("tokens", "list", "--login", "token.owner").stdout.count("\n")
    for data in ({"token_name": "", "expires_days": "30"}, {"token_name": "x", "expires_days": "0"},
                 {"token_name": "x", "expires_days": "3651"}, {"token_name": "x", "expires_days": "ten"}):
        refused = post(http, admin_org, person, "tokens", data)
        assert refused.status_code == 422 and "error-summary" in refused.text and "csa_" not in refused.text
    assert server.cli("tokens", "list", "--login", "token.owner").stdout.count("\n") == tokens_before
    # Revoke from the person's page.
    token_id = int(re.search(rf"/admin/people/{person}/tokens/(\d+)/revoke", page).group(1))
    revoked = post(http, admin_org, person, f"tokens/{token_id}/revoke", {})
    assert revoked.status_code == 303
    assert me(server, secret) == 401
    page = http.get(server.url(f"/admin/people/{person}"), timeout=30).text
    assert "已吊销" in page and f"/tokens/{token_id}/revoke" not in page
    # The command line sees the same tokens.
    listing = server.cli("tokens", "list", "--login", "token.owner").stdout
    assert "考勤系统" in listing and "revoked" in listing


def test_the_token_list_integrators_and_the_scope(admin_org):
    server = admin_org.server
    http = admin_org.session("admin.a")
    marker_secret = server.cli("tokens", "create", "--login", "zzmarker.b", "--name", "zzmarker-feed").stdout.strip().splitlines()[-1]
    database = sqlite3.connect(server.db)
    marker_token = database.execute("SELECT max(id) FROM api_tokens").fetchone()[0]
    database.close()
    # An integrator: an account of its own with the roles it needs, and a token acting as it.
    added(http, admin_org, "hr-system", "人事系统接口", admin_org.departments["A"], role_hr="1")
    token = csrf(http, admin_org, "/admin/tokens", "/logout")
    created = http.post(server.url("/admin/tokens"), data={"csrf_token": token, "owner": "hr-system", "token_name": "HR 同步",
                                                           "expires_days": "365"}, timeout=30)
    assert created.status_code == 200 and created.headers.get("Cache-Control") == "no-store"
    secret = SECRET.search(created.text).group(1)
    assert requests.get(server.url("/api/v1/hr/people"), headers={"Authorization": f"Bearer {secret}"},
                        timeout=30).status_code == 200
    listing = http.get(server.url("/admin/tokens"), timeout=30)
    assert listing.status_code == 200 and "HR 同步" in listing.text and "人事系统接口" in listing.text
    assert secret not in listing.text
    assert MARKER not in listing.text.lower().encode()
    # An owner outside the scope is "nobody you manage"; nothing is made.
    refused = http.post(server.url("/admin/tokens"), data={"csrf_token": token, "owner": "zzmarker.b", "token_name": "x",
                                                           "expires_days": "30"}, timeout=30)
    assert refused.status_code == 422 and "您管理的人员中没有这个登录名" in refused.text
    assert MARKER not in refused.text.replace('value="zzmarker.b"', "").lower().encode()
    # The marker's token cannot be revoked from here.
    answer = http.post(server.url(f"/admin/tokens/{marker_token}/revoke"), data={"csrf_token": token}, allow_redirects=False,
                       timeout=30)
    assert answer.status_code == 404 and me(server, marker_secret) == 200
    # Filter by state; revoke from the list.
    ours = int(re.search(r"/admin/tokens/(\d+)/revoke", listing.text).group(1))
    done = http.post(server.url(f"/admin/tokens/{ours}/revoke"), data={"csrf_token": token, "state": "active"},
                     allow_redirects=False, timeout=30)
    assert done.status_code == 303 and done.headers["Location"] == "/admin/tokens?state=active&done=revoked"
    assert me(server, secret) == 401
    assert "HR 同步" not in http.get(server.url("/admin/tokens?state=active"), timeout=30).text
    assert "HR 同步" in http.get(server.url("/admin/tokens?state=revoked"), timeout=30).text
    assert http.get(server.url("/admin/tokens?state=bogus"), timeout=30).status_code == 400
    # The root administrator sees the marker's token.
    root = admin_org.session("admin.root")
    assert "zzmarker-feed" in root.get(server.url("/admin/tokens"), timeout=30).text
    # Audited with the administrator as actor.
    database = sqlite3.connect(server.db)
    actors = {row[0] for row in database.execute("SELECT actor FROM audit_log WHERE action IN ('token.create', 'token.revoke')")}
    database.close()
    assert "admin.a" in actors


@needs_chromium
@pytest.mark.parametrize("language", ["zh", "en"])
def test_token_pages_are_accessible_and_screenshotted(admin_org, chromium, language):
    from selenium.webdriver.common.by import By

    server = admin_org.server
    driver = chromium(language)
    browser_sign_in(driver, server, "admin.a", STRONG_PASSWORD, language)
    for path, shot in (("/admin/tokens", "admin-tokens"), ("/admin/tokens?state=revoked", None)):
        driver.get(server.url(path))
        wait_for(driver, lambda d: d.execute_script("return document.readyState") == "complete")
        assert MARKER not in driver.page_source.lower().encode()
        if shot:
            save_screenshot(driver, shot, language)
        violations = axe_violations(driver, axe_source())
        assert not violations, f"{path}: " + describe(violations)
    # Make a token in the browser: the created page.
    driver.find_element(By.ID, "owner").send_keys("learner.a2")
    driver.find_element(By.ID, "token_name").send_keys(f"browser-{language}")
    driver.find_element(By.CSS_SELECTOR, "form[action='/admin/tokens'][method='post'] button[type='submit']").click()
    wait_for(driver, lambda d: d.find_elements(By.ID, "token-secret"))
    assert driver.find_element(By.ID, "token-secret").get_attribute("value").startswith("csa_")
    save_screenshot(driver, "admin-token-created", language)
    violations = axe_violations(driver, axe_source())
    assert not violations, describe(violations)
    # A refused token form: the error summary and the fields' messages are accessible too.
    driver.get(server.url("/admin/tokens"))
    driver.find_element(By.ID, "token_name").clear()
    driver.find_element(By.CSS_SELECTOR, "form[action='/admin/tokens'][method='post'] button[type='submit']").click()
    wait_for(driver, lambda d: d.find_elements(By.CLASS_NAME, "error-summary"))
    assert driver.find_elements(By.ID, "owner-error") and driver.find_elements(By.ID, "token_name-error")
    violations = axe_violations(driver, axe_source())
    assert not violations, describe(violations)
