"""Every command an operator runs, on a PostgreSQL database (`--database postgres://…` with the password in a file):
accounts, departments, tokens, a staff import, reports, regrading, the audit checkpoint and its verification, a
pg_dump backup, credential verification with revocation looked up there; `restore` and `migrate-to` refuse plainly.
The folder of `--db` keeps only the node's own files (keys, checkpoints): no SQLite database appears there.

Needs a PostgreSQL cluster: SE_POSTGRES_URL and SE_POSTGRES_PASSWORD_FILE as `scripts/postgres.sh` prints them;
skipped without them unless SE_REQUIRE_POSTGRES is set."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from conftest import BINARY, COURSES, REPO, STRONG_PASSWORD
from test_migrate_to import PASSWORD_FILE, REQUIRED, URL, Schema, psql

pytestmark = pytest.mark.skipif(not URL and not REQUIRED, reason="set SE_POSTGRES_URL (scripts/postgres.sh)")

DEPARTMENT = "测试省/数据局"


class Operator:
    """Runs `training-server` commands on one PostgreSQL schema, the node's files in `folder`."""

    def __init__(self, folder: Path, schema: Schema) -> None:
        self.folder = folder
        self.schema = schema

    @property
    def node_db(self) -> Path:
        return self.folder / "training.sqlite"

    def run(self, *args: str, stdin: str | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
        command = [str(BINARY), *args, "--db", str(self.node_db), "--database", self.schema.url,
                   "--database-password-file", PASSWORD_FILE]
        done = subprocess.run(command, input=stdin, capture_output=True, text=True, timeout=120, cwd=self.folder)
        if check:
            assert done.returncode == 0, f"{' '.join(args)} exited {done.returncode}\n{done.stdout}\n{done.stderr}"
        return done


@pytest.fixture
def operator(tmp_path: Path):
    schema = Schema()
    folder = tmp_path / "node"
    folder.mkdir(mode=0o700)
    yield Operator(folder, schema)
    schema.drop()


def test_accounts_departments_tokens_and_a_staff_import(operator: Operator, tmp_path: Path) -> None:
    operator.run("departments", "add", DEPARTMENT)
    assert "数据局" in operator.run("departments", "list").stdout
    operator.run("users", "add", "--login", "pg.admin", "--name", "管理员", "--department", DEPARTMENT,
                 "--role", "admin", "--password-stdin", stdin=STRONG_PASSWORD + "\n")
    operator.run("users", "add", "--login", "pg.learner", "--name", "学员甲", "--department", DEPARTMENT,
                 "--password-stdin", stdin=STRONG_PASSWORD + "\n")
    operator.run("users", "set-email", "--login", "pg.learner", "--email", "pg.learner@example.gov")
    operator.run("users", "disable", "--login", "pg.learner")
    listed = operator.run("users", "list").stdout
    assert re.search(r"pg\.learner\s.*disabled", listed), listed
    operator.run("users", "enable", "--login", "pg.learner")
    link = operator.run("users", "reset-link", "pg.learner").stdout
    assert "/password-reset/" in link or "/reset" in link, link
    assert psql(operator.schema.name, "SELECT email, disabled FROM users WHERE login = 'pg.learner'") == [
        ["pg.learner@example.gov", "0"]]

    created = operator.run("tokens", "create", "--login", "pg.admin", "--name", "nightly export").stdout
    assert "nightly export" in operator.run("tokens", "list", "--login", "pg.admin").stdout
    token_id = psql(operator.schema.name, "SELECT id FROM api_tokens WHERE name = 'nightly export'")[0][0]
    assert created.strip()
    operator.run("tokens", "revoke", token_id)
    assert psql(operator.schema.name, f"SELECT revoked_at IS NOT NULL FROM api_tokens WHERE id = {token_id}") == [["t"]]

    staff = tmp_path / "staff.csv"
    staff.write_text("employee_number,login,name,department,roles,status,time_factor\n"
                     f"E1001,pg.staff1,张一,{DEPARTMENT},learner,active,1\n"
                     f"E1002,pg.staff2,张二,{DEPARTMENT}/第二科,learner,active,1\n", encoding="utf-8")
    imported = operator.run("import-staff", str(staff), "--initial-passwords", str(tmp_path / "passwords.csv"))
    assert "2 to create" in imported.stdout and "imported" in imported.stdout, imported.stdout
    assert psql(operator.schema.name, "SELECT count(*) FROM users WHERE login LIKE 'pg.staff%'") == [["2"]]

    summary = json.loads(operator.run("report", "summary", "--as", "pg.admin", "--courses", str(COURSES),
                                      "--format", "json").stdout)
    assert summary["total"]["people"] == 4
    people = operator.run("report", "people", "--as", "pg.admin", "--courses", str(COURSES), "--format", "csv").stdout
    assert "pg.staff2" in people and "pg.learner" in people
    regraded = operator.run("regrade", "--all", "--courses", str(COURSES)).stdout
    assert "nothing to regrade" in regraded, regraded
    assert not operator.node_db.exists(), "the data went to PostgreSQL, not a new SQLite file"


def test_audit_checkpoints_backups_and_the_commands_that_refuse(operator: Operator, tmp_path: Path) -> None:
    operator.run("departments", "add", DEPARTMENT)
    checkpoint = operator.run("audit-checkpoint")
    assert "checkpoint" in checkpoint.stdout + checkpoint.stderr
    checkpoints = Path(str(operator.node_db) + ".audit-checkpoints")
    assert checkpoints.exists() and (operator.folder / "audit-key.pem").exists()
    rows = psql(operator.schema.name, "SELECT count(*) FROM audit_log")[0][0]
    verified = operator.run("verify-audit").stdout
    assert f"audit log intact: {rows} rows" in verified and "checked against the latest audit checkpoint" in verified, verified

    backups = tmp_path / "backups"
    backups.mkdir()
    backup = operator.run("backup", str(backups))
    assert backup.stdout.strip() == "ok", backup.stdout + backup.stderr
    [dump] = list(backups.glob("*.dump"))
    listed = subprocess.run(["pg_restore", "--list", str(dump)], capture_output=True, text=True, timeout=60)
    assert listed.returncode == 0 and "TABLE DATA" in listed.stdout and "audit_log" in listed.stdout
    assert psql(operator.schema.name, "SELECT action FROM audit_log ORDER BY id DESC LIMIT 1") == [["database.backup"]]

    # A rewritten row is found against the checkpoint, on PostgreSQL as on SQLite.
    psql(operator.schema.name, "ALTER TABLE audit_log DISABLE TRIGGER USER; "
                               "UPDATE audit_log SET details = '{\"forged\":\"1\"}' WHERE id = 1; "
                               "ALTER TABLE audit_log ENABLE TRIGGER USER")
    broken = operator.run("verify-audit", check=False)
    assert broken.returncode != 0 and "audit log broken at row 1" in broken.stdout, broken.stdout + broken.stderr

    restore = operator.run("restore", str(dump), check=False)
    assert restore.returncode != 0 and "pg_restore" in restore.stderr and "Usage" not in restore.stderr
    migrate = operator.run("migrate-to", operator.schema.url, check=False)
    assert migrate.returncode != 0 and "give the PostgreSQL database as its argument" in migrate.stderr
    assert not operator.node_db.exists()


def test_a_wrong_password_or_address_fails_plainly(operator: Operator, tmp_path: Path) -> None:
    wrong = tmp_path / "wrong-password"
    wrong.write_text("not the password\n")
    done = subprocess.run([str(BINARY), "users", "list", "--database", operator.schema.url,
                           "--database-password-file", str(wrong)], capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and "password authentication failed" in done.stderr, done.stderr
    assert "not the password" not in done.stderr + done.stdout
    done = subprocess.run([str(BINARY), "users", "list", "--database", "mysql://somewhere/db"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and "postgres://" in done.stderr, done.stderr
    done = subprocess.run([str(BINARY), "users", "list", "--database-password-file", str(wrong)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and "--database-password-file is for a PostgreSQL --database" in done.stderr


def test_verify_credential_looks_revocation_up_in_postgresql(operator: Operator, tmp_path: Path) -> None:
    fixtures = REPO / "Tests" / "e2e" / "fixtures"
    key = tmp_path / "issuer-key.pem"
    key.write_bytes((fixtures / "test-issuer-key.pem").read_bytes())
    key.chmod(0o600)
    credential = str(fixtures / "sample-credential.jwt")
    alone = subprocess.run([str(BINARY), "verify-credential", credential, "--key", str(key)], capture_output=True,
                           text=True, timeout=60)
    assert alone.returncode == 0 and "revocation not checked" in alone.stdout, alone.stdout + alone.stderr
    # Signed by the key, but no certificate of this platform's database: refused, having asked PostgreSQL.
    looked_up = subprocess.run([str(BINARY), "verify-credential", credential, "--key", str(key),
                                "--database", operator.schema.url, "--database-password-file", PASSWORD_FILE],
                               capture_output=True, text=True, timeout=60)
    assert looked_up.returncode == 1, looked_up.stdout + looked_up.stderr
    assert "does not name a certificate of this platform" in looked_up.stdout, looked_up.stdout
