"""End-to-end: HR's reason for revoking a certificate stays private, revoking needs confirmation, HR can reinstate.

The demo learner earns the programme's certificate. HR revokes it with a confidential reason: the public status
document, verification page and verification API say revoked and nothing of the reason; the holder (certificate
page, dashboard) and HR (certificate page) read it. Revoking without ticking the confirmation changes nothing. HR
reinstates it with a reason: valid again everywhere, the certification certified again; a revoked certificate of a
person outside HR's scope cannot be reinstated. Both are in the audit log, and `verify-audit` finds it intact.
"""

from __future__ import annotations

import json
import random
import sqlite3

import pytest
from selenium.webdriver.common.by import By

from conftest import (OTHER_DEPARTMENT, bearer, client, hidden_csrf, login, new_chromium, browser_sign_in,
                      save_screenshot, study_until_complete_http, ui_text, wait_for)
from test_accessibility import axe_source, axe_violations, describe
from test_certification import PROGRAM, PROGRAM_COURSES, HOLDER, either_language, pass_exam

REASON = "Dismissed for misconduct - case 2026/117 (confidential)"
REINSTATED = "Appeal upheld - case 2026/117 closed"
CROCKFORD_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def public_answers(server, identifier: str) -> dict[str, str]:
    """Everything anyone can read about the certificate without signing in, as text."""
    anonymous = client()
    answers = {}
    for path in (f"/api/v1/credentials/status/{identifier}", f"/verify/{identifier}", f"/api/v1/verify/{identifier}"):
        response = anonymous.get(server.url(path), allow_redirects=False, timeout=10)
        assert response.status_code == 200, f"GET {path} -> {response.status_code}"
        answers[path] = response.text
    return answers


def audit_rows(server, action: str) -> list[tuple[str, str, dict]]:
    database = sqlite3.connect(f"file:{server.db}?mode=ro", uri=True)
    try:
        return [(actor, subject, json.loads(details)) for actor, subject, details in database.execute(
            "SELECT actor, subject, details FROM audit_log WHERE action = ? ORDER BY id", (action,))]
    finally:
        database.close()


def certificate_row(server, identifier: str) -> tuple:
    database = sqlite3.connect(f"file:{server.db}?mode=ro", uri=True)
    try:
        return database.execute("SELECT revoked_at, revoked_reason, revoked_by FROM certificates WHERE id = ?",
                                (identifier,)).fetchone()
    finally:
        database.close()


def user_id(server, login_name: str) -> int:
    database = sqlite3.connect(f"file:{server.db}?mode=ro", uri=True)
    try:
        return database.execute("SELECT id FROM users WHERE login = ?", (login_name,)).fetchone()[0]
    finally:
        database.close()


def my_state(server, token: str) -> dict:
    response = bearer(token).get(server.url("/api/v1/certifications"), timeout=10)
    assert response.status_code == 200
    return next(line for line in response.json() if line["program"] == PROGRAM)


@pytest.fixture(scope="module")
def story(clocked_server, book):
    server = clocked_server
    http = login(server, HOLDER, server.demo_passwords[HOLDER])
    token = server.cli("tokens", "create", "--login", HOLDER).stdout.strip().splitlines()[-1].strip()
    for course in PROGRAM_COURSES:
        for module in book.course(course)["modules"]:
            study_until_complete_http(server, http, course, module)
        pass_exam(server, http, book, course)
    certificates = bearer(token).get(server.url("/api/v1/certificates"), timeout=10).json()
    assert len(certificates) == 1 and certificates[0]["status"] == "valid", certificates
    hr = login(server, "demo-hr", server.demo_passwords["demo-hr"])
    return {"http": http, "token": token, "hr": hr, "id": certificates[0]["id"]}


