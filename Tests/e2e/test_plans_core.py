"""Training plan assignments end to end: a planner assigns a course to a department subtree with a relative due day
in the browser (checking the audience first); people imported later become members with their own due day; a
person moved out keeps their membership as history; the learner's dashboard lists the course with 即将到期 and,
once the test clock passes the due day, 逾期; the API agrees; withdrawing ends it. Nothing of the sibling bureau
(the marker) ever reaches hr.a or admin.a, and its assignments answer 404. Every page passes axe in both languages."""

from __future__ import annotations

import datetime
import os
import re
import sqlite3
import time
from zoneinfo import ZoneInfo

import pytest
import requests

from admin_org import MARKER, build_admin_org
from conftest import (STRONG_PASSWORD, browser_sign_in, form_with_action, hidden_csrf, needs_chromium, run_cli,
                      save_screenshot, stop_and_check, wait_for)
from test_accessibility import axe_source, axe_violations, describe
from test_admin_staff_import import confirm, csv, preview

SHANGHAI = ZoneInfo("Asia/Shanghai")
COURSE = "info-security"
DAY = 86_400


class PlansOrg:
    """The administration organisation on a server whose clock the test moves (`--test-clock-file`)."""

    def __init__(self, directory):
        directory.mkdir(parents=True, exist_ok=True)
        self.clock_file = directory / "clock-offset"
        self.offset = 0.0
        self._write()
        self.org = build_admin_org(directory / "org", extra=("--test-clock-file", str(self.clock_file)))
        self.server = self.org.server

    def _write(self) -> None:
        partial = self.clock_file.with_suffix(".partial")
        partial.write_text(f"{self.offset:.3f}\n", encoding="utf-8")
        os.replace(partial, self.clock_file)

    def advance(self, seconds: float) -> None:
        self.offset += seconds
        self._write()

    def today(self, offset: float | None = None) -> datetime.date:
        return datetime.datetime.fromtimestamp(time.time() + (self.offset if offset is None else offset), SHANGHAI).date()

    def session(self, login_name: str) -> requests.Session:
        return self.org.session(login_name)

    def query(self, sql: str, *arguments):
        database = sqlite3.connect(self.server.db)
        try:
            return database.execute(sql, arguments).fetchall()
        finally:
            database.close()

    # test_admin_staff_import's helpers take an object with `.server`
    @property
    def departments(self):
        return self.org.departments


@pytest.fixture(scope="module")
def plans(tmp_path_factory):
    org = PlansOrg(tmp_path_factory.mktemp("plans-core"))
    yield org
    stop_and_check(org.server)


def post_new(http, plans, **fields):
    page = http.get(plans.server.url("/plans/new"), timeout=30).text
    data = {"csrf_token": form_with_action(page, "/plans/new")["inputs"]["csrf_token"]["value"], "required": "1",
            "audience": "department", "include_subtree": "1", "due_kind": "after_assignment", "due_days": "10",
            "action": "create"}
    data.update(fields)
    return http.post(plans.server.url("/plans/new"), data=data, allow_redirects=False, timeout=30)


def assignment_id(location: str) -> int:
    found = re.fullmatch(r"/plans/(\d+)\?done=created", location)
    assert found, location
    return int(found.group(1))


def member(plans, assignment: int, login_name: str):
    rows = plans.query("""
        SELECT m.due_day, m.left_at, m.assigned_at FROM assignment_members m JOIN users u ON u.id = m.user_id
        WHERE m.assignment_id = ? AND u.login = ?""", assignment, login_name)
    return rows[0] if rows else None


STATE: dict[str, int] = {}


