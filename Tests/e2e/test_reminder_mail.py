"""Reminder mail at a real SMTP server (aiosmtpd with STARTTLS and AUTH, as in test_mail.py): the reminder pass
turns a required assignment into notices and mails them in each person's language, parsed with Python's `email`
package; moving the test clock past the due day gives the overdue notice once however many passes run; the
one-click link stops reminder mail but not notices that must be delivered (a revoked certificate); the header counts
the notices; the marker person in the sibling bureau gets nothing."""

from __future__ import annotations

import re
import sqlite3
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import requests

from admin_org import build_admin_org
from conftest import stop_and_check
from test_mail import SmtpSink, certificates, mail_options  # noqa: F401  (module fixture)

ZONE = ZoneInfo("Asia/Shanghai")


def sql(db, statement: str, *arguments) -> list[tuple]:
    database = sqlite3.connect(db, timeout=10)
    try:
        rows = database.execute(statement, arguments).fetchall()
        database.commit()
        return rows
    finally:
        database.close()


def wait_until(condition, timeout: float = 30, message: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert condition(), message or "the condition never held"


def set_clock(directory, offset: float) -> None:
    partial = directory / "clock-offset.partial"
    partial.write_text(f"{offset:.3f}\n", encoding="utf-8")
    partial.replace(directory / "clock-offset")


def text_of(received) -> tuple[str, str]:
    message = received.message
    return str(message["Subject"]), message.get_body(preferencelist=("plain",)).get_content()


def assign(db, department: int, name: str, due: str, logins: list[str]) -> int:
    """A required assignment of a programme nobody has finished, due on `due`, with `logins` as members now."""
    now = time.time()
    sql(db, """INSERT INTO assignments (name, item_kind, item_id, required, audience, department_id, due_kind, due_day,
                                        created_at) VALUES (?, 'program', 'reminder-test', 1, 'department', ?, 'fixed', ?, ?)""",
        name, department, due, now)
    (assignment,) = sql(db, "SELECT max(id) FROM assignments")[0]
    for login in logins:
        sql(db, """INSERT INTO assignment_members (assignment_id, user_id, assigned_at, due_day)
                   SELECT ?, id, ?, ? FROM users WHERE login = ?""", assignment, now, due, login)
    return assignment


def notices(db, login: str, kind: str | None = None) -> list[tuple]:
    return sql(db, """SELECT n.kind, n.dedupe_key FROM notices n JOIN users u ON u.id = n.user_id
                      WHERE u.login = ? AND (? IS NULL OR n.kind = ?) ORDER BY n.id""", login, kind, kind)


def test_reminders_reach_the_smtp_server_in_each_language_once_and_unsubscribe_keeps_required_notices(tmp_path, certificates):
    sink = SmtpSink(certificates).start()
    directory = tmp_path / "org"
    directory.mkdir(parents=True)
    set_clock(directory, 0)
    extra = (*mail_options(tmp_path / "mail", certificates, sink.port), "--notice-pass-seconds", "1",
             "--test-clock-file", str(directory / "clock-offset"))
    org = build_admin_org(directory, extra=extra)
    db = org.server.db
    try:
        for login, language in (("learner.a1", "zh"), ("learner.a2", "en"), ("zzmarker.b", "zh")):
            org.server.cli("users", "set-email", "--login", login, "--email", f"{login}@example.gov")
            sql(db, "UPDATE users SET language = ? WHERE login = ?", language, login)
        today = datetime.now(ZONE).date()
        due = (today + timedelta(days=3)).isoformat()
        assignment = assign(db, org.departments["A"], "信息安全复训", due, ["learner.a1", "learner.a2"])

        # Assigned and due soon, mailed to each in their language.
        sink.wait_for(4, timeout=30)
        mails = {}
        for received in sink.received:
            assert received.recipients[0] != "zzmarker.b@example.gov"
            mails.setdefault(received.recipients[0], []).append(text_of(received))
        zh = dict(mails["learner.a1@example.gov"])
        assert b"Subject: =?UTF-8?B?" in sink.received[0].content
        assert set(zh) == {"【培训提醒】新的培训任务：信息安全复训", "【培训提醒】即将到期：信息安全复训"}
        body = zh["【培训提醒】即将到期：信息安全复训"]
        assert f"{today + timedelta(days=3):%Y}年" in body and "学员李，您好" in body
        assert org.server.url(f"/due/{assignment}") in body
        en = dict(mails["learner.a2@example.gov"])
        assert set(en) == {"[Training] Training assigned: 信息安全复训", "[Training] Due soon: 信息安全复训"}
        english = en["[Training] Due soon: 信息安全复训"]
        assert "Dear 学员王," in english and "please complete it in time" in english
        unsubscribe = re.search(r"http://127\.0\.0\.1:\d+/mail/unsubscribe/[A-Za-z0-9_-]{43}", english).group(0)
        reminder = next(r.message for r in sink.received
                        if r.recipients == ["learner.a2@example.gov"] and "Due soon" in str(r.message["Subject"]))
        assert str(reminder["List-Unsubscribe"]).strip() == f"<{unsubscribe}>"  # folded when long
        assert reminder["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert reminder.get_content_type() == "multipart/alternative"
        html = reminder.get_body(preferencelist=("html",)).get_content()
        assert "Due soon: 信息安全复训" in html and 'lang="en"' in html

        # The header counts them.
        page = org.session("learner.a1").get(org.server.url("/"), timeout=30).text
        assert re.search(r'<a class="notices-link" href="/notices">通知<span aria-hidden="true"> \(2\)</span>', page)
        assert notices(db, "zzmarker.b") == []

        # Past the due day: overdue, once, however many passes run.
        passes_before = org.server.log.count("notice pass: posted")
        set_clock(directory, 4 * 86_400)
        wait_until(lambda: len(notices(db, "learner.a1", "assignment.overdue")) == 1, message="no overdue notice")
        time.sleep(3.5)  # at least two more passes
        assert notices(db, "learner.a1", "assignment.overdue") == [("assignment.overdue", f"assignment:{assignment}:overdue:{due}")]
        assert len(notices(db, "learner.a2", "assignment.overdue")) == 1
        sink.wait_for(6, timeout=30)
        time.sleep(1.5)
        assert len(sink.received) == 6, "each overdue notice is mailed once"
        assert org.server.log.count("notice pass: posted") > passes_before

        # The one-click link (RFC 8058), signed out: reminder mail stops for learner.a2 ...
        answer = requests.post(unsubscribe, data={"List-Unsubscribe": "One-Click"}, timeout=30)
        assert answer.status_code == 200
        assert sql(db, "SELECT reminder_mail FROM users WHERE login = 'learner.a2'") == [(0,)]
        later = (datetime.now(ZONE).date() + timedelta(days=4 + 5)).isoformat()
        assign(db, org.departments["A"], "保密教育", later, ["learner.a1", "learner.a2"])
        wait_until(lambda: len(notices(db, "learner.a2")) == 5, message="learner.a2's new notices")
        sink.wait_for(8, timeout=30)
        time.sleep(1.5)
        assert [m.recipients[0] for m in sink.received[6:]] == ["learner.a1@example.gov"] * 2
        # ... but a revoked certificate is mailed all the same.
        sql(db, """INSERT INTO notification_outbox (user_id, kind, program_id, payload, created_at)
                   SELECT id, 'certification.revoked', 'reminder-test', '{}', ? FROM users WHERE login = 'learner.a2'""",
            time.time())
        sink.wait_for(9, timeout=30)
        subject, text = text_of(sink.received[8])
        assert sink.received[8].recipients == ["learner.a2@example.gov"]
        assert subject == "[Training] Certificate revoked: reminder-test"
        assert "/mail/unsubscribe/" not in text and "sent even when reminder mail is off" in text
        assert sink.received[8].message["List-Unsubscribe"] is None, "a notice that must be delivered cannot be stopped"
        assert sql(db, "SELECT count(*) FROM notification_outbox WHERE sent_at IS NULL") == [(0,)]
        assert notices(db, "zzmarker.b") == []
    finally:
        sink.stop()
        stop_and_check(org.server)
