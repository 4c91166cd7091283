"""The quiz pages never mark a learner silently and always tell them where they stand: a typed answer that cannot
be read is pointed out beside its question (without script after saving, with script at once) and again before
submitting; every numeric question says what form its answer takes; "check" without an answer asks for one; a
failed exam's result shows the score, the pass mark, the attempts left and when the next may start; a practice
quiz's link on a module page says "Practice" once; the question legend stays inside its fieldset's border."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from conftest import (
    answer_attempt_http,
    browser_path,
    browser_sign_in,
    form_with_action,
    http_language,
    login,
    needs_chromium,
    page_text,
    paper_questions,
    save_screenshot,
    start_attempt_http,
    submit_attempt_http,
    ui_text,
    wait_for,
    wait_for_navigation,
)

LANGUAGES = ["zh", "en"]
COURSE = "info-literacy"
PRACTICE = "practice-one-stop-services"
EXAM = "final-exam"
# Answers no reader will ever take for a number: a word, a comma that may be a decimal point or a thousands
# separator, and a comma in the wrong place for a thousands separator.
UNREADABLE = ["abc", "3,5", "1,5000"]


def text_of(markup: str) -> str:
    """A page's text as a reader sees it: tags dropped, entities resolved, whitespace folded."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def unreadable_prefix(language: str, answer: str) -> str:
    """The start of the message for an unreadable `answer`, whatever the reason the reader gives."""
    return ui_text(language, "attempt.unreadable", answer=answer).split("{reason}")[0]


def learner_http(server, unique, language: str, name: str = "反馈学员"):
    login_name = unique(f"feedback-{language}")
    http = login(server, login_name, server.add_user(login_name, name))
    http_language(server, http, language)
    return http


def post_save(server, http, attempt: str, answers: dict[int, str], go: str, page: int | None = None):
    """Posts the attempt form as a browser without script would, with `answers` typed for their questions."""
    path = f"/attempts/{attempt}" + (f"?page={page}" if page else "")
    current = http.get(server.url(path), timeout=10)
    assert current.status_code == 200, f"GET {path} -> {current.status_code}"
    form = form_with_action(current.text, f"/attempts/{attempt}/save")
    fields = [(name, form["inputs"][name].get("value", "")) for name in ("csrf_token", "sequence", "form_key")]
    if page:
        fields.append(("page", str(page)))
    fields += [(f"answer-{number}", text) for number, text in answers.items()]
    fields.append(("go", go))
    saved = http.post(server.url(f"/attempts/{attempt}/save"), data=fields, allow_redirects=False, timeout=10)
    assert saved.status_code == 303, f"POST /attempts/{attempt}/save -> {saved.status_code}: {saved.text[:300]}"
    return saved


def numeric_numbers(page: str) -> list[int]:
    return [question.number for question in paper_questions(page) if question.kind == "numeric"]


def input_tag(page: str, element_id: str) -> str:
    found = re.search(r'<(?:input|select)[^>]*\bid="' + re.escape(element_id) + r'"[^>]*>', page)
    assert found, f"no input #{element_id} on the page"
    return found.group(0)


def attribute(tag: str, name: str) -> str | None:
    found = re.search(r'\b' + name + r'="([^"]*)"', tag)
    return html.unescape(found.group(1)) if found else None


