"""A practice quiz from sign-in to result with the keyboard alone: Tab, Shift+Tab, Space, Enter, arrow keys and
typing; no clicks. Every control reached shows a visible focus indicator."""

from __future__ import annotations

import pytest

from conftest import (
    browser_path,
    needs_chromium,
    page_text,
    paper_questions,
    ui_text,
    wait_for,
    wait_for_navigation,
)

pytestmark = needs_chromium

COURSE = "info-literacy"
QUIZ = "practice-finding-information"
LANGUAGE = "en"

FOCUS_STYLE = """
const element = document.activeElement;
const style = getComputedStyle(element);
return {outline: style.outlineStyle, width: style.outlineWidth, shadow: style.boxShadow,
        tag: element.tagName, id: element.id, name: element.getAttribute('name'), value: element.value};
"""


def keys():
    from selenium.webdriver.common.keys import Keys

    return Keys


def press(driver, *sequence) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(driver).send_keys(*sequence).perform()


def shift_tab(driver) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    Keys = keys()
    ActionChains(driver).key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(Keys.SHIFT).perform()


def focused_matches(driver, selector: str) -> bool:
    return bool(driver.execute_script("return document.activeElement.matches(arguments[0])", selector))


def assert_focus_visible(driver) -> None:
    style = driver.execute_script(FOCUS_STYLE)
    outlined = style["outline"] != "none" and style["width"] not in ("0px", "")
    shadowed = style["shadow"] not in ("none", "")
    assert outlined or shadowed, f"focus is not visible on {style}"


def tab_to(driver, selector: str, *, backwards: bool = False, limit: int = 120) -> None:
    """Presses Tab (or Shift+Tab) until the focused element matches `selector`; checks its focus is visible."""
    for _ in range(limit):
        if backwards:
            shift_tab(driver)
        else:
            press(driver, keys().TAB)
        if focused_matches(driver, selector):
            assert_focus_visible(driver)
            return
    pytest.fail(f"{'Shift+' if backwards else ''}Tab never reached {selector} on {driver.current_url}")


def press_and_wait(driver, key, predicate, message: str) -> None:
    wait_for_navigation(driver, lambda: press(driver, key), predicate, message)


def answer_by_keyboard(driver, answer, question) -> None:
    """Answers one question from the keyboard: arrows in radio groups and lists, Space on boxes, typing in fields."""
    from selenium.webdriver.common.by import By

    Keys = keys()
    number = answer.number
    if answer.kind in ("single", "truefalse"):
        if answer.kind == "single":
            target = [choice_id for choice_id, _ in question.choices].index(answer.choices[0])
            wanted = f"q{number}-{answer.choices[0]}"
        else:
            target = 0 if answer.bool else 1
            wanted = f"q{number}-{'true' if answer.bool else 'false'}"
        # Tab enters an unticked radio group at its first button; the arrows move along it and tick.
        tab_to(driver, f"input[name='answer-{number}']")
        first = driver.find_elements(By.NAME, f"answer-{number}")[0].get_attribute("id")
        assert focused_matches(driver, f"#{first}"), f"question {number}: Tab did not enter at the first button"
        if target == 0:
            press(driver, Keys.SPACE)
        else:
            press(driver, *([Keys.ARROW_DOWN] * target))
        assert driver.find_element(By.ID, wanted).is_selected(), f"question {number}: {wanted} is not ticked"
    elif answer.kind == "multiple":
        for choice in answer.choices:
            tab_to(driver, f"#q{number}-{choice}")
            press(driver, Keys.SPACE)
            assert driver.find_element(By.ID, f"q{number}-{choice}").is_selected()
    elif answer.kind in ("short", "numeric"):
        tab_to(driver, f"#q{number}-text")
        press(driver, answer.text)
        assert driver.find_element(By.ID, f"q{number}-text").get_attribute("value") == answer.text
    else:
        for prompt_id, _ in question.prompts:
            select = driver.find_element(By.ID, f"q{number}-{prompt_id}")
            values = [option.get_attribute("value") for option in select.find_elements(By.TAG_NAME, "option")]
            tab_to(driver, f"#q{number}-{prompt_id}")
            # On a closed list, the down arrow moves the selection one option at a time.
            press(driver, *([Keys.ARROW_DOWN] * values.index(answer.matches[prompt_id])))
            assert select.get_attribute("value") == answer.matches[prompt_id], f"question {number}: list {prompt_id}"


