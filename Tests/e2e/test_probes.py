"""Short versions of the probes a security review ran against the server, kept as tests because they held:
every state-changing route refuses a missing or foreign CSRF token and changes nothing; markup in people's and
departments' names reaches every page as text; injection through search, sort, filters and ids changes nothing
and leaks nothing outside the reader's scope; twenty parallel starts give one attempt and twenty parallel submits
close it once; a backup taken while people write is sound and its audit chain verifies."""

from __future__ import annotations

import sqlite3
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

import pytest
import requests

from conftest import (STRONG_PASSWORD, api_token, bearer, client, hidden_csrf, login, run_cli, signed_in_csrf,
                      start_attempt_http)

PRACTICE_COURSE = "info-literacy"
PRACTICE = "practice-data-sharing"
SCOPE = "省政府/探针局"
OUTSIDE = "省政府/外部局"
MARKER = "zzprobe-outside"
MARKUP_NAME = '<script>alert("probe")</script><img src=x onerror=alert(1)>"\'&'
MARKUP_DEPARTMENT = '省政府/<b>标记</b>局'


def count(db, sql: str, *arguments) -> int:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as connection:
        return connection.execute(sql, arguments).fetchone()[0]


@pytest.fixture(scope="module")
def probed(tmp_path_factory):
    """A server of its own with an HR reader scoped to one department, a learner in it whose name is markup, and a
    marker person outside the scope."""
    from conftest import Server, stop_and_check
    server = Server(tmp_path_factory.mktemp("probes")).start()
    for department in (SCOPE, OUTSIDE, MARKUP_DEPARTMENT):
        server.cli("departments", "add", department)
    server.add_user("probe-hr", "Probe HR", roles=("learner", "hr"), department=SCOPE)
    server.add_user("probe-learner", MARKUP_NAME, department=SCOPE)
    server.add_user("probe-other", "Probe Other", department=SCOPE)
    server.add_user("probe-markup-dept", "Markup Department", department=MARKUP_DEPARTMENT)
    server.add_user("probe-formula", '=HYPERLINK("http://evil.example","x")', department=SCOPE)
    server.add_user(MARKER, MARKER, department=OUTSIDE)
    yield server
    stop_and_check(server)


# --- CSRF on every state-changing route -------------------------------------------------------------------------


def signed_in(server, login_name: str) -> requests.Session:
    return login(server, login_name, STRONG_PASSWORD)


def test_every_form_post_refuses_a_missing_or_foreign_csrf_token_and_changes_nothing(probed):
    server = probed
    learner, other = signed_in(server, "probe-learner"), signed_in(server, "probe-other")
    foreign = signed_in_csrf(server, other)
    attempt = start_attempt_http(server, learner, PRACTICE_COURSE, PRACTICE)
    attempts_before = count(server.db, "SELECT count(*) FROM quiz_attempts")
    steps_before = count(server.db, "SELECT count(*) FROM attempt_steps")
    audit_before = count(server.db, "SELECT count(*) FROM audit_log")
    module = "/courses/info-literacy/modules/" + quote("01-sources", safe="")
    routes = [
        ("/logout", {}),
        ("/profile/language", {"language": "en"}),
        ("/profile/time-zone", {"time_zone": "UTC"}),
        ("/profile/password", {"current_password": STRONG_PASSWORD, "new_password": "Another-Long-Passphrase-93",
                               "confirm_password": "Another-Long-Passphrase-93"}),
        (f"/courses/{PRACTICE_COURSE}/quizzes/{PRACTICE}/attempts", {}),
        (f"/attempts/{attempt}/save", {}),
        (f"/attempts/{attempt}/submit", {}),
        (module + "/progress", {}),
        ("/certificates/no-such-certificate/revoke", {"reason": "probe", "confirm": "1"}),
        ("/certificates/no-such-certificate/reinstate", {"reason": "probe"}),
        ("/trainer/reload", {}),
        (f"/api/v1/courses/{PRACTICE_COURSE}/quizzes/{PRACTICE}/attempts", {}),
        (f"/api/v1/attempts/{attempt}/answers", {}),
        (f"/api/v1/attempts/{attempt}/submit", {}),
    ]
    for path, form in routes:
        for token in (None, foreign, "x" * 43):
            data = dict(form)
            if token is not None:
                data["csrf_token"] = token
            response = learner.post(server.url(path), data=data, allow_redirects=False, timeout=10)
            assert response.status_code in (401, 403), (
                f"POST {path} with csrf_token={token!r:.12} -> {response.status_code}: {response.text[:300]}")
    # A right token from another origin is refused too.
    own = signed_in_csrf(server, learner)
    response = learner.post(server.url("/profile/language"), data={"language": "en", "csrf_token": own},
                            headers={"Origin": "https://evil.example"}, allow_redirects=False, timeout=10)
    assert response.status_code == 403, response.status_code
    # Nothing changed: the session still works, no attempt, step or audited change was added.
    assert learner.get(server.url("/profile"), allow_redirects=False, timeout=10).status_code == 200
    assert count(server.db, "SELECT count(*) FROM quiz_attempts") == attempts_before
    assert count(server.db, "SELECT count(*) FROM attempt_steps") == steps_before
    assert count(server.db, "SELECT count(*) FROM audit_log") == audit_before
    login(server, "probe-learner", STRONG_PASSWORD)  # the password was not changed


