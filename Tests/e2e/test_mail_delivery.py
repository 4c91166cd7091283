"""Mail as people receive it, through a real SMTP server (aiosmtpd on a free loopback port, STARTTLS and AUTH, as
in test_mail.py): the weekly HR digest arrives as multipart/alternative (plain text first, then HTML, both UTF-8),
with the Chinese subject decoded by Python's `email` package, in each recipient's language, once per person and
week, naming nobody outside the recipient's scope; a stopped SMTP server leads to retries and then dead letters,
which an organisation-wide administrator sees on /admin/mail (unit administrators get 404) and sends again from the
page once the server is back: each is delivered exactly once. /admin/mail is axe-clean in both languages."""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import requests

from admin_org import MARKER, AdminOrg, build_admin_org
from conftest import (STRONG_PASSWORD, browser_sign_in, hidden_csrf, needs_chromium, run_cli, save_screenshot,
                      stop_and_check, wait_for)
from test_accessibility import axe_source, axe_violations, describe
from test_mail import MailCertificates, SmtpSink, admin_reset_link, mail_options, metric, outbox, wait_outbox

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> MailCertificates:
    return MailCertificates(tmp_path_factory.mktemp("mail-delivery-certs")).make()


class MovableClock:
    """The server's `--test-clock-file`: seconds added to the wall clock, moved by the test."""

    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / "clock-offset"
        self.offset = 0.0
        self.set(time.time())

    def set(self, moment: float) -> None:
        self.offset = moment - time.time()
        partial = self.path.with_suffix(".partial")
        partial.write_text(f"{self.offset:.3f}\n", encoding="utf-8")
        os.replace(partial, self.path)

    def now(self) -> float:
        return time.time() + self.offset


def next_monday_eight() -> dt.datetime:
    """The coming Monday 08:00 in Shanghai (the platform's default time zone)."""
    now = dt.datetime.now(SHANGHAI)
    monday = (now + dt.timedelta(days=7 - now.weekday())).replace(hour=8, minute=0, second=0, microsecond=0)
    return monday


def execute(db: Path, sql: str, arguments: tuple = ()) -> None:
    connection = sqlite3.connect(db, timeout=30)
    try:
        connection.execute(sql, arguments)
        connection.commit()
    finally:
        connection.close()


def query(db: Path, sql: str, arguments: tuple = ()) -> list[tuple]:
    connection = sqlite3.connect(db, timeout=30)
    try:
        return list(connection.execute(sql, arguments))
    finally:
        connection.close()


def mail_world(directory: Path, certificates: MailCertificates, port: int, *, attempts: int = 8) -> tuple[AdminOrg, MovableClock, int]:
    """The administration test organisation with mail and a movable clock, on the Sunday evening before a Monday.

    Three HR people with addresses: hr.a (数据局, Chinese), hr.en (数据局, English) and hr.b (the sibling bureau,
    no language: both). An assignment to the whole province was due last Friday, so on Monday everybody who has
    not done it is overdue: for hr.a and hr.en that is the people of 数据局, for hr.b the marker person.
    Returns the organisation, the clock and the assignment's id."""
    clock = MovableClock(directory / "clock")
    monday = next_monday_eight()
    clock.set((monday - dt.timedelta(hours=12)).timestamp())
    org = build_admin_org(directory / "org", extra=(*mail_options(directory / "mail", certificates, port, attempts=attempts),
                                                    "--test-clock-file", str(clock.path)))
    db = org.server.db
    run_cli(db, "users", "add", "--login", "hr.en", "--name", "Helen HR", "--department", "测试省/数据局", "--role", "hr",
            "--password-stdin", stdin=STRONG_PASSWORD + "\n")
    run_cli(db, "users", "add", "--login", "hr.b", "--name", "ZZMARKER人事", "--department", "测试省/ZZMARKER厅",
            "--role", "hr", "--password-stdin", stdin=STRONG_PASSWORD + "\n")
    for login_name, address, language in (("hr.a", "hr.a@example.gov", "zh"), ("hr.en", "hr.en@example.gov", "en"),
                                          ("hr.b", "hr.b@example.gov", None)):
        org.server.cli("users", "set-email", "--login", login_name, "--email", address)
        execute(db, "UPDATE users SET language = ? WHERE login = ?", (language, login_name))
    due = (monday - dt.timedelta(days=3)).date().isoformat()
    execute(db, """
        INSERT INTO assignments (name, item_kind, item_id, required, audience, department_id, include_subtree,
                                 due_kind, due_day, created_at)
        VALUES ('信息安全复训 <2026>', 'course', 'info-security-refresher', 1, 'department', ?, 1, 'fixed', ?, ?)
        """, (org.departments["root"], due, clock.now()))
    assignment = query(db, "SELECT max(id) FROM assignments")[0][0]
    execute(db, """
        INSERT INTO assignment_members (assignment_id, user_id, assigned_at, due_day)
        SELECT ?, id, ?, ? FROM users
        """, (assignment, clock.now(), due))
    return org, clock, assignment