def test_a_practice_quiz_can_be_taken_from_sign_in_to_result_with_the_keyboard_alone(server, chromium, book, unique):
    from selenium.webdriver.common.by import By

    Keys = keys()
    authored = book.quiz(COURSE, QUIZ)
    learner = unique("keyboard")
    password = server.add_user(learner, "Keyboard Learner")
    driver = chromium(LANGUAGE)

    # Sign in: the skip link comes first, then the fields, typed into, and Enter submits.
    driver.get(server.url(f"/language/{LANGUAGE}?next=/login"))
    wait_for(driver, lambda d: d.find_elements(By.ID, "login"))
    press(driver, Keys.TAB)
    assert focused_matches(driver, "a.skip-link"), "the first Tab stop is not the skip link"
    assert_focus_visible(driver)
    tab_to(driver, "#login")
    press(driver, learner)
    tab_to(driver, "#password")
    press(driver, password)
    press_and_wait(driver, Keys.ENTER, lambda path: path == "/", "Enter in the password field did not sign in")

    # Start the quiz with Enter on its start button.
    start_path = f"/courses/{COURSE}/quizzes/{QUIZ}"
    driver.get(server.url(start_path))
    tab_to(driver, f"form[action='{start_path}/attempts'] button")
    press_and_wait(driver, Keys.ENTER, lambda path: path.startswith("/attempts/"), "Enter on start opened no attempt")
    attempt_path = browser_path(driver)

    questions = paper_questions(driver.page_source)
    kinds = {question.kind for question in questions}
    assert kinds == {"single", "multiple", "truefalse", "short", "numeric", "matching"}, kinds
    for question in questions:
        answer_by_keyboard(driver, authored.answer(question, LANGUAGE, right=True), question)

    # Back up with Shift+Tab to the first question's check button and check it: it locks and shows its review.
    tab_to(driver, "button[name='go'][value='check:1']", backwards=True)
    press_and_wait(driver, Keys.ENTER, lambda path: path == attempt_path, "Enter on check went elsewhere")
    assert driver.find_elements(By.CSS_SELECTOR, "#question-1 .review"), page_text(driver)[:1500]
    review = driver.find_element(By.CSS_SELECTOR, "#question-1 .review").text
    assert ui_text(LANGUAGE, "result.right") in review, review
    assert not driver.find_elements(By.CSS_SELECTOR, "button[name='go'][value='check:1']")
    assert all(not field.is_enabled() for field in
               driver.find_elements(By.CSS_SELECTOR, "#question-1 input, #question-1 select"))

    # Every other answer was saved with the check; go to the summary and submit.
    for _ in range(2):
        tab_to(driver, "button[name='go'][value='finish']")
        press_and_wait(driver, Keys.ENTER, lambda path: path in (attempt_path, attempt_path + "/summary"),
                       "Enter on finish went nowhere")
        if browser_path(driver) == attempt_path + "/summary":
            break
        # The autosave script saved at the same moment: the page says it is out of date; finish again.
        assert ui_text(LANGUAGE, "attempt.stale") in page_text(driver), page_text(driver)[:1500]
    assert browser_path(driver) == attempt_path + "/summary"
    assert ui_text(LANGUAGE, "summary.all_answered") in page_text(driver)
    tab_to(driver, f"form[action='{attempt_path}/submit'] button")
    press_and_wait(driver, Keys.ENTER, lambda path: path == attempt_path + "/result", "Enter on submit did not reach the result")

    assert ui_text(LANGUAGE, "result.passed") in driver.find_element(By.CSS_SELECTOR, ".outcome").text
    score = driver.find_element(By.CSS_SELECTOR, ".score").text
    assert "100%" in score, score
    assert len(driver.find_elements(By.CSS_SELECTOR, ".review-item")) == len(questions)
    # The result page's links are reachable too.
    tab_to(driver, f"main a[href='/courses/{COURSE}']")
