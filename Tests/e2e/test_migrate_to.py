"""`training-server migrate-to postgres://…`: the demo database and a generated 10,000-person database copied into
PostgreSQL (each into a schema of its own), verified by the command, refused the second time, and the HR figures
the SQLite database reports (`training-server report summary`) found again on PostgreSQL from its tables.

Needs a PostgreSQL cluster: SE_POSTGRES_URL and SE_POSTGRES_PASSWORD_FILE as `scripts/postgres.sh` prints them;
skipped without them unless SE_REQUIRE_POSTGRES is set."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from conftest import BINARY, COURSES, REPO, free_port

URL = os.environ.get("SE_POSTGRES_URL", "")
PASSWORD_FILE = os.environ.get("SE_POSTGRES_PASSWORD_FILE", "")
REQUIRED = os.environ.get("SE_REQUIRE_POSTGRES", "").lower() in ("1", "true", "yes")

pytestmark = pytest.mark.skipif(not URL and not REQUIRED, reason="set SE_POSTGRES_URL (scripts/postgres.sh)")


def psql(schema: str, sql: str) -> list[list[str]]:
    """Rows of a query in `schema` (psql, unaligned, tab-separated)."""
    env = dict(os.environ)
    if PASSWORD_FILE:
        env["PGPASSWORD"] = Path(PASSWORD_FILE).read_text().splitlines()[0]
    env["PGOPTIONS"] = f"-c search_path={schema}"
    out = subprocess.run(["psql", URL, "-X", "-q", "-t", "-A", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-c", sql],
                         env=env, capture_output=True, text=True, timeout=120, check=True).stdout
    return [line.split("\t") for line in out.splitlines() if line]


class Schema:
    def __init__(self) -> None:
        assert URL, "SE_REQUIRE_POSTGRES is set but SE_POSTGRES_URL is not"
        self.name = "e2e_migrate_" + uuid.uuid4().hex[:10]
        psql("public", f"CREATE SCHEMA {self.name}")

    @property
    def url(self) -> str:
        return URL + ("&" if "?" in URL else "?") + "schema=" + self.name

    def drop(self) -> None:
        psql("public", f"DROP SCHEMA {self.name} CASCADE")


@pytest.fixture
def schema():
    created = Schema()
    yield created
    created.drop()


def migrate_to(db: Path, url: str) -> subprocess.CompletedProcess[str]:
    args = [str(BINARY), "migrate-to", url, "--db", str(db)]
    if PASSWORD_FILE:
        args += ["--password-file", PASSWORD_FILE]
    return subprocess.run(args, capture_output=True, text=True, timeout=600)


def sqlite_counts(db: Path) -> dict[str, int]:
    import sqlite3

    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        names = [row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'grdb_migrations'")]
        return {name: connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}
    finally:
        connection.close()


def postgres_counts(schema: str, tables: list[str]) -> dict[str, int]:
    union = " UNION ALL ".join(f"SELECT '{name}', count(*) FROM \"{name}\"" for name in tables)
    return {row[0]: int(row[1]) for row in psql(schema, union)}


def check_copy(db: Path, schema: Schema) -> None:
    done = migrate_to(db, schema.url)
    assert done.returncode == 0, done.stderr
    assert "the same counts on both engines" in done.stdout
    assert "verify on PostgreSQL" in done.stdout
    expected = sqlite_counts(db)
    assert postgres_counts(schema.name, list(expected)) == expected
    # A second copy into the same database is refused, and changes nothing.
    again = migrate_to(db, schema.url)
    assert again.returncode == 1
    assert "is not empty" in again.stderr and "users" in again.stderr
    assert postgres_counts(schema.name, list(expected)) == expected


def test_the_demo_database_copies_and_verifies(tmp_path: Path, schema: Schema) -> None:
    db = tmp_path / "demo.sqlite"
    port = free_port()
    server = subprocess.Popen([str(BINARY), "serve", "--demo", "--db", str(db), "--courses", str(COURSES),
                               "--port", str(port)], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True)
    try:
        for line in server.stdout:
            if "Listening on" in line:
                break
    finally:
        server.terminate()
        server.wait(timeout=30)
    check_copy(db, schema)
    logins = {row[0] for row in psql(schema.name, "SELECT login FROM users")}
    assert {"demo-learner", "demo-trainer", "demo-hr", "demo-admin"} <= logins


def test_a_generated_10000_person_database_reports_the_same_figures(tmp_path: Path, schema: Schema) -> None:
    db = tmp_path / "people.sqlite"
    subprocess.run([sys.executable, str(REPO / "Benchmarks" / "scale" / "generate.py"), "--server", str(BINARY),
                    "--db", str(db), "--courses", str(COURSES), "--people", "10000", "--departments", "200",
                    "--attempts", "50000"], check=True, capture_output=True, timeout=600)
    check_copy(db, schema)

    report = subprocess.run([str(BINARY), "report", "summary", "--db", str(db), "--as", "hr.bench",
                             "--courses", str(COURSES), "--format", "json"],
                            capture_output=True, text=True, timeout=120, check=True)
    summary = json.loads(report.stdout)
    program, year = summary["program"]["id"], summary["year"]
    total = summary["total"]
    assert total["people"] > 9_000

    # The figures again, from PostgreSQL's base tables (people, certifications, hours), not its counters.
    people = int(psql(schema.name, "SELECT count(*) FROM users WHERE disabled = 0")[0][0])
    assert people == total["people"]
    states = dict(psql(schema.name, f"""
        SELECT c.state, count(*) FROM certifications c JOIN users u ON u.id = c.user_id
        WHERE u.disabled = 0 AND c.program_id = '{program}' GROUP BY c.state"""))
    for state, count in total["states"].items():
        if state == "not_started":
            assert people - sum(int(value) for value in states.values()) == count
        else:
            assert int(states.get(state, "0")) == count, state
    # And from the counters the triggers keep, as copied.
    counted = dict(psql(schema.name, f"""
        SELECT state, sum(people) FROM certification_counts WHERE program_id = '{program}' GROUP BY state"""))
    for state, count in total["states"].items():
        if state != "not_started":
            assert int(counted.get(state, "0")) == count, state
    # Each top department's subtree.
    for line in summary["departments"]:
        department = line["department"]["id"]
        scope = "d.id = {0}" if line["direct"] else "d.id_path LIKE (SELECT id_path FROM departments WHERE id = {0}) || '%'"
        subtree = int(psql(schema.name, f"""
            SELECT count(*) FROM users u JOIN departments d ON d.id = u.department_id
            WHERE u.disabled = 0 AND {scope.format(department)}""")[0][0])
        assert subtree == line["counts"]["people"], line["department"]["path"]
    # The hours buckets of the year.
    required = summary["requiredHours"]
    hours = [float(row[0]) for row in psql(schema.name, f"""
        SELECT h.hours FROM user_year_hours h JOIN users u ON u.id = h.user_id
        WHERE u.disabled = 0 AND h.year = {year} AND h.hours > 0""")]
    for bucket in summary["hours"]:
        low, high = bucket["from"], bucket["to"]
        if high == 0:
            expected = people - len(hours)
        elif high is None:
            expected = sum(1 for value in hours if value >= required)
        else:
            expected = sum(1 for value in hours if (value > 0 if low == 0 else value >= low) and value < high)
        assert expected == bucket["people"], bucket

    # Both engines answer the same HR reports, through the same command: the summary, and the people lists in
    # each state, below the hours requirement, by search, streamed as CSV and JSON.
    def report(engine: list[str], *args: str) -> str:
        done = subprocess.run([str(BINARY), "report", *args, "--as", "hr.bench", "--courses", str(COURSES), *engine],
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        return done.stdout

    sqlite = ["--db", str(db)]
    postgres = ["--db", str(tmp_path / "node.sqlite"), "--database", schema.url, "--database-password-file", PASSWORD_FILE]
    assert not (tmp_path / "node.sqlite").exists()
    questions = [("summary", "--format", "json"), ("summary", "--format", "csv"),
                 ("people", "--format", "csv"), ("people", "--format", "json", "--below-required"),
                 ("people", "--format", "csv", "--state", "certified"),
                 ("people", "--format", "csv", "--state", "expired"),
                 ("people", "--format", "json", "--search", "张")]
    for question in questions:
        on_sqlite, on_postgres = report(sqlite, *question), report(postgres, *question)
        assert len(on_sqlite) > 200, (question, on_sqlite)
        assert on_postgres == on_sqlite, question
    assert not (tmp_path / "node.sqlite").exists(), "PostgreSQL was used, not a new SQLite file"
