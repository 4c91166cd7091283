"""Extension requests end to end: a learner who is overdue asks for a later due day in the browser, HR sees the
request in /plans/requests and approves it on the member record, and the learner's status goes from overdue to
in progress (the test clock moves the days). Bad requests are refused with the form kept; one request at a time;
a learner sees only their own /due pages; everything audited; axe-clean in both languages."""

from __future__ import annotations

import re
import sqlite3
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import requests

from admin_org import MARKER, AdminOrg, build_admin_org
from conftest import (
    STRONG_PASSWORD,
    browser_sign_in,
    hidden_csrf,
    needs_chromium,
    save_screenshot,
    stop_and_check,
    study_until_complete_http,
    ui_text,
    wait_for,
)
from test_accessibility import axe_source, axe_violations, describe

COURSE = "info-security-refresher"
FIRST_MODULE = "whats-new"
ZONE = ZoneInfo("Asia/Shanghai")
DAY = 86_400


@dataclass
class PlansOrg:
    """The administration test organisation on a server whose clock the tests move forward."""

    org: AdminOrg
    clock_file: Path
    offset: float = 0.0

    @property
    def server(self):
        return self.org.server

    def session(self, login_name: str) -> requests.Session:
        return self.org.session(login_name)

    def user_id(self, login_name: str) -> int:
        return self.org.user_id(login_name)

    # The clock, as ClockedServer does it (study_until_complete_http calls `advance` and `url`).
    def advance(self, seconds: float) -> None:
        self.offset += seconds
        partial = self.clock_file.with_suffix(".partial")
        partial.write_text(f"{self.offset:.3f}\n", encoding="utf-8")
        partial.replace(self.clock_file)

    def url(self, path: str) -> str:
        return self.server.url(path)

    def today(self) -> date:
        return datetime.fromtimestamp(time.time() + self.offset, ZONE).date()

    def sql(self, query: str, parameters: tuple = ()) -> list[tuple]:
        database = sqlite3.connect(self.server.db, timeout=10)
        try:
            rows = database.execute(query, parameters).fetchall()
            database.commit()
            return rows
        finally:
            database.close()

    def assign(self, name: str, anchor: str, logins: list[str], due: date, course: str = COURSE) -> int:
        """An assignment of `course` to the named people (inside `anchor`'s subtree), each due on `due`, written
        as the assignment service writes it."""
        now = time.time() + self.offset
        database = sqlite3.connect(self.server.db, timeout=10)
        try:
            cursor = database.execute(
                "INSERT INTO assignments (name, item_kind, item_id, required, audience, department_id, include_subtree,"
                " due_kind, due_day, created_at) VALUES (?, 'course', ?, 1, 'people', ?, 1, 'fixed', ?, ?)",
                (name, course, self.org.departments[anchor], due.isoformat(), now))
            assignment = int(cursor.lastrowid)
            for login_name in logins:
                user = self.user_id(login_name)
                database.execute("INSERT INTO assignment_people (assignment_id, user_id) VALUES (?, ?)", (assignment, user))
                database.execute("INSERT INTO assignment_members (assignment_id, user_id, assigned_at, due_day)"
                                 " VALUES (?, ?, ?, ?)", (assignment, user, now, due.isoformat()))
            database.commit()
        finally:
            database.close()
        return assignment


def build_plans_org(directory: Path) -> PlansOrg:
    directory.mkdir(parents=True, exist_ok=True)
    clock_file = directory / "clock-offset"
    clock_file.write_text("0.000\n", encoding="utf-8")
    org = build_admin_org(directory / "server", extra=("--test-clock-file", str(clock_file)))
    return PlansOrg(org=org, clock_file=clock_file)


@pytest.fixture(scope="module")
def plans_org(tmp_path_factory: pytest.TempPathFactory):
    running = build_plans_org(tmp_path_factory.mktemp("plans-org"))
    yield running
    stop_and_check(running.server)


def status_word(page: str) -> str:
    """The status tag of a /due or member page (the first tag after the status label)."""
    found = re.search(r'<strong class="tag tag-[a-z_]+">([^<]+)</strong>', page.split("<dl", 1)[1])
    assert found, page[:2000]
    return found.group(1)


def post(http: requests.Session, server, page_path: str, action: str, data: dict) -> requests.Response:
    page = http.get(server.url(page_path), timeout=30)
    assert page.status_code == 200, f"GET {page_path} -> {page.status_code}"
    token = hidden_csrf(page.text, action)
    return http.post(server.url(action), data={"csrf_token": token, **data}, allow_redirects=False, timeout=30)


def audit_actions(plans: PlansOrg, prefix: str) -> list[tuple[str, str]]:
    return plans.sql("SELECT action, details FROM audit_log WHERE action LIKE ? ORDER BY id", (prefix + "%",))


