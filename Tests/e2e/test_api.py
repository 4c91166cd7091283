"""The learner flow over the JSON API with a Bearer token, every response checked against docs/openapi.yaml:
catalogue, progress, an exam failed and passed, idempotent saves, stale sequences, repeated submits, and
other people's attempts."""

from __future__ import annotations

import uuid

import pytest

from conftest import api_questions, api_token, bearer, client

COURSE = "info-literacy"
EXAM = "final-exam"
START = "/api/v1/courses/{course}/quizzes/{quiz}/attempts"
ATTEMPT = "/api/v1/attempts/{attempt}"
ANSWERS = "/api/v1/attempts/{attempt}/answers"
SUBMIT = "/api/v1/attempts/{attempt}/submit"


class API:
    """One person's Bearer-token client that checks every response against the description."""

    def __init__(self, server, token: str, openapi) -> None:
        self.server = server
        self.http = bearer(token)
        self.openapi = openapi

    def call(self, method: str, template: str, body: dict | None = None, expect: int | None = None, **parameters):
        path = template.format(**parameters)
        response = self.http.request(method, self.server.url(path), json=body, timeout=15)
        if expect is not None:
            assert response.status_code == expect, f"{method} {path} -> {response.status_code}: {response.text[:500]}"
        return response.status_code, self.openapi.check(response, template, method)


@pytest.fixture(scope="module")
def people(clocked_server, openapi):
    server = clocked_server
    tokens = {}
    for person in ("api-learner", "api-other"):
        server.add_user(person, person.replace("-", " ").title())
        tokens[person] = API(server, api_token(server, person), openapi)
    return tokens


def new_key() -> str:
    return uuid.uuid4().hex


def answers_for(attempt: dict, authored, *, right: bool) -> list[dict]:
    return [authored.answer(question, "en", right=right).api() for question in api_questions(attempt, "en")]


def assert_no_review(attempt: dict) -> None:
    assert "score" not in attempt
    for question in attempt["questions"]:
        for key in ("mark", "rightAnswer", "explanation", "feedback"):
            assert key not in question, f"question {question['number']} carries {key} before the review allows it"
        assert question["state"] in ("todo", "complete", "invalid", "gave_up"), question["state"]


def test_without_a_token_the_api_answers_401(clocked_server, openapi):
    for template in ("/api/v1/me", "/api/v1/catalogue", "/api/v1/progress"):
        response = client().get(clocked_server.url(template), timeout=10)
        assert response.status_code == 401, f"GET {template} without a token -> {response.status_code}"
        openapi.check(response, template)
    response = client().get(clocked_server.url("/api/v1/me"), headers={"Authorization": "Bearer csa_not-a-token"},
                            timeout=10)
    assert response.status_code == 401


def test_catalogue_and_progress_describe_the_courses(people, book):
    api = people["api-learner"]
    _, me = api.call("GET", "/api/v1/me", expect=200)
    assert me["login"] == "api-learner" and me["roles"] == ["learner"]
    _, catalogue = api.call("GET", "/api/v1/catalogue", expect=200)
    courses = {course["id"]: course for course in catalogue}
    assert set(courses) == set(book.courses)
    course = courses[COURSE]
    assert [module["id"] for module in course["modules"]] == book.course(COURSE)["modules"]
    assert course["studyHours"] == book.course(COURSE)["study_hours"]
    exam = next(quiz for quiz in course["quizzes"] if quiz["id"] == EXAM)
    assert exam == {**exam, "mode": "exam", "passMark": 0.8, "maxAttempts": 3, "completesCourse": True}
    _, progress = api.call("GET", "/api/v1/progress", expect=200)
    assert progress["hoursThisYear"] == 0 and progress["requiredHours"] == 90
    line = next(entry for entry in progress["courses"] if entry["id"] == COURSE)
    assert line["state"] == "not_started" and line["completionQuizPassed"] is False


