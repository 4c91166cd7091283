"""A learner's year in a real browser, in Chinese and in English: sign in, study a module until it completes,
fail the final exam, wait out the attempt delay, pass it, and see the hours; then the trainer's pages.
Every page type is saved as a screenshot `<page>-<language>.png`."""

from __future__ import annotations

import pytest

from conftest import (
    browser_path,
    browser_sign_in,
    browser_sign_out,
    fill_question_in_browser,
    hours_text,
    language_text,
    needs_chromium,
    page_text,
    paper_questions,
    save_screenshot,
    ui_text,
    wait_for,
    wait_for_navigation,
)

pytestmark = needs_chromium

COURSE = "info-literacy"
EXAM = "final-exam"


def by():
    from selenium.webdriver.common.by import By

    return By


def click_and_wait_for_path(driver, element, predicate, message: str) -> None:
    wait_for_navigation(driver, element.click, predicate, message)


def answer_paper_in_browser(driver, authored, language: str, *, right: bool) -> int:
    questions = paper_questions(driver.page_source)
    assert questions, "the attempt page shows no questions"
    for question in questions:
        fill_question_in_browser(driver, authored.answer(question, language, right=right))
    return len(questions)


def finish_and_submit(driver, attempt_path: str, authored, language: str, *, right: bool,
                      summary_shot: str | None = None) -> None:
    """Answers every question, presses "check and submit", checks the summary says all are answered, submits."""
    By = by()
    for _ in range(3):
        answer_paper_in_browser(driver, authored, language, right=right)
        finish = driver.find_element(By.CSS_SELECTOR, "button[name='go'][value='finish']")
        click_and_wait_for_path(driver, finish, lambda path: path in (attempt_path, attempt_path + "/summary"),
                                "pressing finish went nowhere")
        if browser_path(driver).endswith("/summary"):
            break
        # The autosave script may have saved in between: the page says it is out of date; answer again.
        assert ui_text(language, "attempt.stale") in page_text(driver), page_text(driver)[:1000]
    assert browser_path(driver) == attempt_path + "/summary"
    assert ui_text(language, "summary.all_answered") in page_text(driver)
    assert ui_text(language, "summary.intro") in page_text(driver)
    if summary_shot:
        save_screenshot(driver, summary_shot, language)
    submit = driver.find_element(By.CSS_SELECTOR, f"form[action='{attempt_path}/submit'] button[type='submit']")
    click_and_wait_for_path(driver, submit, lambda path: path == attempt_path + "/result", "submit did not reach the result")