def received_by(sink: SmtpSink) -> dict[str, list]:
    found: dict[str, list] = {}
    for message in sink.received:
        for recipient in message.recipients:
            found.setdefault(recipient, []).append(message)
    return found


def parts(message) -> tuple[str, str]:
    """The text and the HTML of a multipart/alternative message, checking its structure on the way."""
    assert message.get_content_type() == "multipart/alternative"
    subparts = list(message.iter_parts())
    assert [part.get_content_type() for part in subparts] == ["text/plain", "text/html"], "text first, then HTML"
    for part in subparts:
        assert part.get_content_charset() == "utf-8"
        assert part["Content-Transfer-Encoding"] in ("base64", "quoted-printable")
    return subparts[0].get_content(), subparts[1].get_content()


def test_the_weekly_digest_arrives_multipart_in_each_language_once_and_within_scope(tmp_path, certificates):
    sink = SmtpSink(certificates).start()
    try:
        org, clock, assignment = mail_world(tmp_path, certificates, sink.port)
        try:
            time.sleep(2)
            assert sink.received == [], "nothing before Monday 08:00"
            clock.set(next_monday_eight().timestamp() + 60)
            sink.wait_for(3, timeout=30)
            by = received_by(sink)
            assert sorted(by) == ["hr.a@example.gov", "hr.b@example.gov", "hr.en@example.gov"]

            chinese = by["hr.a@example.gov"][0]
            assert b"Subject: =?UTF-8?B?" in chinese.content, "the subject is RFC 2047 encoded on the wire"
            subject = str(chinese.message["Subject"])
            assert subject.startswith("每周培训逾期汇总（") and re.search(r"\d{4}-W\d{2}", subject)
            text, html = parts(chinese.message)
            assert "人事甲，您好" in text and "信息安全复训 <2026>：" in text
            assert "学员李（测试省 / 数据局 / 综合处）" in text
            assert f"/plans/{assignment}/progress" in text
            assert '<html lang="zh-CN">' in html and "信息安全复训 &lt;2026&gt;" in html
            assert f'/plans/{assignment}/progress"' in html
            for content in (chinese.content.lower(), text.lower().encode(), html.lower().encode()):
                assert MARKER not in content, "the marker person is outside hr.a's scope"
            lines = chinese.content.split(b"\r\n")
            assert all(len(line) <= 78 for line in lines), "RFC 5322 line length"

            english = by["hr.en@example.gov"][0]
            assert str(english.message["Subject"]).startswith("Weekly overdue training digest (")
            text, html = parts(english.message)
            assert "Dear Helen HR," in text and "学员王 (测试省 / 数据局 / 网络安全处)" in text
            assert '<html lang="en">' in html and "Overdue people" in html
            assert MARKER not in english.content.lower()

            both = by["hr.b@example.gov"][0]
            assert " / Weekly overdue training digest" in str(both.message["Subject"])
            text, _ = parts(both.message)
            assert "ZZMARKER乙" in text and "学员李" not in text, "hr.b sees only their own bureau"

            rows = query(org.server.db, "SELECT week, outbox_id IS NOT NULL FROM mail_digests")
            assert len(rows) == 3 and all(row[1] == 1 for row in rows)
            # Later in the same week: nothing more.
            clock.set(clock.now() + 2 * 86_400)
            time.sleep(3)
            assert len(sink.received) == 3, "at most one digest per person and week"
        finally:
            stop_and_check(org.server)
    finally:
        sink.stop()