@needs_chromium
def test_an_overdue_learner_asks_for_an_extension_and_is_back_in_progress_once_hr_approves(plans_org, chromium):
    plans = plans_org
    server = plans.server
    today = plans.today()
    assignment = plans.assign("信息安全年度复训（延期测试）", "A", ["learner.a1", "learner.a2"], today + timedelta(days=5))
    learner = plans.session("learner.a1")
    study_until_complete_http(plans, learner, COURSE, FIRST_MODULE)
    page = learner.get(server.url(f"/due/{assignment}"), timeout=30)
    assert page.status_code == 200
    assert status_word(page.text) == ui_text("zh", "plans.status.due_soon")

    plans.advance(7 * DAY)
    today = plans.today()
    learner = plans.session("learner.a1")  # a week later: a new sign-in
    page = learner.get(server.url(f"/due/{assignment}"), timeout=30)
    assert status_word(page.text) == ui_text("zh", "plans.status.overdue")

    # Refused requests keep what was typed and change nothing.
    action = f"/due/{assignment}/extension"
    for day, reason, key in [("2020-01-01", "出差", "due.error.day_in_past"), ("not a day", "出差", "due.error.day_invalid"),
                             ((today + timedelta(days=400)).isoformat(), "出差", "due.error.day_too_far"),
                             ((today + timedelta(days=30)).isoformat(), "  ", "plans.member.error.reason_missing")]:
        refused = post(learner, server, f"/due/{assignment}", action, {"day": day, "reason": reason})
        assert refused.status_code == 422, (day, refused.status_code)
        assert ui_text("zh", key) in refused.text
        assert f'value="{day}"' in refused.text
    assert not audit_actions(plans, "assignment.extension")

    # The learner asks in the browser.
    wanted = today + timedelta(days=40)
    driver = chromium("zh")
    from selenium.webdriver.common.by import By

    browser_sign_in(driver, server, "learner.a1", STRONG_PASSWORD)
    driver.get(server.url(f"/due/{assignment}"))
    # A date field takes its value in the browser's own format; the form sends it as YYYY-MM-DD.
    driver.execute_script("arguments[0].value = arguments[1]", driver.find_element(By.ID, "day"), wanted.isoformat())
    driver.find_element(By.ID, "reason").send_keys("借调参加专项工作，无法按期完成")
    driver.find_element(By.CSS_SELECTOR, f"form[action='{action}'] button[type='submit']").click()
    wait_for(driver, lambda d: ui_text("zh", "due.done.requested") in d.page_source, message="no confirmation")
    assert ui_text("zh", "plans.member.request_state.pending") in driver.page_source
    save_screenshot(driver, "plans-due", "zh")
    # One request at a time.
    assert f'action="{action}"' not in learner.get(server.url(f"/due/{assignment}"), timeout=30).text
    again = learner.post(server.url(action), data={"csrf_token": hidden_csrf(page.text, action), "day": wanted.isoformat(),
                                                   "reason": "again"}, allow_redirects=False, timeout=30)
    assert again.status_code == 422 and ui_text("zh", "due.error.pending_exists") in again.text

    # HR sees it waiting and approves it on the member record.
    hr = plans.session("hr.a")
    waiting = hr.get(server.url("/plans/requests"), timeout=30)
    assert waiting.status_code == 200
    record = f"/plans/{assignment}/people/{plans.user_id('learner.a1')}"
    assert f'href="{record}"' in waiting.text and "借调参加专项工作" in waiting.text
    # In the browser: from the list to the record, approve with a note.
    hr_browser = chromium("zh")
    browser_sign_in(hr_browser, server, "hr.a", STRONG_PASSWORD)
    hr_browser.get(server.url("/plans/requests"))
    hr_browser.find_element(By.CSS_SELECTOR, f"a[href='{record}']").click()
    wait_for(hr_browser, lambda d: d.find_elements(By.ID, "note"), message="no decision form")
    hr_browser.find_element(By.ID, "note").send_keys("同意")
    hr_browser.find_element(By.CSS_SELECTOR, "button[name='decision'][value='approve']").click()
    wait_for(hr_browser, lambda d: ui_text("zh", "plans.member.done.approved") in d.page_source, message="not approved")
    save_screenshot(hr_browser, "plans-member-approved", "zh")
    shown = hr.get(server.url(record), timeout=30).text
    assert ui_text("zh", "plans.member.request_state.approved") in shown and "人事甲" in shown
    assert ui_text("zh", "plans.member.decide.title") not in shown
    assert ui_text("zh", "plans.requests.none") in hr.get(server.url("/plans/requests"), timeout=30).text

    page = learner.get(server.url(f"/due/{assignment}"), timeout=30).text
    assert status_word(page) == ui_text("zh", "plans.status.in_progress")
    assert wanted.isoformat() == plans.sql("SELECT extended_day FROM assignment_members WHERE assignment_id = ? AND user_id = ?",
                                           (assignment, plans.user_id("learner.a1")))[0][0]
    actions = [action for action, _ in audit_actions(plans, "assignment.extension")]
    assert actions == ["assignment.extension_request", "assignment.extension_approve"]


