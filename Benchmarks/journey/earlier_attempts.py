#!/usr/bin/env python3
"""Gives one learner COUNT closed attempts at one quiz, fast, for the history run of run.sh.

    earlier_attempts.py DB LOGIN COURSE QUIZ COUNT

The learner must have exactly one attempt at the quiz, closed, taken through the server (run.sh lets the
journey take it). That attempt is copied COUNT - 1 times: every row that belongs to it (its `quiz_attempts`
row and the rows of every table with an `attempt_id` column: the steps and whatever is kept in step with
them) is inserted again under a new attempt id, moved back in time by 10 minutes per copy, so the copies are
attempts 1 to COUNT - 1, in order, and the real one becomes attempt COUNT. Times are moved
in every REAL column near the attempt's own times and in the `time` member of JSON values (the steps), so
each copy replays as the same attempt taken earlier. Run it only while the server is stopped.

Taking 1,000 attempts through the server itself is the sound way too, but every start replays the learner's
whole history in the code this benchmark measures first, which makes that quadratic (hours); copying a real
attempt gives the server the same rows it would have written.
"""

import base64
import json
import os
import sqlite3
import sys

SPACING = 600.0  # seconds between copies
WINDOW = 86400.0  # a REAL value this close to the attempt's start is one of its times


def new_id() -> str:
    return base64.urlsafe_b64encode(os.urandom(16)).rstrip(b"=").decode()


def shift_json(text: str, offset: float) -> str:
    try:
        value = json.loads(text)
    except (ValueError, TypeError):
        return text
    if not isinstance(value, dict) or not isinstance(value.get("time"), (int, float)):
        return text
    value["time"] = value["time"] + offset
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def main() -> int:
    if len(sys.argv) != 6:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    database, login, course, quiz, count = sys.argv[1:6]
    count = int(count)
    db = sqlite3.connect(database, isolation_level=None)
    db.execute("PRAGMA foreign_keys = ON")
    user = db.execute("SELECT id FROM users WHERE login = ?", (login,)).fetchone()
    if user is None:
        print(f"earlier_attempts: no account {login}", file=sys.stderr)
        return 1
    rows = db.execute(
        "SELECT * FROM quiz_attempts WHERE user_id = ? AND course_id = ? AND quiz_id = ?",
        (user[0], course, quiz)).fetchall()
    columns = [c[1] for c in db.execute("PRAGMA table_info(quiz_attempts)")]
    if len(rows) != 1:
        print(f"earlier_attempts: {login} has {len(rows)} attempts at {course}/{quiz}, expected 1", file=sys.stderr)
        return 1
    template = dict(zip(columns, rows[0]))
    if template.get("closed_at") is None:
        print("earlier_attempts: the attempt is not closed", file=sys.stderr)
        return 1
    origin = template["started_at"]
    related = [name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
               if name != "quiz_attempts"
               and "attempt_id" in [c[1] for c in db.execute(f'PRAGMA table_info("{name}")')]]
    related_rows = {}
    for table in related:
        table_columns = [c[1] for c in db.execute(f'PRAGMA table_info("{table}")')]
        related_rows[table] = (table_columns, db.execute(
            f'SELECT * FROM "{table}" WHERE attempt_id = ?', (template["id"],)).fetchall())

    def moved(value, offset):
        if isinstance(value, float) and abs(value - origin) <= WINDOW:
            return value + offset
        if isinstance(value, str) and value.startswith("{"):
            return shift_json(value, offset)
        return value

    db.execute("BEGIN IMMEDIATE")
    db.execute("UPDATE quiz_attempts SET number = ? WHERE id = ?", (count, template["id"]))
    placeholders = ", ".join("?" for _ in columns)
    for number in range(1, count):
        offset = -(count - number) * SPACING
        attempt = new_id()
        values = [attempt if name == "id" else number if name == "number" else moved(template[name], offset)
                  for name in columns]
        db.execute(f"INSERT INTO quiz_attempts ({', '.join(columns)}) VALUES ({placeholders})", values)
        for table, (table_columns, table_rows) in related_rows.items():
            marks = ", ".join("?" for _ in table_columns)
            for row in table_rows:
                copied = [attempt if name == "attempt_id" else moved(value, offset)
                          for name, value in zip(table_columns, row)]
                db.execute(f'INSERT INTO "{table}" ({", ".join(table_columns)}) VALUES ({marks})', copied)
    db.execute("COMMIT")
    total = db.execute("SELECT count(*) FROM quiz_attempts WHERE user_id = ? AND course_id = ? AND quiz_id = ? "
                       "AND closed_at IS NOT NULL", (user[0], course, quiz)).fetchone()[0]
    print(f"{login} has {total} closed attempts at {course}/{quiz} (tables copied: quiz_attempts, "
          f"{', '.join(related) or 'none'})")
    return 0 if total == count else 1


if __name__ == "__main__":
    sys.exit(main())
