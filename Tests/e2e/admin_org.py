"""An organisation for administration tests, built with the command line before the server starts:

    测试省 (root: admin.root) ── 数据局 (A: admin.a, a unit administrator; hr.a) ── 综合处 (A1), 网络安全处 (A2)
                              └── ZZMARKER厅 (B: a sibling bureau with the marker person zzmarker.b)

Nothing about B may ever reach admin.a: not a byte of its names (they all contain the marker), on any page,
export or answer. Import `admin_org` as a fixture (module scope) or call `build_admin_org`.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from conftest import STRONG_PASSWORD, Server, client, login, run_cli, stop_and_check

MARKER = b"zzmarker"


@dataclass
class AdminOrg:
    server: Server
    departments: dict[str, int]

    def session(self, login_name: str) -> requests.Session:
        """A signed-in HTTP session of one of the organisation's people (all share STRONG_PASSWORD)."""
        http = client(None)
        login(self.server, login_name, STRONG_PASSWORD, http=http)
        return http

    def user_id(self, login_name: str) -> int:
        database = sqlite3.connect(self.server.db)
        try:
            row = database.execute("SELECT id FROM users WHERE login = ?", (login_name,)).fetchone()
        finally:
            database.close()
        assert row is not None, f"no user {login_name}"
        return int(row[0])


def _department(db: Path, path: str) -> int:
    return int(run_cli(db, "departments", "add", path).stdout.strip().split("\t")[0])


def _user(db: Path, login_name: str, name: str, department: str, roles: tuple[str, ...] = ("learner",),
          employee: str | None = None) -> None:
    extra = ["--employee-number", employee] if employee else []
    role_args = [part for role in roles for part in ("--role", role)]
    run_cli(db, "users", "add", "--login", login_name, "--name", name, "--department", department, *role_args,
            *extra, "--password-stdin", stdin=STRONG_PASSWORD + "\n")


def build_admin_org(directory: Path, extra: tuple[str, ...] = ()) -> AdminOrg:
    server = Server(directory, demo=False, extra=extra)
    server.directory.mkdir(parents=True, exist_ok=True)
    db = server.db
    departments = {"root": _department(db, "测试省"), "A": _department(db, "测试省/数据局")}
    departments["A1"] = _department(db, "测试省/数据局/综合处")
    departments["A2"] = _department(db, "测试省/数据局/网络安全处")
    departments["B"] = _department(db, "测试省/ZZMARKER厅")
    _user(db, "admin.root", "总管理员", "测试省", ("admin",))
    _user(db, "admin.a", "单位管理员", "测试省/数据局", ("admin",))
    _user(db, "hr.a", "人事甲", "测试省/数据局", ("hr",))
    _user(db, "learner.a1", "学员李", "测试省/数据局/综合处", employee="E-A1-1")
    _user(db, "learner.a2", "学员王", "测试省/数据局/网络安全处", employee="E-A2-1")
    _user(db, "zzmarker.b", "ZZMARKER乙", "测试省/ZZMARKER厅", employee="ZZMARKER-777")
    server.start()
    return AdminOrg(server=server, departments=departments)


@pytest.fixture(scope="module")
def admin_org(tmp_path_factory: pytest.TempPathFactory):
    org = build_admin_org(tmp_path_factory.mktemp("admin-org"))
    yield org
    stop_and_check(org.server)
