"""The learner's dashboard, the HR progress report and the learner's iCalendar feed (parsed with `icalendar`) say the
same thing about an assignment, with the server's test clock moved: what is due, what is overdue, and what an
exemption and an approved extension change. The assignment is made in the browser's form, the extension asked for
on the learner's page and approved on HR's member record, the exemption given there too: the paths people use."""

from __future__ import annotations

import json
from datetime import timedelta

import icalendar
import pytest

from admin_org import MARKER
from conftest import hidden_csrf, stop_and_check, ui_text
from test_calendar_feed import make_address
from test_plans_core import DAY, PlansOrg, assignment_id, post_new

import requests


@pytest.fixture(scope="module")
def plans(tmp_path_factory):
    org = PlansOrg(tmp_path_factory.mktemp("plans-agree"))
    yield org
    stop_and_check(org.server)


def user_id(plans, login_name: str) -> int:
    return plans.query("SELECT id FROM users WHERE login = ?", login_name)[0][0]


def dashboard_status(plans, login_name: str, assignment: int) -> str | None:
    """The status word the dashboard shows on the line of `assignment` (None when the line is not there)."""
    page = plans.session(login_name).get(plans.server.url("/"), timeout=30).text
    lines = [piece.split("</li>", 1)[0] for piece in page.split("<li>")[1:]]
    found = [line for line in lines if f'href="/due/{assignment}"' in line]
    if not found:
        return None
    words = {ui_text("zh", f"plans.status.{code}"): code for code in
             ("done", "due_soon", "exempt", "in_progress", "not_started", "overdue")}
    shown = [code for word, code in words.items() if f">{word}<" in found[0]]
    assert len(shown) == 1, found[0]
    return shown[0]


def report(plans, assignment: int) -> dict[str, dict]:
    """login -> the member as HR's progress export has it."""
    exported = plans.session("hr.a").get(plans.server.url(f"/plans/{assignment}/progress.json"), timeout=30)
    assert exported.status_code == 200
    assert MARKER not in exported.content.lower()
    return {member["login"]: member for member in json.loads(exported.text)["members"]}


def feed(address: str, plans, login_name: str, assignment: int):
    """(day, overdue?) of the assignment's event in the feed, or None when the feed has no event for it."""
    calendar = icalendar.Calendar.from_ical(requests.get(address, timeout=10).content)
    uid = f"assignment-{assignment}-user-{user_id(plans, login_name)}@"
    for event in calendar.walk("VEVENT"):
        if str(event["UID"]).startswith(uid):
            overdue = str(event["SUMMARY"]).startswith(ui_text("zh", "plans.status.overdue")) or \
                ui_text("zh", "plans.status.overdue") in str(event["SUMMARY"])
            return event.decoded("DTSTART").isoformat(), overdue
    return None


def test_dashboard_report_and_feed_agree_through_overdue_exemption_and_extension(plans):
    hr = plans.session("hr.a")
    created = post_new(hr, plans, name="年度信息安全复训（一致性）", item="course:info-security",
                       department=str(plans.departments["A"]), due_kind="after_assignment", due_days="10")
    assert created.status_code == 303, created.text[:2000]
    assignment = assignment_id(created.headers["Location"])
    due = (plans.today() + timedelta(days=10)).isoformat()
    feeds = {login: make_address(plans.server, plans.session(login)) for login in ("learner.a1", "learner.a2")}

    def agree(login_name: str, status: str, day: str | None) -> None:
        assert dashboard_status(plans, login_name, assignment) == status
        member = report(plans, assignment)[login_name]
        assert member["status"] == status
        event = feed(feeds[login_name], plans, login_name, assignment)
        if status in ("done", "exempt"):
            assert event is None
        else:
            assert event == (day, status == "overdue"), (login_name, event)

    # Ten days to go: due soon for both, everywhere.
    for login_name in feeds:
        agree(login_name, "due_soon", due)

    # Past the due day: overdue everywhere.
    plans.advance(12 * DAY)
    for login_name in feeds:
        agree(login_name, "overdue", due)

    # HR exempts learner.a2 on the member record: gone from the feed, exempt on the dashboard and in the report.
    hr = plans.session("hr.a")  # twelve days later: a new sign-in
    record = f"/plans/{assignment}/people/{user_id(plans, 'learner.a2')}"
    token = hidden_csrf(hr.get(plans.server.url(record), timeout=30).text, f"{record}/exempt")
    exempted = hr.post(plans.server.url(f"{record}/exempt"), data={"csrf_token": token, "reason": "已取得同等证书"},
                       allow_redirects=False, timeout=30)
    assert exempted.status_code == 303
    agree("learner.a2", "exempt", None)

    # learner.a1 asks for 30 more days on their own page; HR approves: no longer overdue, the feed moves the day.
    learner = plans.session("learner.a1")
    wanted = (plans.today() + timedelta(days=30)).isoformat()
    action = f"/due/{assignment}/extension"
    token = hidden_csrf(learner.get(plans.server.url(f"/due/{assignment}"), timeout=30).text, action)
    asked = learner.post(plans.server.url(action), data={"csrf_token": token, "day": wanted, "reason": "借调"},
                         allow_redirects=False, timeout=30)
    assert asked.status_code == 303
    agree("learner.a1", "overdue", due)  # asking alone changes nothing
    (request_id,) = plans.query("SELECT id FROM assignment_requests WHERE assignment_id = ? AND state = 'pending'",
                                assignment)[0]
    record = f"/plans/{assignment}/people/{user_id(plans, 'learner.a1')}"
    token = hidden_csrf(hr.get(plans.server.url(record), timeout=30).text, f"{record}/requests/{request_id}")
    approved = hr.post(plans.server.url(f"{record}/requests/{request_id}"),
                       data={"csrf_token": token, "decision": "approve", "note": "同意"}, allow_redirects=False, timeout=30)
    assert approved.status_code == 303
    agree("learner.a1", "not_started", wanted)
    assert report(plans, assignment)["learner.a1"]["extended_day"] == wanted