def admin_mail(org: AdminOrg, login_name: str, path: str = "/admin/mail") -> requests.Response:
    return org.session(login_name).get(org.server.url(path), allow_redirects=False, timeout=30)


def test_a_stopped_server_leads_to_dead_letters_that_an_administrator_sends_again_once(tmp_path, certificates, chromium):
    sink = SmtpSink(certificates)
    org, clock, _ = mail_world(tmp_path, certificates, sink.port, attempts=2)
    try:
        org.server.cli("users", "set-email", "--login", "learner.a1", "--email", "li.xue@example.gov")
        assert admin_reset_link(org, "learner.a1", admin="admin.root").status_code == 200
        clock.set(next_monday_eight().timestamp() + 60)
        rows = wait_outbox(org.server.db, lambda rows: len(rows) == 4 and all(row["state"] == "failed" for row in rows),
                           timeout=40)
        assert all(row["attempts"] == 2 and row["last_error"] for row in rows), "retried, then given up"
        assert "mail attempt failed" in org.server.log and "mail given up" in org.server.log
        assert metric(org, "mail_given_up_total") == 4
        digests = [row["id"] for row in rows if row["kind"] == "plans.digest"]
        link = next(row["id"] for row in rows if row["kind"] == "password.reset_link")

        # Only organisation-wide administrators: the outbox holds everyone's mail.
        assert admin_mail(org, "admin.a").status_code == 404
        assert admin_mail(org, "hr.a").status_code == 403
        assert requests.get(org.server.url("/admin/mail"), allow_redirects=False, timeout=30).status_code == 303
        root = org.session("admin.root")
        page = root.get(org.server.url("/admin/mail"), timeout=30).text
        for message_id in digests:
            assert f'action="/admin/mail/{message_id}/retry"' in page
        assert f'action="/admin/mail/{link}/retry"' not in page, "an erased password link cannot be sent again"
        assert f'action="/admin/mail/{link}/discard"' in page
        assert "hr.en@example.gov" in page, "the recipient is shown"
        for content in ("每周培训逾期汇总", "Weekly overdue training digest", "学员李", "/password/reset/"):
            assert content not in page, f"never the subject or the contents: {content}"
        assert len(page.encode()) <= 50_000

        # The page with its dead letters, in both languages.
        for language in ("zh", "en"):
            driver = chromium(language)
            browser_sign_in(driver, org.server, "admin.root", STRONG_PASSWORD, language)
            driver.get(org.server.url("/admin/mail"))
            wait_for(driver, lambda d: d.execute_script("return document.readyState") == "complete")
            save_screenshot(driver, "admin-mail", language)
            violations = axe_violations(driver, axe_source())
            assert not violations, describe(violations)

        # The server is back: each digest is sent again from the page, the link discarded.
        sink.start()
        for message_id in digests:
            page = root.get(org.server.url("/admin/mail"), timeout=30).text
            answer = root.post(org.server.url(f"/admin/mail/{message_id}/retry"), allow_redirects=False, timeout=30,
                               data={"csrf_token": hidden_csrf(page, f"/admin/mail/{message_id}/retry")})
            assert answer.status_code == 303 and answer.headers["Location"] == f"/admin/mail?done=retried&id={message_id}"
        page = root.get(org.server.url("/admin/mail"), timeout=30).text
        answer = root.post(org.server.url(f"/admin/mail/{link}/discard"), allow_redirects=False, timeout=30,
                           data={"csrf_token": hidden_csrf(page, f"/admin/mail/{link}/discard")})
        assert answer.status_code == 303
        sink.wait_for(3, timeout=30)
        time.sleep(3)
        by = received_by(sink)
        assert sorted((recipient, len(messages)) for recipient, messages in by.items()) == [
            ("hr.a@example.gov", 1), ("hr.b@example.gov", 1), ("hr.en@example.gov", 1)], "each delivered exactly once"
        assert "li.xue@example.gov" not in by
        rows = outbox(org.server.db)
        assert sorted(row["state"] for row in rows) == ["failed", "sent", "sent", "sent"]
        assert next(row for row in rows if row["id"] == link)["discarded_at"] is not None

        # Retrying what is no longer a dead letter changes nothing; unknown ids are not found.
        page = root.get(org.server.url("/admin/mail?done=retried&id=1"), timeout=30).text
        assert "没有未送达的邮件" in page or "No undelivered messages" in page
        csrf = hidden_csrf(root.get(org.server.url("/admin/people"), timeout=30).text, "/logout")
        for path in (f"/admin/mail/{digests[0]}/retry", f"/admin/mail/{digests[0]}/discard", "/admin/mail/999999/retry",
                     "/admin/mail/x/retry"):
            assert root.post(org.server.url(path), data={"csrf_token": csrf}, allow_redirects=False,
                             timeout=30).status_code == 404, path
        unit = org.session("admin.a")
        unit_csrf = hidden_csrf(unit.get(org.server.url("/admin/people"), timeout=30).text, "/logout")
        assert unit.post(org.server.url(f"/admin/mail/{link}/discard"), data={"csrf_token": unit_csrf},
                         allow_redirects=False, timeout=30).status_code == 404
        actions = [row[0] for row in query(org.server.db, "SELECT action FROM audit_log WHERE action LIKE 'mail.%' ORDER BY id")]
        assert actions == ["mail.retry"] * 3 + ["mail.discard"]
        audit = root.get(org.server.url("/admin/audit?action=mail.retry"), timeout=30)
        assert audit.status_code == 200
    finally:
        sink.stop()
        stop_and_check(org.server)