# --- 1. never a silent zero ------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("answer", UNREADABLE)
def test_saving_an_unreadable_number_says_so_beside_the_question_and_returns_to_it(clocked_server, unique,
                                                                                   language, answer):
    server = clocked_server
    http = learner_http(server, unique, language)
    attempt = start_attempt_http(server, http, COURSE, PRACTICE)
    page = http.get(server.url(f"/attempts/{attempt}"), timeout=10).text
    [number] = numeric_numbers(page)

    saved = post_save(server, http, attempt, {number: answer}, "save")
    location = urlsplit(saved.headers["Location"])
    assert location.path == f"/attempts/{attempt}"
    assert parse_qs(location.query).get("focus") == [str(number)], saved.headers["Location"]
    assert location.fragment == f"q{number}-text", "the redirect does not lead back to the question's input"
    assert "notice=saved" not in location.query

    shown = http.get(server.url(saved.headers["Location"]), timeout=10).text
    field = input_tag(shown, f"q{number}-text")
    assert attribute(field, "value") == answer, "the field lost what the learner typed"
    assert attribute(field, "aria-invalid") == "true"
    assert attribute(field, "aria-describedby").split() == [f"q{number}-hint", f"q{number}-error"]
    assert re.search(r"\bautofocus\b", field), "the focus does not return to the question"
    message = re.search(rf'<p class="field-error" id="q{number}-error" data-kind="unreadable">(.*?)</p>', shown)
    assert message, "no message beside the question"
    message_text = html.unescape(message.group(1))
    assert message_text.startswith(unreadable_prefix(language, answer)), message_text
    assert message_text.endswith(ui_text(language, "attempt.number_hint")), message_text
    # The message sits in the question's own fieldset, and the page's list of problems links to the input.
    fieldset = shown.split(f'id="question-{number}"')[1].split("</fieldset>")[0]
    assert f'id="q{number}-error"' in fieldset
    summary = shown.split('id="problems"')[1].split("</div>")[0]
    assert f'href="#q{number}-text"' in summary
    assert ui_text(language, "attempt.invalid_answer", number=number) in text_of(summary)

    # Typing a readable number clears the message.
    fixed = post_save(server, http, attempt, {number: "716"}, "save")
    assert "notice=saved" in fixed.headers["Location"]
    again = http.get(server.url(fixed.headers["Location"]), timeout=10).text
    assert f'id="q{number}-error"' not in again and 'aria-invalid' not in again


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_numeric_question_shows_the_expected_form_tied_to_its_input(clocked_server, book, unique, language):
    server = clocked_server
    http = learner_http(server, unique, language)
    checked = 0
    for quiz_id in book.course(COURSE)["quizzes"]:
        authored = book.quiz(COURSE, quiz_id)
        if not any(question["type"] == "numeric" for question in authored.questions) or quiz_id == EXAM:
            continue
        attempt = start_attempt_http(server, http, COURSE, quiz_id)
        page = http.get(server.url(f"/attempts/{attempt}"), timeout=10).text
        numbers = numeric_numbers(page)
        assert numbers, f"{quiz_id}'s paper shows no numeric question"
        right_values = {number_text for question in authored.questions if question["type"] == "numeric"
                        for item in question["answers"] for key in ("value", "min", "max") if key in item
                        for number_text in [str(item[key])]} - {"2018"}
        for number in numbers:
            hint = re.search(rf'<p class="hint" id="q{number}-hint">(.*?)</p>', page)
            assert hint, f"{quiz_id}: question {number} has no hint"
            assert html.unescape(hint.group(1)).startswith(ui_text(language, "attempt.number_hint"))
            shown_values = [value for value in right_values
                            if re.search(rf"(?<![\d.]){re.escape(value)}(?![\d.])", hint.group(1))]
            assert not shown_values, f"{quiz_id}: question {number}'s hint shows a right answer: {hint.group(1)}"
            assert f"q{number}-hint" in attribute(input_tag(page, f"q{number}-text"), "aria-describedby").split()
            checked += 1
        # One question per page shows it too.
        single = http.get(server.url(f"/attempts/{attempt}?page={numbers[0]}"), timeout=10).text
        assert f'id="q{numbers[0]}-hint"' in single
    assert checked >= 3


@pytest.mark.parametrize("language", LANGUAGES)
def test_moving_on_from_an_unreadable_answer_returns_to_it_once(clocked_server, unique, language):
    server = clocked_server
    http = learner_http(server, unique, language)
    attempt = start_attempt_http(server, http, COURSE, PRACTICE)
    [number] = numeric_numbers(http.get(server.url(f"/attempts/{attempt}"), timeout=10).text)
    following = number + 1 if number < 6 else number - 1

    first = post_save(server, http, attempt, {number: "3,5"}, f"page:{following}", page=number)
    query = parse_qs(urlsplit(first.headers["Location"]).query)
    assert query.get("page") == [str(number)] and query.get("focus") == [str(number)], first.headers["Location"]
    # Pressing "next" again without changing it moves on; the summary will list it before submitting.
    second = post_save(server, http, attempt, {number: "3,5"}, f"page:{following}", page=number)
    assert parse_qs(urlsplit(second.headers["Location"]).query).get("page") == [str(following)]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_summary_lists_unreadable_answers_with_their_reason_before_submitting(clocked_server, unique, language):
    server = clocked_server
    http = learner_http(server, unique, language)
    attempt = start_attempt_http(server, http, COURSE, PRACTICE)
    [number] = numeric_numbers(http.get(server.url(f"/attempts/{attempt}"), timeout=10).text)
    finished = post_save(server, http, attempt, {number: "1,5000"}, "finish")
    assert finished.headers["Location"] == f"/attempts/{attempt}/summary"
    summary = http.get(server.url(finished.headers["Location"]), timeout=10).text
    box = summary.split('id="unreadable-answers"')[1].split("</div>")[0]
    assert ui_text(language, "summary.unreadable") in text_of(box)
    item = text_of(box.split("<li>")[1])
    expected = ui_text(language, "attempt.problem_item", number=number, message=unreadable_prefix(language, "1,5000"))
    assert item.startswith(" ".join(expected.split())), item
    assert f'href="/attempts/{attempt}?page={number}&amp;focus={number}#q{number}-text"' in box
    # The box comes before the learner confirms.
    assert summary.index('id="unreadable-answers"') < summary.index(f'action="/attempts/{attempt}/submit"')

    # A readable answer leaves the summary with nothing to point out.
    post_save(server, http, attempt, {number: "716"}, "finish")
    assert 'id="unreadable-answers"' not in http.get(server.url(f"/attempts/{attempt}/summary"), timeout=10).text


