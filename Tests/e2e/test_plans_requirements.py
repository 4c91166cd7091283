"""Yearly study-hour requirements (/plans/requirements) and the job category and e-mail staff attributes.

A planner (hr.a, scoped to 数据局) sets 60 hours for 窗口岗位 in 数据局: a learner of that category sees 60 on the
dashboard and in the API, HR counts each person against their own requirement (list, filter, record, export),
while a colleague without the category keeps the platform's 90. Job category and e-mail are set by staff import,
the administration pages and the command line. The sibling bureau's marker never appears; its departments and
rules are "not found". Every page is axe-clean in both languages and screenshotted."""

from __future__ import annotations

import csv as csvmodule
import io
import re
import sqlite3
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import requests

from admin_org import MARKER, build_admin_org
from conftest import (STRONG_PASSWORD, browser_sign_in, form_with_action, hidden_csrf, needs_chromium, run_cli,
                      save_screenshot, stop_and_check, wait_for)
from test_accessibility import axe_source, axe_violations, describe

PAGE = "/plans/requirements"


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory):
    organisation = build_admin_org(tmp_path_factory.mktemp("requirements"))
    db = organisation.server.db
    run_cli(db, "users", "set-job-category", "--login", "learner.a1", "--job-category", "窗口岗位")
    run_cli(db, "users", "set-job-category", "--login", "zzmarker.b", "--job-category", "窗口岗位")
    # 70 hours this year (the platform's year, in its time zone) for both learners of 数据局.
    year = datetime.now(ZoneInfo("Asia/Shanghai")).year
    database = sqlite3.connect(db, timeout=10)
    try:
        with database:
            for login_name in ("learner.a1", "learner.a2", "zzmarker.b"):
                user_id = database.execute("SELECT id FROM users WHERE login = ?", (login_name,)).fetchone()[0]
                database.execute("INSERT INTO hours_ledger (user_id, year, source, course_id, item_id, hours, at)"
                                 " VALUES (?, ?, 'module', 'service-ethics', 'm1', 70, ?)", (user_id, year, time.time()))
    finally:
        database.close()
    yield organisation
    stop_and_check(organisation.server)


def query(org, sql: str, *arguments):
    database = sqlite3.connect(org.server.db, timeout=10)
    try:
        return database.execute(sql, arguments).fetchall()
    finally:
        database.close()


def set_rule(http: requests.Session, org, **data: str) -> requests.Response:
    page = http.get(org.server.url(PAGE), timeout=30)
    assert page.status_code == 200, page.status_code
    token = hidden_csrf(page.text, PAGE)
    return http.post(org.server.url(PAGE), data={"csrf_token": token, **data}, allow_redirects=False, timeout=30)


def no_marker(text: str) -> None:
    assert MARKER not in text.lower().encode()


