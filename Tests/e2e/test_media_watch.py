"""Study time that counts what was watched, over HTTP: watch reports credit seconds the server trusts (clipped to the
recording, capped at twice real time since the last report or page view), watched-only seeking credits nothing
skipped ahead, reaching the share of every recording completes the module with its hours, and the watching
distribution for trainers (everybody) and HR (their departments only), in both languages, axe-clean."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import requests

from conftest import (
    COURSES, DEPARTMENT, OTHER_DEPARTMENT, ClockedServer, client, hidden_csrf, http_language, login, new_chromium,
    signed_in_csrf, stop_and_check,
)
from media_files import make_media_course

COURSE = "media-course"
MODULE = f"/courses/{COURSE}/modules/lecture"
WATCH = f"{MODULE}/watch"
JSON = {"Accept": "application/json"}


def media_server(root: Path, *, seeking: str = "free") -> ClockedServer:
    """A clocked demo server with the shipped courses and the media course beside them."""
    courses = root / "courses"
    shutil.copytree(COURSES, courses)
    make_media_course(courses, watch="90%", seeking=seeking, duration=6)
    return ClockedServer(root / "server", extra=("--courses", str(courses))).start()


@pytest.fixture(scope="module")
def watch_server(tmp_path_factory: pytest.TempPathFactory):
    running = media_server(tmp_path_factory.mktemp("media-watch"))
    yield running
    stop_and_check(running)


def learner(server: ClockedServer, name: str, *, department: str = DEPARTMENT) -> tuple[requests.Session, str]:
    """A new learner signed in, having opened the module page (a page view); returns the session and its CSRF token."""
    password = server.add_user(name, "观看测试学员", department=department)
    http = login(server, name, password)
    http_language(server, http, "zh")
    return http, signed_in_csrf(server, http, MODULE)


def report(server: ClockedServer, http: requests.Session, csrf: str | None, media: str, ranges: str,
           *, position: str = "0") -> requests.Response:
    headers = dict(JSON)
    if csrf is not None:
        headers["X-CSRF-Token"] = csrf
    return http.post(server.url(WATCH), data={"media": media, "ranges": ranges, "position": position},
                     headers=headers, allow_redirects=False, timeout=10)


def progress(server: ClockedServer, http: requests.Session) -> tuple[dict, float]:
    answer = http.get(server.url("/api/v1/progress"), timeout=10)
    assert answer.status_code == 200, answer.text[:300]
    body = answer.json()
    course = next(c for c in body["courses"] if c["id"] == COURSE)
    return next(m for m in course["modules"] if m["id"] == "lecture"), body["hoursThisYear"]


def test_reports_credit_what_was_watched_up_to_twice_real_time(watch_server, unique):
    http, csrf = learner(watch_server, unique("watcher"))
    watch_server.advance(1)
    first = report(watch_server, http, csrf, "lecture", "0-6")
    assert first.status_code == 200, first.text[:300]
    body = first.json()
    assert set(body) == {"media", "watchedSeconds", "duration", "share", "frontier", "completed", "message"}
    assert body["media"] == "lecture" and body["completed"] is False
    assert 5.5 <= body["duration"] <= 6.5, "the duration is the catalogue's, read from the file"
    # One second after the page view: at most 2 × (1 s + the requests' own time) + 2 s.
    assert 4.0 <= body["watchedSeconds"] <= 5.0, body
    assert body["frontier"] == pytest.approx(body["watchedSeconds"], abs=0.01)
    assert body["share"] == pytest.approx(body["watchedSeconds"] / body["duration"], abs=0.001)
    assert "已观看" in body["message"] and "需 90%" in body["message"]

    # Straight away again (a second tab, or a made-up report): barely anything more.
    again = report(watch_server, http, csrf, "lecture", "0-6").json()
    assert again["watchedSeconds"] - body["watchedSeconds"] <= 2.5
    # Ranges past the end are clipped to the recording: never more than its duration.
    watch_server.advance(60)
    clipped = report(watch_server, http, csrf, "lecture", "0-6,5-5000").json()
    assert clipped["watchedSeconds"] == pytest.approx(clipped["duration"], abs=0.002)
    assert clipped["share"] == 1 and clipped["completed"] is False, "the briefing is not watched yet"
    module, _ = progress(watch_server, http)
    assert module["completed"] is False


def test_english_status_line(watch_server, unique):
    http, csrf = learner(watch_server, unique("english"))
    http_language(watch_server, http, "en")
    watch_server.advance(5)
    body = report(watch_server, http, csrf, "briefing", "0-3").json()
    assert re.fullmatch(r"\d+% watched \(90% required\)", body["message"]), body["message"]


@pytest.mark.parametrize("ranges", ["abc", "1-", "5-2", "0-1,", "1e3-2e3", "nan-1", "-1-2", "1;2"])
def test_malformed_ranges_are_refused_and_change_nothing(watch_server, unique, ranges):
    http, csrf = learner(watch_server, unique("bad-ranges"))
    watch_server.advance(30)
    refused = report(watch_server, http, csrf, "lecture", ranges)
    assert refused.status_code == 400
    assert refused.json()["error"] == "malformed_ranges" and "观看区间格式不正确" in refused.json()["message"]
    fine = report(watch_server, http, csrf, "lecture", "").json()
    assert fine["watchedSeconds"] == 0


def test_too_many_ranges_and_unknown_media_are_refused(watch_server, unique):
    http, csrf = learner(watch_server, unique("bad-media"))
    watch_server.advance(30)
    many = ",".join(f"{i * 0.01:.2f}-{i * 0.01 + 0.005:.3f}" for i in range(201))
    refused = report(watch_server, http, csrf, "lecture", many)
    assert refused.status_code == 400 and refused.json()["error"] == "too_many_ranges"
    unknown = report(watch_server, http, csrf, "no-such-recording", "0-3")
    assert unknown.status_code == 400 and unknown.json()["error"] == "unknown_media"
    assert "没有这个录像或录音" in unknown.json()["message"]
    missing = http.post(watch_server.url(WATCH), data={"ranges": "0-3"}, headers={**JSON, "X-CSRF-Token": csrf}, timeout=10)
    assert missing.status_code == 400 and missing.json()["error"] == "unknown_media"
    assert report(watch_server, http, csrf, "lecture", "").json()["watchedSeconds"] == 0


def test_unknown_places_are_not_found_and_csrf_and_sign_in_are_required(watch_server, unique):
    http, csrf = learner(watch_server, unique("places"))
    for path in (f"/courses/{COURSE}/modules/nope/watch", "/courses/nope/modules/lecture/watch",
                 "/courses/info-security/modules/legal-framework/watch"):
        answer = http.post(watch_server.url(path), data={"media": "lecture", "ranges": "0-1"},
                           headers={**JSON, "X-CSRF-Token": csrf}, timeout=10)
        assert answer.status_code == 404, f"{path} -> {answer.status_code}"
    assert report(watch_server, http, None, "lecture", "0-3").status_code == 403
    assert report(watch_server, http, "not-the-token", "lecture", "0-3").status_code == 403
    # Signed out, with the visitor's own (anonymous) CSRF token: 401, not a redirect to the login page.
    visitor = client()
    token = hidden_csrf(visitor.get(watch_server.url("/login"), timeout=10).text, "/login")
    assert report(watch_server, visitor, token, "lecture", "0-3").status_code == 401
    watch_server.advance(30)
    assert report(watch_server, http, csrf, "lecture", "").json()["watchedSeconds"] == 0, "nothing was recorded"


def test_reaching_the_share_of_every_recording_completes_the_module_once(watch_server, unique):
    http, csrf = learner(watch_server, unique("completer"))
    _, hours_before = progress(watch_server, http)
    watch_server.advance(10)
    lecture = report(watch_server, http, csrf, "lecture", "0-6").json()
    assert lecture["completed"] is False
    watch_server.advance(10)
    briefing = report(watch_server, http, csrf, "briefing", "0-5.6").json()
    assert briefing["completed"] is True, briefing
    assert "本模块已完成" in briefing["message"]
    module, hours = progress(watch_server, http)
    assert module["completed"] is True
    assert hours == pytest.approx(hours_before + 0.5)
    course_page = http.get(watch_server.url(f"/courses/{COURSE}"), timeout=10).text
    assert "已完成" in course_page
    dashboard = http.get(watch_server.url("/"), timeout=10).text
    done = re.search(r"本年度已学 ([\d.]+)", dashboard)
    assert done and float(done.group(1)) == pytest.approx(hours), "the dashboard counts the hours"
    # Watching after completion is still recorded, and credits nothing twice.
    watch_server.advance(10)
    after = report(watch_server, http, csrf, "briefing", "0-6").json()
    assert after["completed"] is True and after["watchedSeconds"] > briefing["watchedSeconds"]
    assert progress(watch_server, http)[1] == pytest.approx(hours)


def test_watched_only_skipping_ahead_is_not_credited(tmp_path_factory, unique):
    server = media_server(tmp_path_factory.mktemp("media-watched-only"), seeking="watched-only")
    try:
        http, csrf = learner(server, unique("skipper"))
        server.advance(60)
        skipped = report(server, http, csrf, "lecture", "4-6").json()
        assert skipped["watchedSeconds"] == 0 and skipped["frontier"] == 0
        server.advance(60)
        partly = report(server, http, csrf, "lecture", "0-2,4-6").json()
        assert partly["watchedSeconds"] == pytest.approx(2) and partly["frontier"] == pytest.approx(2)
        server.advance(60)
        whole = report(server, http, csrf, "lecture", "0-3.5,3-6").json()
        assert whole["watchedSeconds"] == pytest.approx(whole["duration"], abs=0.002), "once watched in order it counts"
        assert whole["frontier"] == pytest.approx(whole["duration"], abs=0.002)
    finally:
        stop_and_check(server)


# --- the distribution ------------------------------------------------------------------------------------------


def row_numbers(page: str, title: str) -> list[str]:
    """The cells of the distribution row headed `title`."""
    found = re.search(r'<tr><th scope="row">' + re.escape(title) + r"</th>(.*?)</tr>", page)
    assert found, f"no row {title!r} in the page"
    return re.findall(r"<td>(.*?)</td>", found.group(1))


@pytest.fixture(scope="module")
def distribution_site(tmp_path_factory: pytest.TempPathFactory):
    """A server where an HR reader of one department sees its learner's watching and not the marker's, who sits in
    another department, watched everything and completed the module by watching."""
    server = media_server(tmp_path_factory.mktemp("media-distribution"))
    inside, inside_csrf = learner(server, "watch-inside", department=OTHER_DEPARTMENT)
    marker, marker_csrf = learner(server, "watch-marker", department=DEPARTMENT)
    server.advance(30)
    assert report(server, inside, inside_csrf, "lecture", "0-2").status_code == 200
    assert report(server, marker, marker_csrf, "lecture", "0-6").status_code == 200
    server.advance(30)
    assert report(server, marker, marker_csrf, "briefing", "0-6").json()["completed"] is True
    hr_password = server.add_user("watch-hr", "观看人事", roles=("hr",), department=OTHER_DEPARTMENT)
    sessions = {
        "hr": login(server, "watch-hr", hr_password),
        "trainer": login(server, "demo-trainer", server.demo_passwords["demo-trainer"]),
        # An administrator over the province both departments belong to.
        "admin": login(server, "watch-admin", server.add_user("watch-admin", "观看管理员", roles=("admin",),
                                                              department=DEPARTMENT.split("/")[0])),
    }
    yield server, sessions
    stop_and_check(server)


TRAINER_PAGE = f"/trainer/courses/{COURSE}/modules/lecture/watching"
HR_PAGE = f"/hr/courses/{COURSE}/modules/lecture/watching"


def test_the_trainer_sees_everybody_and_hr_only_their_departments(distribution_site):
    server, sessions = distribution_site
    trainer = sessions["trainer"]
    http_language(server, trainer, "zh")
    home = trainer.get(server.url("/trainer"), timeout=10).text
    assert f'href="{TRAINER_PAGE}"' in home, "linked from the trainer's course list"
    page = trainer.get(server.url(TRAINER_PAGE), timeout=10)
    assert page.status_code == 200 and len(page.content) <= 50 * 1024
    lecture = row_numbers(page.text, "讲座：识别钓鱼邮件")
    # started, five buckets, reached 90 %, median
    assert lecture[:7] == ["2", "0", "1", "0", "0", "1", "1"], lecture
    assert row_numbers(page.text, "简报：本月的钓鱼邮件")[:7] == ["1", "0", "0", "0", "0", "1", "1"]
    assert "通过观看完成本模块的人数：1" in page.text
    assert "<caption>" in page.text and '<th scope="col">' in page.text

    hr = sessions["hr"]
    http_language(server, hr, "zh")
    assert 'href="/hr/watching"' in hr.get(server.url("/hr"), timeout=10).text
    assert f'href="{HR_PAGE}"' in hr.get(server.url("/hr/watching"), timeout=10).text
    scoped = hr.get(server.url(HR_PAGE), timeout=10)
    assert scoped.status_code == 200 and len(scoped.content) <= 50 * 1024
    assert row_numbers(scoped.text, "讲座：识别钓鱼邮件")[:7] == ["1", "0", "1", "0", "0", "0", "0"], \
        "the marker outside the HR reader's departments never counts"
    assert row_numbers(scoped.text, "简报：本月的钓鱼邮件")[0] == "0"
    assert "通过观看完成本模块的人数：0" in scoped.text

    admin = sessions["admin"]
    http_language(server, admin, "zh")
    assert row_numbers(admin.get(server.url(HR_PAGE), timeout=10).text, "讲座：识别钓鱼邮件")[0] == "2", "an admin sees all"


def test_the_distribution_pages_in_english_and_who_may_see_them(distribution_site, unique):
    server, sessions = distribution_site
    for role, path in (("trainer", TRAINER_PAGE), ("hr", HR_PAGE)):
        http = sessions[role]
        http_language(server, http, "en")
        page = http.get(server.url(path), timeout=10).text
        assert "Watching: Spotting phishing" in page and "Median share watched" in page
        assert "Lecture: spotting phishing" in page and "Watched 90–100 %" in page
        http_language(server, http, "zh")
    assert sessions["hr"].get(server.url(TRAINER_PAGE), allow_redirects=False, timeout=10).status_code == 403
    assert sessions["trainer"].get(server.url(HR_PAGE), allow_redirects=False, timeout=10).status_code == 403
    learner_http, _ = learner(server, unique("nosy"))
    assert learner_http.get(server.url(HR_PAGE), allow_redirects=False, timeout=10).status_code == 403
    assert sessions["trainer"].get(server.url(f"/trainer/courses/{COURSE}/modules/nope/watching"),
                                   timeout=10).status_code == 404


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_distribution_pages_are_axe_clean(distribution_site, language):
    from test_accessibility import axe_source, axe_violations, describe

    server, sessions = distribution_site
    source = axe_source()
    driver = new_chromium(language)
    try:
        driver.set_script_timeout(60)
        driver.get(server.url(f"/language/{language}?next=/login"))
        for role, path in (("trainer", TRAINER_PAGE), ("trainer", "/trainer/watching"), ("hr", HR_PAGE),
                           ("hr", "/hr/watching")):
            driver.delete_cookie("csa_session")
            driver.add_cookie({"name": "csa_session", "value": sessions[role].cookies.get("csa_session"), "path": "/"})
            driver.get(server.url(path))
            violations = axe_violations(driver, source)
            assert not violations, f"{path} ({language}):\n{describe(violations)}"
    finally:
        driver.quit()