def test_the_script_save_returns_the_unreadable_answers(clocked_server, unique):
    server = clocked_server
    http = learner_http(server, unique, "en")
    attempt = start_attempt_http(server, http, COURSE, PRACTICE)
    page = http.get(server.url(f"/attempts/{attempt}"), timeout=10).text
    [number] = numeric_numbers(page)
    form = form_with_action(page, f"/attempts/{attempt}/save")
    fields = {name: form["inputs"][name].get("value", "") for name in ("csrf_token", "sequence", "form_key")}
    saved = http.post(server.url(f"/attempts/{attempt}/save"), data={**fields, f"answer-{number}": "abc", "go": "save"},
                      headers={"Accept": "application/json"}, timeout=10)
    assert saved.status_code == 200, saved.text[:300]
    body = saved.json()
    assert body["saved"] is True
    [problem] = body["unreadable"]
    assert problem["question"] == number
    assert problem["message"].startswith(unreadable_prefix("en", "abc"))
    assert problem["summary"] == ui_text("en", "attempt.invalid_answer", number=number)


@pytest.mark.parametrize("language", LANGUAGES)
def test_checking_an_unreadable_answer_points_it_out_and_leaves_it_open(clocked_server, unique, language):
    server = clocked_server
    http = learner_http(server, unique, language)
    attempt = start_attempt_http(server, http, COURSE, PRACTICE)
    [number] = numeric_numbers(http.get(server.url(f"/attempts/{attempt}"), timeout=10).text)
    checked = post_save(server, http, attempt, {number: "3,5"}, f"check:{number}")
    location = urlsplit(checked.headers["Location"])
    assert "stale" not in location.query and parse_qs(location.query).get("focus") == [str(number)]
    shown = http.get(server.url(checked.headers["Location"]), timeout=10).text
    field = input_tag(shown, f"q{number}-text")
    assert "disabled" not in field, "an unreadable answer was checked and locked"
    assert unreadable_prefix(language, "3,5") in text_of(shown)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_submitted_unreadable_answer_is_reviewed_as_unreadable_not_as_unanswered(clocked_server, unique, language):
    server = clocked_server
    http = learner_http(server, unique, language)
    attempt = start_attempt_http(server, http, COURSE, PRACTICE)
    [number] = numeric_numbers(http.get(server.url(f"/attempts/{attempt}"), timeout=10).text)
    post_save(server, http, attempt, {number: "abc"}, "finish")
    result = submit_attempt_http(server, http, attempt).text
    item = result.split('<li class="review-item">')[number].split("</li>")[0]
    assert ui_text(language, "result.unreadable") in text_of(item)
    assert ui_text(language, "result.unanswered") not in text_of(item)
    assert unreadable_prefix(language, "abc") in text_of(item)