def test_revoking_needs_confirmation_and_the_reason_stays_private(clocked_server, story):
    server, hr, identifier = clocked_server, story["hr"], story["id"]
    path = f"/certificates/{identifier}"
    form = hr.get(server.url(path), timeout=10).text
    assert either_language(form, "cert.revoke.hint") and either_language(form, "cert.revoke.confirm")
    assert 'name="confirm"' in form and "required" in form.split('name="confirm"', 1)[1].split(">", 1)[0]
    token = hidden_csrf(form, f"{path}/revoke")

    unconfirmed = hr.post(server.url(f"{path}/revoke"), data={"csrf_token": token, "reason": REASON},
                          allow_redirects=False, timeout=10)
    assert unconfirmed.status_code == 400 and either_language(unconfirmed.text, "cert.revoke.confirm_missing")
    assert certificate_row(server, identifier) == (None, None, None), "revoked without confirmation"
    assert json.loads(public_answers(server, identifier)[f"/api/v1/verify/{identifier}"])["status"] == "valid"
    assert audit_rows(server, "certificate.revoke") == []

    revoked = hr.post(server.url(f"{path}/revoke"), data={"csrf_token": token, "reason": REASON, "confirm": "yes"},
                      allow_redirects=False, timeout=10)
    assert revoked.status_code == 303, revoked.status_code

    answers = public_answers(server, identifier)
    for where, text in answers.items():
        assert "misconduct" not in text and "2026/117" not in text, f"{where} gives HR's reason away"
    status = json.loads(answers[f"/api/v1/credentials/status/{identifier}"])
    assert len(status["revokedCredentials"]) == 1 and set(status["revokedCredentials"][0]) == {"id"}, status
    assert json.loads(answers[f"/api/v1/verify/{identifier}"])["status"] == "revoked"
    assert either_language(answers[f"/verify/{identifier}"], "cert.status.revoked")

    # The holder reads the reason on the certificate and the dashboard; HR on the certificate page.
    assert REASON in story["http"].get(server.url(path), timeout=10).text
    assert REASON in story["http"].get(server.url("/"), timeout=10).text
    assert my_state(server, story["token"])["revocationReason"] == REASON
    assert REASON in hr.get(server.url(path), timeout=10).text
    record = hr.get(server.url(f"/hr/people/{user_id(server, HOLDER)}"), timeout=10)
    assert record.status_code == 200 and REASON in record.text, "the person record does not give HR the reason"
    assert [row[2]["reason"] for row in audit_rows(server, "certificate.revoke")] == [REASON]


