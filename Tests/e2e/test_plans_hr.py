"""Following assignments up as HR: exempting a person (and lifting it, both kept in the history and the audit
log), the progress report by department (rows add up to the total, drill-down, overdue people), its CSV and
JSON exports, the member record and the HR person page agreeing with it, the HR people filter "overdue for
assignment X"; all within HR's scope (the marker bureau never appears, ids outside give 404); axe-clean pages in
both languages."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest

from admin_org import MARKER
from conftest import STRONG_PASSWORD, browser_sign_in, hidden_csrf, needs_chromium, save_screenshot, ui_text, wait_for
from test_accessibility import axe_source, axe_violations, describe
from test_plans_extensions import COURSE, FIRST_MODULE, audit_actions, plans_org, post, status_word  # noqa: F401
from conftest import study_until_complete_http

STATUSES = ["done", "in_progress", "not_started", "due_soon", "overdue", "exempt"]


@pytest.fixture(scope="module")
def followed(plans_org):
    """An assignment to 测试省 people, the marker person among them, with learner.a1 started, learner.a2 overdue
    and the HR and admin people of 数据局 assigned too."""
    plans = plans_org
    today = plans.today()
    people = ["learner.a1", "learner.a2", "hr.a", "admin.a", "zzmarker.b"]
    assignment = plans.assign("信息安全年度复训（人事跟进）", "root", people, today - timedelta(days=3))
    # learner.a1 has a later due day (an approved extension written as the service writes it) and has started.
    plans.sql("UPDATE assignment_members SET extended_day = ? WHERE assignment_id = ? AND user_id = ?",
              ((today + timedelta(days=60)).isoformat(), assignment, plans.user_id("learner.a1")))
    study_until_complete_http(plans, plans.session("learner.a1"), COURSE, FIRST_MODULE)
    return assignment


def progress_rows(page: str) -> tuple[list[list[int]], list[int]]:
    """The numbers of the progress table's body rows and its total row (members, six statuses)."""
    import re

    table = page.split('id="progress-caption"', 1)[1].split("</table>", 1)[0]
    body, foot = table.split("<tfoot>", 1)

    def numbers(row: str) -> list[int]:
        return [int(cell) for cell in re.findall(r"<td>(\d+)</td>", row)]

    rows = [numbers(row) for row in body.split("<tr>")[2:]]
    return rows, numbers(foot)


def test_progress_rows_add_up_and_agree_with_the_exports_and_the_member_record(plans_org, followed):
    plans = plans_org
    server = plans.server
    hr = plans.session("hr.a")
    base = f"/plans/{followed}/progress"
    page = hr.get(server.url(base), timeout=30)
    assert page.status_code == 200
    assert MARKER not in page.text.lower().encode()
    rows, total = progress_rows(page.text)
    # 数据局's two offices and the people directly in 数据局.
    assert len(rows) == 3
    assert [sum(column) for column in zip(*rows)] == total
    assert total[0] == sum(total[1:]) == 4
    counts = dict(zip(["members", *STATUSES], total))
    assert counts["overdue"] == 3 and counts["in_progress"] == 1
    # The overdue people, by name, each linking to their record.
    for login_name in ("learner.a2", "hr.a", "admin.a"):
        assert f'href="/plans/{followed}/people/{plans.user_id(login_name)}"' in page.text.split('id="overdue"', 1)[1]

    exported = hr.get(server.url(base + ".json"), timeout=30)
    assert exported.status_code == 200 and exported.headers["Content-Type"].startswith("application/json")
    data = json.loads(exported.text)
    assert data["total"] == {status: counts[status] for status in STATUSES}
    assert len(data["members"]) == 4 and MARKER not in exported.content.lower()
    by_login = {member["login"]: member for member in data["members"]}
    assert by_login["learner.a1"]["status"] == "in_progress" and by_login["learner.a2"]["status"] == "overdue"
    sheet = hr.get(server.url(base + ".csv?codes=1"), timeout=30)
    assert sheet.status_code == 200 and sheet.content.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(sheet.content.decode("utf-8-sig"))))
    assert lines[0] == ["name", "login", "employee_number", "department", "status", "due_day", "extended_day", "exempt"]
    assert sorted(line[1] for line in lines[1:]) == sorted(by_login)
    assert {line[1]: line[4] for line in lines[1:]} == {login: member["status"] for login, member in by_login.items()}
    assert MARKER not in sheet.content.lower()
    worded = hr.get(server.url(base + ".csv"), timeout=30).content.decode("utf-8-sig")
    assert ui_text("zh", "plans.status.overdue") in worded

    for login_name, member in by_login.items():
        record = hr.get(server.url(f"/plans/{followed}/people/{plans.user_id(login_name)}"), timeout=30)
        assert record.status_code == 200
        assert status_word(record.text) == ui_text("zh", f"plans.status.{member['status']}")

    # Drill down into one office: its people only; the rows still add up.
    office = plans.org.departments["A2"]
    drilled = hr.get(server.url(f"{base}?department={office}"), timeout=30).text
    rows, total = progress_rows(drilled)
    assert total[0] == 1 and [sum(column) for column in zip(*rows)] == total
    drilled_json = json.loads(hr.get(server.url(f"{base}.json?department={office}"), timeout=30).text)
    assert [member["login"] for member in drilled_json["members"]] == ["learner.a2"]


