"""The trainers' pages as a trainer reads them: item statistics in the authored texts of either language, and
the report of what the last reload of the course files added, changed and removed (on the page and in the log),
both clean under axe-core and photographed in both languages."""

from __future__ import annotations

import os
import re
import shutil
import signal
import time
from pathlib import Path

import pytest

from conftest import (
    COURSES,
    Server,
    form_with_action,
    hidden_csrf,
    login,
    needs_chromium,
    new_chromium,
    normalized,
    paper_questions,
    save_screenshot,
    start_attempt_http,
    stop_and_check,
    submit_attempt_http,
    ui_text,
    wait_for,
)

LANGUAGES = ["zh", "en"]
FIXTURES = Path(__file__).resolve().parent / "fixtures"

LAB_COURSE = """\
id: stats-lab
version: 1
title: {zh: 统计演练, en: Statistics lab}
summary: {zh: 用于检查题目统计的课程。, en: A course for checking item statistics.}
study_hours: 1
modules: [basics]
quizzes: [check]
completion:
  modules: all
  quiz: check
"""

LAB_MODULE = """\
---
id: basics
title: {title}
minutes: 10
hours: 1
objectives:
  - {objective}
summary: {summary}
---
# {title}

{body}
"""

LAB_QUIZ = """\
id: check
title: {zh: 统计测验, en: Statistics check}
mode: exam
pass_mark: 50
review: {show: [score, correctness, answers, explanations], when: immediately}
pools:
  - id: all
    questions:
      - id: law-years
        type: matching
        text: {zh: 将法律与其施行年份配对。, en: Match each law with the year it took effect.}
        pairs:
          - prompt: {zh: 网络安全法, en: Cybersecurity Law}
            answer: {zh: 2017年, en: "2017"}
          - prompt: {zh: 数据安全法, en: Data Security Law}
            answer: {zh: 2021年, en: "2021"}
        distractors:
          - {zh: 1999年, en: "1999"}
        explanation: {zh: 见模块“基础”。, en: "See module 'Basics'."}
        tags: [module:basics]
      - id: big-number
        type: numeric
        text: {zh: 请输入九十九万九千九百九十九。, en: Enter nine hundred ninety-nine thousand nine hundred ninety-nine.}
        answers:
          - {value: 999999, tolerance: 0, weight: 100}
        explanation: {zh: 见模块“基础”。, en: "See module 'Basics'."}
      - id: small-number
        type: numeric
        text: {zh: 请输入十分之一。, en: Enter one tenth as a decimal.}
        answers:
          - {value: 0.1, tolerance: 0, weight: 100}
        explanation: {zh: 见模块“基础”。, en: "See module 'Basics'."}
      - id: pi
        type: numeric
        text: {zh: 请输入圆周率，保留五位小数。, en: Enter pi to five decimal places.}
        answers:
          - {value: 3.14159, tolerance: 0.00001, weight: 100}
          - {min: 3.1, max: 3.2, weight: 50}
        explanation: {zh: 见模块“基础”。, en: "See module 'Basics'."}
      - id: law-2017
        type: short
        text: {zh: 哪部法律于2017年施行？, en: Which law took effect in 2017?}
        answers:
          - {text: Cybersecurity Law, weight: 100}
          - {text: 网络安全法, weight: 100}
        explanation: {zh: 见模块“基础”。, en: "See module 'Basics'."}
"""


def write_lab(courses: Path) -> None:
    """A small course whose exam has a matching, two numeric and a short-answer question."""
    folder = courses / "stats-lab"
    (folder / "modules").mkdir(parents=True)
    (folder / "quizzes").mkdir()
    (folder / "course.yaml").write_text(LAB_COURSE, encoding="utf-8")
    for language, title in (("zh", "基础"), ("en", "Basics")):
        (folder / "modules" / f"01-basics.{language}.md").write_text(
            LAB_MODULE.format(title=title, objective="Know the laws", summary="The laws and their years.",
                              body="The Cybersecurity Law took effect in 2017."), encoding="utf-8")
    (folder / "quizzes" / "check.yaml").write_text(LAB_QUIZ, encoding="utf-8")