# --- 2. "check" without an answer -------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_check_without_an_answer_asks_for_one_beside_the_question_not_that_the_page_is_stale(clocked_server, unique,
                                                                                           language):
    server = clocked_server
    http = learner_http(server, unique, language)
    attempt = start_attempt_http(server, http, COURSE, PRACTICE)
    page = http.get(server.url(f"/attempts/{attempt}"), timeout=10).text
    question = next(question for question in paper_questions(page) if question.kind == "truefalse")
    number = question.number

    checked = post_save(server, http, attempt, {}, f"check:{number}")
    location = urlsplit(checked.headers["Location"])
    assert "stale" not in location.query, checked.headers["Location"]
    assert parse_qs(location.query).get("answer_first") == [str(number)]
    assert location.fragment == f"q{number}-true"
    shown = http.get(server.url(checked.headers["Location"]), timeout=10).text
    assert ui_text(language, "attempt.stale") not in text_of(shown)
    fieldset = shown.split(f'id="question-{number}"')[1].split("</fieldset>")[0]
    assert (f'<p class="field-error" id="q{number}-error" data-kind="answer-first">'
            f'{ui_text(language, "attempt.answer_first")}</p>') in fieldset
    first = input_tag(shown, f"q{number}-true")
    assert re.search(r"\bautofocus\b", first) and attribute(first, "aria-invalid") == "true"
    assert f"q{number}-error" in attribute(first, "aria-describedby").split()

    # On one question per page too; and a real stale page still says so.
    checked = post_save(server, http, attempt, {}, f"check:{number}", page=number)
    query = parse_qs(urlsplit(checked.headers["Location"]).query)
    assert query.get("page") == [str(number)] and query.get("answer_first") == [str(number)]
    old = http.get(server.url(f"/attempts/{attempt}"), timeout=10).text
    post_save(server, http, attempt, {numeric_numbers(old)[0]: "716"}, "save")
    form = form_with_action(old, f"/attempts/{attempt}/save")
    fields = [(name, form["inputs"][name].get("value", "")) for name in ("csrf_token", "sequence", "form_key")]
    stale = http.post(server.url(f"/attempts/{attempt}/save"), allow_redirects=False, timeout=10,
                      data=fields + [(f"answer-{number}", "true"), ("go", "save")])
    assert "notice=stale" in stale.headers["Location"]


# --- 3. a failed exam's result ----------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_failed_exam_shows_the_score_pass_mark_attempts_left_and_next_start(clocked_server, book, unique, language):
    server = clocked_server
    authored = book.quiz("info-security", EXAM)
    http = learner_http(server, unique, language)
    attempt = start_attempt_http(server, http, "info-security", EXAM)
    answer_attempt_http(server, http, attempt, authored, language, right=False)
    result = submit_attempt_http(server, http, attempt).text
    text = text_of(result)
    assert ui_text(language, "result.failed") in text
    score = text_of(result.split('class="score"')[1].split("</p>")[0])
    assert "0%" in score and "80%" in score, score
    assert ui_text(language, "result.attempts_left", left=2, limit=3) in text
    assert ui_text(language, "quiz.refused.too_soon").split("{time}")[0].strip() in text
    # The policy (after passing) still holds back correctness and explanations.
    assert 'class="explanation"' not in result and 'class="review"' not in result
    assert not [explanation for explanation in authored.explanations() if explanation in text]
    # The start page's history shows the score too.
    start = http.get(server.url(f"/courses/info-security/quizzes/{EXAM}"), timeout=10).text
    assert "0%" in start.split("<tbody>")[1].split("</tbody>")[0]

    # After the delay, the result says a retake is possible now.
    server.advance(authored.attempt_delay_seconds + 60)
    later = text_of(http.get(server.url(f"/attempts/{attempt}/result"), timeout=10).text)
    assert ui_text(language, "result.retake_now") in later and ui_text(language, "result.retake") in later


def test_attempts_left_count_from_the_latest_pass_as_starting_does(clocked_server, book, unique):
    """The attempt limit counts from the latest pass (renewal years later is never blocked): the result and start
    pages count the same way, and offer a start whenever one would be allowed."""
    server = clocked_server
    authored = book.quiz("info-security", EXAM)
    http = learner_http(server, unique, "en")
    start_path = f"/courses/info-security/quizzes/{EXAM}"
    left_label = ui_text("en", "quiz.attempts_left")
    for number, right in ((1, False), (2, False), (3, True)):
        attempt = start_attempt_http(server, http, "info-security", EXAM)
        answer_attempt_http(server, http, attempt, authored, "en", right=right)
        result = text_of(submit_attempt_http(server, http, attempt).text)
        if not right:
            assert ui_text("en", "result.attempts_left", left=3 - number, limit=3) in result
        server.advance(authored.attempt_delay_seconds + 60)
    start = http.get(server.url(start_path), timeout=10).text
    assert f"{left_label} 3" in text_of(start), text_of(start)[:600]
    assert f'action="{start_path}/attempts"' in start, "the start page refuses an attempt the rules allow"
    assert ui_text("en", "quiz.refused.limit", limit=3) not in text_of(start)
    start_attempt_http(server, http, "info-security", EXAM)