@needs_chromium
def test_a_planner_assigns_a_course_to_a_subtree_in_the_browser(plans, chromium):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    plans.advance(5 * DAY)
    driver = chromium("zh")
    browser_sign_in(driver, plans.server, "hr.a", STRONG_PASSWORD)
    # The header leads planners to the plans.
    driver.find_element(By.CSS_SELECTOR, "nav.main-nav a[href='/plans']").click()
    wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "a[href='/plans/new']"))
    driver.find_element(By.CSS_SELECTOR, "a[href='/plans/new']").click()
    wait_for(driver, lambda d: d.find_elements(By.ID, "name"))
    driver.find_element(By.ID, "name").send_keys("综合处信息安全培训")
    Select(driver.find_element(By.ID, "item")).select_by_value(f"course:{COURSE}")
    Select(driver.find_element(By.ID, "department")).select_by_value(str(plans.departments["A1"]))
    driver.find_element(By.ID, "due_kind-after_assignment").click()
    days = driver.find_element(By.ID, "due_days")
    days.clear()
    days.send_keys("10")
    driver.find_element(By.CSS_SELECTOR, "button[value='check']").click()
    wait_for(driver, lambda d: "核对无误" in d.page_source, message="no audience check")
    assert "覆盖 1 人" in driver.page_source  # learner.a1 alone is in 综合处
    driver.find_element(By.CSS_SELECTOR, "button[value='create']").click()
    wait_for(driver, lambda d: re.fullmatch(r".*/plans/\d+\?done=created", d.current_url), message="not created")
    STATE["id"] = int(re.search(r"/plans/(\d+)", driver.current_url).group(1))
    text = driver.find_element(By.TAG_NAME, "main").text
    assert "已布置" in text and "综合处信息安全培训" in text and "布置后 10 天内完成" in text
    due = member(plans, STATE["id"], "learner.a1")
    assert due is not None and due[0] == (plans.today() + datetime.timedelta(days=10)).isoformat() and due[1] is None
    assert plans.query("SELECT count(*) FROM audit_log WHERE action = 'assignment.create'") == [(1,)]


def test_people_imported_later_are_members_with_their_own_due_day(plans):
    assignment = STATE["id"]
    # Through the staff import page (the server's clock: three days later).
    plans.advance(3 * DAY)
    unit = plans.session("admin.a")
    location, page = preview(unit, plans, "joiners.csv", csv("E-NEW-1,new.joiner,新同事,测试省/数据局/综合处,,"))
    assert confirm(unit, plans, location, page).status_code == 303
    joined = member(plans, assignment, "new.joiner")
    assert joined is not None and joined[1] is None
    assert joined[0] == (plans.today() + datetime.timedelta(days=10)).isoformat()
    # Through the command line (the wall clock).
    path = plans.server.directory / "cli-joiners.csv"
    path.write_bytes(csv("E-NEW-2,cli.joiner,命令行同事,测试省/数据局/综合处,,"))
    run_cli(plans.server.db, "import-staff", str(path))
    cli = member(plans, assignment, "cli.joiner")
    assert cli is not None and cli[0] == (plans.today(0) + datetime.timedelta(days=10)).isoformat()
    # Someone imported elsewhere is not.
    path.write_bytes(csv("E-NEW-3,elsewhere,别处同事,测试省/数据局/网络安全处,,"))
    run_cli(plans.server.db, "import-staff", str(path))
    assert member(plans, assignment, "elsewhere") is None


def test_moving_a_member_out_keeps_their_history(plans):
    assignment = STATE["id"]
    unit = plans.session("admin.a")
    person = plans.org.user_id("new.joiner")
    before = member(plans, assignment, "new.joiner")
    page = unit.get(plans.server.url(f"/admin/people/{person}"), timeout=30).text
    moved = unit.post(plans.server.url(f"/admin/people/{person}/details"),
                      data={"csrf_token": hidden_csrf(page, f"/admin/people/{person}/details"), "name": "新同事",
                            "employee_number": "E-NEW-1", "department": str(plans.departments["A2"])},
                      allow_redirects=False, timeout=30)
    assert moved.status_code == 303, moved.text[:1000]
    after = member(plans, assignment, "new.joiner")
    assert after is not None and after[1] is not None and after[0] == before[0] and after[2] == before[2]
    hr = plans.session("hr.a")
    detail = hr.get(plans.server.url(f"/plans/{assignment}"), timeout=30).text
    assert "您管理范围内的人员（共 2 人）" in detail  # learner.a1 and cli.joiner; the one who left is not counted