def take_exam(server: Server, login_name: str, answers: dict[str, object]) -> None:
    """Signs `login_name` in, answers the lab exam (by question text, English page) and submits it.

    `answers` maps a question's English text to a string (typed answers) or to {prompt: answer} (matching)."""
    http = login(server, login_name, server.add_user(login_name, "统计学员"))
    http.get(server.url("/language/en?next=/"), timeout=10)
    attempt = start_attempt_http(server, http, "stats-lab", "check")
    page = http.get(server.url(f"/attempts/{attempt}"), timeout=10).text
    form = form_with_action(page, f"/attempts/{attempt}/save")
    fields = [(name, form["inputs"][name].get("value", "")) for name in ("csrf_token", "sequence", "form_key")]
    for question in paper_questions(page):
        wanted = answers[question.text]
        if question.kind == "matching":
            choice = {text: value for value, text in question.choices}
            for prompt_id, prompt in question.prompts:
                fields.append((f"answer-{question.number}-{prompt_id}", choice[wanted[prompt]]))
        else:
            fields.append((f"answer-{question.number}", str(wanted)))
    fields.append(("go", "finish"))
    saved = http.post(server.url(f"/attempts/{attempt}/save"), data=fields, allow_redirects=False, timeout=10)
    assert saved.status_code == 303, saved.text[:300]
    submit_attempt_http(server, http, attempt)


MATCHING = "Match each law with the year it took effect."
BIG = "Enter nine hundred ninety-nine thousand nine hundred ninety-nine."
SMALL = "Enter one tenth as a decimal."
SHORT = "Which law took effect in 2017?"
PI = "Enter pi to five decimal places."


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    root = tmp_path_factory.mktemp("trainer-lab")
    courses = root / "Courses"
    shutil.copytree(COURSES, courses)
    write_lab(courses)
    server = Server(root / "server", extra=("--courses", str(courses))).start()
    take_exam(server, "lab-one", {MATCHING: {"Cybersecurity Law": "2017", "Data Security Law": "2021"},
                                  BIG: "999999", SMALL: "0.1", SHORT: "Cybersecurity Law",
                                  PI: "3.14159"})
    take_exam(server, "lab-two", {MATCHING: {"Cybersecurity Law": "1999", "Data Security Law": "2021"},
                                  BIG: "999999", SMALL: "0.3", SHORT: "cybersecurity   law",
                                  PI: "3.14"})
    yield server, courses
    stop_and_check(server)


def trainer_session(server: Server):
    return login(server, "demo-trainer", server.demo_passwords["demo-trainer"])


def visible_text(page: str) -> str:
    """The page's text without tags, white space collapsed (enough for plain server-rendered pages)."""
    import html

    return normalized(html.unescape(re.sub(r"<[^>]+>", " ", page)))


# --- item statistics ----------------------------------------------------------------------------------


def test_item_statistics_show_authored_texts_and_numbers_as_typed(lab):
    server, _ = lab
    http = trainer_session(server)
    path = "/trainer/courses/stats-lab/quizzes/check/statistics"
    expected = {
        "zh": ["网络安全法 → 2017年：1", "网络安全法 → 1999年：1", "数据安全法 → 2021年：2"],
        "en": ["Cybersecurity Law → 2017: 1", "Cybersecurity Law → 1999: 1", "Data Security Law → 2021: 2"],
    }
    for language in LANGUAGES:
        http.get(server.url(f"/language/{language}?next=/"), timeout=10)
        page = http.get(server.url(path), timeout=10)
        assert page.status_code == 200
        text = visible_text(page.text)
        label = lambda label, count: ui_text(language, "label.count", label=label, count=count)  # noqa: E731
        typed = lambda value: ui_text(language, "stats.typed", text=value)  # noqa: E731
        for line in expected[language]:
            prompt_answer, count = line.rsplit("：" if language == "zh" else ": ", 1)
            assert label(prompt_answer, count) in text, f"{language}: {label(prompt_answer, count)!r} in {text[:1500]}"
        assert label(typed("999999"), 2) in text, text[:1500]
        assert label(typed("0.1"), 1) in text and label(typed("0.3"), 1) in text, text[:1500]
        assert label(typed("Cybersecurity Law"), 1) in text and label(typed("cybersecurity law"), 1) in text
        # No ids, no float noise.
        assert "999999.0" not in text and "0.1000" not in text and "0.3000" not in text, text[:1500]
        assert not re.search(r"\b\d+=(\d+|~\d+)\b", text), text[:1500]
        assert "=~" not in text and "law-years" in text