def hours_line(language: str, done: float) -> str:
    return ui_text(language, "dashboard.hours.value", done=hours_text(done), required="90")


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_learner_studies_fails_the_exam_waits_retakes_passes_and_sees_the_hours(
        clocked_server, chromium, book, unique, language):
    By = by()
    server = clocked_server
    authored = book.quiz(COURSE, EXAM)
    module_id = book.course(COURSE)["modules"][0]
    module = book.module(COURSE, module_id)
    name = "赵晓红" if language == "zh" else "Zhao Xiaohong"
    learner = unique(f"flow-{language}")
    password = server.add_user(learner, name)
    driver = chromium(language)

    # Sign in through the form, in the chosen language.
    driver.get(server.url(f"/language/{language}?next=/login"))
    wait_for(driver, lambda d: d.find_elements(By.NAME, "login"), message="no login form")
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang").startswith(language)
    save_screenshot(driver, "login", language)
    browser_sign_in(driver, server, learner, password)
    assert name in page_text(driver)

    # The dashboard's one primary action leads into the first module of the first required course.
    assert hours_line(language, 0) in page_text(driver)
    save_screenshot(driver, "dashboard", language)
    primary = driver.find_element(By.CSS_SELECTOR, "main a.button")
    assert module[language]["title"] in primary.text
    module_path = f"/courses/{COURSE}/modules/{module_id}"
    click_and_wait_for_path(driver, primary, lambda path: path == module_path, "the dashboard's action did not open the module")
    save_screenshot(driver, "module", language)

    # Study: move the clock 14 minutes, press "record my study time", until the module completes.
    for _ in range(10):
        records = driver.find_elements(By.CSS_SELECTOR, f"form[action='{module_path}/progress'] button")
        if not records:
            break
        assert records[0].text == ui_text(language, "module.record")
        server.advance(14 * 60)
        click_and_wait_for_path(driver, records[0], lambda path: path == module_path, "recording study time went elsewhere")
    else:
        pytest.fail(f"{module_path} did not complete after 10 rounds of 14 minutes")
    status = driver.find_element(By.ID, "study-progress").text
    assert status == ui_text(language, "module.completed_note", hours=hours_text(module["hours"])), status
    assert ui_text(language, "module.state.completed") in driver.find_element(By.CSS_SELECTOR, "article .meta").text
    save_screenshot(driver, "module-completed", language)

    driver.get(server.url("/"))
    assert hours_line(language, module["hours"]) in page_text(driver)

    # The catalogue and the course page, then the final exam's start page.
    driver.get(server.url("/courses"))
    save_screenshot(driver, "catalogue", language)
    click_and_wait_for_path(driver, driver.find_element(By.CSS_SELECTOR, f"main a[href='/courses/{COURSE}']"),
                            lambda path: path == f"/courses/{COURSE}", "the catalogue's link did not open the course")
    first_task = driver.find_element(By.CSS_SELECTOR, "ol.task-list li.task")
    assert ui_text(language, "module.state.completed") in first_task.text
    save_screenshot(driver, "course", language)
    start_path = f"/courses/{COURSE}/quizzes/{EXAM}"
    click_and_wait_for_path(driver, driver.find_element(By.CSS_SELECTOR, f"main a[href='{start_path}']"),
                            lambda path: path == start_path, "the course's exam link did not open the start page")
    save_screenshot(driver, "quiz-start", language)

    # First attempt: the one-per-page view, then every question answered wrongly, check, submit.
    start = driver.find_element(By.CSS_SELECTOR, f"form[action='{start_path}/attempts'] button[type='submit']")
    click_and_wait_for_path(driver, start, lambda path: path.startswith("/attempts/"), "start did not open an attempt")
    attempt_path = browser_path(driver)
    timer = driver.find_element(By.ID, "timer-text")
    assert timer.get_attribute("role") == "timer" and "30" in timer.text, timer.text
    save_screenshot(driver, "attempt", language)
    one_per_page = driver.find_element(By.CSS_SELECTOR, f"main a[href='{attempt_path}?page=1']")
    click_and_wait_for_path(driver, one_per_page, lambda path: path == attempt_path, "the one-per-page link went elsewhere")
    assert len(driver.find_elements(By.CSS_SELECTOR, "fieldset.question")) == 1
    save_screenshot(driver, "attempt-one-per-page", language)
    next_button = driver.find_element(By.CSS_SELECTOR, "button[name='go'][value='page:2']")
    click_and_wait_for_path(driver, next_button, lambda path: path == attempt_path, "next went elsewhere")
    assert driver.find_elements(By.ID, "question-2") and len(driver.find_elements(By.CSS_SELECTOR, "fieldset.question")) == 1
    driver.get(server.url(attempt_path))
    finish_and_submit(driver, attempt_path, authored, language, right=False, summary_shot="summary")

    text = page_text(driver)
    assert ui_text(language, "result.failed") in driver.find_element(By.CSS_SELECTOR, ".outcome").text
    score = driver.find_element(By.CSS_SELECTOR, ".score").text
    assert "80%" in score, f"a failed exam shows the learner's score and the pass mark: {score}"
    assert not driver.find_elements(By.CSS_SELECTOR, ".explanation, .review")
    leaked = [explanation for explanation in authored.explanations() if explanation in text]
    assert not leaked, f"explanations shown after a failed exam: {leaked[:2]}"
    save_screenshot(driver, "result-failed", language)

    # A retake is refused until the delay has passed, and the start page says until when.
    driver.get(server.url(start_path))
    refusal = driver.find_element(By.CSS_SELECTOR, "main .notice").text
    assert refusal.startswith(ui_text(language, "quiz.refused.too_soon").split("{time}")[0].strip()), refusal
    assert not driver.find_elements(By.CSS_SELECTOR, f"form[action='{start_path}/attempts']")
    save_screenshot(driver, "quiz-start-refused", language)

    server.advance(11 * 60)
    driver.get(server.url(start_path))
    start = driver.find_element(By.CSS_SELECTOR, f"form[action='{start_path}/attempts'] button[type='submit']")
    click_and_wait_for_path(driver, start, lambda path: path.startswith("/attempts/") and path != attempt_path,
                            "the retake did not open a new attempt")
    retake_path = browser_path(driver)
    finish_and_submit(driver, retake_path, authored, language, right=True)

    # Passed: the word first, the score, the explanations, the hours credited.
    assert ui_text(language, "result.passed") in driver.find_element(By.CSS_SELECTOR, ".outcome").text
    score = driver.find_element(By.CSS_SELECTOR, ".score").text
    assert "100%" in score and "80%" in score, score
    explanations = driver.find_elements(By.CSS_SELECTOR, ".review .explanation")
    assert len(explanations) == len(driver.find_elements(By.CSS_SELECTOR, ".review-item")) > 0
    shown = " ".join(element.text for element in explanations)
    assert any(explanation.strip()[:20] in shown for explanation in authored.explanations())
    exam_hours = book.exam_hours(COURSE)
    assert ui_text(language, "result.hours_credited", hours=hours_text(exam_hours)) in page_text(driver)
    save_screenshot(driver, "result", language)

    driver.get(server.url("/"))
    assert hours_line(language, module["hours"] + exam_hours) in page_text(driver)
    save_screenshot(driver, "dashboard-after", language)

    driver.get(server.url("/attempts"))
    history = page_text(driver)
    assert history.count(authored.data["title"][language]) >= 2, history
    save_screenshot(driver, "history", language)
    driver.get(server.url("/profile"))
    assert learner in page_text(driver)
    save_screenshot(driver, "profile", language)

    # The trainer's pages, with the two attempts in the statistics.
    browser_sign_out(driver)
    browser_sign_in(driver, server, "demo-trainer", server.demo_passwords["demo-trainer"], language)
    driver.get(server.url("/trainer"))
    save_screenshot(driver, "trainer", language)
    driver.get(server.url(f"/trainer/courses/{COURSE}/quizzes/{EXAM}"))
    preview = page_text(driver)
    assert all(language_text(question["explanation"], language) in preview for question in authored.questions), \
        "the trainer's preview lacks explanations"
    save_screenshot(driver, "quiz-preview", language)
    driver.get(server.url(f"/trainer/courses/{COURSE}/modules/{module_id}"))
    save_screenshot(driver, "module-preview", language)
    driver.get(server.url(f"/trainer/courses/{COURSE}/quizzes/{EXAM}/statistics"))
    statistics = page_text(driver)
    assert any(ui_text(language, "stats.intro", count=count) in statistics for count in range(2, 10)), statistics[:800]
    save_screenshot(driver, "statistics", language)
    browser_sign_out(driver)


def test_a_trainers_module_preview_offers_no_way_to_record_study_time(clocked_server, book):
    """The preview runs no study script; it must not offer the learner's "record my study time" form either,
    which would post to the learner's progress address and credit the trainer."""
    from conftest import login

    module_id = book.course(COURSE)["modules"][0]
    http = login(clocked_server, "demo-trainer", clocked_server.demo_passwords["demo-trainer"])
    preview = http.get(clocked_server.url(f"/trainer/courses/{COURSE}/modules/{module_id}"), timeout=10)
    assert preview.status_code == 200
    assert "study.js" not in preview.text
    assert f'action="/courses/{COURSE}/modules/{module_id}/progress"' not in preview.text, (
        "the trainer's module preview shows the learner's record-study-time form")