def test_a_planner_sets_a_category_requirement_and_everyone_is_counted_against_their_own(org):
    server = org.server
    hr = org.session("hr.a")
    page = hr.get(server.url(PAGE), timeout=30)
    assert page.status_code == 200
    assert "90" in page.text and "岗位类别" in page.text
    no_marker(page.text)
    answer = set_rule(hr, org, department=str(org.departments["A"]), job_category="窗口岗位", hours="60")
    assert answer.status_code == 303 and answer.headers["Location"] == f"{PAGE}?done=added"
    page = hr.get(server.url(answer.headers["Location"]), timeout=30).text
    no_marker(page)
    # The rule is listed with the one person of 数据局 it reaches (the marker's category twin is not counted).
    row = re.search(r"<tr><th scope=\"row\">[^<]*数据局</th><td>窗口岗位</td><td>60</td><td>(\d+)</td>", page)
    assert row and row.group(1) == "1", page[:4000]
    assert query(org, "SELECT login, required_hours FROM users WHERE login IN ('learner.a1', 'learner.a2', 'zzmarker.b')"
                      " ORDER BY login") == [("learner.a1", 60.0), ("learner.a2", None), ("zzmarker.b", None)]
    audit = query(org, "SELECT actor, details FROM audit_log WHERE action = 'requirement.set'")
    assert len(audit) == 1 and audit[0][0] == "hr.a" and "窗口岗位" in audit[0][1]

    # The learner of that category sees 60 on the dashboard and in the API; the colleague keeps 90.
    a1 = org.session("learner.a1")
    assert "70 / 60" in a1.get(server.url("/"), timeout=30).text
    assert a1.get(server.url("/api/v1/progress"), timeout=30).json()["requiredHours"] == 60
    a2 = org.session("learner.a2")
    assert "70 / 90" in a2.get(server.url("/"), timeout=30).text

    # HR: each person against their own requirement, in the list, the filter, the record and the exports.
    people = hr.get(server.url("/hr/people"), timeout=30).text
    assert "70 / 60" in people and "70 / 90" in people
    below = hr.get(server.url("/hr/people?below_required=1"), timeout=30).text
    assert "learner.a2" in below and "learner.a1" not in below
    no_marker(below)
    record = hr.get(server.url(f"/hr/people/{org.user_id('learner.a1')}"), timeout=30).text
    assert "70 / 60" in record
    exported = hr.get(server.url("/hr/people.csv?codes=1"), timeout=30)
    rows = {row["login"]: row for row in csvmodule.DictReader(io.StringIO(exported.content.decode("utf-8-sig")))}
    assert rows["learner.a1"]["required_hours"] == "60" and rows["learner.a2"]["required_hours"] == "90"
    no_marker(exported.text)
    summary = hr.get(server.url("/hr"), timeout=30).text
    assert "达到本人要求" in summary
    no_marker(summary)

    # Changing the hours and removing the rule are reflected at once.
    answer = set_rule(hr, org, department=str(org.departments["A"]), job_category="窗口岗位", hours="80")
    assert answer.headers["Location"] == f"{PAGE}?done=changed"
    assert "70 / 80" in a1.get(server.url("/"), timeout=30).text
    rule = query(org, "SELECT id FROM yearly_requirements")[0][0]
    page = hr.get(server.url(PAGE), timeout=30).text
    token = hidden_csrf(page, f"{PAGE}/{rule}/remove")
    removed = hr.post(server.url(f"{PAGE}/{rule}/remove"), data={"csrf_token": token}, allow_redirects=False, timeout=30)
    assert removed.status_code == 303 and removed.headers["Location"] == f"{PAGE}?done=removed"
    assert "70 / 90" in a1.get(server.url("/"), timeout=30).text
    # Back for the tests below.
    set_rule(hr, org, department=str(org.departments["A"]), job_category="窗口岗位", hours="60")


def test_bad_input_is_refused_and_anything_outside_the_scope_is_not_found(org):
    server = org.server
    hr = org.session("hr.a")
    before = query(org, "SELECT id, hours FROM yearly_requirements ORDER BY id")
    for data, field in [({"department": str(org.departments["A"]), "hours": "0"}, "hours"),
                        ({"department": str(org.departments["A"]), "hours": "12.25"}, "hours"),
                        ({"department": "", "hours": "40"}, "department"),
                        ({"department": str(org.departments["A1"]), "job_category": "岗" * 61, "hours": "40"}, "job_category")]:
        answer = set_rule(hr, org, **data)
        assert answer.status_code == 422, data
        assert 'class="error-summary"' in answer.text and f'href="#{field}"' in answer.text
        assert f'id="{field}-error"' in answer.text
    assert query(org, "SELECT id, hours FROM yearly_requirements ORDER BY id") == before
    # The sibling bureau, by id or by path, and a rule set there by the organisation's administrator: not found.
    assert set_rule(hr, org, department=str(org.departments["B"]), hours="40").status_code == 404
    assert set_rule(hr, org, department="测试省/ZZMARKER厅", hours="40").status_code == 404
    root = org.session("admin.root")
    assert set_rule(root, org, department=str(org.departments["B"]), hours="40").status_code == 303
    outside = query(org, "SELECT r.id FROM yearly_requirements r WHERE department_id = ?", org.departments["B"])[0][0]
    token = hidden_csrf(hr.get(server.url(PAGE), timeout=30).text, PAGE)
    gone = hr.post(server.url(f"{PAGE}/{outside}/remove"), data={"csrf_token": token}, allow_redirects=False, timeout=30)
    assert gone.status_code == 404
    assert hr.post(server.url(f"{PAGE}/99999/remove"), data={"csrf_token": token}, allow_redirects=False,
                   timeout=30).status_code == 404
    page = hr.get(server.url(PAGE), timeout=30).text
    no_marker(page)
    assert f"{PAGE}/{outside}/remove" not in page
    # The organisation's administrator sees both; learners are refused, anonymous visitors sign in first.
    assert "ZZMARKER" in root.get(server.url(PAGE), timeout=30).text
    assert org.session("learner.a1").get(server.url(PAGE), allow_redirects=False, timeout=30).status_code == 403
    anonymous = requests.get(server.url(PAGE), allow_redirects=False, timeout=30)
    assert anonymous.status_code == 303 and anonymous.headers["Location"].startswith("/login?next=")
    assert query(org, "SELECT login, required_hours FROM users WHERE login = 'zzmarker.b'") == [("zzmarker.b", 40.0)]
    run_cli(server.db, "verify-audit")