def test_an_exemption_changes_the_status_everywhere_and_lifting_it_keeps_the_history(plans_org, followed):
    plans = plans_org
    server = plans.server
    hr = plans.session("hr.a")
    person = plans.user_id("learner.a2")
    record = f"/plans/{followed}/people/{person}"
    refused = post(hr, server, record, f"{record}/exempt", {"reason": ""})
    assert refused.status_code == 422 and ui_text("zh", "plans.member.error.reason_missing") in refused.text
    done = post(hr, server, record, f"{record}/exempt", {"reason": "已在原单位取得同等证书"})
    assert done.status_code == 303 and done.headers["Location"] == f"{record}?done=exempted"
    shown = hr.get(server.url(record), timeout=30).text
    assert status_word(shown) == ui_text("zh", "plans.status.exempt") and "已在原单位取得同等证书" in shown
    data = json.loads(hr.get(server.url(f"/plans/{followed}/progress.json"), timeout=30).text)
    assert data["total"]["exempt"] == 1 and data["total"]["overdue"] == 2
    assert {m["login"]: m["exempt"] for m in data["members"]}["learner.a2"] is True
    learner = plans.session("learner.a2")
    due = learner.get(server.url(f"/due/{followed}"), timeout=30).text
    assert status_word(due) == ui_text("zh", "plans.status.exempt")
    person_page = hr.get(server.url(f"/hr/people/{person}"), timeout=30).text
    assert ui_text("zh", "plans.member.hr_section") in person_page
    assert "信息安全年度复训（人事跟进）" in person_page and ui_text("zh", "plans.status.exempt") in person_page

    lifted = post(hr, server, record, f"{record}/lift", {"reason": "证书不符合要求"})
    assert lifted.status_code == 303
    shown = hr.get(server.url(record), timeout=30).text
    assert status_word(shown) == ui_text("zh", "plans.status.overdue")
    assert "已在原单位取得同等证书" in shown and "证书不符合要求" in shown
    assert ui_text("zh", "plans.member.request_state.lifted") in shown
    actions = [action for action, _ in audit_actions(plans, "assignment.exem")]
    assert actions == ["assignment.exempt", "assignment.exemption_lift"]
    audit_page = plans.session("admin.a").get(server.url("/admin/audit"), timeout=30).text
    assert "已在原单位取得同等证书" in audit_page


