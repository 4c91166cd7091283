"""axe-core (WCAG 2.0, 2.1 and 2.2, levels A and AA) on every page type in both languages, the quiz timer's
announcements, and the profile form's error summary."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import (
    ClockedServer,
    answer_attempt_http,
    browser_path,
    form_with_action,
    http_language,
    login,
    needs_chromium,
    new_chromium,
    paper_questions,
    start_attempt_http,
    stop_and_check,
    submit_attempt_http,
    ui_text,
    wait_for,
    wait_for_navigation,
)

pytestmark = needs_chromium

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
LANGUAGES = ["zh", "en"]
COURSE = "info-literacy"


def axe_source() -> str:
    try:
        import axe_playwright_python
    except ImportError:
        pytest.skip("axe-core is missing: pip install --no-deps axe-playwright-python")
    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


def axe_violations(driver, source: str) -> list[dict]:
    driver.execute_script(source)
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})"
        ".then(r => done(r.violations)).catch(e => done([{id: 'axe-error', help: String(e), nodes: []}]));",
        WCAG_TAGS)
    return result


def describe(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation.get('impact')}): {violation.get('help')} {violation.get('helpUrl', '')}")
        for node in violation.get("nodes", [])[:6]:
            lines.append(f"    {node.get('target')}: {node.get('html', '')[:200]}")
            summary = " ".join(node.get("failureSummary", "").split())
            if summary:
                lines.append(f"      {summary[:300]}")
    return "\n".join(lines)


@dataclass
class Site:
    """One server with a learner in every state the pages can show, and one browser per language."""

    server: ClockedServer
    book: object
    paths: dict[str, str] = field(default_factory=dict)
    sessions: dict[str, str] = field(default_factory=dict)
    drivers: dict[str, object] = field(default_factory=dict)
    learner: str = ""
    password: str = ""

    def driver(self, language: str, role: str):
        """The language's browser, carrying `role`'s session cookie (none for "anonymous")."""
        if language not in self.drivers:
            driver = new_chromium(language)
            driver.set_script_timeout(60)
            driver.get(self.server.url(f"/language/{language}?next=/login"))
            self.drivers[language] = driver
        driver = self.drivers[language]
        driver.delete_cookie("csa_session")
        if role != "anonymous":
            driver.add_cookie({"name": "csa_session", "value": self.sessions[role], "path": "/"})
        return driver


def prepare(server: ClockedServer, book) -> Site:
    site = Site(server, book)
    site.learner = f"axe-learner-{server.port}"
    site.password = server.add_user(site.learner, "无障碍测试学员")
    learner = login(server, site.learner, site.password)
    trainer = login(server, "demo-trainer", server.demo_passwords["demo-trainer"])
    http_language(server, learner, "zh")
    site.sessions = {"learner": learner.cookies.get("csa_session"), "trainer": trainer.cookies.get("csa_session")}

    module = book.course(COURSE)["modules"][0]
    assert learner.get(server.url(f"/courses/{COURSE}/modules/{module}"), timeout=10).status_code == 200

    # A practice quiz passed with one question checked: the result shows the whole review.
    practice = book.quiz(COURSE, "practice-finding-information")
    attempt = start_attempt_http(server, learner, COURSE, practice.id)
    answer_attempt_http(server, learner, attempt, practice, "zh", right=True, go="check:1")
    submit_attempt_http(server, learner, attempt)
    practice_result = attempt

    # Another practice quiz left open with a checked question: the attempt page shows the review in place.
    practice_open = book.quiz(COURSE, "practice-one-stop-services")
    open_practice = start_attempt_http(server, learner, COURSE, practice_open.id)
    answer_attempt_http(server, learner, open_practice, practice_open, "zh", right=False, go="check:2")

    # An exam failed (no review, a refusal on the start page) and one passed (score, correctness, explanations).
    failed_exam = book.quiz("info-security", "final-exam")
    failed = start_attempt_http(server, learner, "info-security", failed_exam.id)
    answer_attempt_http(server, learner, failed, failed_exam, "zh", right=False)
    submit_attempt_http(server, learner, failed)
    passed_exam = book.quiz("service-ethics", "final-exam")
    passed = start_attempt_http(server, learner, "service-ethics", passed_exam.id)
    answer_attempt_http(server, learner, passed, passed_exam, "zh", right=True)
    submit_attempt_http(server, learner, passed)

    # An exam still open, half answered: the attempt page with its timer, one question per page, the summary.
    exam = book.quiz(COURSE, "final-exam")
    open_exam = start_attempt_http(server, learner, COURSE, exam.id)
    page = learner.get(server.url(f"/attempts/{open_exam}"), timeout=10).text
    form = form_with_action(page, f"/attempts/{open_exam}/save")
    fields = [(name, form["inputs"][name].get("value", "")) for name in ("csrf_token", "sequence", "form_key")]
    for question in paper_questions(page)[::2]:
        fields += exam.answer(question, "zh", right=True).form_fields()
    saved = learner.post(server.url(f"/attempts/{open_exam}/save"), data=fields + [("go", "save")],
                         allow_redirects=False, timeout=10)
    assert saved.status_code == 303

    site.paths = {
        "login": "/login",
        "dashboard": "/",
        "catalogue": "/courses",
        "course": f"/courses/{COURSE}",
        "module": f"/courses/{COURSE}/modules/{module}",
        "quiz-start": f"/courses/{COURSE}/quizzes/{exam.id}",
        "quiz-start-refused": f"/courses/info-security/quizzes/{failed_exam.id}",
        "attempt": f"/attempts/{open_exam}",
        "attempt-one-per-page": f"/attempts/{open_exam}?page=2",
        "attempt-checked": f"/attempts/{open_practice}",
        "summary": f"/attempts/{open_exam}/summary",
        "result-failed": f"/attempts/{failed}/result",
        "result": f"/attempts/{passed}/result",
        "result-practice": f"/attempts/{practice_result}/result",
        "history": "/attempts",
        "profile": "/profile",
        "not-found": "/courses/no-such-course",
        "trainer": "/trainer",
        "quiz-preview": f"/trainer/courses/{COURSE}/quizzes/{exam.id}",
        "module-preview": f"/trainer/courses/{COURSE}/modules/{module}",
        "statistics": f"/trainer/courses/service-ethics/quizzes/{passed_exam.id}/statistics",
    }
    return site


@pytest.fixture(scope="module")
def site(tmp_path_factory, book):
    server = ClockedServer(tmp_path_factory.mktemp("axe")).start()
    prepared = prepare(server, book)
    yield prepared
    for driver in prepared.drivers.values():
        driver.quit()
    stop_and_check(server)


TRAINER_PAGES = {"trainer", "quiz-preview", "module-preview", "statistics"}
PAGES = ["login", "dashboard", "catalogue", "course", "module", "quiz-start", "quiz-start-refused", "attempt",
         "attempt-one-per-page", "attempt-checked", "summary", "result-failed", "result", "result-practice", "history",
         "profile", "profile-errors", "not-found", "trainer", "quiz-preview", "module-preview", "statistics"]


def open_page(site: Site, page: str, language: str):
    role = "anonymous" if page == "login" else ("trainer" if page in TRAINER_PAGES else "learner")
    driver = site.driver(language, role)
    if page == "profile-errors":
        submit_bad_password_form(site, driver)
    else:
        driver.get(site.server.url(site.paths[page]))
    assert driver.find_element("tag name", "html").get_attribute("lang").startswith(language)
    return driver


def submit_bad_password_form(site: Site, driver) -> None:
    from selenium.webdriver.common.by import By

    driver.get(site.server.url("/profile"))
    driver.find_element(By.ID, "current_password").send_keys("not the password at all")
    driver.find_element(By.ID, "new_password").send_keys("short")
    driver.find_element(By.ID, "confirm_password").send_keys("different")
    button = driver.find_element(By.CSS_SELECTOR, "form[action='/profile/password'] button[type='submit']")
    wait_for_navigation(driver, button.click, lambda path: path == "/profile/password", "the password form went elsewhere")


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("page", PAGES)
def test_every_page_type_passes_axe_core_wcag_a_and_aa(site, page, language):
    source = axe_source()
    driver = open_page(site, page, language)
    violations = axe_violations(driver, source)
    assert not violations, f"{page} ({language}, {driver.current_url}) has WCAG violations:\n{describe(violations)}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_password_form_error_summary_links_to_invalid_fields(site, language):
    from selenium.webdriver.common.by import By

    driver = site.driver(language, "learner")
    submit_bad_password_form(site, driver)
    summary = driver.find_element(By.CSS_SELECTOR, ".error-summary")
    assert summary.get_attribute("role") == "alert"
    assert ui_text(language, "profile.errors.summary", count=3) in summary.text
    links = summary.find_elements(By.CSS_SELECTOR, "a")
    targets = [link.get_dom_attribute("href").lstrip("#") for link in links]
    assert targets == ["current_password", "new_password", "confirm_password"], targets
    for link, target in zip(links, targets):
        assert link.get_dom_attribute("href") == f"#{target}"
        field_element = driver.find_element(By.ID, target)
        assert field_element.get_attribute("aria-invalid") == "true", f"#{target} is not marked invalid"
        described = field_element.get_attribute("aria-describedby").split()
        messages = [driver.find_element(By.ID, message_id).text for message_id in described]
        assert link.text in messages, f"#{target}: the summary's message {link.text!r} is not beside the field"
        assert field_element.get_attribute("value") == "", "password fields must not be filled in again"
    # Following a summary link moves to its field.
    links[1].click()
    wait_for(driver, lambda d: d.execute_script("return location.hash") == "#new_password")
    assert driver.execute_script("return document.activeElement.id") == "new_password"


def test_the_quiz_timer_is_a_timer_that_announces_only_at_five_and_one_minutes(tmp_path, book):
    from selenium.webdriver.common.by import By

    server = ClockedServer(tmp_path / "timer").start()
    driver = None
    try:
        learner = f"timer-{server.port}"
        password = server.add_user(learner, "计时学员")
        http = login(server, learner, password)
        attempt = start_attempt_http(server, http, COURSE, "final-exam")
        driver = new_chromium("zh")
        driver.get(server.url("/login"))
        driver.add_cookie({"name": "csa_session", "value": http.cookies.get("csa_session"), "path": "/"})

        def load() -> tuple:
            driver.get(server.url(f"/attempts/{attempt}"))
            assert browser_path(driver) == f"/attempts/{attempt}"
            box = driver.find_element(By.ID, "timer")
            return box, driver.find_element(By.ID, "timer-text"), driver.find_element(By.ID, "timer-announce")

        box, text, live = load()
        assert text.get_attribute("role") == "timer"
        assert text.get_attribute("aria-live") == "off", "the ticking text itself must not be announced"
        assert live.get_attribute("aria-live") == "polite"
        deadline, now = int(box.get_attribute("data-deadline")), int(box.get_attribute("data-now"))
        assert abs((deadline - now) - 30 * 60) <= 5, (deadline, now)
        assert "{minutes}" in box.get_attribute("data-announce") and "{minutes}" in box.get_attribute("data-label")
        assert ui_text("zh", "attempt.time_left", minutes=30) == text.text
        # The script ticks every second; with 30 minutes left, the live region stays empty.
        driver.execute_script("return new Promise(resolve => setTimeout(resolve, 1500))")
        assert live.text == "" and driver.execute_script("return arguments[0].textContent", live) == ""

        server.advance(25 * 60 + 30)
        box, text, live = load()
        assert text.text == ui_text("zh", "attempt.time_left", minutes=5)
        wait_for(driver, lambda d: d.execute_script("return arguments[0].textContent", live)
                 == ui_text("zh", "attempt.time_left_announce", minutes=5), 5,
                 "the live region did not announce 5 minutes")

        server.advance(4 * 60)
        box, text, live = load()
        wait_for(driver, lambda d: d.execute_script("return arguments[0].textContent", live)
                 == ui_text("zh", "attempt.time_left_announce", minutes=1), 5,
                 "the live region did not announce 1 minute")
    finally:
        if driver is not None:
            driver.quit()
        stop_and_check(server)


def relative_luminance(pixel: tuple[int, ...]) -> float:
    def channel(value: int) -> float:
        value = value / 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4
    red, green, blue = (channel(value) for value in pixel[:3])
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_visited_link_styled_as_a_secondary_button_keeps_readable_text(site, language):
    """Browsers hide :visited colours from scripts (and so from axe); the rendered pixels show them. The summary's
    "go back to your answers" button links to a page just seen, so it is always visited."""
    import io

    from selenium.webdriver.common.by import By

    try:
        from PIL import Image
    except ImportError:
        pytest.skip("Pillow is missing: pip install Pillow")
    driver = site.driver(language, "learner")
    driver.get(site.server.url(site.paths["summary"]))
    # Chrome styles a link as visited only after a navigation started from the same site: follow it once.
    back = driver.find_element(By.CSS_SELECTOR, "main a.button.button-secondary")
    wait_for_navigation(driver, back.click, lambda path: path == site.paths["attempt"], "the back link went elsewhere")
    driver.get(site.server.url(site.paths["summary"]))
    button = driver.find_element(By.CSS_SELECTOR, "main a.button.button-secondary")
    image = Image.open(io.BytesIO(button.screenshot_as_png)).convert("RGB")
    width, height = image.size
    # Leave out the button's bottom border; what remains is the face and its text.
    face = image.crop((0, 0, width, max(1, height - 5)))
    data = face.tobytes()
    luminances = [relative_luminance(tuple(data[index:index + 3])) for index in range(0, len(data), 3)]
    contrast = (max(luminances) + 0.05) / (min(luminances) + 0.05)
    assert contrast >= 4.5, (f"the visited secondary button {button.text!r} shows its text at a contrast of "
                             f"{contrast:.2f}:1 with its background")


def test_english_pages_use_english_punctuation(site):
    """Chinese full-width colons and semicolons belong to the Chinese strings; no English page shows them (the
    English course texts have none)."""
    from selenium.webdriver.common.by import By

    offenders = {}
    for page in PAGES:
        driver = open_page(site, page, "en")
        text = driver.find_element(By.TAG_NAME, "main").text
        marks = [line for line in text.splitlines() if "：" in line or "；" in line]
        if marks:
            offenders[page] = marks[:3]
    assert not offenders, f"English pages with full-width punctuation: {offenders}"