def test_an_exam_over_the_api_fails_waits_and_passes_with_idempotent_saves_and_submits(
        clocked_server, people, book):
    api, other = people["api-learner"], people["api-other"]
    authored = book.quiz(COURSE, EXAM)

    _, attempt = api.call("POST", START, expect=201, course=COURSE, quiz=EXAM)
    attempt_id = attempt["id"]
    assert attempt["closed"] is False and attempt["mode"] == "exam" and len(attempt["questions"]) == 16
    assert all("response" not in question for question in attempt["questions"])
    assert_no_review(attempt)
    assert attempt["deadline"] - attempt["startedAt"] == pytest.approx(30 * 60, abs=2)

    # Starting again while it is open is refused with the reason.
    status, refused = api.call("POST", START, course=COURSE, quiz=EXAM)
    assert status == 409 and attempt_id in refused["reason"], refused

    # Save wrong answers with a key; the same request again adds no second step.
    wrong = answers_for(attempt, authored, right=False)
    key = new_key()
    body = {"key": key, "sequence": attempt["sequence"], "answers": wrong}
    _, saved = api.call("POST", ANSWERS, body, expect=200, attempt=attempt_id)
    assert saved["sequence"] > attempt["sequence"]
    assert all(question["state"] == "complete" and "response" in question for question in saved["questions"])
    assert_no_review(saved)
    _, repeated = api.call("POST", ANSWERS, body, expect=200, attempt=attempt_id)
    assert repeated["sequence"] == saved["sequence"], "repeating an idempotency key took a second step"
    _, current = api.call("GET", ATTEMPT, expect=200, attempt=attempt_id)
    assert current["sequence"] == saved["sequence"]
    # The same key with other answers is refused; so is a new key with the old sequence.
    right = answers_for(attempt, authored, right=True)
    status, problem = api.call("POST", ANSWERS, {"key": key, "sequence": saved["sequence"], "answers": right},
                               attempt=attempt_id)
    assert status == 409, f"a reused key with other answers -> {status}"
    status, problem = api.call("POST", ANSWERS, {"key": new_key(), "sequence": attempt["sequence"], "answers": right},
                               attempt=attempt_id)
    assert status == 409, f"a stale sequence -> {status}"
    _, current = api.call("GET", ATTEMPT, expect=200, attempt=attempt_id)
    assert current["sequence"] == saved["sequence"]
    assert [question.get("response") for question in current["questions"]] == \
        [question.get("response") for question in saved["questions"]], "a refused save changed the answers"
    # An answer naming an option that is not on this paper is refused (422).
    forged = [{"question": 1, "choice": "a"}] if attempt["questions"][0]["kind"] == "single" else \
        [{"question": 1, "matches": {"x": "y"}}]
    status, _ = api.call("POST", ANSWERS, {"key": new_key(), "answers": forged}, attempt=attempt_id)
    assert status == 422, f"a forged option id -> {status}"

    # Someone else cannot see, answer or submit it.
    other.call("GET", ATTEMPT, expect=404, attempt=attempt_id)
    other.call("POST", ANSWERS, {"key": new_key(), "answers": right}, expect=404, attempt=attempt_id)
    other.call("POST", SUBMIT, {"key": new_key()}, expect=404, attempt=attempt_id)
    api.call("GET", ATTEMPT, expect=404, attempt="no-such-attempt")

    # Submit: failed, and under after_passing nothing but the score is shown. Submitting again changes nothing.
    submit_key = new_key()
    _, closed = api.call("POST", SUBMIT, {"key": submit_key}, expect=200, attempt=attempt_id)
    assert closed["closed"] is True and closed["passed"] is False
    assert closed["score"]["passed"] is False and closed["score"]["fraction"] < 0.8
    assert_no_review({key: value for key, value in closed.items() if key != "score"})
    _, again = api.call("POST", SUBMIT, {"key": submit_key}, expect=200, attempt=attempt_id)
    assert again == closed, "repeating the submit changed the attempt"
    status, _ = api.call("POST", SUBMIT, {"key": new_key()}, attempt=attempt_id)
    assert status in (200, 409), status
    status, _ = api.call("POST", ANSWERS, {"key": new_key(), "answers": right}, attempt=attempt_id)
    assert status == 409, f"saving into a closed attempt -> {status}"
    _, after = api.call("GET", ATTEMPT, expect=200, attempt=attempt_id)
    assert after["closedAt"] == closed["closedAt"] and after["passed"] is False

    # The delay: refused now, allowed after ten minutes.
    status, refused = api.call("POST", START, course=COURSE, quiz=EXAM)
    assert status == 409 and "next attempt" in refused["reason"], refused
    clocked_server.advance(11 * 60)
    _, retake = api.call("POST", START, expect=201, course=COURSE, quiz=EXAM)
    assert retake["number"] == 2
    _, saved = api.call("POST", ANSWERS, {"key": new_key(), "sequence": retake["sequence"],
                                          "answers": answers_for(retake, authored, right=True)},
                        expect=200, attempt=retake["id"])
    assert_no_review(saved)
    _, passed = api.call("POST", SUBMIT, {"key": new_key()}, expect=200, attempt=retake["id"])
    assert passed["passed"] is True
    assert passed["score"] == {"mark": 16, "maxMark": 16, "fraction": 1, "passed": True}
    for question in passed["questions"]:
        assert question["state"] == "graded_right" and question["mark"] == question["maxMark"]
        assert question["explanation"]["zh"] and question["explanation"]["en"]
        assert "rightAnswer" not in question, "the policy shows no right answers"

    # Once passed, the review of the failed attempt opens too.
    _, first = api.call("GET", ATTEMPT, expect=200, attempt=attempt_id)
    assert first["score"]["passed"] is False and first["score"]["fraction"] < 0.8
    assert all("explanation" in question for question in first["questions"])

    _, progress = api.call("GET", "/api/v1/progress", expect=200)
    line = next(entry for entry in progress["courses"] if entry["id"] == COURSE)
    assert line["completionQuizPassed"] is True and line["fraction"] > 0
    assert progress["hoursThisYear"] == pytest.approx(book.exam_hours(COURSE))
    assert line["state"] == "in_progress", (
        f"a course whose final exam is passed is reported as {line['state']!r}, not started")
