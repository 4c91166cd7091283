"""The whole path with JavaScript switched off in Chromium: sign in, study a module to completion with the
"record my study time" button, take a quiz one question per page, check an answer, submit, see the result."""

from __future__ import annotations

import pytest

from conftest import (
    browser_path,
    browser_sign_in,
    fill_question_in_browser,
    hours_text,
    needs_chromium,
    page_text,
    paper_questions,
    ui_text,
    wait_for_navigation,
)

pytestmark = needs_chromium

COURSE = "info-literacy"
MODULE = "one-stop-services"
QUIZ = "practice-one-stop-services"
LANGUAGE = "zh"


def click_to(driver, element, predicate, message: str) -> None:
    wait_for_navigation(driver, element.click, predicate, message)


def test_without_javascript_a_learner_studies_takes_a_quiz_and_sees_the_result(clocked_server, chromium, book, unique):
    from selenium.webdriver.common.by import By

    server = clocked_server
    authored = book.quiz(COURSE, QUIZ)
    module = book.module(COURSE, MODULE)
    learner = unique("noscript")
    password = server.add_user(learner, "周静")
    driver = chromium(LANGUAGE, javascript=False)

    # Script really is off: an inline script does not run.
    driver.get("data:text/html,<title>before</title><script>document.title='after'</script>")
    assert driver.title == "before", "JavaScript is not switched off in this browser"

    browser_sign_in(driver, server, learner, password, LANGUAGE)

    module_path = f"/courses/{COURSE}/modules/{MODULE}"
    driver.get(server.url(module_path))
    assert ui_text(LANGUAGE, "module.progress", done=0, required=module["minutes"]) in page_text(driver)
    for _ in range(10):
        buttons = driver.find_elements(By.CSS_SELECTOR, f"form[action='{module_path}/progress'] button")
        if not buttons:
            break
        server.advance(14 * 60)
        click_to(driver, buttons[0], lambda path: path == module_path, "recording study time went elsewhere")
        # The time counted so far is shown after each press.
        assert driver.find_element(By.ID, "study-progress").text
    else:
        pytest.fail("the module did not complete without script")
    assert driver.find_element(By.ID, "study-progress").text == ui_text(
        LANGUAGE, "module.completed_note", hours=hours_text(module["hours"]))

    # The module's practice quiz, one question per page, moving on with the buttons.
    start_path = f"/courses/{COURSE}/quizzes/{QUIZ}"
    driver.get(server.url(start_path))
    start = driver.find_element(By.CSS_SELECTOR, f"form[action='{start_path}/attempts'] button")
    click_to(driver, start, lambda path: path.startswith("/attempts/"), "start opened no attempt")
    attempt_path = browser_path(driver)
    total = len(paper_questions(driver.page_source))
    one_per_page = driver.find_element(By.CSS_SELECTOR, f"main a[href='{attempt_path}?page=1']")
    click_to(driver, one_per_page, lambda path: path == attempt_path, "the one-per-page link went elsewhere")
    for number in range(1, total + 1):
        shown = paper_questions(driver.page_source)
        assert [question.number for question in shown] == [number]
        fill_question_in_browser(driver, authored.answer(shown[0], LANGUAGE, right=True))
        if number == 1:
            check = driver.find_element(By.CSS_SELECTOR, "button[name='go'][value='check:1']")
            click_to(driver, check, lambda path: path == attempt_path, "check went elsewhere")
            review = driver.find_element(By.CSS_SELECTOR, "#question-1 .review").text
            assert ui_text(LANGUAGE, "result.right") in review, review
            assert ui_text(LANGUAGE, "attempt.locked") in page_text(driver)
        go = f"page:{number + 1}" if number < total else "finish"
        button = driver.find_element(By.CSS_SELECTOR, f"button[name='go'][value='{go}']")
        click_to(driver, button, lambda path: path.startswith(attempt_path), f"{go} went elsewhere")

    assert browser_path(driver) == attempt_path + "/summary", page_text(driver)[:1000]
    assert ui_text(LANGUAGE, "summary.all_answered") in page_text(driver)
    submit = driver.find_element(By.CSS_SELECTOR, f"form[action='{attempt_path}/submit'] button")
    click_to(driver, submit, lambda path: path == attempt_path + "/result", "submit did not reach the result")

    assert ui_text(LANGUAGE, "result.passed") in driver.find_element(By.CSS_SELECTOR, ".outcome").text
    assert "100%" in driver.find_element(By.CSS_SELECTOR, ".score").text
    assert len(driver.find_elements(By.CSS_SELECTOR, ".review-item .explanation")) == total

    driver.get(server.url(f"/courses/{COURSE}"))
    tasks = driver.find_elements(By.CSS_SELECTOR, "ol.task-list li.task")
    module_index = book.course(COURSE)["modules"].index(MODULE)
    assert ui_text(LANGUAGE, "module.state.completed") in tasks[module_index].text