@pytest.mark.parametrize("language", LANGUAGES)
def test_where_the_right_answer_shows_the_learners_own_answer_shows_beside_it(clocked_server, book, unique, language):
    server = clocked_server
    authored = book.quiz(COURSE, PRACTICE)
    http = learner_http(server, unique, language)
    attempt = start_attempt_http(server, http, COURSE, PRACTICE)
    page = http.get(server.url(f"/attempts/{attempt}"), timeout=10).text
    [number] = numeric_numbers(page)
    answer_attempt_http(server, http, attempt, authored, language, right=False, go="save")
    result = submit_attempt_http(server, http, attempt).text
    items = result.split('<li class="review-item">')[1:]
    assert len(items) == 6
    for item in items:
        own = item.split('class="own-answer"')
        assert len(own) == 2, "a reviewed question shows the right answer without the learner's own"
        assert own[1].index("</p>") < item.split('class="own-answer"')[1].index(ui_text(language, "label.right_answer").strip())
    numeric = text_of(items[number - 1].split('class="own-answer"')[1].split("</p>")[0])
    wrong = authored.answer(paper_questions(page)[number - 1], language, right=False).text
    assert numeric.endswith(wrong), numeric


# --- 4. the practice link on a module page ----------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_practice_link_says_practice_once(clocked_server, book, unique, language):
    server = clocked_server
    http = learner_http(server, unique, language)
    checked = 0
    for course_id in ("service-ethics", "info-literacy"):
        for module_id in book.course(course_id)["modules"]:
            quiz_id = f"practice-{module_id}"
            if quiz_id not in book.course(course_id)["quizzes"]:
                continue
            page = http.get(server.url(f"/courses/{course_id}/modules/{module_id}"), timeout=10).text
            link = re.search(rf'<a href="/courses/{course_id}/quizzes/{quiz_id}">(.*?)</a>', page)
            assert link, f"no practice link on {course_id}/{module_id}"
            shown = html.unescape(link.group(1))
            title = book.quiz(course_id, quiz_id).data["title"][language]
            prefix = ui_text(language, "module.practice", title="")
            assert shown.count(prefix.strip()) == 1, f"{course_id}/{module_id}: {shown!r}"
            assert shown == (title if title.startswith(prefix.strip()) else prefix + title), shown
            checked += 1
    assert checked >= 4


# --- in the browser ---------------------------------------------------------------------------------------


def open_attempt(driver, server, unique, language: str, quiz: str = PRACTICE, course: str = COURSE) -> str:
    """Signs a new learner in through the form, starts the quiz with its button; returns the attempt path."""
    from selenium.webdriver.common.by import By

    login_name = unique(f"feedback-browser-{language}")
    browser_sign_in(driver, server, login_name, server.add_user(login_name, "浏览器学员"), language)
    start_path = f"/courses/{course}/quizzes/{quiz}"
    driver.get(server.url(start_path))
    start = driver.find_element(By.CSS_SELECTOR, f"form[action='{start_path}/attempts'] button[type='submit']")
    wait_for_navigation(driver, start.click, lambda path: path.startswith("/attempts/"), "start opened no attempt")
    return browser_path(driver)


def active_id(driver) -> str:
    return driver.execute_script("return document.activeElement && document.activeElement.id")