# --- markup in names ---------------------------------------------------------------------------------------------


def test_markup_in_names_and_departments_is_text_on_every_page_that_shows_them(probed):
    server = probed
    learner = signed_in(server, "probe-learner")
    hr = signed_in(server, "probe-hr")
    pages: list[tuple[requests.Session, str]] = [(learner, path) for path in
                                                  ("/", "/profile", "/courses", "/programs", "/attempts")]
    people = hr.get(server.url("/hr/people"), params={"q": "<script>"}, timeout=15)
    assert people.status_code == 200
    user_id = count(server.db, "SELECT id FROM users WHERE login = 'probe-learner'")
    markup_department_user = count(server.db, "SELECT id FROM users WHERE login = 'probe-markup-dept'")
    pages += [(hr, "/hr"), (hr, "/hr/people"), (hr, f"/hr/people/{user_id}"), (hr, "/hr/people?q=%3Cscript%3E")]
    seen_escaped = 0
    for http, path in pages:
        response = http.get(server.url(path), allow_redirects=False, timeout=15)
        assert response.status_code == 200, f"GET {path} -> {response.status_code}"
        body = response.text
        for raw in ('<script>alert("probe")', "<img src=x", "<b>标记</b>"):
            assert raw not in body, f"{path} carries unescaped markup {raw!r}"
        if "&lt;script&gt;alert(" in body:
            seen_escaped += 1
    assert seen_escaped >= 3, "the name was expected, escaped, on the learner's and HR's pages"
    # The CSV export is served as CSV (never as a page a browser would render), and a name that a spreadsheet
    # would run as a formula is neutralised.
    exported = hr.get(server.url("/hr/people.csv"), timeout=15)
    assert exported.status_code == 200 and exported.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in exported.headers.get("Content-Disposition", "")
    assert "probe-learner" in exported.text and "probe-formula" in exported.text
    formula_line = next(line for line in exported.text.splitlines() if "probe-formula" in line)
    assert ',=HYPERLINK' not in formula_line and ',"=HYPERLINK' not in formula_line, formula_line
    assert "'=HYPERLINK" in formula_line, formula_line
    assert markup_department_user > 0


# --- injection through parameters --------------------------------------------------------------------------------


INJECTIONS = ["' OR 1=1 --", "\" OR \"\"=\"", "1; DROP TABLE users", "name; DELETE FROM users",
              "%' OR '%'='", "1 UNION SELECT login, password_hash FROM users", "\\", "'", "%00", "*"]


