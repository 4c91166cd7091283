"""The audit chain anchored outside the database, and a restore that checks before it replaces anything.

Someone who can write the database file can lift the append-only triggers, delete the newest audit rows, or
change a row and recompute every later hash (the hash is documented in docs/operations.md and reimplemented
here). The walk alone then says intact; the signed checkpoints in `<db>.audit-checkpoints` do not."""

from __future__ import annotations

import hashlib
import json
import signal
import sqlite3
import time
from contextlib import closing
from pathlib import Path

from conftest import STRONG_PASSWORD, Server, run_cli, stop_and_check

GENESIS = "0" * 64


def checkpoints_of(db: Path) -> Path:
    return Path(str(db) + ".audit-checkpoints")


def add_users(server: Server, *logins: str) -> None:
    server.cli("departments", "add", "省政府/审计局", check=False)
    for login in logins:
        server.cli("users", "add", "--login", login, "--name", f"审计 {login}", "--department", "省政府/审计局",
                   "--role", "learner", "--password-stdin", stdin=STRONG_PASSWORD + "\n")


def connect(db: Path):
    """A connection that is closed (not only committed) when the block ends, so no -wal file stays behind."""
    return closing(sqlite3.connect(db, isolation_level=None))


def logins(db: Path) -> set[str]:
    with connect(db) as connection:
        return {row[0] for row in connection.execute("SELECT login FROM users")}


def audit_rows(db: Path) -> list[tuple]:
    with connect(db) as connection:
        return connection.execute("SELECT id, at, actor_user_id, actor, action, subject, details, prev_hash, hash "
                                  "FROM audit_log ORDER BY id").fetchall()


def row_hash(prev: str, at: float, actor_user_id: int | None, actor: str, action: str, subject: str,
             details: str) -> str:
    """SHA-256 over the fields, each as `<UTF-8 byte length>:<text>`, joined by line feeds (docs/operations.md)."""
    fields = [prev, repr(float(at)), "" if actor_user_id is None else str(actor_user_id), actor, action, subject,
              details]
    canonical = "\n".join(f"{len(field.encode())}:{field}" for field in fields)
    return hashlib.sha256(canonical.encode()).hexdigest()


def tamper(db: Path, sql: str, *args) -> None:
    """Runs SQL with the append-only triggers lifted, as anyone with write access to the file can."""
    with connect(db) as connection:
        connection.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
        connection.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
        connection.execute(sql, args)


def rewrite_and_rehash(db: Path, row_id: int) -> None:
    """Changes one row's details, then recomputes its hash and every later one, so the chain walks intact."""
    tamper(db, "UPDATE audit_log SET details = ? WHERE id = ?", '{"note":"forged"}', row_id)
    with connect(db) as connection:
        previous = GENESIS
        for (id_, at, actor_user_id, actor, action, subject, details, _, _) in audit_rows(db):
            if id_ >= row_id:
                new_hash = row_hash(previous, at, actor_user_id, actor, action, subject, details)
                connection.execute("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?", (previous, new_hash, id_))
                previous = new_hash
            else:
                previous = connection.execute("SELECT hash FROM audit_log WHERE id = ?", (id_,)).fetchone()[0]


def verify(db: Path):
    return run_cli(db, "verify-audit", check=False)


def test_the_documented_hash_matches_the_stored_one(fresh_server) -> None:
    server = fresh_server(demo=False)
    add_users(server, "hash-a")
    previous = GENESIS
    for (_, at, actor_user_id, actor, action, subject, details, prev_hash, stored) in audit_rows(server.db):
        assert prev_hash == previous
        assert row_hash(prev_hash, at, actor_user_id, actor, action, subject, details) == stored
        previous = stored


def test_an_intact_chain_names_the_checkpoint_it_was_checked_against(fresh_server) -> None:
    server = fresh_server(demo=False)
    add_users(server, "intact-a", "intact-b")
    taken = server.cli("audit-checkpoint")
    assert taken.stdout.startswith("audit checkpoint: row "), taken.stdout
    add_users(server, "intact-c")
    stop_and_check(server)
    done = verify(server.db)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("audit log intact: ")
    assert lines[1].startswith("checked against the latest audit checkpoint: checkpoint at "), done.stdout
    # The server signed the head at its clean stop, so nothing is left unchecked.
    assert lines[1].endswith("; 0 rows since"), done.stdout
    last = json.loads(checkpoints_of(server.db).read_text().splitlines()[-1])
    assert last["reason"] == "shutdown" and last["row"] == audit_rows(server.db)[-1][0]
    assert "audit checkpoint: {" in server.log


