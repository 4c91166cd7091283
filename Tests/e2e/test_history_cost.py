"""A long quiz history: the pages that show only outcomes (start page, start, result, dashboard, catalogue, course
page, progress, quiz history) read the summaries stored beside the steps, never the steps of closed attempts.

The test gives a learner many closed attempts by copying a real one in the database, then makes the steps of the
copies unreadable: any page that still replayed closed attempts would fail with 500."""

from __future__ import annotations

import sqlite3

from conftest import (answer_attempt_http, login, start_attempt_http, submit_attempt_http, ui_text)

COURSE = "info-literacy"
QUIZ = "practice-data-sharing"
COPIES = 40


def copy_closed_attempt(db, attempt: str, copies: int) -> list[str]:
    """Adds `copies` closed attempts after `attempt` (same person, quiz, paper and summary) whose steps cannot be
    read; returns their ids."""
    connection = sqlite3.connect(db, timeout=10)
    try:
        with connection:
            row = connection.execute("SELECT * FROM quiz_attempts WHERE id = ?", (attempt,)).fetchone()
            columns = [column[0] for column in connection.execute("SELECT * FROM quiz_attempts LIMIT 0").description]
            original = dict(zip(columns, row))
            assert original["closed_at"] is not None and original["passed"] is not None, original
            ids = []
            for index in range(copies):
                copy = dict(original, id=f"copy-{index:04d}", number=original["number"] + 1 + index,
                            started_at=original["started_at"] - 86400 + index,
                            closed_at=original["started_at"] - 86000 + index)
                connection.execute(f"INSERT INTO quiz_attempts ({', '.join(copy)}) VALUES "
                                   f"({', '.join('?' for _ in copy)})", list(copy.values()))
                connection.execute("""
                    INSERT INTO attempt_steps (attempt_id, sequence, at, step, idempotency_key)
                    SELECT ?, sequence, at, 'unreadable: closed attempts are not replayed', NULL
                    FROM attempt_steps WHERE attempt_id = ?""", (copy["id"], attempt))
                ids.append(copy["id"])
            return ids
    finally:
        connection.close()


def test_pages_of_a_long_history_read_no_steps_of_closed_attempts(fresh_server, unique, book):
    server = fresh_server()
    person = unique("history")
    password = server.add_user(person, "History Learner")
    http = login(server, person, password)
    authored = book.quiz(COURSE, QUIZ)

    first = start_attempt_http(server, http, COURSE, QUIZ)
    answer_attempt_http(server, http, first, authored, "zh", right=True)
    submit_attempt_http(server, http, first)
    copy_closed_attempt(server.db, first, COPIES)
    total = COPIES + 1

    start_path = f"/courses/{COURSE}/quizzes/{QUIZ}"
    page = http.get(server.url(start_path), timeout=10)
    assert page.status_code == 200, f"GET {start_path} -> {page.status_code}"
    # The start page lists the latest attempts and points to the full history.
    assert ui_text("zh", "quiz.history.latest", shown=10, total=total) in page.text
    assert 'href="/attempts"' in page.text
    assert page.text.count("/result\"") == 10
    assert len(page.content) <= 50 * 1024

    second = start_attempt_http(server, http, COURSE, QUIZ)
    answer_attempt_http(server, http, second, authored, "zh", right=False)
    result = submit_attempt_http(server, http, second)
    assert ui_text("zh", "result.failed") in result.text

    for path in ("/", "/courses", f"/courses/{COURSE}", "/api/v1/progress", "/attempts", start_path):
        response = http.get(server.url(path), timeout=10)
        assert response.status_code == 200, f"GET {path} -> {response.status_code}"
    progress = http.get(server.url("/api/v1/progress"), timeout=10).json()
    line = next(entry for entry in progress["courses"] if entry["id"] == COURSE)
    assert line["state"] == "in_progress"
    listed = http.get(server.url("/attempts"), timeout=10).text
    assert listed.count("/result\"") == total + 1
    assert ui_text("zh", "quiz.history.latest", shown=10, total=total + 1) in \
        http.get(server.url(start_path), timeout=10).text
