"""HR reports stay inside the reader's scope: a marker planted outside HR-A's departments never appears in any
byte of any page, export, API answer or command-line report, through ids in URLs, filters, sorting, paging and
search; the exports agree with the page and the API; exports and record views are audited."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pytest
import requests

from conftest import COURSES, STRONG_PASSWORD, Server, api_token, client, login, run_cli, stop_and_check

MARKER = b"zzmarker"
PROGRAM = "egov-competence"
BULK = 55  # more than one page of 50
DAY = 86_400


@dataclass
class Org:
    server: Server
    departments: dict[str, int]
    users: dict[str, int]
    year: int
    now: float
    hr: requests.Session = field(default=None)  # type: ignore[assignment]
    token: str = ""

    def hr_get(self, path: str, **kwargs) -> requests.Response:
        return self.hr.get(self.server.url(path), allow_redirects=False, timeout=30, **kwargs)

    def api_get(self, path: str) -> requests.Response:
        return requests.get(self.server.url(path), headers={"Authorization": f"Bearer {self.token}"},
                            allow_redirects=False, timeout=30)

    def cli(self, *args: str, check: bool = True):
        return run_cli(self.server.db, "report", *args, "--courses", str(COURSES), check=check)


def add_department(db: Path, path: str) -> int:
    done = run_cli(db, "departments", "add", path)
    return int(done.stdout.strip().split("\t")[0])


def add_user(db: Path, login_name: str, name: str, department: str, roles: tuple[str, ...] = ("learner",),
             employee: str | None = None) -> None:
    extra = ["--employee-number", employee] if employee else []
    role_args = [part for role in roles for part in ("--role", role)]
    run_cli(db, "users", "add", "--login", login_name, "--name", name, "--department", department, *role_args,
            *extra, "--password-stdin", stdin=STRONG_PASSWORD + "\n")


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory):
    """An organisation built on the database before the server starts:

    测试省 ── 数据局 (A, HR-A's scope) ── 综合处 (A1), 网络安全处 (A2)
          ├── ZZMARKER厅 (B: the marker department and person)
          └── fillers up to ZZMARKER陷阱 (an id starting with A's id: a string-prefix trap)
    """
    server = Server(tmp_path_factory.mktemp("hr-scope"), demo=False)
    server.directory.mkdir(parents=True, exist_ok=True)
    db = server.db
    departments = {"root": add_department(db, "测试省"), "A": add_department(db, "测试省/数据局")}
    departments["A1"] = add_department(db, "测试省/数据局/综合处")
    departments["A2"] = add_department(db, "测试省/数据局/网络安全处")
    departments["B"] = add_department(db, "测试省/ZZMARKER厅")
    trap_id = int(f"{departments['A']}0")
    index = 0
    while True:
        index += 1
        created = add_department(db, f"测试省/填充{index}")
        if created + 1 == trap_id:
            break
        assert created < trap_id
    departments["trap"] = add_department(db, "测试省/ZZMARKER陷阱")
    assert departments["trap"] == trap_id

    add_user(db, "hr.a", "人事甲", "测试省/数据局", ("hr",))
    add_user(db, "admin.root", "管理员", "测试省", ("admin",))
    add_user(db, "trainer.a", "培训师", "测试省/数据局", ("trainer",))
    add_user(db, "learner.a1", "学员李", "测试省/数据局/综合处", employee="E-A1-1")
    add_user(db, "inside.wang", "在内王", "测试省/数据局/网络安全处", employee="E-A2-1")
    add_user(db, "zzmarker.b", "ZZMARKER乙", "测试省/ZZMARKER厅", employee="EMPB-777")
    add_user(db, "zzmarker.trap", "ZZMARKER陷阱人", "测试省/ZZMARKER陷阱", employee="EMPT-888")

    now = time.time()
    year = time.localtime(now).tm_year
    database = sqlite3.connect(db)
    try:
        with database:
            for number in range(BULK):
                department = departments["A1"] if number % 2 else departments["A2"]
                database.execute(
                    "INSERT INTO users (login, display_name, employee_number, department_id, password_hash, created_at,"
                    " updated_at) VALUES (?, ?, ?, ?, '!', ?, ?)",
                    (f"bulk.{number:02d}", f"批量{number:02d}", f"B-{number:02d}", department, now, now))
            users = dict(database.execute("SELECT login, id FROM users"))
            certifications = [
                ("learner.a1", "certified", now - 30 * DAY, now + 200 * DAY, "CERT-A1-0001"),
                ("inside.wang", "expired", now - 800 * DAY, now - 70 * DAY, "CERT-A2-0001"),
                ("bulk.01", "due_for_renewal", now - 700 * DAY, now + 30 * DAY, "CERT-BULK-01"),
                ("bulk.02", "in_progress", None, None, None),
                ("zzmarker.b", "certified", now - 10 * DAY, now + 100 * DAY, "ZZMARKER-CERT-1"),
                ("zzmarker.trap", "due_for_renewal", now - 700 * DAY, now + 5 * DAY, "ZZMARKER-CERT-2"),
            ]
            for login_name, state, certified, expires, certificate in certifications:
                user_id = users[login_name]
                department = database.execute("SELECT department_id FROM users WHERE id = ?", (user_id,)).fetchone()[0]
                database.execute(
                    "INSERT INTO certifications (user_id, program_id, department_id, state, certified_at, expires_at,"
                    " certificate_id, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (user_id, PROGRAM, department, state, certified, expires, certificate, now))
                if certificate:
                    database.execute(
                        "INSERT INTO certificates (id, user_id, program_id, kind, issued_at, expires_at, credential)"
                        " VALUES (?, ?, ?, 'initial', ?, ?, 'jwt')", (certificate, user_id, PROGRAM, certified, expires))
            for login_name, hours in [("learner.a1", 95.0), ("inside.wang", 10.5), ("bulk.03", 45.0),
                                      ("zzmarker.b", 0.5), ("zzmarker.trap", 200.0)]:
                database.execute(
                    "INSERT INTO hours_ledger (user_id, year, source, course_id, item_id, hours, at)"
                    " VALUES (?, ?, 'module', 'service-ethics', 'm1', ?, ?)", (users[login_name], year, hours, now))
    finally:
        database.close()

    server.start()
    built = Org(server, departments, users, year, now)
    built.hr = login(server, "hr.a", STRONG_PASSWORD)
    built.token = api_token(server, "hr.a")
    yield built
    stop_and_check(server)


def assert_clean(body: bytes | str, where: str) -> None:
    data = body.encode() if isinstance(body, str) else body
    assert MARKER not in data.lower(), f"{where}: the marker leaked:\n{data[:3000]!r}"


def query(**parameters) -> str:
    pairs = [(name, value) for name, value in parameters.items() if value is not None]
    return ("?" + urlencode(pairs)) if pairs else ""


def filter_sets(org: Org) -> list[dict]:
    """Every kind of filter, sort and page the list takes, including ones naming outside departments."""
    d = org.departments
    soon = time.strftime("%Y-%m-%d", time.localtime(org.now + 3 * DAY))
    later = time.strftime("%Y-%m-%d", time.localtime(org.now + 120 * DAY))
    sets: list[dict] = [{}]
    sets += [{"state": state} for state in
             ("not_started", "in_progress", "certified", "due_for_renewal", "expired", "revoked")]
    sets += [{"sort": sort, "dir": direction} for sort in ("name", "department", "state", "expires", "hours")
             for direction in ("asc", "desc")]
    sets += [{"below_required": "1"}, {"expires_from": soon}, {"expires_to": later},
             {"expires_from": soon, "expires_to": later}, {"program": PROGRAM}]
    sets += [{"q": text} for text in ("ZZMARK", "MARKER", "乙", "陷阱", "zz", "%", "_", "EMPB-777", "EMPT-888", "B-0")]
    sets += [{"department": str(d[name])} for name in ("A", "A1", "A2")]
    sets += [{"department": str(d["A1"]), "state": "certified", "sort": "expires", "dir": "desc"}]
    sets += [{"sort": "hours", "dir": "asc", "below_required": "1", "department": str(d["A"])}]
    return sets


OUTSIDE_DEPARTMENTS = ["B", "trap", "root"]


def outside_values(org: Org) -> list[str]:
    d = org.departments
    return [str(d[name]) for name in OUTSIDE_DEPARTMENTS] + [
        "*", "-1", "0", f"{d['B']}abc", f" {d['B']}", f"{d['B']}.0", "999999", f"0{d['B']}"]


# --- scope ------------------------------------------------------------------------------------------


def test_the_marker_exists_and_the_admin_at_the_top_sees_it(org):
    admin = login(org.server, "admin.root", STRONG_PASSWORD)
    page = admin.get(org.server.url("/hr/people" + query(q="ZZMARK")), timeout=30)
    assert page.status_code == 200
    assert b"ZZMARKER" in page.content, "the planted marker is not findable at all: the scope tests would prove nothing"
    record = admin.get(org.server.url(f"/hr/people/{org.users['zzmarker.b']}"), timeout=30)
    assert record.status_code == 200 and "ZZMARKER-CERT-1" in record.text


def test_the_hr_home_and_drill_down_show_only_the_scope(org):
    home = org.hr_get("/hr")
    assert home.status_code == 200
    assert "数据局" in home.text and "综合处" in home.text and "网络安全处" in home.text
    assert "<svg" in home.text and "<title" in home.text
    assert_clean(home.content, "/hr")
    for name in ("A", "A1", "A2"):
        page = org.hr_get("/hr" + query(department=org.departments[name]))
        assert page.status_code == 200, name
        assert_clean(page.content, f"/hr?department={name}")
    for value in outside_values(org):
        for path in ("/hr", "/hr/summary.csv", "/api/v1/hr/summary"):
            response = org.hr_get(path + query(department=value))
            assert response.status_code == 404, f"{path}?department={value!r} -> {response.status_code}"
            assert_clean(response.content, f"{path}?department={value!r}")
    assert org.hr_get("/hr" + query(program="no-such-programme")).status_code == 404


def test_repeated_and_odd_department_parameters_never_widen_the_scope(org):
    d = org.departments
    cases = [
        (f"department={d['A1']}&department={d['B']}", 200),
        (f"department={d['B']}&department={d['A1']}", 404),
        (f"department[]={d['B']}", 200),
        (f"department%5B%5D={d['B']}", 200),
        ("department=", 200),  # the pages' forms send empty fields; the API refuses them (400), see below
        (f"department={d['B']}%00", 400),
        (f"dept={d['B']}", 200),
    ]
    for text, expected in cases:
        for path in ("/hr", "/hr/people", "/hr/people.csv", "/hr/people.json", "/api/v1/hr/people",
                     "/api/v1/hr/summary"):
            response = org.hr_get(f"{path}?{text}")
            wanted = 400 if text == "department=" and path.startswith("/api/") else expected
            assert response.status_code == wanted, f"{path}?{text} -> {response.status_code}"
            assert_clean(response.content, f"{path}?{text}")


def test_no_filter_sort_page_or_search_of_the_list_shows_the_marker(org):
    inside_seen = False
    for parameters in filter_sets(org):
        for page in (None, "2", "3", "999", "-1", "abc"):
            response = org.hr_get("/hr/people" + query(**parameters, page=page))
            assert response.status_code == 200, f"{parameters} page {page} -> {response.status_code}"
            assert_clean(response.content, f"/hr/people {parameters} page {page}")
            inside_seen = inside_seen or "在内王" in response.text
    assert inside_seen, "the in-scope person never appeared"
    for value in outside_values(org):
        response = org.hr_get("/hr/people" + query(department=value))
        assert response.status_code == 404, f"department={value!r} -> {response.status_code}"
        assert_clean(response.content, f"/hr/people?department={value!r}")


def test_exports_and_the_api_never_carry_the_marker(org):
    for parameters in filter_sets(org):
        for path in ("/hr/people.csv", "/hr/people.json"):
            response = org.hr_get(path + query(**parameters))
            assert response.status_code == 200, f"{path} {parameters} -> {response.status_code}"
            assert_clean(response.content, f"{path} {parameters}")
        for offset in ("0", "50", "100"):
            response = org.api_get("/api/v1/hr/people" + query(**parameters, offset=offset, limit="50"))
            assert response.status_code == 200, f"API {parameters} offset {offset} -> {response.status_code}"
            assert_clean(response.content, f"API {parameters} offset {offset}")
    for value in outside_values(org):
        for path in ("/hr/people.csv", "/hr/people.json"):
            response = org.hr_get(path + query(department=value))
            assert response.status_code == 404, f"{path}?department={value!r} -> {response.status_code}"
            assert_clean(response.content, path)
        for path in ("/api/v1/hr/people", "/api/v1/hr/summary"):
            response = org.api_get(path + query(department=value))
            assert response.status_code == 404, f"{path}?department={value!r} -> {response.status_code}"
            assert_clean(response.content, path)
    summary = org.api_get("/api/v1/hr/summary")
    assert summary.status_code == 200
    assert_clean(summary.content, "/api/v1/hr/summary")


def test_records_outside_the_scope_are_404_and_inside_are_shown(org):
    for name in ("zzmarker.b", "zzmarker.trap"):
        user_id = org.users[name]
        for path in (f"/hr/people/{user_id}", f"/hr/people/{user_id}/", f"/hr/people/0{user_id}",
                     f"/hr/people/{user_id}.0", f"/hr/people/+{user_id}"):
            response = org.hr_get(path)
            assert response.status_code == 404, f"{path} -> {response.status_code}"
            assert_clean(response.content, path)
    inside = set(org.users[name] for name in org.users if not name.startswith("zzmarker") and name != "admin.root")
    for user_id in range(1, max(org.users.values()) + 5):
        response = org.hr_get(f"/hr/people/{user_id}")
        assert response.status_code == (200 if user_id in inside else 404), f"/hr/people/{user_id}"
        assert_clean(response.content, f"/hr/people/{user_id}")
    record = org.hr_get(f"/hr/people/{org.users['learner.a1']}")
    assert "学员李" in record.text and "CERT-A1-0001" in record.text and "/verify/CERT-A1-0001" in record.text
    assert "95" in record.text


def test_the_cli_report_stays_in_the_scope(org):
    outputs = []
    for format_name in ("table", "csv", "json"):
        outputs.append(org.cli("summary", "--as", "hr.a", "--format", format_name).stdout)
        outputs.append(org.cli("people", "--as", "hr.a", "--format", format_name).stdout)
    outputs.append(org.cli("people", "--as", "hr.a", "--search", "ZZMARK").stdout)
    outputs.append(org.cli("people", "--as", "hr.a", "--search", "EMPB-777").stdout)
    outputs.append(org.cli("people", "--as", "hr.a", "--state", "due_for_renewal").stdout)
    for output in outputs:
        assert_clean(output, "training-server report")
    assert "在内王" in outputs[1]
    for name in OUTSIDE_DEPARTMENTS:
        for command in ("summary", "people"):
            done = org.cli(command, "--as", "hr.a", "--department", str(org.departments[name]), check=False)
            assert done.returncode != 0, f"report {command} --department {name} succeeded"
            assert_clean(done.stdout + done.stderr, f"report {command} --department {name}")
    refused = org.cli("people", "--as", "learner.a1", check=False)
    assert refused.returncode != 0 and "role" in (refused.stdout + refused.stderr)


# --- roles ------------------------------------------------------------------------------------------


def test_only_hr_and_admin_reach_the_reports(org):
    paths = ["/hr", "/hr/people", "/hr/people.csv", "/hr/people.json", "/hr/summary.csv",
             f"/hr/people/{org.users['learner.a1']}", "/api/v1/hr/summary", "/api/v1/hr/people"]
    for name in ("learner.a1", "trainer.a"):
        session = login(org.server, name, STRONG_PASSWORD)
        for path in paths:
            response = session.get(org.server.url(path), allow_redirects=False, timeout=10)
            assert response.status_code == 403, f"{name} {path} -> {response.status_code}"
            assert_clean(response.content, path)
            assert "在内王" not in response.text
    anonymous = client()
    for path in paths:
        response = anonymous.get(org.server.url(path), allow_redirects=False, timeout=10)
        expected = 401 if path.startswith("/api/") else 303
        assert response.status_code == expected, f"anonymous {path} -> {response.status_code}"


# --- agreement --------------------------------------------------------------------------------------


def read_csv(response: requests.Response) -> list[dict[str, str]]:
    assert response.content.startswith(b"\xef\xbb\xbf"), "the CSV has no byte-order mark"
    return list(csv.DictReader(io.StringIO(response.content[3:].decode("utf-8"), newline="")))


def page_user_ids(org: Org, parameters: dict) -> tuple[int, list[int]]:
    """Everyone the HTML list shows over all its pages, and the total its caption states."""
    first = org.hr_get("/hr/people" + query(**parameters))
    assert first.status_code == 200
    found = re.search(r"共 (\d+) 人符合条件", first.text)
    if found is None:
        assert "没有符合条件的人员" in first.text, first.text[:2000]
        return 0, []
    total = int(found.group(1))
    ids: list[int] = []
    page = 1
    text = first.text
    while True:
        body = text.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
        ids += [int(value) for value in re.findall(r'href="/hr/people/(\d+)"', body)]
        if 'rel="next"' not in text:
            break
        page += 1
        text = org.hr_get("/hr/people" + query(**parameters, page=str(page))).text
    return total, ids


def test_csv_json_page_api_and_cli_agree_on_the_same_filters(org):
    d = org.departments
    soon = time.strftime("%Y-%m-%d", time.localtime(org.now))
    later = time.strftime("%Y-%m-%d", time.localtime(org.now + 365 * DAY))
    cases = [
        ({}, []),
        ({"state": "certified"}, ["--state", "certified"]),
        ({"state": "not_started"}, ["--state", "not_started"]),
        ({"below_required": "1"}, ["--below-required"]),
        ({"department": str(d["A1"])}, ["--department", str(d["A1"])]),
        ({"q": "批量0"}, ["--search", "批量0"]),
        ({"expires_from": soon, "expires_to": later}, ["--expires-from", soon, "--expires-to", later]),
        ({"sort": "hours", "dir": "desc"}, []),
    ]
    for parameters, cli_args in cases:
        csv_response = org.hr_get("/hr/people.csv" + query(**parameters, codes="1"))
        json_response = org.hr_get("/hr/people.json" + query(**parameters))
        api = org.api_get("/api/v1/hr/people" + query(**parameters, limit="1000")).json()
        rows = read_csv(csv_response)
        items = json_response.json()
        total, page_ids = page_user_ids(org, parameters)
        ids = sorted(int(row["user_id"]) for row in rows)
        assert ids == sorted(item["userId"] for item in items), parameters
        assert ids == sorted(item["userId"] for item in api["items"]), parameters
        assert ids == sorted(page_ids), parameters
        assert len(ids) == total == api["total"], parameters
        by_id = {item["userId"]: item for item in items}
        for row in rows:
            item = by_id[int(row["user_id"])]
            assert row["login"] == item["login"] and row["name"] == item["name"]
            assert row["state"] == item["state"] and row["department"] == item["department"]
            assert (row["expires_at"] or None) == item["expiresAt"]
            assert (row["certificate_id"] or None) == item["certificateId"]
            assert (row["verification_url"] or None) == item["verificationUrl"]
            assert float(row["hours_this_year"]) == pytest.approx(item["hoursThisYear"])
        if parameters.get("sort"):
            continue
        done = org.cli("people", "--as", "hr.a", "--format", "csv", *cli_args)
        cli_rows = list(csv.DictReader(io.StringIO(done.stdout.lstrip("\ufeff"), newline="")))
        assert sorted(int(row["user_id"]) for row in cli_rows) == ids, parameters
        assert [row["hours_this_year"] for row in cli_rows] == [row["hours_this_year"] for row in rows]


def test_the_summary_agrees_with_the_list_the_api_and_the_cli(org):
    api = org.api_get("/api/v1/hr/summary").json()
    assert api["department"]["id"] == org.departments["A"]
    assert api["program"]["id"] == PROGRAM
    total = api["total"]
    listed = org.api_get("/api/v1/hr/people?limit=1").json()["total"]
    assert total["people"] == listed == 4 + BULK  # hr.a, trainer.a, learner.a1, inside.wang and the bulk
    for state, count in total["states"].items():
        assert org.api_get(f"/api/v1/hr/people?state={state}&limit=1").json()["total"] == count, state
    assert total["states"]["certified"] == 1 and total["states"]["due_for_renewal"] == 1
    # The first row holds hr.a and trainer.a, who are directly in A: the rows add up to the total.
    assert [row["direct"] for row in api["departments"]] == [True, False, False]
    assert api["departments"][0]["counts"]["people"] == 2
    assert sum(row["counts"]["people"] for row in api["departments"]) == total["people"]
    cli = json.loads(org.cli("summary", "--as", "hr.a", "--format", "json").stdout)
    assert cli == api
    page = org.hr_get("/hr").text
    assert f"共 {total['people']} 人" in page
    summary_csv = read_csv(org.hr_get("/hr/summary.csv?codes=1"))
    assert summary_csv[0]["row"] == "total" and int(summary_csv[0]["people"]) == total["people"]


def test_csv_headers_bom_and_download_names(org):
    response = org.hr_get("/hr/people.csv?codes=1")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and re.search(r'filename="people-[a-z0-9-]+-\d{4}-\d{2}-\d{2}\.csv"',
                                                                 disposition), disposition
    assert response.headers.get("Transfer-Encoding", "").lower() == "chunked"
    assert response.content.startswith(b"\xef\xbb\xbf" + b"employee_number,login,name,department,program,state,")
    assert "no-store" in response.headers.get("Cache-Control", "")
    rows = read_csv(response)
    learner = next(row for row in rows if row["login"] == "learner.a1")
    assert learner["certificate_id"] == "CERT-A1-0001"
    assert learner["verification_url"] == org.server.url("/verify/CERT-A1-0001")
    assert learner["department"] == "测试省 / 数据局 / 综合处"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", learner["expires_at"])
    listing = org.hr_get("/hr/people" + query(state="certified")).text
    assert 'href="/hr/people.csv?state=certified"' in listing and 'href="/hr/people.json?state=certified"' in listing


# --- audit ------------------------------------------------------------------------------------------


def audit_rows(org: Org) -> list[tuple[str, str, str, str]]:
    database = sqlite3.connect(f"file:{org.server.db}?mode=ro", uri=True)
    try:
        return list(database.execute("SELECT actor, action, subject, details FROM audit_log ORDER BY id"))
    finally:
        database.close()


def test_exports_and_record_views_are_audited(org):
    before = len(audit_rows(org))
    org.hr_get("/hr/people.csv?state=certified")
    org.hr_get("/hr/people.json")
    org.api_get("/api/v1/hr/people?below_required=1")
    org.cli("people", "--as", "hr.a", "--format", "json")
    org.hr_get(f"/hr/people/{org.users['learner.a1']}")
    org.hr_get(f"/hr/people/{org.users['hr.a']}")
    org.hr_get(f"/hr/people/{org.users['zzmarker.b']}")
    org.hr_get("/hr")
    org.hr_get("/hr/people")
    added = audit_rows(org)[before:]
    exports = [row for row in added if row[1] == "report.export"]
    views = [row for row in added if row[1] == "record.view"]
    assert len(added) == 5, added
    assert all(row[0] == "hr.a" for row in added)
    channels = sorted(json.loads(row[3])["channel"] for row in exports)
    assert channels == ["api", "cli", "web", "web"]
    csv_export = next(json.loads(row[3]) for row in exports if json.loads(row[3])["format"] == "csv")
    assert csv_export["state"] == "certified" and csv_export["program"] == PROGRAM
    assert [row[2] for row in views] == ["user:learner.a1"]
    intact = run_cli(org.server.db, "verify-audit")
    assert "intact" in intact.stdout


# --- a changed assignment takes effect at once ------------------------------------------------------


def test_a_new_grant_widens_and_its_removal_narrows_the_next_request(org):
    marker_path = f"/hr/people/{org.users['zzmarker.b']}"
    assert org.hr_get(marker_path).status_code == 404
    database = sqlite3.connect(org.server.db, timeout=10)
    try:
        with database:
            database.execute("INSERT INTO role_grants (user_id, role, department_id) VALUES (?, 'hr', ?)",
                             (org.users["hr.a"], org.departments["B"]))
        assert org.hr_get(marker_path).status_code == 200
        with database:
            database.execute("DELETE FROM role_grants WHERE user_id = ? AND department_id = ?",
                             (org.users["hr.a"], org.departments["B"]))
    finally:
        database.close()
    response = org.hr_get(marker_path)
    assert response.status_code == 404
    assert_clean(org.hr_get("/hr/people?q=ZZMARK").content, "after the grant was withdrawn")
