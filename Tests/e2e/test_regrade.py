"""`training-server regrade --all` over attempts stored through the API: an answer typed as "2004年" was
unreadable while the question declared no unit; once the corrected course files declare 年, the preview
names the learner who now passes, stores nothing, and `--apply` stores the pass."""

from __future__ import annotations

import shutil
import uuid

from conftest import COURSES, api_questions, api_token, bearer

COURSE = "service-ethics"
QUIZ = "practice-rule-of-law"
UNITS = "        units: [年]\n        chinese_numerals: true\n"


def test_regrade_all_names_who_now_passes_and_applies_it(fresh_server, book, tmp_path):
    courses = tmp_path / "Courses"
    shutil.copytree(COURSES, courses)
    quiz_file = courses / COURSE / "quizzes" / f"{QUIZ}.yaml"
    corrected = quiz_file.read_text(encoding="utf-8")
    assert corrected.count(UNITS) == 1, "the year question declares its unit"
    quiz_file.write_text(corrected.replace(UNITS, ""), encoding="utf-8")

    server = fresh_server(demo=False, extra=("--courses", str(courses)))
    server.add_user("regrade-learner", "Regrade Learner")
    http = bearer(api_token(server, "regrade-learner"))
    started = http.post(server.url(f"/api/v1/courses/{COURSE}/quizzes/{QUIZ}/attempts"), json={}, timeout=15)
    assert started.status_code == 201, started.text
    attempt = started.json()
    authored = book.quiz(COURSE, QUIZ)
    answers, right = [], 0
    for question in api_questions(attempt, "en"):
        if question.kind == "numeric" and "Implementation Outline" in question.text:
            answers.append({"question": question.number, "text": "2004年"})
        else:
            # Three of the other five right: 3 of 6 fails, 4 of 6 (with the year) passes the 60% mark.
            answers.append(authored.answer(question, "en", right=right < 3).api())
            right += 1
    assert len(answers) == 6
    saved = http.post(server.url(f"/api/v1/attempts/{attempt['id']}/answers"),
                      json={"key": uuid.uuid4().hex, "answers": answers}, timeout=15)
    assert saved.status_code == 200, saved.text
    submitted = http.post(server.url(f"/api/v1/attempts/{attempt['id']}/submit"), json={"key": uuid.uuid4().hex}, timeout=15)
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["passed"] is False, submitted.json()

    # The corrected course files: the year question now reads 2004年 as 2004.
    quiz_file.write_text(corrected, encoding="utf-8")
    preview = server.cli("regrade", "--all", "--courses", str(courses)).stdout
    line = next(line for line in preview.splitlines() if line.strip().startswith("regrade-learner"))
    assert "3.00/6.00 (50%) fail -> 4.00/6.00 (67%) pass" in line and line.endswith("NOW PASSES"), preview
    assert f"Regrade of {COURSE}/{QUIZ} to version" in preview, preview
    assert f"{COURSE}/practice-accountability: nothing to regrade" in preview, preview
    assert "1 attempts replayed, 1 change, 1 now pass, 0 now fail" in preview, preview
    assert "nothing stored; run again with --apply" in preview, preview
    assert http.get(server.url(f"/api/v1/attempts/{attempt['id']}"), timeout=15).json()["passed"] is False

    applied = server.cli("regrade", "--all", "--apply", "--courses", str(courses)).stdout
    assert "applied; results of 1 people changed" in applied, applied
    assert http.get(server.url(f"/api/v1/attempts/{attempt['id']}"), timeout=15).json()["passed"] is True
    again = server.cli("regrade", "--all", "--courses", str(courses)).stdout
    assert "All quizzes: 0 attempts replayed, 0 change, 0 now pass, 0 now fail" in again, again