@needs_chromium
@pytest.mark.parametrize("language", LANGUAGES)
def test_without_javascript_the_message_and_the_focus_come_back_to_the_question(clocked_server, chromium, unique,
                                                                                 language):
    from selenium.webdriver.common.by import By

    server = clocked_server
    driver = chromium(language, javascript=False)
    driver.get("data:text/html,<title>before</title><script>document.title='after'</script>")
    assert driver.title == "before", "JavaScript is not switched off in this browser"
    attempt_path = open_attempt(driver, server, unique, language)
    [number] = numeric_numbers(driver.page_source)

    field = driver.find_element(By.ID, f"q{number}-text")
    field.send_keys("3,5")
    save = driver.find_element(By.CSS_SELECTOR, "button[name='go'][value='save']")
    wait_for_navigation(driver, save.click, lambda path: path == attempt_path, "saving went elsewhere")
    assert active_id(driver) == f"q{number}-text", f"the focus is on {active_id(driver)!r}"
    message = driver.find_element(By.ID, f"q{number}-error")
    assert message.is_displayed() and message.text.startswith(unreadable_prefix(language, "3,5"))
    field = driver.find_element(By.ID, f"q{number}-text")
    assert field.get_attribute("value") == "3,5" and field.get_attribute("aria-invalid") == "true"
    save_screenshot(driver, "attempt-unreadable", language)

    # "Check" on a question not answered yet: the answer-first message, the focus on its first option.
    tf = next(question for question in paper_questions(driver.page_source) if question.kind == "truefalse").number
    check = driver.find_element(By.CSS_SELECTOR, f"button[name='go'][value='check:{tf}']")
    wait_for_navigation(driver, check.click, lambda path: path == attempt_path, "check went elsewhere")
    assert ui_text(language, "attempt.stale") not in page_text(driver)
    assert driver.find_element(By.ID, f"q{tf}-error").text == ui_text(language, "attempt.answer_first")
    assert active_id(driver) == f"q{tf}-true", f"the focus is on {active_id(driver)!r}"
    save_screenshot(driver, "attempt-answer-first", language)

    # The summary before submitting lists the unreadable answer, linking back to it with the focus on it.
    finish = driver.find_element(By.CSS_SELECTOR, "button[name='go'][value='finish']")
    wait_for_navigation(driver, finish.click, lambda path: path == attempt_path + "/summary", "finish went elsewhere")
    box = driver.find_element(By.ID, "unreadable-answers")
    assert unreadable_prefix(language, "3,5") in box.text
    save_screenshot(driver, "summary-unreadable", language)
    link = box.find_element(By.CSS_SELECTOR, "a")
    wait_for_navigation(driver, link.click, lambda path: path == attempt_path, "the summary's link went elsewhere")
    assert active_id(driver) == f"q{number}-text"


@needs_chromium
@pytest.mark.parametrize("language", LANGUAGES)
def test_with_javascript_the_message_appears_without_a_page_load(clocked_server, chromium, unique, language):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    server = clocked_server
    driver = chromium(language)
    open_attempt(driver, server, unique, language)
    [number] = numeric_numbers(driver.page_source)
    driver.execute_script("window.samePage = true")

    field = driver.find_element(By.ID, f"q{number}-text")
    field.send_keys("abc")
    field.send_keys(Keys.TAB)
    wait_for(driver, lambda d: d.find_elements(By.ID, f"q{number}-error"), 10, "no message appeared after leaving the field")
    assert driver.execute_script("return window.samePage === true"), "the page was loaded again"
    message = driver.find_element(By.ID, f"q{number}-error")
    assert message.text.startswith(unreadable_prefix(language, "abc")), message.text
    assert field.get_attribute("aria-invalid") == "true"
    assert field.get_attribute("aria-describedby").split() == [f"q{number}-hint", f"q{number}-error"]
    wait_for(driver, lambda d: d.find_element(By.ID, "save-status").get_attribute("textContent")
             == ui_text(language, "attempt.invalid_answer", number=number), 5, "the problem was not announced")

    field.clear()
    field.send_keys("716")
    field.send_keys(Keys.TAB)
    wait_for(driver, lambda d: not d.find_elements(By.ID, f"q{number}-error"), 10, "the message stayed after the fix")
    assert field.get_attribute("aria-invalid") is None
    assert field.get_attribute("aria-describedby") == f"q{number}-hint"
    assert driver.execute_script("return window.samePage === true")

    # "Check" without an answer (a page load, as without script); answering then takes the message away at once.
    tf = next(question for question in paper_questions(driver.page_source) if question.kind == "truefalse").number
    path = browser_path(driver)
    check = driver.find_element(By.CSS_SELECTOR, f"button[name='go'][value='check:{tf}']")
    wait_for_navigation(driver, check.click, lambda p: p == path, "check went elsewhere")
    assert driver.find_element(By.ID, f"q{tf}-error").text == ui_text(language, "attempt.answer_first")
    driver.execute_script("window.samePage = true")
    driver.find_element(By.CSS_SELECTOR, f"label[for='q{tf}-false']").click()
    wait_for(driver, lambda d: not d.find_elements(By.ID, f"q{tf}-error"), 5, "the answer-first message stayed")
    assert driver.find_element(By.ID, f"q{tf}-true").get_attribute("aria-invalid") is None
    assert not driver.find_elements(By.ID, "problems")
    assert driver.execute_script("return window.samePage === true")


