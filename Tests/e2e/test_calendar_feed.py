"""The private calendar feed: made on the profile page (the address shown once), read without a session by any
calendar client (parsed here with the `icalendar` package), holding the person's open assignments on their due
day, 逾期 once the test clock passes it, in the person's language; a reset voids the old address; the profile
section is accessible in both languages."""

from __future__ import annotations

import datetime
import html
import re
import shutil
import sqlite3
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
import requests

from conftest import (COURSES, STRONG_PASSWORD, ClockedServer, browser_sign_in, client, hidden_csrf, login,
                      needs_chromium, run_cli, save_screenshot, stop_and_check, wait_for)
from test_accessibility import axe_source, axe_violations, describe

ADDRESS = re.compile(r'id="calendar-address" value="([^"]+)"')
SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = 86_400


def today() -> datetime.date:
    return datetime.datetime.now(SHANGHAI).date()


PLAN = """\
id: calendar-2027
title: {{zh: 日历测试计划, en: Calendar test plan}}
entries:
  - id: security-soon
    course: info-security
    kind: required
    audience: {{department: 测试省/数据局}}
    due: {soon}
  - id: ethics-later
    course: service-ethics
    kind: required
    audience: {{department: 测试省/数据局}}
    due: {later}
  - id: literacy-elective
    course: info-literacy
    kind: elective
    audience: {{people: [cal.learner]}}
    due_days_after_assignment: 5
  - id: refresher-no-day
    course: info-security-refresher
    kind: elective
    audience: {{people: [cal.learner]}}
"""


@pytest.fixture(scope="module")
def calendar_server(tmp_path_factory: pytest.TempPathFactory):
    directory = tmp_path_factory.mktemp("calendar-feed")
    courses = directory / "Courses"
    shutil.copytree(COURSES, courses)
    start = today()
    (courses / "plans" / "calendar-2027.yaml").write_text(
        PLAN.format(soon=start + datetime.timedelta(days=3), later=start + datetime.timedelta(days=40)), encoding="utf-8")
    server = ClockedServer(directory / "server", demo=False, extra=("--courses", str(courses)))
    server.directory.mkdir(parents=True, exist_ok=True)
    for path in ("测试省", "测试省/数据局", "测试省/人社厅"):
        run_cli(server.db, "departments", "add", path)
    for login_name, name, department in (("cal.learner", "日历学员", "测试省/数据局"),
                                         ("cal.other", "其他学员", "测试省/人社厅")):
        run_cli(server.db, "users", "add", "--login", login_name, "--name", name, "--department", department,
                "--role", "learner", "--password-stdin", stdin=STRONG_PASSWORD + "\n")
    server.start()
    yield server, start
    stop_and_check(server)


def make_address(server, http: requests.Session) -> str:
    csrf = hidden_csrf(http.get(server.url("/profile"), timeout=10).text, "/profile/calendar")
    made = http.post(server.url("/profile/calendar"), data={"csrf_token": csrf}, timeout=10, allow_redirects=False)
    assert made.status_code == 200, made.text[:500]
    assert made.headers["Cache-Control"] == "no-store"
    found = ADDRESS.search(made.text)
    assert found, made.text[:2000]
    address = html.unescape(found.group(1))
    assert address.startswith(server.base + "/calendar/") and address.endswith(".ics")
    return address


def fetch(address: str, **headers: str) -> requests.Response:
    # A calendar client: no cookies, no session.
    return requests.get(address, headers=headers, timeout=10)


def events(response: requests.Response) -> dict[str, icalendar.Event]:
    body = response.content
    for line in body.split(b"\r\n")[:-1]:
        assert len(line) <= 75, line
        assert b"\n" not in line and b"\r" not in line
        line.decode("utf-8")  # each folded piece is whole UTF-8
    assert body.endswith(b"\r\n")
    calendar = icalendar.Calendar.from_ical(body)
    assert calendar["VERSION"] == "2.0" and calendar["CALSCALE"] == "GREGORIAN" and calendar["METHOD"] == "PUBLISH"
    assert calendar["PRODID"] and calendar["X-WR-CALNAME"]
    found = {}
    for event in calendar.walk("VEVENT"):
        assert isinstance(event.decoded("DTSTART"), datetime.date)
        assert not isinstance(event.decoded("DTSTART"), datetime.datetime), "all-day events"
        assert event["UID"] and event.decoded("DTSTAMP")
        found[str(event["UID"])] = event
    return found


def statuses(server) -> dict[str, tuple[str | None, str]]:
    """plan key -> (effective due day, status as the shared SQL rule has it) for cal.learner, read from the database."""
    database = sqlite3.connect(f"file:{server.db}?mode=ro", uri=True)
    try:
        rows = database.execute("""
            SELECT a.plan_key, coalesce(m.extended_day, m.due_day) FROM assignment_members m
            JOIN assignments a ON a.id = m.assignment_id JOIN users u ON u.id = m.user_id
            WHERE u.login = 'cal.learner' AND m.left_at IS NULL AND a.withdrawn_at IS NULL
            """).fetchall()
    finally:
        database.close()
    return {key: due for key, due in rows}