def test_staff_import_sets_job_category_and_email(org):
    server = org.server
    unit = org.session("admin.a")
    content = ("employee_number,name,department,岗位类别,电子邮箱\r\n"
               "E-A2-1,学员王,测试省/数据局/网络安全处,窗口岗位,wang@example.gov.cn\r\n").encode()
    page = unit.get(server.url("/admin/staff-import"), timeout=30).text
    token = form_with_action(page, "/admin/staff-import")["inputs"]["csrf_token"]["value"]
    uploaded = unit.post(server.url("/admin/staff-import"), data={"csrf_token": token},
                         files={"file": ("名单.csv", content, "text/csv")}, allow_redirects=False, timeout=60)
    assert uploaded.status_code == 303, uploaded.text[:2000]
    location = uploaded.headers["Location"]
    preview = unit.get(server.url(location), timeout=30).text
    # The dry run names the changed attributes and changes nothing yet.
    assert "岗位类别" in preview and "电子邮箱" in preview
    assert query(org, "SELECT job_category, email FROM users WHERE login = 'learner.a2'") == [(None, None)]
    form = form_with_action(preview, f"{location}/apply")
    data = {name: form["inputs"][name]["value"] for name in ("csrf_token", "sha256", "fingerprint")}
    applied = unit.post(server.url(f"{location}/apply"), data=data, allow_redirects=False, timeout=60)
    assert applied.status_code == 303
    assert query(org, "SELECT job_category, email, required_hours FROM users WHERE login = 'learner.a2'") == [
        ("窗口岗位", "wang@example.gov.cn", 60.0)]
    assert "70 / 60" in org.session("learner.a2").get(server.url("/"), timeout=30).text
    # An empty cell keeps the category; the clear marker removes the address.
    content = ("employee_number,name,department,job_category,email\r\n"
               "E-A2-1,学员王,测试省/数据局/网络安全处,,-\r\n").encode()
    token = form_with_action(unit.get(server.url("/admin/staff-import"), timeout=30).text,
                             "/admin/staff-import")["inputs"]["csrf_token"]["value"]
    location = unit.post(server.url("/admin/staff-import"), data={"csrf_token": token},
                         files={"file": ("b.csv", content, "text/csv")}, allow_redirects=False, timeout=60).headers["Location"]
    preview = unit.get(server.url(location), timeout=30).text
    form = form_with_action(preview, f"{location}/apply")
    data = {name: form["inputs"][name]["value"] for name in ("csrf_token", "sha256", "fingerprint")}
    assert unit.post(server.url(f"{location}/apply"), data=data, allow_redirects=False, timeout=60).status_code == 303
    assert query(org, "SELECT job_category, email FROM users WHERE login = 'learner.a2'") == [("窗口岗位", None)]