def test_the_dashboard_marks_the_course_due_soon_then_overdue(plans):
    assignment = STATE["id"]
    learner = plans.session("learner.a1")
    due_day = member(plans, assignment, "learner.a1")[0]
    page = learner.get(plans.server.url("/"), timeout=30).text
    assert "待完成的培训" in page and f'href="/courses/{COURSE}"' in page
    section = page[page.index("待完成的培训"):]
    assert "即将到期" in section and f"{due_day} 前完成" in section and "逾期" not in section.split("</section>")[0]
    api = learner.get(plans.server.url("/api/v1/due"), timeout=30).json()
    assert [(item["assignment"], item["status"], item["dueDay"]) for item in api] == [(assignment, "due_soon", due_day)]
    plans.advance(10 * DAY)  # now 18 days after the start: past learner.a1's due day (start + 5 + 10)
    learner = plans.session("learner.a1")  # signed in again: the session expired with the clock's jump
    page = learner.get(plans.server.url("/"), timeout=30).text
    section = page[page.index("待完成的培训"):].split("</section>")[0]
    assert "逾期" in section and "即将到期" not in section
    assert learner.get(plans.server.url("/api/v1/due"), timeout=30).json()[0]["status"] == "overdue"
    english = plans.session("learner.a1")
    english.get(plans.server.url("/language/en?next=/"), timeout=30)
    assert "Overdue" in english.get(plans.server.url("/"), timeout=30).text
    counts = plans.session("hr.a").get(plans.server.url(f"/api/v1/assignments/{assignment}"), timeout=30).json()
    assert counts["counts"]["overdue"] == 2 and counts["members"] == 2 and counts["canChange"] is True


def test_planners_only_and_the_sibling_bureau_stays_invisible(plans):
    server = plans.server
    root = plans.session("admin.root")
    created = post_new(root, plans, name="ZZMARKER厅专题", item=f"course:{COURSE}", department=str(plans.departments["B"]))
    assert created.status_code == 303, created.text[:2000]
    hidden = assignment_id(created.headers["Location"])
    assert member(plans, hidden, "zzmarker.b") is not None
    for login_name in ("hr.a", "admin.a"):
        http = plans.session(login_name)
        for path in ("/plans", "/plans/new", f"/plans/{STATE['id']}", "/api/v1/assignments",
                     f"/api/v1/assignments/{STATE['id']}", "/"):
            answer = http.get(server.url(path), timeout=30)
            assert answer.status_code == 200, (login_name, path, answer.status_code)
            assert MARKER not in answer.content.lower(), (login_name, path)
        for path in (f"/plans/{hidden}", f"/api/v1/assignments/{hidden}", "/plans/99999", "/plans/abc"):
            assert http.get(server.url(path), timeout=30).status_code == 404, (login_name, path)
        page = http.get(server.url("/plans"), timeout=30).text
        refused = http.post(server.url(f"/plans/{hidden}/withdraw"),
                            data={"csrf_token": hidden_csrf(page, "/logout"), "confirm": "1"}, allow_redirects=False,
                            timeout=30)
        assert refused.status_code == 404
        # The department select offers only the scope; naming a department outside it is refused.
        bad = post_new(http, plans, name="越权", item=f"course:{COURSE}", department=str(plans.departments["B"]))
        assert bad.status_code == 422 and MARKER not in bad.content.lower()
        named = post_new(http, plans, name="点名", item=f"course:{COURSE}", department=str(plans.departments["A"]),
                         audience="people", people="learner.a2\nZZMARKER-777")
        assert named.status_code == 422 and "第 2 行" in named.text
    assert plans.query("SELECT count(*) FROM assignments") == [(2,)]
    assert root.get(server.url(f"/plans/{hidden}"), timeout=30).status_code == 200
    learner = plans.session("learner.a1")
    assert learner.get(server.url("/plans"), allow_redirects=False, timeout=30).status_code == 403
    assert learner.get(server.url("/api/v1/assignments"), timeout=30).status_code == 403
    assert 'href="/plans"' not in learner.get(server.url("/"), timeout=30).text
    anonymous = requests.get(server.url("/plans"), allow_redirects=False, timeout=30)
    assert anonymous.status_code == 303 and anonymous.headers["Location"].startswith("/login?next=")
    listed = plans.session("hr.a").get(server.url("/api/v1/assignments?limit=1"), timeout=30).json()
    assert listed["total"] == 1 and [item["id"] for item in listed["items"]] == [STATE["id"]]
    assert plans.session("hr.a").get(server.url("/api/v1/assignments?limit=0"), timeout=30).status_code == 400


