"""No answer key reaches a learner before the review policy allows it, in pages or in the API; papers differ from
attempt to attempt; under `after_passing` a failed exam's result shows pass/fail and the score only, a passed one
explains."""

from __future__ import annotations

import html
import json
import re
import uuid

import pytest

from conftest import (
    answer_attempt_http,
    api_questions,
    api_token,
    bearer,
    form_with_action,
    hidden_csrf,
    http_language,
    login,
    paper_questions,
    start_attempt_http,
    submit_attempt_http,
    ui_text,
)

COURSE = "info-security"
EXAM = "final-exam"
KEY_WORDS = ("fraction", "weight", "rightAnswer", "explanation")
HTML_ATTEMPTS = 5
API_ATTEMPTS = 5


def secrets_of(authored) -> list[str]:
    """Explanations and feedback of every question, both languages, minus anything a paper shows anyway."""
    shown = set(authored.shown_texts())
    texts = set(authored.explanations()) | set(authored.feedback_texts())
    return sorted(text for text in texts if text not in shown and len(text) >= 6)


def authored_option_ids(authored) -> set[str]:
    ids: set[str] = set()
    for question in authored.questions:
        for index, option in enumerate(question.get("options", [])):
            ids.add(str(option.get("id", chr(ord("a") + index))))
        for index, pair in enumerate(question.get("pairs", [])):
            ids.add(str(pair.get("id", index + 1)))
    return ids


def readable(response) -> str:
    """A body as its reader sees it: JSON as its keys and strings (no escapes), HTML with entities resolved."""
    if response.headers.get("Content-Type", "").startswith("application/json"):
        def strings(value) -> list[str]:
            if isinstance(value, dict):
                return [part for key, item in value.items() for part in [key, *strings(item)]]
            if isinstance(value, list):
                return [part for item in value for part in strings(item)]
            return [value] if isinstance(value, str) else [json.dumps(value)]
        return "\n".join(strings(response.json()))
    return html.unescape(response.text)


class Collector:
    """Every response body a learner received, with where it came from."""

    def __init__(self) -> None:
        self.bodies: list[tuple[str, str]] = []

    def add(self, where: str, response) -> None:
        self.bodies.append((where, readable(response)))

    def assert_clean(self, authored, *, key_words: bool = True) -> None:
        secrets = secrets_of(authored)
        assert secrets, "the quiz has no explanations to look for"
        for where, body in self.bodies:
            leaked = [secret for secret in secrets if secret in body]
            assert not leaked, f"{where} contains answer-key text: {leaked[0][:120]!r}"
            if key_words:
                words = [word for word in KEY_WORDS if word in body]
                assert not words, f"{where} contains {words}"


def assert_presented_ids(questions, authored_ids: set[str], where: str) -> None:
    for question in questions:
        for choice_id, _ in question.choices + question.prompts:
            assert choice_id not in authored_ids, f"{where}: question {question.number} shows authored id {choice_id!r}"
            assert re.fullmatch(r"[a-z2-9]{8}", choice_id), f"{where}: option id {choice_id!r} is not opaque"


def correct_positions(questions, authored, language: str) -> list[tuple[str, int]]:
    """(question id, position of the right option) for each single-choice question of a paper."""
    positions = []
    for question in questions:
        if question.kind != "single":
            continue
        right = authored.answer(question, language, right=True).choices[0]
        authored_question = authored.find(question.text, language)
        positions.append((authored_question["id"], [choice for choice, _ in question.choices].index(right)))
    return positions