def test_hr_reinstates_in_scope_only_and_both_are_audited(clocked_server, story, unique):
    server, hr, identifier = clocked_server, story["hr"], story["id"]
    path = f"/certificates/{identifier}"
    assert certificate_row(server, identifier)[1] == REASON, "the previous test did not revoke"

    # A marker outside demo-hr's scope holds a certificate HR of its own department revoked.
    marker = unique("zzmarker-revoked")
    server.add_user(marker, "赵敏", department=OTHER_DEPARTMENT)
    foreign = "".join(random.choice(CROCKFORD_ALPHABET) for _ in range(26))
    now = server.now()
    database = sqlite3.connect(server.db, timeout=10)
    try:
        with database:
            user_id = database.execute("SELECT id FROM users WHERE login = ?", (marker,)).fetchone()[0]
            database.execute(
                "INSERT INTO certificates (id, user_id, program_id, kind, issued_at, expires_at, revoked_at,"
                " revoked_reason, revoked_by, credential) VALUES (?, ?, ?, 'initial', ?, ?, ?, 'marker', 'hr-b', 'jwt')",
                (foreign, user_id, PROGRAM, now - 30 * 86400, now + 300 * 86400, now - 86400))
    finally:
        database.close()
    token = hidden_csrf(hr.get(server.url(path), timeout=10).text, f"{path}/reinstate")
    refused = hr.post(server.url(f"/certificates/{foreign}/reinstate"), data={"csrf_token": token, "reason": "no"},
                      allow_redirects=False, timeout=10)
    assert refused.status_code == 404, refused.status_code
    assert certificate_row(server, foreign)[1] == "marker", "reinstated outside HR's scope"
    assert json.loads(public_answers(server, foreign)[f"/api/v1/verify/{foreign}"])["status"] == "revoked"

    # Without a reason nothing changes; without the CSRF token neither.
    empty = hr.post(server.url(f"{path}/reinstate"), data={"csrf_token": token, "reason": " "},
                    allow_redirects=False, timeout=10)
    assert empty.status_code == 400 and either_language(empty.text, "cert.reinstate.missing")
    forged = hr.post(server.url(f"{path}/reinstate"), data={"reason": REINSTATED}, allow_redirects=False, timeout=10)
    assert forged.status_code in (400, 403), forged.status_code
    assert certificate_row(server, identifier)[1] == REASON

    done = hr.post(server.url(f"{path}/reinstate"), data={"csrf_token": token, "reason": REINSTATED},
                   allow_redirects=False, timeout=10)
    assert done.status_code == 303 and done.headers["Location"] == path, done.status_code
    assert certificate_row(server, identifier) == (None, None, None)
    answers = public_answers(server, identifier)
    assert json.loads(answers[f"/api/v1/credentials/status/{identifier}"])["revokedCredentials"] == []
    assert json.loads(answers[f"/api/v1/verify/{identifier}"])["status"] == "valid"
    assert either_language(answers[f"/verify/{identifier}"], "cert.status.valid")
    mine = my_state(server, story["token"])
    assert mine["state"] == "certified" and "revocationReason" not in mine, mine
    assert either_language(story["http"].get(server.url("/"), timeout=10).text, "cert.state.certified")
    page = hr.get(server.url(path), timeout=10).text
    assert f'action="{path}/revoke"' in page and f'action="{path}/reinstate"' not in page
    again = hr.post(server.url(f"{path}/reinstate"), data={"csrf_token": token, "reason": REINSTATED},
                    allow_redirects=False, timeout=10)
    assert again.status_code == 409 and either_language(again.text, "cert.reinstate.not_revoked")

    reinstated = audit_rows(server, "certificate.reinstate")
    assert [(actor, subject) for actor, subject, _ in reinstated] == [("demo-hr", f"certificate:{identifier}")], reinstated
    assert reinstated[0][2]["reason"] == REINSTATED and reinstated[0][2]["revoked_reason"] == REASON
    intact = server.cli("verify-audit")
    assert intact.returncode == 0 and "intact" in intact.stdout, intact.stdout


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_revoke_and_reinstate_forms_pass_axe(clocked_server, story, language):
    server, identifier = clocked_server, story["id"]
    driver = new_chromium(language, javascript=True)
    try:
        browser_sign_in(driver, server, "demo-hr", server.demo_passwords["demo-hr"], language)
        driver.get(server.url(f"/certificates/{identifier}"))
        assert ui_text(language, "cert.revoke.confirm") in driver.page_source
        save_screenshot(driver, "certificate-revoke", language)
        violations = axe_violations(driver, axe_source())
        assert not violations, describe(violations)
        # Revoke and reinstate through the forms, keyboard-free of script; the reinstate form passes axe too.
        driver.find_element(By.ID, "reason").send_keys("axe check")
        driver.find_element(By.ID, "confirm").click()
        driver.find_element(By.CSS_SELECTOR, f"form[action$='/revoke'] button[type='submit']").click()
        wait_for(driver, lambda d: d.find_elements(By.ID, "reinstate-reason"), message="no reinstate form")
        save_screenshot(driver, "certificate-reinstate", language)
        violations = axe_violations(driver, axe_source())
        assert not violations, describe(violations)
        driver.find_element(By.ID, "reinstate-reason").send_keys("axe check done")
        driver.find_element(By.CSS_SELECTOR, f"form[action$='/reinstate'] button[type='submit']").click()
        wait_for(driver, lambda d: d.find_elements(By.ID, "confirm"), message="not valid again")
    finally:
        driver.quit()