@needs_chromium
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_failed_exams_result_in_the_browser(clocked_server, chromium, book, unique, language):
    from selenium.webdriver.common.by import By

    server = clocked_server
    authored = book.quiz("info-security", EXAM)
    driver = chromium(language)
    login_name = unique(f"feedback-exam-{language}")
    password = server.add_user(login_name, "考试学员")
    http = login(server, login_name, password)
    http_language(server, http, language)
    attempt = start_attempt_http(server, http, "info-security", EXAM)
    answer_attempt_http(server, http, attempt, authored, language, right=False)
    submit_attempt_http(server, http, attempt)
    browser_sign_in(driver, server, login_name, password, language)
    driver.get(server.url(f"/attempts/{attempt}/result"))
    assert "80%" in driver.find_element(By.CSS_SELECTOR, ".score").text
    assert ui_text(language, "result.attempts_left", left=2, limit=3) in driver.find_element(By.CSS_SELECTOR, ".retake-info").text
    save_screenshot(driver, "result-failed-exam", language)


@needs_chromium
def test_the_question_legend_stays_inside_its_fieldsets_border(clocked_server, chromium, unique):
    server = clocked_server
    driver = chromium("zh", width=1280)
    open_attempt(driver, server, unique, "zh")
    for width in (1280, 360):
        driver.set_window_size(width, 900)
        boxes = driver.execute_script(
            "return Array.from(document.querySelectorAll('fieldset.question')).map(f => {"
            " const l = f.querySelector('legend').getBoundingClientRect(), b = f.getBoundingClientRect();"
            " const s = getComputedStyle(f);"
            " return {top: b.top, border: parseFloat(s.borderTopWidth), left: b.left, right: b.right,"
            "         legendTop: l.top, legendLeft: l.left, legendRight: l.right, style: s.borderTopStyle}; })")
        assert boxes
        for box in boxes:
            assert box["style"] != "none" and box["border"] >= 1
            assert box["legendTop"] >= box["top"] + box["border"], (
                f"at {width} px the legend sits on the top border, breaking it: {box}")
            assert box["left"] < box["legendLeft"] and box["legendRight"] < box["right"], box
    driver.set_window_size(1280, 900)
    save_screenshot(driver, "attempt-legend", "zh")


# --- accessibility of the new states ------------------------------------------------------------------------


@needs_chromium
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_new_states_pass_axe_core(clocked_server, chromium, book, unique, language):
    from test_accessibility import axe_source, axe_violations, describe

    source = axe_source()
    server = clocked_server
    login_name = unique(f"feedback-axe-{language}")
    password = server.add_user(login_name, "无障碍学员")
    http = login(server, login_name, password)
    http_language(server, http, language)
    attempt = start_attempt_http(server, http, COURSE, PRACTICE)
    page = http.get(server.url(f"/attempts/{attempt}"), timeout=10).text
    [number] = numeric_numbers(page)
    tf = next(question for question in paper_questions(page) if question.kind == "truefalse").number
    unreadable = post_save(server, http, attempt, {number: "abc"}, "save").headers["Location"]
    answer_first = post_save(server, http, attempt, {number: "abc"}, f"check:{tf}").headers["Location"]
    one_per_page = post_save(server, http, attempt, {number: "1,5000"}, "save", page=number).headers["Location"]
    authored = book.quiz("info-security", EXAM)
    exam = start_attempt_http(server, http, "info-security", EXAM)
    answer_attempt_http(server, http, exam, authored, language, right=False)
    submit_attempt_http(server, http, exam)

    driver = chromium(language)
    browser_sign_in(driver, server, login_name, password, language)
    for path in (unreadable, answer_first, one_per_page, f"/attempts/{attempt}/summary", f"/attempts/{exam}/result",
                 f"/courses/info-security/quizzes/{EXAM}", f"/courses/{COURSE}/modules/{PRACTICE[len('practice-'):]}"):
        driver.get(server.url(path))
        violations = axe_violations(driver, source)
        assert not violations, f"{path} ({language}) has WCAG violations:\n{describe(violations)}"