def test_the_feed_lists_open_items_on_their_due_days_and_marks_overdue_with_the_test_clock(calendar_server):
    server, start = calendar_server
    http = login(server, "cal.learner", STRONG_PASSWORD, http=client(None))
    address = make_address(server, http)

    first = fetch(address)
    assert first.status_code == 200
    assert first.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert first.headers["Cache-Control"].startswith("private, max-age=")
    tag = first.headers["ETag"]
    assert fetch(address, **{"If-None-Match": tag}).status_code == 304

    due = statuses(server)
    found = events(first)
    by_day = {event.decoded("DTSTART"): str(event["SUMMARY"]) for event in found.values()}
    assert sorted(by_day) == sorted(datetime.date.fromisoformat(day) for day in due.values() if day), by_day
    assert set(by_day) == {start + datetime.timedelta(days=3), start + datetime.timedelta(days=5),
                           start + datetime.timedelta(days=40)}, "the item without a due day has no event"
    assert not any("逾期" in summary for summary in by_day.values())
    assert by_day[start + datetime.timedelta(days=3)].endswith(" 截止")
    soon = next(e for e in found.values() if e.decoded("DTSTART") == start + datetime.timedelta(days=3))
    assert "状态：即将到期" in str(soon["DESCRIPTION"]) and "必修" in str(soon["DESCRIPTION"])
    assert str(soon["URL"]).startswith(server.base + "/courses/info-security")
    later = next(e for e in found.values() if e.decoded("DTSTART") == start + datetime.timedelta(days=40))
    assert "状态：未开始" in str(later["DESCRIPTION"])

    # Four days on: the first is overdue, the elective (due on day 5) due soon; the same events (same UIDs).
    server.advance(4 * DAY)
    moved = fetch(address, **{"If-None-Match": tag})
    assert moved.status_code == 200 and moved.headers["ETag"] != tag
    after = events(moved)
    assert set(after) == set(found)
    overdue = [e for e in after.values() if "逾期" in str(e["SUMMARY"])]
    assert [e.decoded("DTSTART") for e in overdue] == [start + datetime.timedelta(days=3)]
    assert "状态：逾期" in str(overdue[0]["DESCRIPTION"])
    elective = next(e for e in after.values() if e.decoded("DTSTART") == start + datetime.timedelta(days=5))
    assert "状态：即将到期" in str(elective["DESCRIPTION"]) and "选修" in str(elective["DESCRIPTION"])

    # In the person's language (signed in afresh: four days end a session).
    http = login(server, "cal.learner", STRONG_PASSWORD, http=client(None))
    csrf = hidden_csrf(http.get(server.url("/profile"), timeout=10).text, "/profile/language")
    assert http.post(server.url("/profile/language"), data={"csrf_token": csrf, "language": "en"}, timeout=10,
                     allow_redirects=False).status_code == 303
    english = events(fetch(address))
    assert [str(e["SUMMARY"]) for e in english.values() if "[Overdue]" in str(e["SUMMARY"])], english
    assert any("Status: Due soon" in str(e["DESCRIPTION"]) for e in english.values())


def test_a_reset_voids_the_old_address_and_turning_off_voids_every_address(calendar_server):
    server, _ = calendar_server
    http = login(server, "cal.other", STRONG_PASSWORD, http=client(None))
    first = make_address(server, http)
    assert fetch(first).status_code == 200
    profile = http.get(server.url("/profile"), timeout=10).text
    assert first not in profile, "the address is shown only once"
    second = make_address(server, http)
    assert second != first
    assert fetch(first).status_code == 404
    assert fetch(second).status_code == 200
    assert fetch(server.url("/calendar/not-a-token.ics")).status_code == 404
    assert fetch(second[:-4]).status_code == 404, "only the .ics address"
    csrf = hidden_csrf(http.get(server.url("/profile"), timeout=10).text, "/profile/calendar/remove")
    off = http.post(server.url("/profile/calendar/remove"), data={"csrf_token": csrf}, timeout=10, allow_redirects=False)
    assert off.status_code == 303
    assert fetch(second).status_code == 404
    database = sqlite3.connect(f"file:{server.db}?mode=ro", uri=True)
    try:
        actions = [row[0] for row in database.execute(
            "SELECT action FROM audit_log WHERE action LIKE 'calendar.%' AND actor = 'cal.other' ORDER BY id")]
    finally:
        database.close()
    assert actions == ["calendar.reset", "calendar.reset", "calendar.revoke"]


@needs_chromium
@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_profile_calendar_section_and_the_address_page_are_accessible(calendar_server, chromium, language):
    from selenium.webdriver.common.by import By

    server, _ = calendar_server
    driver = chromium(language)
    browser_sign_in(driver, server, "cal.other", STRONG_PASSWORD, language)
    driver.get(server.url("/profile"))
    wait_for(driver, lambda d: d.find_elements(By.ID, "calendar-title"))
    violations = axe_violations(driver, axe_source())
    assert not violations, describe(violations)
    driver.find_element(By.CSS_SELECTOR, "form[action='/profile/calendar'] button[type='submit']").click()
    wait_for(driver, lambda d: d.find_elements(By.ID, "calendar-address"))
    assert "/calendar/" in driver.find_element(By.ID, "calendar-address").get_attribute("value")
    save_screenshot(driver, "calendar-feed-created", language)
    violations = axe_violations(driver, axe_source())
    assert not violations, describe(violations)
    driver.get(server.url("/profile#calendar"))
    wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "form[action='/profile/calendar/remove']"))
    save_screenshot(driver, "profile-calendar", language)
    violations = axe_violations(driver, axe_source())
    assert not violations, describe(violations)
