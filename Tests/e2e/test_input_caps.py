"""Bounded learner input: the same answer caps on the quiz form, its autosave and the JSON API, a body limit per
route (a 7 MiB answer is refused before it is read, the database does not grow and the attempt still reads fast),
answers of the wrong kind or naming options not on the paper refused, and a daily cap on practice attempts
(`attempts_per_day`) on the start page and the API, lifted the next day."""

from __future__ import annotations

import shutil
import socket
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from conftest import (COURSES, STRONG_PASSWORD, ClockedServer, api_token, bearer, browser_sign_in, form_with_action,
                      hidden_csrf, http_language, login, needs_chromium, paper_questions, save_screenshot,
                      start_attempt_http, stop_and_check, ui_text, wait_for_navigation)

COURSE = "info-literacy"
PRACTICE = "practice-finding-information"
DAILY_CAP = 2
SERVER_BODY_LIMIT = 8 * 1024 * 1024
ANSWER_ROUTE_LIMIT = 256 * 1024
FORM_ROUTE_LIMIT = 64 * 1024
ANSWERS = "/api/v1/attempts/{attempt}/answers"


@pytest.fixture(scope="module")
def capped(tmp_path_factory):
    """A server with the default 8 MiB body limit (so only the per-route limits can refuse) and a copy of the
    shipped courses whose practice quiz allows two attempts a day; its clock can move to the next day."""
    directory = tmp_path_factory.mktemp("caps")
    courses = directory / "courses"
    shutil.copytree(COURSES, courses)
    quiz = courses / COURSE / "quizzes" / f"{PRACTICE}.yaml"
    text = quiz.read_text(encoding="utf-8")
    assert "\npass_mark:" in text
    quiz.write_text(text.replace("\npass_mark:", f"\nattempts_per_day: {DAILY_CAP}\npass_mark:", 1), encoding="utf-8")
    running = ClockedServer(directory / "server",
                            extra=("--max-body-bytes", str(SERVER_BODY_LIMIT), "--courses", str(courses))).start()
    yield running
    stop_and_check(running)


def new_key() -> str:
    return uuid.uuid4().hex


def learner(server, name: str):
    password = server.add_user(name, name.title())
    return login(server, name, password), bearer(api_token(server, name))


def database_bytes(server) -> int:
    return sum(path.stat().st_size for path in server.directory.glob(server.db.name + "*"))


def raw_post(server, path: str, headers: dict[str, str], declared: int, sent: bytes) -> tuple[int, str]:
    """POSTs with `Content-Length: declared` but only `sent` of the body, and reads the answer: a route that
    refuses the body before reading it answers at once."""
    head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {declared}\r\n"
    head += "".join(f"{name}: {value}\r\n" for name, value in headers.items()) + "\r\n"
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as connection:
        connection.sendall(head.encode() + sent)
        received = b""
        while b"\r\n\r\n" not in received:
            chunk = connection.recv(65536)
            if not chunk:
                break
            received += chunk
        while True:
            try:
                chunk = connection.recv(65536)
            except OSError:
                break
            if not chunk:
                break
            received += chunk
    status_line, _, rest = received.partition(b"\r\n")
    return int(status_line.split()[1]), rest.decode("utf-8", "replace")


def api_attempt(server, api) -> dict:
    response = api.post(server.url(f"/api/v1/courses/{COURSE}/quizzes/{PRACTICE}/attempts"), timeout=10)
    assert response.status_code == 201, f"start -> {response.status_code}: {response.text[:300]}"
    return response.json()


def question_of_kind(attempt: dict, *kinds: str) -> dict:
    return next(question for question in attempt["questions"] if question["kind"] in kinds)