def test_the_administration_pages_edit_job_category_and_email(org):
    server = org.server
    unit = org.session("admin.a")
    person = org.user_id("learner.a2")
    page = unit.get(server.url(f"/admin/people/{person}"), timeout=30).text
    assert 'id="job_category"' in page and 'id="email"' in page and 'list="job-categories"' in page
    assert '<option value="窗口岗位">' in page
    no_marker(page)
    action = f"/admin/people/{person}/details"
    form = form_with_action(page, action)
    data = {name: field.get("value", "") for name, field in form["inputs"].items()}
    data.update(department=str(org.departments["A2"]), job_category="一般工作人员", email="not an address")
    refused = unit.post(server.url(action), data=data, allow_redirects=False, timeout=30)
    assert refused.status_code == 422 and 'href="#email"' in refused.text
    assert query(org, "SELECT job_category FROM users WHERE login = 'learner.a2'") == [("窗口岗位",)]
    data.update(email="wang@example.gov.cn")
    assert unit.post(server.url(action), data=data, allow_redirects=False, timeout=30).status_code == 303
    assert query(org, "SELECT job_category, email, required_hours FROM users WHERE login = 'learner.a2'") == [
        ("一般工作人员", "wang@example.gov.cn", None)]
    audit = [row[0] for row in query(org, "SELECT action FROM audit_log WHERE actor = 'admin.a' ORDER BY id")]
    assert "user.job_category" in audit and "user.email" in audit
    words = unit.get(server.url("/admin/audit"), timeout=30).text
    assert "一般工作人员" in words
    # The people list filters by category; a new person can be given both.
    listed = unit.get(server.url("/admin/people?job_category=一般工作人员"), timeout=30).text
    assert "learner.a2" in listed and "learner.a1" not in listed
    new = unit.get(server.url("/admin/people/new"), timeout=30).text
    token = hidden_csrf(new, "/admin/people/new")
    created = unit.post(server.url("/admin/people/new"), data={
        "csrf_token": token, "login": "clerk.new", "name": "新窗口", "employee_number": "", "job_category": "窗口岗位",
        "email": "clerk@example.gov.cn", "department": str(org.departments["A1"])}, allow_redirects=False, timeout=30)
    assert created.status_code == 303, created.text[:2000]
    assert query(org, "SELECT job_category, email, required_hours FROM users WHERE login = 'clerk.new'") == [
        ("窗口岗位", "clerk@example.gov.cn", 60.0)]


@needs_chromium
@pytest.mark.parametrize("language", ["zh", "en"])
def test_pages_are_accessible_and_screenshotted(org, chromium, language):
    from selenium.webdriver.common.by import By

    driver = chromium(language)
    browser_sign_in(driver, org.server, "hr.a", STRONG_PASSWORD, language)

    def go(path):
        driver.get(org.server.url(path))
        wait_for(driver, lambda d: d.execute_script("return document.readyState") == "complete")

    def check(name=None):
        assert not (violations := axe_violations(driver, axe_source())), describe(violations)
        no_marker(driver.page_source)
        assert len(driver.page_source.encode()) <= 50 * 1024
        if name:
            save_screenshot(driver, name, language)

    go(PAGE)
    check("plans-requirements")
    driver.find_element(By.ID, "hours").send_keys("abc")
    driver.find_element(By.CSS_SELECTOR, f"form[action='{PAGE}'] button.button:not(.button-secondary)").click()
    wait_for(driver, lambda d: d.find_elements(By.CLASS_NAME, "error-summary"))
    check("plans-requirements-errors")
    go("/hr")
    check()
    admin = chromium(language)
    browser_sign_in(admin, org.server, "admin.a", STRONG_PASSWORD, language)
    for path, name in [(f"/admin/people/{org.user_id('learner.a1')}", "admin-person-attributes"),
                       ("/admin/people/new", None), ("/admin/people", None)]:
        admin.get(org.server.url(path))
        wait_for(admin, lambda d: d.execute_script("return document.readyState") == "complete")
        assert not (violations := axe_violations(admin, axe_source())), describe(violations)
        no_marker(admin.page_source)
        if name:
            save_screenshot(admin, name, language)