def test_no_answer_key_reaches_the_learner_before_the_review_policy_allows(clocked_server, book, unique):
    server = clocked_server
    authored = book.quiz(COURSE, EXAM)
    authored_ids = authored_option_ids(authored)
    collected = Collector()
    papers: list[list[tuple[str, int]]] = []

    for index in range(HTML_ATTEMPTS):
        language = "zh" if index % 2 == 0 else "en"
        learner = unique("keys-html")
        http = login(server, learner, server.add_user(learner, "答案检查"))
        http_language(server, http, language)
        start = http.get(server.url(f"/courses/{COURSE}/quizzes/{EXAM}"), timeout=10)
        collected.add("the start page", start)
        attempt = start_attempt_http(server, http, COURSE, EXAM)
        page = http.get(server.url(f"/attempts/{attempt}"), timeout=10)
        collected.add("the attempt page", page)
        questions = paper_questions(page.text)
        assert len(questions) == 16
        assert_presented_ids(questions, authored_ids, "the attempt page")
        papers.append(correct_positions(questions, authored, language))
        for number in (1, 2, 16):
            collected.add(f"page {number} of the attempt", http.get(server.url(f"/attempts/{attempt}?page={number}"), timeout=10))
        # Half right, half wrong, saved by the form and by the autosave's JSON request.
        form = form_with_action(page.text, f"/attempts/{attempt}/save")
        fields = [(name, form["inputs"][name].get("value", "")) for name in ("csrf_token", "sequence", "form_key")]
        for question in questions:
            fields += authored.answer(question, language, right=question.number % 2 == 0).form_fields()
        autosaved = http.post(server.url(f"/attempts/{attempt}/save"), data=fields + [("go", "save")],
                              headers={"Accept": "application/json"}, timeout=10)
        assert autosaved.status_code == 200, autosaved.text[:300]
        collected.add("the autosave's answer", autosaved)
        saved_page = http.get(server.url(f"/attempts/{attempt}?notice=saved"), timeout=10)
        collected.add("the attempt page after saving", saved_page)
        collected.add("the summary", http.get(server.url(f"/attempts/{attempt}/summary"), timeout=10))
        collected.add("the quiz history", http.get(server.url("/attempts"), timeout=10))

    api_attempts = []
    for index in range(API_ATTEMPTS):
        learner = unique("keys-api")
        server.add_user(learner, "API 答案检查")
        api = bearer(api_token(server, learner))
        started = api.post(server.url(f"/api/v1/courses/{COURSE}/quizzes/{EXAM}/attempts"), timeout=10)
        assert started.status_code == 201, started.text[:300]
        collected.add("the API's new attempt", started)
        attempt = started.json()
        questions = api_questions(attempt, "en")
        assert_presented_ids(questions, authored_ids, "the API's attempt")
        papers.append(correct_positions(questions, authored, "en"))
        answers = [authored.answer(question, "en", right=question.number % 2 == 1).api() for question in questions]
        saved = api.post(server.url(f"/api/v1/attempts/{attempt['id']}/answers"),
                         json={"key": uuid.uuid4().hex, "sequence": attempt["sequence"], "answers": answers}, timeout=10)
        assert saved.status_code == 200, saved.text[:300]
        collected.add("the API's saved attempt", saved)
        collected.add("the API's attempt", api.get(server.url(f"/api/v1/attempts/{attempt['id']}"), timeout=10))
        api_attempts.append((api, attempt["id"]))

    collected.assert_clean(authored)

    # Papers differ by seed: question order, and the place of the right option.
    orders = {tuple(question for question, _ in paper) for paper in papers}
    assert len(orders) > 1, "every paper asks its single-choice questions in the same order"
    first_positions = {paper[0][1] for paper in papers if paper}
    all_positions = {position for paper in papers for _, position in paper}
    assert len(first_positions) > 1 and len(all_positions) > 1, (
        f"the right option is always at position {all_positions} across {len(papers)} papers")
    by_question: dict[str, set[int]] = {}
    for paper in papers:
        for question, position in paper:
            by_question.setdefault(question, set()).add(position)
    assert any(len(positions) > 1 for positions in by_question.values()), by_question

    # Submitted and failed (the API's papers were half wrong): still nothing beyond pass/fail and the score.
    closed = Collector()
    for api, attempt in api_attempts[:2]:
        submitted = api.post(server.url(f"/api/v1/attempts/{attempt}/submit"), json={"key": uuid.uuid4().hex}, timeout=10)
        assert submitted.status_code == 200 and submitted.json()["passed"] is False, submitted.text[:300]
        assert submitted.json()["score"]["passed"] is False
        closed.add("the API's failed attempt", submitted)
        closed.add("the API's failed attempt, read again", api.get(server.url(f"/api/v1/attempts/{attempt}"), timeout=10))
    closed.assert_clean(authored, key_words=False)
    for where, body in closed.bodies:
        # The attempt's own score carries a fraction; no question's key word may appear.
        words = [word for word in KEY_WORDS if word != "fraction" and word in body]
        assert not words, f"{where} contains {words}"


@pytest.mark.parametrize("language", ["zh", "en"])
def test_after_passing_policy_shows_pass_or_fail_only_until_the_learner_passes(clocked_server, book, unique, language):
    server = clocked_server
    authored = book.quiz(COURSE, EXAM)
    learner = unique(f"keys-review-{language}")
    http = login(server, learner, server.add_user(learner, "复核学员"))
    http_language(server, http, language)

    failed = start_attempt_http(server, http, COURSE, EXAM)
    answer_attempt_http(server, http, failed, authored, language, right=False)
    result = submit_attempt_http(server, http, failed)
    text = readable(result)
    assert ui_text(language, "result.failed") in text
    assert ui_text(language, "result.score").split("{mark}")[0] in text, "a failed exam shows its score"
    explanations = [question["explanation"][language] for question in authored.questions]
    assert not [explanation for explanation in explanations if explanation in text], "a failed exam's result explains"
    assert 'class="explanation"' not in result.text and 'class="review"' not in result.text
    start = http.get(server.url(f"/courses/{COURSE}/quizzes/{EXAM}"), timeout=10)
    assert not [explanation for explanation in explanations if explanation in readable(start)]

    # A forged start is refused during the delay (the page has no start form, but a POST could be sent).
    token = hidden_csrf(start.text, "/logout")
    refused = http.post(server.url(f"/courses/{COURSE}/quizzes/{EXAM}/attempts"), data={"csrf_token": token},
                        allow_redirects=False, timeout=10)
    assert refused.status_code == 303 and refused.headers["Location"] == f"/courses/{COURSE}/quizzes/{EXAM}"

    server.advance(11 * 60)
    passed = start_attempt_http(server, http, COURSE, EXAM)
    answer_attempt_http(server, http, passed, authored, language, right=True)
    text = readable(submit_attempt_http(server, http, passed))
    assert ui_text(language, "result.passed") in text
    assert "100%" in text
    shown = [explanation for explanation in explanations if explanation in text]
    assert len(shown) == 16, f"a passed exam's result shows {len(shown)} explanations of 16"
    assert ui_text(language, "result.right_answer") not in text, "the policy shows no right answers"

    # Now the failed attempt's review is open too.
    earlier = readable(http.get(server.url(f"/attempts/{failed}/result"), timeout=10))
    assert ui_text(language, "result.failed") in earlier
    assert len([explanation for explanation in explanations if explanation in earlier]) == 16