def test_a_7_mib_answer_is_refused_before_it_is_read_and_the_database_does_not_grow(capped):
    _, api = learner(capped, "caps-bulk")
    attempt = api_attempt(capped, api)
    typed = question_of_kind(attempt, "short", "numeric")
    token = api.headers["Authorization"]
    before = database_bytes(capped)
    body = ('{"key":"%s","answers":[{"question":%d,"text":"' % (new_key(), typed["number"])).encode()
    declared = 7 * 1024 * 1024
    for _ in range(10):
        status, text = raw_post(capped, ANSWERS.format(attempt=attempt["id"]),
                                {"Authorization": token, "Content-Type": "application/json"}, declared,
                                body + b"x" * 65536)
        assert status == 413, f"a 7 MiB answer -> {status}: {text[:300]}"
        assert f"at most {ANSWER_ROUTE_LIMIT} bytes" in text, text[:300]
    # A body over the answer route's limit but far under the server's is refused too, however it is sent.
    oversized = {"key": new_key(), "answers": [{"question": typed["number"], "text": "字" * (ANSWER_ROUTE_LIMIT // 2)}]}
    response = api.post(capped.url(ANSWERS.format(attempt=attempt["id"])), json=oversized, timeout=15)
    assert response.status_code == 413, response.status_code
    grown = database_bytes(capped) - before
    assert grown < 64 * 1024, f"refused answers grew the database by {grown} bytes"
    started = time.monotonic()
    current = api.get(capped.url(f"/api/v1/attempts/{attempt['id']}"), timeout=10)
    elapsed = time.monotonic() - started
    assert current.status_code == 200 and elapsed < 0.5, f"reading the attempt took {elapsed:.2f} s"
    assert all("response" not in question for question in current.json()["questions"])


def test_a_form_post_over_its_routes_limit_is_refused_with_413(capped):
    for path in ("/login", "/profile/language", "/courses/x/quizzes/y/attempts", "/no/such/route"):
        status, text = raw_post(capped, path, {"Content-Type": "application/x-www-form-urlencoded"},
                                FORM_ROUTE_LIMIT + 1, b"language=en")
        assert status == 413, f"{path} -> {status}"
        assert f"at most {FORM_ROUTE_LIMIT} bytes" in text


def test_a_501_character_answer_is_refused_over_the_api_and_nothing_is_stored(capped):
    _, api = learner(capped, "caps-api-long")
    attempt = api_attempt(capped, api)
    typed = question_of_kind(attempt, "short", "numeric")
    url = capped.url(ANSWERS.format(attempt=attempt["id"]))
    response = api.post(url, json={"key": new_key(), "sequence": attempt["sequence"],
                                   "answers": [{"question": typed["number"], "text": "字" * 501}]}, timeout=10)
    assert response.status_code == 422, response.status_code
    problem = response.json()
    assert problem["error"] == "invalid answer" and "at most 500" in problem["reason"], problem
    # 500 characters are accepted, and stored as given.
    accepted = api.post(url, json={"key": new_key(), "sequence": attempt["sequence"],
                                   "answers": [{"question": typed["number"], "text": "字" * 500}]}, timeout=10)
    assert accepted.status_code == 200, accepted.text[:300]
    saved = next(question for question in accepted.json()["questions"] if question["number"] == typed["number"])
    assert saved["response"]["text"] == "字" * 500


def test_answers_of_the_wrong_kind_or_naming_options_not_on_the_paper_are_refused(capped):
    _, api = learner(capped, "caps-api-kind")
    attempt = api_attempt(capped, api)
    single = question_of_kind(attempt, "single")
    matching = question_of_kind(attempt, "matching")
    multiple = question_of_kind(attempt, "multiple")
    url = capped.url(ANSWERS.format(attempt=attempt["id"]))
    refused = {
        "text for a single choice": {"question": single["number"], "text": "a"},
        "a number for matching": {"question": matching["number"], "bool": True},
        "two kinds at once": {"question": single["number"], "choice": single["choices"][0]["id"], "text": "a"},
        "no answer at all": {"question": single["number"]},
        "an unknown option id": {"question": single["number"], "choice": "not-on-the-paper"},
        "an unknown option among several": {"question": multiple["number"],
                                            "choices": [multiple["choices"][0]["id"], "zzzzzzzz"]},
        "an unknown matching prompt": {"question": matching["number"], "matches": {"nope": matching["choices"][0]["id"]}},
        "a question the paper does not have": {"question": 99, "bool": True},
    }
    for name, answer in refused.items():
        response = api.post(url, json={"key": new_key(), "answers": [answer]}, timeout=10)
        assert response.status_code == 422, f"{name} -> {response.status_code}: {response.text[:300]}"
        assert response.json()["reason"], name
    twice = [{"question": single["number"], "choice": choice["id"]} for choice in single["choices"][:2]]
    response = api.post(url, json={"key": new_key(), "answers": twice}, timeout=10)
    assert response.status_code == 422 and "twice" in response.json()["reason"]
    wrong_kind = api.post(url, json={"key": new_key(), "answers": [refused["text for a single choice"]]}, timeout=10)
    assert '"choice"' in wrong_kind.json()["reason"], wrong_kind.json()
    current = api.get(capped.url(f"/api/v1/attempts/{attempt['id']}"), timeout=10).json()
    assert current["sequence"] == attempt["sequence"], "a refused answer took a step"
    assert all("response" not in question for question in current["questions"])


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_501_character_answer_on_the_form_comes_back_beside_its_question(capped, language):
    http, api = learner(capped, f"caps-form-{language}")
    http_language(capped, http, language)
    attempt = start_attempt_http(capped, http, COURSE, PRACTICE)
    page = http.get(capped.url(f"/attempts/{attempt}"), timeout=10)
    form = form_with_action(page.text, f"/attempts/{attempt}/save")
    questions = paper_questions(page.text)
    typed = next(question for question in questions if question.kind in ("short", "numeric"))
    single = next(question for question in questions if question.kind == "single")
    assert f'maxlength="500"' in page.text, "the typed answer's field does not say its limit"
    fields = [(name, form["inputs"][name].get("value", "")) for name in ("csrf_token", "sequence", "form_key")]
    long_answer = "字" * 501
    fields += [(f"answer-{single.number}", single.choices[0][0]), (f"answer-{typed.number}", long_answer), ("go", "save")]
    refused = http.post(capped.url(f"/attempts/{attempt}/save"), data=fields, allow_redirects=False, timeout=10)
    assert refused.status_code == 422, refused.status_code
    message = ui_text(language, "attempt.refused.too_long", limit=500, length=501)
    assert message in refused.text
    assert f'id="q{typed.number}-error"' in refused.text and 'class="error-summary"' in refused.text
    # The learner's answers are kept in the form, the long one and the others.
    assert f'value="{long_answer}"' in refused.text
    assert f'value="{single.choices[0][0]}" checked' in refused.text
    # Nothing of that save was stored.
    state = api.get(capped.url(f"/api/v1/attempts/{attempt}"), timeout=10).json()
    assert all("response" not in question for question in state["questions"]), state["questions"]
    # The page script's autosave gets the same refusal as JSON.
    autosave = http.post(capped.url(f"/attempts/{attempt}/save"), data=fields, headers={"Accept": "application/json"},
                         allow_redirects=False, timeout=10)
    assert autosave.status_code == 422 and autosave.json()["error"] == message


def test_the_practice_quizs_daily_cap_refuses_the_next_attempt_until_the_next_day(capped):
    http, api = learner(capped, "caps-daily")
    start_page = f"/courses/{COURSE}/quizzes/{PRACTICE}"
    for _ in range(DAILY_CAP):
        attempt = api_attempt(capped, api)
        submitted = api.post(capped.url(f"/api/v1/attempts/{attempt['id']}/submit"), json={"key": new_key()}, timeout=10)
        assert submitted.status_code == 200
    refused = api.post(capped.url(f"/api/v1/courses/{COURSE}/quizzes/{PRACTICE}/attempts"), timeout=10)
    assert refused.status_code == 409, refused.status_code
    assert f"daily limit of {DAILY_CAP} attempts reached" in refused.json()["reason"]
    # The page says so and when the learner can try again, in both languages, and a forged start is refused.
    for language in ("en", "zh"):
        http_language(capped, http, language)
        page = http.get(capped.url(start_page), timeout=10)
        expected = ui_text(language, "quiz.refused.daily", limit=DAILY_CAP).split("{time}")[0]
        assert expected in page.text, page.text[:3000]
        assert f'action="{start_page}/attempts"' not in page.text, "the start button is still offered"
    token = hidden_csrf(http.get(capped.url("/"), timeout=10).text, "/logout")
    forged = http.post(capped.url(f"{start_page}/attempts"), data={"csrf_token": token}, allow_redirects=False,
                       timeout=10)
    assert forged.status_code == 303 and forged.headers["Location"] == start_page
    # The next day in the server's time zone (Asia/Shanghai), a minute after midnight, the learner may start again.
    now = datetime.fromtimestamp(capped.now(), ZoneInfo("Asia/Shanghai"))
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    capped.advance((midnight - now).total_seconds() + 60)
    http = login(capped, "caps-daily", STRONG_PASSWORD)
    assert start_attempt_http(capped, http, COURSE, PRACTICE)


def test_the_shipped_courses_still_lint_clean_and_a_bad_daily_cap_is_a_lint_error(tmp_path: Path):
    from conftest import BINARY
    import subprocess

    done = subprocess.run([str(BINARY), "lint", str(COURSES)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-3000:]
    assert done.stdout.strip().splitlines()[-1].startswith("0 errors, 0 warnings"), done.stdout[-500:]
    courses = tmp_path / "courses"
    shutil.copytree(COURSES, courses)
    quiz = courses / COURSE / "quizzes" / f"{PRACTICE}.yaml"
    lines = quiz.read_text(encoding="utf-8").split("\n")
    at = next(index for index, line in enumerate(lines) if line.startswith("pass_mark:"))
    lines.insert(at, "attempts_per_day: -3")
    quiz.write_text("\n".join(lines), encoding="utf-8")
    done = subprocess.run([str(BINARY), "lint", str(courses)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    expected = f"{COURSE}/quizzes/{PRACTICE}.yaml:{at + 1}:19: error: 'attempts_per_day' must be at least 0, not -3"
    assert expected in done.stdout, done.stdout[-1500:]


@needs_chromium
@pytest.mark.parametrize("language", ["zh", "en"])
def test_in_the_browser_an_over_long_answer_comes_back_beside_its_question_and_the_page_passes_axe(
        capped, chromium, language):
    from selenium.webdriver.common.by import By
    from test_accessibility import axe_source, axe_violations, describe

    name = f"caps-browser-{language}"
    password = capped.add_user(name, name.title())
    driver = chromium(language)
    browser_sign_in(driver, capped, name, password, language)
    driver.get(capped.url(f"/courses/{COURSE}/quizzes/{PRACTICE}"))
    wait_for_navigation(driver, lambda: driver.find_element(
        By.CSS_SELECTOR, f"form[action='/courses/{COURSE}/quizzes/{PRACTICE}/attempts'] button").click(),
        lambda path: path.startswith("/attempts/"), "start did not open the attempt")
    field = driver.find_element(By.CSS_SELECTOR, "input[type='text'][id$='-text']")
    assert field.get_attribute("maxlength") == "500"
    field.send_keys("字" * 600)
    assert len(field.get_attribute("value")) == 500, "the browser let more than 500 characters in"
    # A page that does not say its limit (an old page, a script) can still send more: the server refuses it.
    driver.execute_script("arguments[0].removeAttribute('maxlength'); arguments[0].value = arguments[1];",
                          field, "字" * 501)
    number = field.get_attribute("id")[1:-len("-text")]
    wait_for_navigation(driver, lambda: driver.find_element(
        By.CSS_SELECTOR, "button[name='go'][value='save']").click(), message="save did not answer")
    message = ui_text(language, "attempt.refused.too_long", limit=500, length=501)
    error = driver.find_element(By.ID, f"q{number}-error")
    assert error.text == message
    again = driver.find_element(By.ID, f"q{number}-text")
    assert again.get_attribute("value") == "字" * 501 and again.get_attribute("aria-invalid") == "true"
    assert driver.switch_to.active_element == again, "the focus is not on the refused answer"
    summary = driver.find_element(By.CSS_SELECTOR, ".error-summary a")
    assert summary.get_attribute("href").endswith(f"#q{number}-text")
    save_screenshot(driver, "attempt-answer-too-long", language)
    violations = axe_violations(driver, axe_source())
    assert not violations, describe(violations)
