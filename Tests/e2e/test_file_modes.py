"""The database holds password hashes and personal data: the real server and `backup` create the database, its
-wal and -shm files, its folder and backup copies for their owner only, and the server warns at start about
database files other users can read."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

import requests

from conftest import Server, run_cli, stop_and_check


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@dataclass
class NestedServer(Server):
    """A server whose database lives in a folder that does not exist yet, so the server creates it."""

    @property
    def db(self) -> Path:
        return self.directory / "data" / "academy.sqlite"


def test_a_fresh_data_folder_and_its_files_are_private(tmp_path: Path) -> None:
    server = NestedServer(tmp_path / "fresh").start()
    try:
        assert requests.get(server.url("/healthz"), timeout=10).status_code == 200
        db = server.db
        for file in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
            assert file.exists(), f"{file} missing"
            assert mode(file) == 0o600, f"{file} has mode {oct(mode(file))}"
        assert mode(db.parent) == 0o700, oct(mode(db.parent))
        assert "readable by other users" not in server.log, server.log

        copy = tmp_path / "copy.sqlite"
        done = run_cli(db, "backup", str(copy))
        assert done.stdout.strip() == "ok"
        assert mode(copy) == 0o600, oct(mode(copy))
    finally:
        stop_and_check(server)


def test_a_database_others_can_read_is_warned_about_at_start(tmp_path: Path) -> None:
    server = NestedServer(tmp_path / "old")
    db = server.db
    db.parent.mkdir(parents=True)
    os.chmod(db.parent, 0o700)
    run_cli(db, "departments", "add", "省人民政府")
    os.chmod(db, 0o644)
    server.start()
    try:
        warnings = [line for line in server.lines if "readable by other users" in line]
        assert any("warning" in line and f"{db} is readable by other users (mode 0644)" in line for line in warnings), \
            server.log
        assert not any(f"{db.parent} is readable" in line for line in warnings), server.log
    finally:
        stop_and_check(server)
