"""Training plans declared in Courses/plans/: lint names the file and line of every mistake; on a running server
a plan file's entry becomes an assignment whose members are the audience, a new due rule moves their due day, a
removed entry is withdrawn, and an entry naming a department the organisation lacks is reported (never half
applied) on the system page."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from admin_org import AdminOrg, build_admin_org
from conftest import BINARY, COURSES, hidden_csrf, stop_and_check

PLAN = """\
id: data-2027
title: {{zh: 数据局2027年度培训计划, en: Data bureau training plan 2027}}
entries:
  - id: bureau-security
    course: info-security
    kind: required
    audience:
      department: 测试省/数据局
    {due}
  - id: office-ethics
    course: service-ethics
    kind: elective
    audience: {{people: [learner.a1, E-A2-1]}}
"""

BROKEN = """\
id: broken-2027
title: {zh: 计划, en: Plan}
entries:
  - id: one
    course: info-securty
    kind: requried
    audience: {department: 测试省/数据局}
    due: 2027-02-30
  - id: one
    program: egov-competence
    kind: required
    audience: {department: 测试省/数据局}
    due: 2027-06-30
    due_days_after_joining: 30
"""


def lint(directory: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BINARY), "lint", str(directory), *extra], capture_output=True, text=True, timeout=120)


def test_lint_names_each_plan_mistake_by_file_line_and_column(tmp_path: Path):
    courses = tmp_path / "Courses"
    shutil.copytree(COURSES, courses)
    assert lint(courses).returncode == 0, "the shipped example plan lints clean"
    (courses / "plans" / "broken-2027.yaml").write_text(BROKEN, encoding="utf-8")
    done = lint(courses)
    assert done.returncode == 1
    lines = [line for line in done.stdout.splitlines() if line.startswith("plans/")]
    assert lines == [
        "plans/broken-2027.yaml:5:13: error: course 'info-securty' does not exist in this catalogue; did you mean 'info-security'?",
        "plans/broken-2027.yaml:6:11: error: 'kind' must be one of required, elective, not 'requried'; did you mean 'required'?",
        "plans/broken-2027.yaml:8:10: error: 'due' must be a real day, not '2027-02-30'",
        "plans/broken-2027.yaml:9:9: error: entry id 'one' is used twice in this plan (first at line 4); entry ids must be unique",
        "plans/broken-2027.yaml:14:5: error: an entry has one due rule: 'due' is given already (line 13), so 'due_days_after_joining' cannot be given too",
    ], done.stdout
    report = json.loads(lint(courses, "--format", "json").stdout)
    assert {"file": "plans/broken-2027.yaml", "line": 8, "column": 10, "severity": "error",
            "message": "'due' must be a real day, not '2027-02-30'"} in report["diagnostics"]


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory):
    """The admin organisation on a copy of the shipped courses that the tests edit."""
    directory = tmp_path_factory.mktemp("plans-files")
    courses = directory / "Courses"
    shutil.copytree(COURSES, courses)
    org = build_admin_org(directory / "server", extra=("--courses", str(courses)))
    yield org, courses
    stop_and_check(org.server)


def query(org: AdminOrg, sql: str, *arguments: object) -> list[tuple]:
    database = sqlite3.connect(f"file:{org.server.db}?mode=ro", uri=True)
    try:
        return database.execute(sql, arguments).fetchall()
    finally:
        database.close()


def reload_and_wait(org: AdminOrg, marker: str) -> None:
    """Sends SIGHUP and waits until the log has one more line containing `marker` than before."""
    before = org.server.log.count(marker)
    os.kill(org.server.process.pid, signal.SIGHUP)
    deadline = time.monotonic() + 15
    while org.server.log.count(marker) <= before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert org.server.log.count(marker) > before, org.server.log[-3000:]


def members(org: AdminOrg, key: str) -> dict[str, tuple]:
    """login -> (due day, left) for the plan entry's assignment."""
    rows = query(org, """
        SELECT u.login, m.due_day, m.left_at IS NOT NULL FROM assignment_members m
        JOIN assignments a ON a.id = m.assignment_id JOIN users u ON u.id = m.user_id WHERE a.plan_key = ?
        """, key)
    return {login: (due, bool(left)) for login, due, left in rows}


