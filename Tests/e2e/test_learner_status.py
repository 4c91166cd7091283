"""The learner's dashboard, course status, certificates and local time tell one story, over HTTP and in Chromium.

The demo learner of this module's own server studies every module of the three programme courses but passes only
one final exam: nothing says "all done", the two other courses are in progress everywhere (cards, course pages,
API, certification) and their final exam is the next step; progress counts the final exam as a step. Then the
learner certifies, HR revokes the certificate: the dashboard shows HR's reason and that the three final exams must
be passed again (never the completed courses as "still to do"); doing so certifies again. Times show in the
server's zone (Asia/Shanghai by default, `serve --time-zone`) or the person's own, with the zone's name. The
certificate page has a print button when scripts run and an instruction without them; /favicon.ico is served;
the module page's no-script hint hides when the study script runs. Screenshots and axe-core on the new states.

The tests share one server and run in order: each continues where the previous one left the learner.
"""

from __future__ import annotations

import html
import re
import subprocess
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from conftest import (BINARY, COURSES, answer_attempt_http, bearer, api_token, browser_path, client, hidden_csrf,
                      login, needs_chromium, new_chromium, save_screenshot, start_attempt_http,
                      study_until_complete_http, submit_attempt_http, ui_text, wait_for)

PROGRAM_COURSES = ["service-ethics", "info-literacy", "info-security"]
EXAM = "final-exam"
HOLDER = "demo-learner"
LANGUAGES = ["zh", "en"]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
REASON = "Exam taken by someone else (case 2031-17)"


# --- helpers ----------------------------------------------------------------------------------------


def either_language(page: str, key: str, **arguments: object) -> bool:
    return any(html.escape(ui_text(language, key, **arguments), quote=False) in page for language in LANGUAGES)