def test_a_refusal_needs_a_note_and_the_learner_reads_it(plans_org):
    plans = plans_org
    server = plans.server
    today = plans.today()
    assignment = plans.assign("复训（驳回测试）", "A", ["learner.a2"], today + timedelta(days=3))
    learner = plans.session("learner.a2")
    asked = post(learner, server, f"/due/{assignment}", f"/due/{assignment}/extension",
                 {"day": (today + timedelta(days=20)).isoformat(), "reason": "病假"})
    assert asked.status_code == 303
    hr = plans.session("hr.a")
    record = f"/plans/{assignment}/people/{plans.user_id('learner.a2')}"
    (request_id,) = plans.sql("SELECT id FROM assignment_requests WHERE assignment_id = ? AND state = 'pending'", (assignment,))[0]
    refused = post(hr, server, record, f"{record}/requests/{request_id}", {"decision": "refuse", "note": ""})
    assert refused.status_code == 422 and ui_text("zh", "plans.requests.error.note_missing") in refused.text
    refused = post(hr, server, record, f"{record}/requests/{request_id}", {"decision": "refuse", "note": "请按期完成"})
    assert refused.status_code == 303
    page = learner.get(server.url(f"/due/{assignment}"), timeout=30).text
    assert "请按期完成" in page and ui_text("zh", "plans.member.request_state.refused") in page
    assert status_word(page) == ui_text("zh", "plans.status.due_soon")
    # Deciding twice is refused.
    token = hidden_csrf(hr.get(server.url(record), timeout=30).text, f"{record}/exempt")
    twice = hr.post(server.url(f"{record}/requests/{request_id}"), data={"csrf_token": token, "decision": "approve"},
                    allow_redirects=False, timeout=30)
    assert twice.status_code == 422 and ui_text("zh", "plans.requests.error.not_pending") in twice.text


def test_learners_see_only_their_own_assignments(plans_org):
    plans = plans_org
    server = plans.server
    today = plans.today()
    mine = plans.assign("复训（本人）", "A", ["learner.a1"], today + timedelta(days=30))
    theirs = plans.assign("复训（他人）", "root", ["zzmarker.b"], today + timedelta(days=30))
    learner = plans.session("learner.a2")
    for path in (f"/due/{mine}", f"/due/{theirs}", "/due/999999", "/due/abc"):
        answer = learner.get(server.url(path), allow_redirects=False, timeout=30)
        assert answer.status_code == 404, path
        assert MARKER not in answer.text.lower().encode()
    token = hidden_csrf(learner.get(server.url("/profile"), timeout=30).text, "/logout")
    posted = learner.post(server.url(f"/due/{mine}/extension"), data={"csrf_token": token, "day": "2099-01-01", "reason": "r"},
                          allow_redirects=False, timeout=30)
    assert posted.status_code == 404
    for path in ("/plans/requests", f"/plans/{mine}/people/{plans.user_id('learner.a1')}"):
        assert learner.get(server.url(path), allow_redirects=False, timeout=30).status_code == 403
    anonymous = requests.get(server.url(f"/due/{mine}"), allow_redirects=False, timeout=30)
    assert anonymous.status_code == 303 and anonymous.headers["Location"].startswith("/login")


@needs_chromium
@pytest.mark.parametrize("language", ["zh", "en"])
def test_due_page_and_requests_list_are_accessible(plans_org, chromium, language):
    plans = plans_org
    server = plans.server
    today = plans.today()
    assignment = plans.assign(f"复训（无障碍 {language}）", "A", ["learner.a1"], today + timedelta(days=2))
    driver = chromium(language)
    browser_sign_in(driver, server, "learner.a1", STRONG_PASSWORD, language)
    source = axe_source()
    driver.get(server.url(f"/due/{assignment}"))
    violations = axe_violations(driver, source)
    assert not violations, describe(violations)
    from selenium.webdriver.common.by import By

    # The refused form with its error summary.
    driver.find_element(By.ID, "reason").send_keys("x")
    driver.find_element(By.CSS_SELECTOR, f"form[action='/due/{assignment}/extension'] button[type='submit']").click()
    wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".error-summary"), message="no error summary")
    violations = axe_violations(driver, source)
    assert not violations, describe(violations)
    save_screenshot(driver, "plans-due-error", language)
    hr = chromium(language)
    browser_sign_in(hr, server, "hr.a", STRONG_PASSWORD, language)
    hr.get(server.url("/plans/requests"))
    violations = axe_violations(hr, source)
    assert not violations, describe(violations)
    save_screenshot(hr, "plans-requests", language)
    assert MARKER not in hr.page_source.lower().encode()