def test_a_plan_entry_reaches_its_audience_follows_edits_and_is_withdrawn_when_removed(planned):
    org, courses = planned
    plan = courses / "plans" / "data-2027.yaml"
    plan.write_text(PLAN.format(due="due: 2027-06-30"), encoding="utf-8")
    reload_and_wait(org, "plan files applied:")

    bureau = members(org, "data-2027/bureau-security")
    assert set(bureau) == {"admin.a", "hr.a", "learner.a1", "learner.a2"}, bureau
    assert {due for due, _ in bureau.values()} == {"2027-06-30"}
    assert "zzmarker.b" not in bureau
    named = members(org, "data-2027/office-ethics")
    assert set(named) == {"learner.a1", "learner.a2"}, "named by login and by employee number"
    assert query(org, "SELECT created_by, required FROM assignments WHERE plan_key = 'data-2027/office-ethics'") == [(None, 0)]
    (sentence,) = query(org, """
        SELECT count(*) FROM audit_log WHERE action = 'assignment.plan_sync' AND actor = 'system'
        """)
    assert sentence[0] == 2

    # The file rules: its assignment's page names the file and offers no withdraw form; a POST anyway is refused.
    (entry_id,) = query(org, "SELECT id FROM assignments WHERE plan_key = 'data-2027/bureau-security'")[0]
    hr = org.session("hr.a")
    page = hr.get(org.server.url(f"/plans/{entry_id}"), timeout=30).text
    assert "Courses/plans/data-2027.yaml" in page and f'action="/plans/{entry_id}/withdraw"' not in page
    refused = hr.post(org.server.url(f"/plans/{entry_id}/withdraw"),
                      data={"csrf_token": hidden_csrf(page, "/logout"), "confirm": "1"}, allow_redirects=False, timeout=30)
    assert refused.status_code == 409 and "Courses/plans/data-2027.yaml" in refused.text
    assert query(org, "SELECT withdrawn_at FROM assignments WHERE id = ?", entry_id) == [(None,)]

    # A new due rule moves everyone's due day, in place.
    (before_id,) = query(org, "SELECT id FROM assignments WHERE plan_key = 'data-2027/bureau-security'")
    plan.write_text(PLAN.format(due="due_days_after_assignment: 30"), encoding="utf-8")
    reload_and_wait(org, "plan files applied:")
    assert query(org, "SELECT id, due_kind, due_days FROM assignments WHERE plan_key = 'data-2027/bureau-security'") == [
        (before_id[0], "after_assignment", 30)]
    rows = query(org, """
        SELECT m.due_day, date(m.assigned_at + 8 * 3600, 'unixepoch', '+30 days') FROM assignment_members m
        JOIN assignments a ON a.id = m.assignment_id WHERE a.plan_key = 'data-2027/bureau-security'
        """)
    assert rows and all(due == expected for due, expected in rows), rows
    assert "plan file: updated assignment" in org.server.log

    # Gone from the file: withdrawn, its members kept as history.
    plan.write_text(PLAN.format(due="due: 2027-06-30").split("  - id: office-ethics")[0], encoding="utf-8")
    reload_and_wait(org, "plan files applied:")
    assert query(org, "SELECT withdrawn_at IS NOT NULL FROM assignments WHERE plan_key = 'data-2027/office-ethics'") == [(1,)]
    assert all(left for _, left in members(org, "data-2027/office-ethics").values())
    assert not any(left for _, left in members(org, "data-2027/bureau-security").values())

    # The audit log says it in words, as the system.
    http = org.session("admin.root")
    http.get(org.server.url("/language/en?next=/"), timeout=10)
    audit = http.get(org.server.url("/admin/audit?action=assignment.plan_sync"), timeout=10)
    assert audit.status_code == 200
    assert "applied the plan file plans/data-2027.yaml" in audit.text


def test_an_entry_whose_department_does_not_exist_is_reported_at_its_line_and_not_applied(planned):
    org, courses = planned
    # The shipped example names the demo organisation's departments, which this organisation does not have.
    assert query(org, "SELECT count(*) FROM assignments WHERE plan_key LIKE 'security-2027/%'") == [(0,)]
    http = org.session("admin.root")
    http.get(org.server.url("/language/en?next=/"), timeout=10)
    page = http.get(org.server.url("/admin/system"), timeout=10)
    assert page.status_code == 200
    text = re.sub(r"\s+", " ", html.unescape(page.text))
    assert ("plans/security-2027.yaml:11:1: warning: department '省人民政府/省数据局/网络安全处' does not exist in "
            "the organisation; entry 'cyber-office-security' is not applied until this is fixed") in text
    assert "plans/security-2027.yaml:17:1: warning:" in text
    assert "plan file not applied: plans/security-2027.yaml:11:1" in org.server.log
    trainer = http.get(org.server.url("/trainer"), timeout=10)
    assert "plans/security-2027.yaml" in trainer.text