def test_the_hr_people_filter_finds_who_is_overdue_for_an_assignment(plans_org, followed):
    plans = plans_org
    server = plans.server
    hr = plans.session("hr.a")
    page = hr.get(server.url("/hr/people"), timeout=30).text
    assert f'<option value="{followed}">' in page
    filtered = hr.get(server.url(f"/hr/people?overdue_for={followed}"), timeout=30)
    assert filtered.status_code == 200
    body = filtered.text.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    assert "learner.a2" in body and "learner.a1" not in body and MARKER not in filtered.text.lower().encode()
    exported = hr.get(server.url(f"/hr/people.csv?overdue_for={followed}&codes=1"), timeout=30)
    logins = {line[1] for line in list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))[1:]}
    assert "learner.a2" in logins and "learner.a1" not in logins
    assert hr.get(server.url("/hr/people?overdue_for=999999"), timeout=30).status_code == 404
    assert hr.get(server.url("/hr/people?overdue_for=x"), timeout=30).status_code == 200  # the form says what is wrong


def test_everything_outside_the_scope_is_not_found(plans_org, followed):
    plans = plans_org
    server = plans.server
    hr = plans.session("hr.a")
    elsewhere = plans.assign("ZZMARKER厅专项", "B", ["zzmarker.b"], plans.today() + timedelta(days=10))
    marker = plans.user_id("zzmarker.b")
    for path in (f"/plans/{elsewhere}/progress", f"/plans/{elsewhere}/progress.csv", f"/plans/{elsewhere}/progress.json",
                 f"/plans/{followed}/people/{marker}", f"/plans/{elsewhere}/people/{marker}",
                 f"/plans/{followed}/progress?department={plans.org.departments['B']}",
                 f"/plans/{followed}/progress?department={plans.org.departments['root']}",
                 "/plans/999999/progress", "/plans/x/progress", f"/hr/people?overdue_for={elsewhere}"):
        answer = hr.get(server.url(path), allow_redirects=False, timeout=30)
        assert answer.status_code == 404, path
        assert MARKER not in answer.content.lower(), path
    token = hidden_csrf(hr.get(server.url(f"/plans/{followed}/people/{plans.user_id('learner.a1')}"), timeout=30).text,
                        f"/plans/{followed}/people/{plans.user_id('learner.a1')}/exempt")
    posted = hr.post(server.url(f"/plans/{followed}/people/{marker}/exempt"), data={"csrf_token": token, "reason": "x"},
                     allow_redirects=False, timeout=30)
    assert posted.status_code == 404
    assert not plans.sql("SELECT 1 FROM assignment_members WHERE user_id = ? AND exempt_at IS NOT NULL", (marker,))
    for path in ("/plans/requests", f"/hr/people/{plans.user_id('learner.a1')}", "/hr/people"):
        assert MARKER not in hr.get(server.url(path), timeout=30).content.lower(), path


@needs_chromium
@pytest.mark.parametrize("language", ["zh", "en"])
def test_progress_and_member_pages_are_accessible(plans_org, followed, chromium, language):
    plans = plans_org
    server = plans.server
    driver = chromium(language)
    browser_sign_in(driver, server, "hr.a", STRONG_PASSWORD, language)
    source = axe_source()
    pages = [(f"/plans/{followed}/progress", "plans-progress"),
             (f"/plans/{followed}/people/{plans.user_id('learner.a2')}", "plans-member"),
             (f"/hr/people/{plans.user_id('learner.a1')}", "plans-hr-person"),
             (f"/hr/people?overdue_for={followed}", "plans-hr-people-overdue")]
    for path, name in pages:
        driver.get(server.url(path))
        wait_for(driver, lambda d: d.execute_script("return document.readyState") == "complete")
        violations = axe_violations(driver, source)
        assert not violations, f"{path}: {describe(violations)}"
        assert len(driver.page_source.encode()) <= 50_000, path
        save_screenshot(driver, name, language)
    from selenium.webdriver.common.by import By

    # The member record's refused exemption form.
    driver.get(server.url(f"/plans/{followed}/people/{plans.user_id('learner.a2')}"))
    form = driver.find_element(By.CSS_SELECTOR, "form[action$='/exempt'], form[action$='/lift']")
    form.find_element(By.CSS_SELECTOR, "button[type='submit']").click()
    wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".error-summary"), message="no error summary")
    violations = axe_violations(driver, source)
    assert not violations, describe(violations)