def test_the_quiz_preview_shows_numeric_answers_as_authored(lab):
    server, _ = lab
    http = trainer_session(server)
    for language in LANGUAGES:
        http.get(server.url(f"/language/{language}?next=/"), timeout=10)
        text = visible_text(http.get(server.url("/trainer/courses/stats-lab/quizzes/check"), timeout=10).text)
        for target in ("999999 ± 0", "0.1 ± 0", "3.14159 ± 0.00001", "3.1 – 3.2"):
            assert target in text, f"{language}: {target!r} in {text[:2000]}"
        assert "3.142" not in text and "999999.0" not in text


# --- the reload report --------------------------------------------------------------------------------


NEW_QUIZ = """\
id: practice-extra
title: {zh: 补充练习, en: Extra practice}
mode: practice
pass_mark: 60
pools:
  - id: practice
    questions:
      - id: extra-parts
        type: multiple
        text: {zh: 哪些是个人信息？, en: Which of these are personal information?}
        options:
          - {text: {zh: 姓名, en: Name}, weight: 40}
          - {text: {zh: 身份证号, en: ID number}, weight: 40}
          - {text: {zh: 天气, en: The weather}, weight: -50}
        explanation: {zh: 见模块“法律框架”。, en: "See module 'The legal framework'."}
        tags: [module:legal-framework]
"""


def press_reload(server: Server, http) -> str:
    token = hidden_csrf(http.get(server.url("/trainer"), timeout=10).text, "/trainer/reload")
    response = http.post(server.url("/trainer/reload"), data={"csrf_token": token}, allow_redirects=True, timeout=30)
    assert response.status_code == 200
    return response.text


def change_rows(page: str) -> list[tuple[str, str, str]]:
    """(change, type, path) per row of the "What changed" table."""
    section = page[page.index('id="last-reload"'):]
    body = section[section.index("<tbody>"):section.index("</tbody>")]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = [visible_text(cell) for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]
        path = re.search(r"<code>(.*?)</code>", row).group(1)
        rows.append((cells[0], cells[1], path))
    return rows