def test_deleted_tail_rows_are_named_and_fail(fresh_server) -> None:
    server = fresh_server(demo=False)
    add_users(server, "tail-a", "tail-b", "tail-c")
    stop_and_check(server)
    newest = audit_rows(server.db)[-1][0]
    tamper(server.db, "DELETE FROM audit_log WHERE id > ?", newest - 2)
    done = verify(server.db)
    assert done.returncode == 1, done.stdout
    assert "audit log intact: " in done.stdout  # the walk alone sees nothing
    assert f"rows {newest - 1}..{newest} deleted after checkpoint at " in done.stdout, done.stdout


def test_a_rewritten_and_rehashed_chain_is_named_and_fails(fresh_server) -> None:
    server = fresh_server(demo=False)
    add_users(server, "rewrite-a", "rewrite-b")
    server.cli("audit-checkpoint")
    add_users(server, "rewrite-c", "rewrite-d")
    stop_and_check(server)
    target = audit_rows(server.db)[-2][0]
    rewrite_and_rehash(server.db, target)
    done = verify(server.db)
    assert done.returncode == 1, done.stdout
    assert "audit log intact: " in done.stdout
    newest = audit_rows(server.db)[-1][0]
    assert f"chain rewritten: row {newest} hash differs from checkpoint at " in done.stdout, done.stdout
    assert "the change lies after row " in done.stdout


def test_a_forged_checkpoint_line_fails_its_signature(fresh_server) -> None:
    server = fresh_server(demo=False)
    add_users(server, "forge-a")
    stop_and_check(server)
    path = checkpoints_of(server.db)
    lines = path.read_text().splitlines()
    forged = json.loads(lines[-1])
    forged["rows"] -= 1
    path.write_text("\n".join(lines + [json.dumps(forged, sort_keys=True, separators=(",", ":"))]) + "\n")
    done = verify(server.db)
    assert done.returncode == 1
    assert f"checkpoint signature invalid: {path} line {len(lines) + 1}" in done.stdout, done.stdout


def test_a_missing_checkpoint_file_is_a_warning(fresh_server) -> None:
    server = fresh_server(demo=False)
    add_users(server, "missing-a")
    stop_and_check(server)
    checkpoints_of(server.db).unlink()
    done = verify(server.db)
    assert done.returncode == 0
    assert "warning: audit checkpoint file " in done.stdout and " is missing" in done.stdout, done.stdout


def test_the_server_checkpoints_new_rows_by_itself_with_a_private_key_and_file(fresh_server) -> None:
    server = fresh_server(demo=False, extra=("--audit-checkpoint-minutes", "0.01"))
    add_users(server, "periodic-a")
    newest = audit_rows(server.db)[-1][0]
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        lines = checkpoints_of(server.db).read_text().splitlines()
        if json.loads(lines[-1])["row"] == newest:
            break
        time.sleep(0.2)
    last = json.loads(checkpoints_of(server.db).read_text().splitlines()[-1])
    assert last["row"] == newest and last["reason"] == "interval", last
    for path in (checkpoints_of(server.db), server.db.parent / "audit-key.pem"):
        assert path.stat().st_mode & 0o777 == 0o600, path


def test_a_rewritten_chain_is_not_blessed_by_the_next_checkpoint(fresh_server) -> None:
    server = fresh_server(demo=False)
    add_users(server, "bless-a", "bless-b")
    server.cli("audit-checkpoint")
    rewrite_and_rehash(server.db, audit_rows(server.db)[-1][0])
    refused = server.cli("audit-checkpoint", check=False)
    assert refused.returncode == 1 and "no checkpoint taken: " in refused.stderr, refused.stdout + refused.stderr
    stop_and_check(server)
    log = server.directory / "server.log"
    deadline = time.monotonic() + 5
    while "audit checkpoint failed: no checkpoint taken" not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert "audit checkpoint failed: no checkpoint taken" in log.read_text()
    assert verify(server.db).returncode == 1


# --- restore ----------------------------------------------------------------------------------------


def folder_state(db: Path) -> tuple[bytes, list[str]]:
    return db.read_bytes(), sorted(p.name for p in db.parent.iterdir() if not p.name.endswith(".lock"))


def backed_up_server(fresh_server) -> tuple[Server, Path]:
    """A stopped server: two users before the backup (checkpointed), one after."""
    server = fresh_server(demo=False)
    add_users(server, "before-a", "before-b")
    server.cli("audit-checkpoint")
    backup = server.directory / "backup.sqlite"
    assert server.cli("backup", str(backup)).stdout.strip() == "ok"
    add_users(server, "after-c")
    stop_and_check(server)
    return server, backup