def test_bad_input_is_shown_again_with_every_problem_and_nothing_changes(plans):
    http = plans.session("hr.a")
    answer = post_new(http, plans, name="", item="course:nope", due_kind="fixed", due_date="2027-02-30")
    assert answer.status_code == 422
    for message in ("请填写名称", "课程目录中没有该课程或培训项目", "请按 年-月-日 填写截止日期"):
        assert message in answer.text
    assert 'aria-invalid="true"' in answer.text and "error-summary" in answer.text
    assert plans.query("SELECT count(*) FROM assignments") == [(2,)]


@needs_chromium
@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_pages_pass_axe_and_are_screenshotted(plans, chromium, language):
    from selenium.webdriver.common.by import By

    source = axe_source()
    driver = chromium(language)
    browser_sign_in(driver, plans.server, "hr.a", STRONG_PASSWORD, language)

    def check(path: str, name: str) -> None:
        if path:
            driver.get(plans.server.url(path))
        wait_for(driver, lambda d: d.execute_script("return document.readyState") == "complete")
        assert len(driver.page_source.encode()) <= 50_000, f"{name} is over 50 KB"
        save_screenshot(driver, name, language)
        violations = axe_violations(driver, source)
        assert not violations, f"{name}: " + describe(violations)

    check("/plans", "plans-list")
    check("/plans/new", "plans-new")
    driver.find_element(By.CSS_SELECTOR, "button[value='create']").click()  # no name: errors
    wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".error-summary"))
    check("", "plans-new-errors")
    check(f"/plans/{STATE['id']}", "plans-detail")
    learner = chromium(language)
    browser_sign_in(learner, plans.server, "learner.a1", STRONG_PASSWORD, language)
    learner.get(plans.server.url("/"))
    wait_for(learner, lambda d: d.find_elements(By.CSS_SELECTOR, "#due-title"))
    save_screenshot(learner, "dashboard-assigned", language)
    violations = axe_violations(learner, source)
    assert not violations, describe(violations)


def test_withdrawing_needs_confirmation_and_ends_the_assignment(plans):
    assignment = STATE["id"]
    http = plans.session("hr.a")
    page = http.get(plans.server.url(f"/plans/{assignment}"), timeout=30).text
    token = hidden_csrf(page, f"/plans/{assignment}/withdraw")
    unconfirmed = http.post(plans.server.url(f"/plans/{assignment}/withdraw"), data={"csrf_token": token},
                            allow_redirects=False, timeout=30)
    assert unconfirmed.status_code == 422 and "请勾选确认后再撤回" in unconfirmed.text
    assert plans.query("SELECT withdrawn_at FROM assignments WHERE id = ?", assignment) == [(None,)]
    done = http.post(plans.server.url(f"/plans/{assignment}/withdraw"), data={"csrf_token": token, "confirm": "1"},
                     allow_redirects=False, timeout=30)
    assert done.status_code == 303 and done.headers["Location"] == f"/plans/{assignment}?done=withdrawn"
    assert plans.query("SELECT count(*) FROM assignment_members WHERE assignment_id = ? AND left_at IS NULL",
                       assignment) == [(0,)]
    listing = http.get(plans.server.url("/plans"), timeout=30).text
    assert listing.index("已撤回的布置") < listing.index("综合处信息安全培训")
    assert "待完成的培训" not in plans.session("learner.a1").get(plans.server.url("/"), timeout=30).text
    assert plans.session("learner.a1").get(plans.server.url("/api/v1/due"), timeout=30).json() == []
    assert plans.query("SELECT count(*) FROM audit_log WHERE action = 'assignment.withdraw'") == [(1,)]