def wait_for_log(server: Server, text: str, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while text not in server.log and time.monotonic() < deadline:
        time.sleep(0.1)
    assert text in server.log, server.log[-3000:]


def test_a_reload_says_what_it_added_changed_and_removed(tmp_path):
    courses = tmp_path / "Courses"
    shutil.copytree(COURSES, courses)
    server = Server(tmp_path / "server", extra=("--courses", str(courses))).start()
    try:
        http = trainer_session(server)
        http.get(server.url("/language/en?next=/"), timeout=10)
        assert 'id="last-reload"' not in http.get(server.url("/trainer"), timeout=10).text

        # One module changed, one quiz added (with a lint warning), one programme removed: by the button.
        module = courses / "info-security" / "modules" / "01-legal-framework.en.md"
        module.write_text(module.read_text(encoding="utf-8") + "\nOne more sentence for the reload test.\n",
                          encoding="utf-8")
        manifest = courses / "info-security" / "course.yaml"
        manifest.write_text(manifest.read_text(encoding="utf-8").replace(
            "  - final-exam\n", "  - final-exam\n  - practice-extra\n", 1), encoding="utf-8")
        (courses / "info-security" / "quizzes" / "practice-extra.yaml").write_text(NEW_QUIZ, encoding="utf-8")
        programme = courses / "programs" / "egov-competence.yaml"
        programme_text = programme.read_text(encoding="utf-8")
        programme.unlink()

        page = press_reload(server, http)
        assert change_rows(page) == [
            ("Changed", "Module", "info-security/legal-framework"),
            ("Added", "Quiz", "info-security/practice-extra"),
            ("Removed", "Programme", "programs/egov-competence"),
        ], visible_text(page)[:2000]
        text = visible_text(page)
        assert "reloaded with the button by demo-trainer" in text
        assert ui_text("en", "trainer.reload.summary", added=1, changed=1, removed=1, warnings=1) in text
        assert "info-security/quizzes/practice-extra.yaml:" in text and "80%" in text, "the lint warning is listed"
        wait_for_log(server, "catalogue reloaded by demo-trainer from /trainer: 1 added, 1 changed, 1 removed, 1 warnings")
        for line in ("catalogue change: changed module info-security/legal-framework",
                     "catalogue change: added quiz info-security/practice-extra",
                     "catalogue change: removed program programs/egov-competence",
                     "catalogue warning: info-security/quizzes/practice-extra.yaml:"):
            wait_for_log(server, line)

        # The outcome stays on the page until the next reload.
        again = http.get(server.url("/trainer"), timeout=10).text
        assert change_rows(again) == change_rows(page)

        # The programme back, the new quiz's title changed: by SIGHUP.
        programme.write_text(programme_text, encoding="utf-8")
        quiz = courses / "info-security" / "quizzes" / "practice-extra.yaml"
        quiz.write_text(NEW_QUIZ.replace("Extra practice", "Extra practice (revised)"), encoding="utf-8")
        os.kill(server.process.pid, signal.SIGHUP)
        wait_for_log(server, "catalogue reloaded on SIGHUP: 1 added, 1 changed, 0 removed, 1 warnings")
        wait_for_log(server, "catalogue change: changed quiz info-security/practice-extra")
        wait_for_log(server, "catalogue change: added program programs/egov-competence")
        page = http.get(server.url("/trainer"), timeout=10).text
        assert change_rows(page) == [
            ("Changed", "Quiz", "info-security/practice-extra"),
            ("Added", "Programme", "programs/egov-competence"),
        ], visible_text(page)[:2000]
        assert "reloaded on a SIGHUP signal" in visible_text(page)
        assert "Extra practice (revised)" in visible_text(page)

        # Nothing changed: said so. A course's own change names its version.
        press_reload(server, http)
        page = http.get(server.url("/trainer"), timeout=10).text
        assert ui_text("en", "trainer.reload.none") in visible_text(page)
        manifest.write_text(manifest.read_text(encoding="utf-8").replace("version: 1", "version: 2", 1),
                            encoding="utf-8")
        page = press_reload(server, http)
        assert change_rows(page) == [("Changed", "Course", "info-security")]
        assert ui_text("en", "trainer.change.version", before=1, after=2) in visible_text(page)
        wait_for_log(server, "catalogue change: changed course info-security (version 1 -> 2)")

        # Errors: refused, nothing changed, the running catalogue stays; in Chinese too.
        manifest.write_text(manifest.read_text(encoding="utf-8").replace("study_hours:", "study_hourz:", 1),
                            encoding="utf-8")
        http.get(server.url("/language/zh?next=/"), timeout=10)
        page = press_reload(server, http)
        text = visible_text(page)
        assert ui_text("zh", "trainer.reload.by_button", time="", login="demo-trainer").split("：", 1)[1] in text
        assert "课程文件有 " in text and "因此没有做任何更改" in text
        assert "<tbody>" not in page.split('id="last-reload"', 1)[1].split("</section>", 1)[0]
        wait_for_log(server, "catalogue reload refused by demo-trainer from /trainer")
        wait_for_log(server, "catalogue error: info-security/course.yaml:")
    finally:
        stop_and_check(server)


# --- in the browser: axe and screenshots ---------------------------------------------------------------


def axe_check(driver, name: str) -> None:
    from test_accessibility import axe_source, axe_violations, describe

    violations = axe_violations(driver, axe_source())
    assert not violations, f"{name}:\n{describe(violations)}"


@needs_chromium
def test_the_statistics_and_the_reload_report_in_the_browser(lab):
    server, courses = lab
    http = trainer_session(server)
    module = courses / "stats-lab" / "modules" / "01-basics.en.md"
    module.write_text(module.read_text(encoding="utf-8") + "\nAnd the Data Security Law in 2021.\n", encoding="utf-8")
    (courses / "programs" / "egov-competence.yaml").unlink()
    press_reload(server, http)
    for language in LANGUAGES:
        driver = new_chromium(language)
        try:
            driver.get(server.url(f"/language/{language}?next=/login"))
            driver.add_cookie({"name": "csa_session", "value": http.cookies.get("csa_session"), "path": "/"})
            driver.get(server.url("/trainer"))
            wait_for(driver, lambda d: d.find_elements("id", "last-reload"), message="no reload report")
            assert driver.find_element("tag name", "html").get_attribute("lang").startswith(language)
            axe_check(driver, f"trainer ({language})")
            save_screenshot(driver, "trainer-reload-report", language)
            driver.get(server.url("/trainer/courses/stats-lab/quizzes/check/statistics"))
            wait_for(driver, lambda d: "→" in d.find_element("tag name", "body").text, message="no matching counts")
            axe_check(driver, f"statistics ({language})")
            save_screenshot(driver, "statistics-matching-numeric", language)
        finally:
            driver.quit()