def test_injection_in_search_sort_filters_and_ids_changes_nothing_and_stays_in_scope(probed):
    server = probed
    hr = signed_in(server, "probe-hr")
    token = api_token(server, "probe-hr")
    api = bearer(token)
    users_before = count(server.db, "SELECT count(*) FROM users")
    for value in INJECTIONS:
        for path, parameter in (("/hr/people", "q"), ("/hr/people", "sort"), ("/hr/people", "department"),
                                ("/hr/people", "page"), ("/hr/people", "status"), ("/hr/people.csv", "q"),
                                ("/hr/people.json", "sort"), ("/api/v1/hr/people", "q"),
                                ("/api/v1/hr/people", "sort"), ("/api/v1/hr/people", "department"),
                                ("/api/v1/hr/summary", "department")):
            http = api if path.startswith("/api/") else hr
            response = http.get(server.url(path), params={parameter: value}, allow_redirects=False, timeout=15)
            assert response.status_code in (200, 400, 404), (
                f"GET {path}?{parameter}={value!r} -> {response.status_code}: {response.text[:300]}")
            assert MARKER not in response.text, f"{path}?{parameter}={value!r} leaked the person outside the scope"
            assert "$argon2" not in response.text, "a password hash reached an answer"
        for template in ("/hr/people/{}", "/certificates/{}", "/attempts/{}", "/api/v1/attempts/{}",
                         "/api/v1/verify/{}", "/verify/{}"):
            path = template.format(quote(value, safe=""))
            http = api if path.startswith("/api/") else hr
            response = http.get(server.url(path), allow_redirects=False, timeout=15)
            assert response.status_code in (400, 404), f"GET {path} -> {response.status_code}"
            assert MARKER not in response.text
    assert count(server.db, "SELECT count(*) FROM users") == users_before
    with sqlite3.connect(f"file:{server.db}?mode=ro", uri=True) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


# --- exactly once under parallel requests ------------------------------------------------------------------------


def test_twenty_parallel_starts_give_one_attempt_and_twenty_parallel_submits_close_it_once(probed):
    server = probed
    server.add_user("probe-parallel", "Probe Parallel", department=SCOPE)
    token = api_token(server, "probe-parallel")
    start = server.url(f"/api/v1/courses/{PRACTICE_COURSE}/quizzes/{PRACTICE}/attempts")
    barrier = threading.Barrier(20)

    def post(url: str, body: dict | None) -> requests.Response:
        http = bearer(token)
        barrier.wait(timeout=30)
        return http.post(url, json=body, timeout=60)

    with ThreadPoolExecutor(20) as pool:
        started = list(pool.map(lambda _: post(start, None), range(20)))
    created = [response for response in started if response.status_code == 201]
    assert len(created) == 1, [response.status_code for response in started]
    assert all(response.status_code in (201, 409) for response in started), [r.status_code for r in started]
    attempt = created[0].json()
    assert count(server.db, "SELECT count(*) FROM quiz_attempts WHERE user_id = (SELECT id FROM users WHERE "
                            "login = 'probe-parallel')") == 1

    barrier.reset()
    submit = server.url(f"/api/v1/attempts/{attempt['id']}/submit")
    with ThreadPoolExecutor(20) as pool:
        submitted = list(pool.map(lambda _: post(submit, {"key": uuid.uuid4().hex}), range(20)))
    closed = [response.json() for response in submitted if response.status_code == 200]
    assert closed and all(response.status_code in (200, 409) for response in submitted), \
        [response.status_code for response in submitted]
    assert len({answer["closedAt"] for answer in closed}) == 1, "the attempt was closed more than once"
    final = bearer(token).get(server.url(f"/api/v1/attempts/{attempt['id']}"), timeout=15).json()
    assert final["closed"] is True and final["sequence"] == attempt["sequence"] + 1, (
        f"twenty submits took {final['sequence'] - attempt['sequence']} steps")


# --- backup under load -------------------------------------------------------------------------------------------


def test_a_backup_taken_while_people_write_is_sound_and_its_audit_chain_verifies(probed, tmp_path):
    server = probed
    writers = [signed_in(server, name) for name in ("probe-learner", "probe-other")]
    stop = threading.Event()
    done = [0, 0]

    def write(index: int) -> None:
        http = writers[index]
        language = "en"
        while not stop.is_set():
            token = signed_in_csrf(server, http, "/profile")
            response = http.post(server.url("/profile/language"), data={"language": language, "csrf_token": token},
                                 allow_redirects=False, timeout=15)
            assert response.status_code == 303, response.status_code
            language = "zh" if language == "en" else "en"
            done[index] += 1

    threads = [threading.Thread(target=write, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    try:
        for round_ in range(3):
            copy = tmp_path / f"backup-{round_}.sqlite"
            backed_up = server.cli("backup", str(copy))
            assert "ok" in backed_up.stdout + backed_up.stderr
            with sqlite3.connect(f"file:{copy}?mode=ro", uri=True) as connection:
                assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            verified = run_cli(copy, "verify-audit", check=False)
            assert verified.returncode == 0, verified.stdout + verified.stderr
    finally:
        stop.set()
        for thread in threads:
            thread.join(30)
    assert sum(done) > 0, "no write ran while the backups were taken"