def text_of(page: str) -> str:
    """The page's text, tags removed and entities decoded, whitespace collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def get(server, http, path: str) -> str:
    response = http.get(server.url(path), timeout=10)
    assert response.status_code == 200, f"GET {path} -> {response.status_code}"
    return response.text


def progress_label(language: str, done: int, total: int) -> str:
    return ui_text(language, "course.progress", done=done, total=total, percent=round(100 * done / total))


def pass_exam(server, http, book, course: str) -> str:
    attempt = start_attempt_http(server, http, course, EXAM)
    answer_attempt_http(server, http, attempt, book.quiz(course, EXAM), "zh", right=True)
    result = submit_attempt_http(server, http, attempt)
    assert either_language(result.text, "result.passed"), f"{course} final exam not passed:\n{result.text[:800]}"
    return attempt


def axe_violations(driver) -> list[dict]:
    try:
        import axe_playwright_python
    except ImportError:
        pytest.skip("axe-core is missing: pip install --no-deps axe-playwright-python")
    driver.set_script_timeout(60)
    driver.execute_script((Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8"))
    return driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})"
        ".then(r => done(r.violations)).catch(e => done([{id: 'axe-error', help: String(e), nodes: []}]));",
        WCAG_TAGS)


def browser_as(server, http, language: str, *, javascript: bool = True):
    """A Chromium in `language` carrying the session of the requests client `http`."""
    driver = new_chromium(language, javascript=javascript)
    driver.get(server.url(f"/language/{language}?next=/login"))
    driver.add_cookie({"name": "csa_session", "value": http.cookies.get("csa_session"), "path": "/"})
    return driver


def look_and_check(server, http, path: str, name: str) -> None:
    """Screenshots `path` in both languages and runs axe-core on it."""
    for language in LANGUAGES:
        driver = browser_as(server, http, language)
        try:
            driver.get(server.url(path))
            assert browser_path(driver) == path.split("?")[0], f"{path} went to {driver.current_url}"
            save_screenshot(driver, name, language)
            violations = axe_violations(driver)
            assert violations == [], f"axe on {name} ({language}): " + "; ".join(
                f"{v['id']}: {v.get('help')} {[n.get('target') for n in v.get('nodes', [])[:3]]}" for v in violations)
        finally:
            driver.quit()


@pytest.fixture(scope="module")
def story(clocked_server):
    server = clocked_server
    http = login(server, HOLDER, server.demo_passwords[HOLDER])
    return {"http": http, "token": api_token(server, HOLDER)}


def relogin(server, story):
    """Sessions last hours, not the years the clock travels: sign in again."""
    story["http"] = login(server, HOLDER, server.demo_passwords[HOLDER])
    return story["http"]


# --- progress counts the final exam -----------------------------------------------------------------


def test_progress_counts_the_final_exam_as_a_step_from_the_start(clocked_server, book, story, openapi):
    server, http = clocked_server, story["http"]
    dashboard = get(server, http, "/")
    for course in PROGRAM_COURSES:
        total = len(book.course(course)["modules"]) + 1
        page = get(server, http, f"/courses/{course}")
        assert html.escape(progress_label("zh", 0, total), quote=False) in page, \
            f"{course}: the course page does not count its final exam: {text_of(page)[:600]}"
        assert f'<progress max="100" value="0"' in page
        assert html.escape(progress_label("zh", 0, total), quote=False) in dashboard, f"{course} card"
    progress = bearer(story["token"]).get(server.url("/api/v1/progress"), timeout=10)
    body = openapi.check(progress, "/api/v1/progress")
    for line in body["courses"]:
        assert line["itemsTotal"] == line["modulesTotal"] + 1 and line["itemsCompleted"] == 0, line


# --- every module done, one final exam passed ---------------------------------------------------------


def test_modules_done_but_final_exams_outstanding_is_not_all_done(clocked_server, book, story, openapi):
    server, http = clocked_server, story["http"]
    for course in PROGRAM_COURSES:
        for module in book.course(course)["modules"]:
            study_until_complete_http(server, http, course, module)
    pass_exam(server, http, book, PROGRAM_COURSES[0])

    page = get(server, http, "/")
    words = text_of(page)
    assert not either_language(page, "dashboard.all_done"), f"the dashboard says all done: {words[:800]}"
    outstanding = PROGRAM_COURSES[1:]
    assert any(f'class="button" href="/courses/{course}/quizzes/{EXAM}"' in page for course in outstanding), \
        f"the dashboard's main action is not a final exam still to pass: {words[:800]}"
    for course in PROGRAM_COURSES:
        modules = len(book.course(course)["modules"])
        done = modules + 1 if course == PROGRAM_COURSES[0] else modules
        assert html.escape(progress_label("zh", done, modules + 1), quote=False) in page, f"{course} card: {words}"
        course_page = get(server, http, f"/courses/{course}")
        assert html.escape(progress_label("zh", done, modules + 1), quote=False) in course_page
        if course in outstanding:
            assert f'href="/courses/{course}/quizzes/{EXAM}"' in page, f"the {course} card does not offer its exam"
            assert either_language(course_page, "course.exam_ready"), f"{course}: the course page does not say the exam is next"
            assert either_language(course_page, "course.state.in_progress")
        else:
            assert either_language(course_page, "course.state.completed")
    # The certification agrees: the two courses are to do, the completed one is not.
    certification = page.split('id="certifications-title"', 1)[1]
    for course in outstanding:
        assert f'href="/courses/{course}"' in certification, f"{course} missing from the certification's steps"
    assert f'href="/courses/{PROGRAM_COURSES[0]}"' not in certification, "a completed course is listed as still to do"

    body = openapi.check(bearer(story["token"]).get(server.url("/api/v1/progress"), timeout=10), "/api/v1/progress")
    states = {line["id"]: (line["state"], line["itemsCompleted"], line["itemsTotal"]) for line in body["courses"]}
    for course in PROGRAM_COURSES:
        modules = len(book.course(course)["modules"])
        expected = ("completed", modules + 1) if course == PROGRAM_COURSES[0] else ("in_progress", modules)
        assert states[course] == (*expected, modules + 1), states

    look_and_check(server, http, "/", "dashboard-exams-outstanding")


# --- certified, revoked, what now -------------------------------------------------------------------


def test_a_revoked_learner_sees_hrs_reason_and_must_pass_the_final_exams_again(clocked_server, book, story, openapi):
    server, http = clocked_server, story["http"]
    for course in PROGRAM_COURSES[1:]:
        pass_exam(server, http, book, course)
    page = get(server, http, "/")
    assert either_language(page, "cert.state.certified") and either_language(page, "dashboard.all_done")
    certificates = bearer(story["token"]).get(server.url("/api/v1/certificates"), timeout=10).json()
    assert len(certificates) == 1, certificates

    hr = login(server, "demo-hr", server.demo_passwords["demo-hr"])
    path = f"/certificates/{certificates[0]['id']}"
    token = hidden_csrf(get(server, hr, path), f"{path}/revoke")
    revoked = hr.post(server.url(f"{path}/revoke"), data={"csrf_token": token, "reason": REASON, "confirm": "yes"},
                      allow_redirects=False, timeout=10)
    assert revoked.status_code == 303

    page = get(server, http, "/")
    words = text_of(page)
    assert either_language(page, "cert.state.revoked")
    assert REASON in words, f"the dashboard does not give HR's reason: {words[:1200]}"
    certification = page.split('id="certifications-title"', 1)[1]
    for course in PROGRAM_COURSES:
        assert f'href="/courses/{course}/quizzes/{EXAM}"' in certification, f"{course}: no way to pass its exam again"
        assert f'href="/courses/{course}"' not in certification, f"the completed {course} is listed as still to do"
        assert either_language(get(server, http, f"/courses/{course}"), "course.state.completed")
    assert either_language(certification, "cert.step.retake_exam")
    assert not either_language(certification, "cert.step.complete")
    assert "还需完成" not in words and "Still to do" not in words
    # The page's one action is the first of those exams, not "all done".
    assert not either_language(page, "dashboard.all_done"), "a revoked learner is told everything is done"
    main = page.split('id="hours-title"', 1)[0]
    assert f'class="button" href="/courses/{PROGRAM_COURSES[0]}/quizzes/{EXAM}"' in main, text_of(main)
    look_and_check(server, http, "/", "dashboard-revoked")
    # The API says the same.
    api = openapi.check(bearer(story["token"]).get(server.url("/api/v1/certifications"), timeout=10), "/api/v1/certifications")
    mine = next(line for line in api if line["state"] == "revoked")
    assert mine["revocationReason"] == REASON and mine["revokedAt"].endswith("Z"), mine
    assert [(step["course"], step["action"], step.get("quiz")) for step in mine["nextSteps"]["required"]] == \
        [(course, "retake_exam", EXAM) for course in PROGRAM_COURSES], mine
    assert mine["nextSteps"]["contactHR"] is False

    # Doing what the page says certifies again.
    server.advance(book.quiz(PROGRAM_COURSES[0], EXAM).attempt_delay_seconds + 60)
    http = relogin(server, story)
    for course in PROGRAM_COURSES:
        pass_exam(server, http, book, course)
    page = get(server, http, "/")
    assert either_language(page, "cert.state.certified"), f"not certified again: {text_of(page)[:1200]}"
    statuses = sorted(c["status"] for c in bearer(story["token"]).get(server.url("/api/v1/certificates"), timeout=10).json())
    assert statuses == ["revoked", "valid"], statuses


# --- local time ---------------------------------------------------------------------------------------


def local(seconds: float, zone: str, language: str, name: str) -> str:
    moment = datetime.fromtimestamp(seconds, ZoneInfo(zone))
    if language == "zh":
        return f"{moment.year}年{moment.month}月{moment.day}日 {moment:%H:%M}（{name}）"
    months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
              "November", "December"]
    return f"{moment.day} {months[moment.month - 1]} {moment.year} {moment:%H:%M} ({name})"


def test_times_show_in_the_servers_zone_or_the_persons_own_with_its_name(clocked_server, story):
    server, http = clocked_server, story["http"]
    # The newest attempt's start, from the API (seconds since 1970), as the history page must show it.
    history = get(server, http, "/attempts")
    attempt_id = re.search(r'href="/attempts/([^"/]+)/result"', history).group(1)
    started = bearer(story["token"]).get(server.url(f"/api/v1/attempts/{attempt_id}"), timeout=10).json()["startedAt"]
    assert "(UTC)" not in history and "（UTC）" not in history
    zh = get(server, http, "/attempts")
    assert local(started, "Asia/Shanghai", "zh", "北京时间") in text_of(zh), text_of(zh)[:1500]
    english = client()
    english.cookies.update(http.cookies)
    english.get(server.url("/language/en?next=/attempts"), timeout=10)
    en = get(server, english, "/attempts")
    assert local(started, "Asia/Shanghai", "en", "China Standard Time") in text_of(en), text_of(en)[:1500]

    # The person chooses Tokyo on the profile page (CSRF-protected like the other forms).
    profile = get(server, http, "/profile")
    token = hidden_csrf(profile, "/profile/time-zone")
    assert 'name="time_zone"' in profile and '<option value="Asia/Tokyo"' in profile
    forged = http.post(server.url("/profile/time-zone"), data={"time_zone": "Asia/Tokyo"}, allow_redirects=False,
                       timeout=10)
    assert forged.status_code == 403, forged.status_code
    for bad in ("Mars/Olympus", "CST", "GMT+8", "../../etc/passwd"):
        refused = http.post(server.url("/profile/time-zone"), data={"csrf_token": token, "time_zone": bad},
                            allow_redirects=False, timeout=10)
        assert refused.status_code == 400 and either_language(refused.text, "profile.time_zone.error.unknown"), bad
        assert 'href="#time_zone"' in refused.text, "the error summary does not link to the field"
        assert 'aria-invalid="true" aria-describedby="time_zone-hint time_zone-error"' in refused.text
        assert refused.text.count("aria-describedby=") == get(server, http, "/profile").count("aria-describedby=")
    assert local(started, "Asia/Shanghai", "zh", "北京时间") in text_of(get(server, http, "/attempts")), \
        "a refused zone changed something"
    saved = http.post(server.url("/profile/time-zone"), data={"csrf_token": token, "time_zone": "Asia/Tokyo"},
                      allow_redirects=False, timeout=10)
    assert saved.status_code == 303 and saved.headers["Location"] == "/profile?notice=time-zone"
    assert either_language(get(server, http, "/profile?notice=time-zone"), "profile.time_zone.saved")
    assert '<option value="Asia/Tokyo" selected>' in get(server, http, "/profile")
    assert local(started, "Asia/Tokyo", "zh", "日本标准时间") in text_of(get(server, http, "/attempts"))
    assert local(started, "Asia/Tokyo", "en", "Japan Standard Time") in text_of(get(server, english, "/attempts"))
    look_and_check(server, http, "/attempts", "attempts-local-time")
    look_and_check(server, http, "/profile", "profile-time-zone")

    # Back to the platform's zone.
    cleared = http.post(server.url("/profile/time-zone"), data={"csrf_token": token, "time_zone": ""},
                        allow_redirects=False, timeout=10)
    assert cleared.status_code == 303
    assert local(started, "Asia/Shanghai", "zh", "北京时间") in text_of(get(server, http, "/attempts"))


def test_serve_takes_an_iana_time_zone_and_refuses_an_unknown_one(fresh_server, tmp_path):
    done = subprocess.run([str(BINARY), "serve", "--port", "0", "--db", str(tmp_path / "x.sqlite"), "--courses",
                           str(COURSES), "--time-zone", "Mars/Olympus"], capture_output=True, text=True, timeout=30)
    assert done.returncode != 0
    assert "unknown time zone" in done.stderr and "Mars/Olympus" in done.stderr and "Asia/Shanghai" in done.stderr, \
        done.stderr
    assert not (tmp_path / "x.sqlite").exists(), "a refused start created a database"

    server = fresh_server(extra=("--time-zone", "Europe/Berlin"))
    http = login(server, HOLDER, server.demo_passwords[HOLDER])
    profile = text_of(get(server, http, "/profile"))
    now = datetime.now(ZoneInfo("Europe/Berlin"))
    name = "中欧夏令时间" if now.dst() else "中欧标准时间"
    assert f"{now.year}年{now.month}月{now.day}日" in profile and f"（{name}）" in profile, profile[:1500]
    assert "Europe/Berlin" in profile


# --- certificate page, icon, no-script hint ------------------------------------------------------------


@needs_chromium
def test_the_certificate_page_has_a_print_button_when_scripts_run(clocked_server, story):
    from selenium.webdriver.common.by import By

    server, http = clocked_server, story["http"]
    certificate = next(c for c in bearer(story["token"]).get(server.url("/api/v1/certificates"), timeout=10).json()
                       if c["status"] == "valid")
    path = f"/certificates/{certificate['id']}"
    page = get(server, http, path)
    assert '<button type="button" class="button" data-print hidden>' in page
    assert either_language(page, "cert.print.hint")
    for language in LANGUAGES:
        for javascript in (True, False):
            driver = browser_as(server, http, language, javascript=javascript)
            try:
                driver.get(server.url(path))
                button = driver.find_element(By.CSS_SELECTOR, "button[data-print]")
                hint = driver.find_element(By.CSS_SELECTOR, "[data-print-hint]")
                if javascript:
                    wait_for(driver, lambda d: button.is_displayed(), message="the print button did not appear")
                    assert not hint.is_displayed(), "the no-script instruction stays beside the button"
                    assert button.text == ui_text(language, "cert.print")
                    assert button.value_of_css_property("background-color") != "rgba(0, 0, 0, 0)", "not a button"
                    driver.execute_script("window.print = () => { window.printed = true; };")
                    button.click()
                    assert driver.execute_script("return window.printed === true"), "the button did not print"
                    save_screenshot(driver, "certificate-print", language)
                    violations = axe_violations(driver)
                    assert violations == [], violations
                else:
                    assert not button.is_displayed(), "a print button that needs scripts shows without them"
                    assert hint.is_displayed() and hint.text == ui_text(language, "cert.print.hint")
            finally:
                driver.quit()


def test_the_favicon_is_served_and_cacheable(clocked_server):
    server = clocked_server
    icon = client().get(server.url("/favicon.ico"), timeout=10)
    assert icon.status_code == 200, icon.status_code
    assert icon.headers["Content-Type"] == "image/x-icon"
    assert icon.content[:4] == b"\x00\x00\x01\x00", "not an ICO file"
    assert "max-age" in icon.headers["Cache-Control"] and "public" in icon.headers["Cache-Control"]
    plain = client().get(server.url("/favicon.ico"), headers={"Accept-Encoding": "identity"}, timeout=10)
    assert client().get(server.url("/favicon.ico"), headers={"If-None-Match": plain.headers["ETag"],
                                                             "Accept-Encoding": "identity"}, timeout=10).status_code == 304
    assert client().head(server.url("/favicon.ico"), timeout=10).status_code == 200
    assert client().get(server.url("/assets/favicon.ico"), timeout=10).content == icon.content


@needs_chromium
def test_the_no_script_hint_hides_when_the_study_script_runs(clocked_server, book, unique):
    from selenium.webdriver.common.by import By

    server = clocked_server
    learner = unique("hint")
    http = login(server, learner, server.add_user(learner, "周敏"))
    course = "info-literacy"
    path = f"/courses/{course}/modules/{book.course(course)['modules'][0]}"
    page = get(server, http, path)
    assert 'id="record-hint"' in page and either_language(page, "module.record_hint")
    for javascript in (True, False):
        driver = browser_as(server, http, "zh", javascript=javascript)
        try:
            driver.get(server.url(path))
            hint = driver.find_element(By.ID, "record-hint")
            if javascript:
                wait_for(driver, lambda d: not hint.is_displayed(), message="the no-script hint shows with scripts on")
            else:
                assert hint.is_displayed() and hint.text == ui_text("zh", "module.record_hint")
            assert driver.find_element(By.CSS_SELECTOR, "form.record-form button").is_displayed()
        finally:
            driver.quit()
