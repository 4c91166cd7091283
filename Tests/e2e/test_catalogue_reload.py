"""Reloading course files: SIGHUP and the trainers' reload button take a valid change, and an invalid change
keeps the running catalogue while trainers and admins see the errors with file and line."""
import os
import shutil
import signal
import time
from pathlib import Path

import pytest

from conftest import COURSES, Server, hidden_csrf, login, stop_and_check


@pytest.fixture()
def reloadable(tmp_path: Path):
    courses = tmp_path / "Courses"
    shutil.copytree(COURSES, courses)
    server = Server(tmp_path / "server", extra=("--courses", str(courses))).start()
    yield server, courses
    stop_and_check(server)


def trainer(server: Server):
    return login(server, "demo-trainer", server.demo_passwords["demo-trainer"])


def test_an_invalid_change_keeps_the_running_catalogue_and_shows_the_errors(reloadable) -> None:
    server, courses = reloadable
    http = trainer(server)
    manifest = courses / "service-ethics" / "course.yaml"
    original = manifest.read_text(encoding="utf-8")
    manifest.write_text(original.replace("study_hours:", "study_hourz:", 1), encoding="utf-8")

    token = hidden_csrf(http.get(server.url("/trainer")).text, "/trainer/reload")
    response = http.post(server.url("/trainer/reload"), data={"csrf_token": token}, allow_redirects=True)
    assert response.status_code == 200
    page = response.text
    assert "service-ethics/course.yaml:" in page, "the error names the file and line"
    assert "study_hourz" in page
    # The running catalogue still serves the course.
    assert http.get(server.url("/courses/service-ethics")).status_code == 200

    # SIGHUP with the file still broken: refused again, the server keeps running.
    os.kill(server.process.pid, signal.SIGHUP)
    time.sleep(1)
    assert server.process.poll() is None
    assert http.get(server.url("/courses/service-ethics")).status_code == 200
    assert "catalogue reload refused" in server.log


def test_a_valid_change_is_taken_on_sighup_and_by_the_reload_button(reloadable) -> None:
    server, courses = reloadable
    http = trainer(server)
    manifest = courses / "service-ethics" / "course.yaml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text.replace("Service ethics", "Service ethics (revised)", 1), encoding="utf-8")
    os.kill(server.process.pid, signal.SIGHUP)
    deadline = time.monotonic() + 10
    while "catalogue reloaded on SIGHUP" not in server.log and time.monotonic() < deadline:
        time.sleep(0.1)
    assert "catalogue reloaded on SIGHUP" in server.log
    assert "Service ethics (revised)" in http.get(server.url("/courses/service-ethics"),
                                                  headers={"Accept-Language": "en"}).text

    manifest.write_text(text, encoding="utf-8")
    token = hidden_csrf(http.get(server.url("/trainer")).text, "/trainer/reload")
    response = http.post(server.url("/trainer/reload"), data={"csrf_token": token}, allow_redirects=False)
    assert response.status_code == 303 and response.headers["Location"].endswith("notice=reloaded")
    page = http.get(server.url("/courses/service-ethics"), headers={"Accept-Language": "en"}).text
    assert "Service ethics (revised)" not in page


def test_learners_cannot_reload(reloadable) -> None:
    server, _ = reloadable
    http = login(server, "demo-learner", server.demo_passwords["demo-learner"])
    assert http.get(server.url("/trainer")).status_code == 403