def assert_refused(server: Server, backup: Path, message: str) -> None:
    before = folder_state(server.db)
    done = run_cli(server.db, "restore", str(backup), check=False)
    output = done.stdout + done.stderr
    assert done.returncode != 0, output
    assert message in output, output
    assert len(output.strip().splitlines()) == 1 and "Usage" not in output, output
    assert folder_state(server.db) == before


def test_a_good_backup_is_restored_and_the_replaced_file_kept(fresh_server) -> None:
    server, backup = backed_up_server(fresh_server)
    done = run_cli(server.db, "restore", str(backup))
    assert "integrity ok, audit log intact" in done.stdout and "matches the audit checkpoint at " in done.stdout
    kept = [p for p in server.db.parent.iterdir() if p.name.startswith(server.db.name + ".replaced-")]
    assert len(kept) == 1 and f"kept as {kept[0]}" in done.stdout, done.stdout
    assert "after-c" in logins(kept[0])
    assert server.db.stat().st_mode & 0o777 == 0o600
    assert not [p.name for p in server.db.parent.iterdir() if ".restoring" in p.name]
    restarted = Server(server.directory, demo=False).start()
    assert {"before-a", "before-b"} <= logins(server.db) and "after-c" not in logins(server.db)
    restored = restarted.cli("users", "list").stdout
    assert "before-a" in restored and "after-c" not in restored
    stop_and_check(restarted)
    assert audit_rows(server.db)[-1][4] == "database.restore"
    checked = verify(server.db)
    assert checked.returncode == 0, checked.stdout


def test_the_old_wal_is_not_replayed_onto_the_restored_file(fresh_server) -> None:
    server = fresh_server(demo=False)
    add_users(server, "wal-a")
    backup = server.directory / "backup.sqlite"
    server.cli("backup", str(backup))
    add_users(server, "wal-after")
    assert server.process is not None
    server.process.send_signal(signal.SIGKILL)
    server.process.wait()
    assert Path(str(server.db) + "-wal").exists()
    run_cli(server.db, "restore", str(backup))
    assert not Path(str(server.db) + "-wal").exists() or Path(str(server.db) + "-wal").stat().st_size == 0
    with connect(server.db) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert "wal-after" not in logins(server.db) and "wal-a" in logins(server.db)
    kept = next(p for p in server.db.parent.iterdir() if p.name.startswith(server.db.name + ".replaced-")
                and not p.name.endswith(("-wal", "-shm")))
    assert "wal-after" in logins(kept)
    assert verify(server.db).returncode == 0


def test_a_restore_is_refused_while_the_server_runs(fresh_server) -> None:
    server = fresh_server(demo=False)
    add_users(server, "running-a")
    backup = server.directory / "backup.sqlite"
    server.cli("backup", str(backup))
    done = run_cli(server.db, "restore", str(backup), check=False)
    assert done.returncode == 1 and "a server is using" in done.stderr, done.stdout + done.stderr
    assert not [p for p in server.db.parent.iterdir() if ".replaced-" in p.name]


def test_a_corrupted_backup_is_refused(fresh_server) -> None:
    server, backup = backed_up_server(fresh_server)
    data = bytearray(backup.read_bytes())
    for offset in range(4096, min(len(data), 4096 * 4), 7):
        data[offset] ^= 0x5A
    backup.write_bytes(bytes(data))
    assert_refused(server, backup, str(backup))


def test_a_backup_with_a_broken_audit_chain_is_refused(fresh_server) -> None:
    server, backup = backed_up_server(fresh_server)
    tamper(backup, "UPDATE audit_log SET subject = 'user:nobody' WHERE id = 2")
    assert_refused(server, backup, "audit log is broken at row 2")


def test_a_backup_with_a_rehashed_audit_chain_is_refused(fresh_server) -> None:
    server, backup = backed_up_server(fresh_server)
    rewrite_and_rehash(backup, 2)
    assert_refused(server, backup, "does not match the audit checkpoints")


def test_a_backup_with_a_newer_schema_is_refused(fresh_server) -> None:
    server, backup = backed_up_server(fresh_server)
    with connect(backup) as connection:
        connection.execute("INSERT INTO grdb_migrations (identifier) VALUES ('2099-01-01-future')")
    assert_refused(server, backup, "newer schema than this program")


def test_mistakes_are_plain_one_line_failures(tmp_path: Path) -> None:
    missing = tmp_path / "missing.sqlite"
    done = run_cli(missing, "audit-checkpoint", check=False)
    assert done.returncode == 1 and f"database not found: {missing}" in done.stderr, done.stderr
    assert not missing.exists()
    done = run_cli(missing, "restore", str(tmp_path / "no-backup.sqlite"), check=False)
    assert done.returncode == 1 and "file not found: " in done.stderr and "Usage" not in done.stderr, done.stderr
    assert not missing.exists()