def test_rate_and_digest_options_are_checked_before_the_server_starts(tmp_path):
    import subprocess

    from conftest import BINARY

    for options, message in ((("--mail-rate", "0"), "--mail-rate"), (("--hr-digest-day", "someday"), "--hr-digest-day"),
                             (("--hr-digest-hour", "24"), "--hr-digest-hour")):
        result = subprocess.run([str(BINARY), "serve", "--db", str(tmp_path / "db.sqlite"), *options],
                                capture_output=True, text=True, timeout=60)
        assert result.returncode != 0 and message in result.stderr, result.stderr
    assert not (tmp_path / "db.sqlite").exists(), "nothing was started"


def test_the_rate_limit_spreads_messages_over_its_window(tmp_path, certificates):
    from conftest import Server

    sink = SmtpSink(certificates).start()
    server = Server(tmp_path / "server", demo=False,
                    extra=(*mail_options(tmp_path / "mail", certificates, sink.port), "--mail-rate", "2",
                           "--mail-rate-window-seconds", "6"))
    server.start()
    try:
        now = time.time()
        for index in range(5):
            execute(server.db, """
                INSERT INTO mail_outbox (kind, recipient, subject, body, created_at, next_attempt_at)
                VALUES ('test', ?, '限速', 'body', ?, ?)
                """, (f"r{index}@example.gov", now, now))
        sink.wait_for(2, timeout=10)
        time.sleep(1.5)
        assert len(sink.received) == 2, "two a window: the first pass does not send all five"
        sink.wait_for(5, timeout=30)
        assert sorted(message.recipients[0] for message in sink.received) == [f"r{index}@example.gov" for index in range(5)]
    finally:
        sink.stop()
        stop_and_check(server)
