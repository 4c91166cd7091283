"""The system page (/admin/system), for organisation-wide administrators only: version, start and uptime, the
catalogue's version and lint state with the trainers' reload, the database's file and sizes with an integrity
check on demand, the last backup and "back up now" into serve --backup-dir, health as /healthz reports it, and
the server's limits. Every action is a CSRF-protected POST, recorded in the audit log, and answered with a
redirect to the page showing its result."""

from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path

import pytest
import requests

from admin_org import MARKER, build_admin_org
from conftest import (STRONG_PASSWORD, browser_sign_in, hidden_csrf, needs_chromium, run_cli, save_screenshot,
                      stop_and_check, wait_for)
from test_accessibility import axe_source, axe_violations, describe


@pytest.fixture(scope="module")
def system(tmp_path_factory: pytest.TempPathFactory):
    directory = tmp_path_factory.mktemp("admin-system")
    backups = directory / "backups"
    backups.mkdir()
    org = build_admin_org(directory / "org", extra=("--backup-dir", str(backups)))
    org.backups = backups  # type: ignore[attr-defined]
    yield org
    stop_and_check(org.server)


def last_action(db: Path, action: str) -> tuple | None:
    connection = sqlite3.connect(db)
    try:
        return connection.execute("SELECT actor, subject, details FROM audit_log WHERE action = ? ORDER BY id DESC LIMIT 1",
                                  (action,)).fetchone()
    finally:
        connection.close()


def post(http: requests.Session, server, action: str) -> requests.Response:
    csrf = hidden_csrf(http.get(server.url("/admin/system"), timeout=30).text, action)
    return http.post(server.url(action), data={"csrf_token": csrf}, allow_redirects=False, timeout=60)


def test_the_page_shows_the_server_as_it_runs(system):
    server = system.server
    root = system.session("admin.root")
    page = root.get(server.url("/admin/system"), timeout=30)
    assert page.status_code == 200
    text = page.text
    version = requests.get(server.url("/healthz"), timeout=10).json()["version"]
    assert f"<dd>{version}</dd>" in text
    assert "已运行" in text and re.search(r"\d+ 天 \d+ 小时 \d+ 分钟", text)
    assert str(server.db) in text
    assert "预写日志（WAL）大小" in text
    assert "正常" in text and "与 /healthz 的检查相同" in text
    # The catalogue's revision and each course's content hash, as the trainers' page has them.
    assert re.search(r"<code>[0-9a-f]{16}</code>", text)
    assert "门课程" in text and "重新加载课程目录" in text
    # Limits as serve was started (conftest starts it with 4 threads).
    assert "<dt>工作线程</dt><dd>4</dd>" in text
    assert "闲置 30 分钟，最长 12 小时" in text
    assert "未开启" in text
    assert "练习每日作答次数（默认）" in text
    assert str(system.backups) in text and "文件夹中还没有备份" in text
    assert MARKER not in page.content.lower()
    english = system.session("admin.root")
    english.get(server.url("/language/en?next=/"), timeout=10)
    text = english.get(server.url("/admin/system"), timeout=30).text
    assert "Running for" in text and "Back up now" in text and "Worker threads" in text


def test_only_organisation_wide_administrators_reach_it(system):
    server = system.server
    unit = system.session("admin.a")
    assert unit.get(server.url("/admin/system"), allow_redirects=False, timeout=30).status_code == 403
    csrf = hidden_csrf(system.session("admin.root").get(server.url("/admin/system"), timeout=30).text,
                       "/admin/system/backup")
    for action in ("/admin/system/backup", "/admin/system/check", "/admin/system/reload"):
        assert unit.post(server.url(action), data={"csrf_token": csrf}, allow_redirects=False,
                         timeout=30).status_code == 403
    assert not list(system.backups.iterdir())
    for login_name in ("learner.a1", "hr.a"):
        assert system.session(login_name).get(server.url("/admin/system"), allow_redirects=False,
                                              timeout=30).status_code == 403
    anonymous = requests.get(server.url("/admin/system"), allow_redirects=False, timeout=30)
    assert anonymous.status_code == 303


def test_back_up_now_writes_a_sound_private_copy_and_records_it(system):
    server = system.server
    root = system.session("admin.root")
    http = system.session("admin.root")
    assert http.post(server.url("/admin/system/backup"), data={}, allow_redirects=False, timeout=30).status_code == 403
    answer = post(root, server, "/admin/system/backup")
    assert answer.status_code == 303 and answer.headers["Location"] == "/admin/system?done=backed_up"
    files = sorted(system.backups.iterdir())
    assert len(files) == 1 and re.fullmatch(r"academy-\d{8}-\d{6}\.sqlite", files[0].name)
    assert files[0].stat().st_mode & 0o777 == 0o600
    copy = sqlite3.connect(files[0])
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert copy.execute("SELECT count(*) FROM users WHERE login = 'admin.root'").fetchone()[0] == 1
    copy.close()
    shown = root.get(server.url(answer.headers["Location"]), timeout=30).text
    assert "备份已写入并通过完整性检查" in shown and files[0].name in shown
    actor, subject, details = last_action(server.db, "database.backup")
    assert actor == "admin.root" and subject == files[0].name and '"integrity":"ok"' in details
    audit = root.get(server.url("/admin/audit?action=database.backup"), timeout=30).text
    assert f"总管理员 将数据库备份为 {files[0].name}（完整性：ok）" in audit
    # The command line writes into the same folder with the same naming.
    done = run_cli(server.db, "backup", str(system.backups))
    assert done.stdout.strip() == "ok"
    assert len(list(system.backups.iterdir())) == 2
    assert last_action(server.db, "database.backup")[0] == "cli"


def test_a_vanished_backup_folder_is_reported_and_nothing_written(system):
    server = system.server
    root = system.session("admin.root")
    csrf = hidden_csrf(root.get(server.url("/admin/system"), timeout=30).text, "/admin/system/backup")
    moved = system.backups.with_name("backups-away")
    os.rename(system.backups, moved)
    try:
        before = last_action(server.db, "database.backup")
        answer = root.post(server.url("/admin/system/backup"), data={"csrf_token": csrf}, allow_redirects=False, timeout=30)
        assert answer.status_code == 409
        assert "不存在，未写入备份" in answer.text and 'role="alert"' in answer.text
        assert last_action(server.db, "database.backup") == before
        assert not system.backups.exists()
    finally:
        os.rename(moved, system.backups)


def test_the_integrity_check_runs_on_demand_and_is_recorded(system):
    server = system.server
    root = system.session("admin.root")
    assert "尚未在此页面检查过" in root.get(server.url("/admin/system"), timeout=30).text
    answer = post(root, server, "/admin/system/check")
    assert answer.status_code == 303 and answer.headers["Location"] == "/admin/system?done=checked"
    shown = root.get(server.url(answer.headers["Location"]), timeout=30).text
    assert "完整性检查已完成" in shown and "由 admin.root 执行" in shown
    assert re.search(r"正常</strong> <span class=\"meta\">\d{4}年", shown)
    actor, subject, details = last_action(server.db, "database.check")
    assert actor == "admin.root" and subject == "database" and details == '{"result":"ok"}'


def test_reload_is_the_trainers_reload_and_is_recorded(system):
    server = system.server
    root = system.session("admin.root")
    answer = post(root, server, "/admin/system/reload")
    assert answer.status_code == 303 and answer.headers["Location"] == "/admin/system?done=reloaded"
    shown = root.get(server.url(answer.headers["Location"]), timeout=30).text
    assert "课程目录已重新加载" in shown and "最近一次重新加载" in shown and "admin.root" in shown
    actor, subject, details = last_action(server.db, "catalogue.reload")
    assert actor == "admin.root" and subject == "catalogue" and '"changes":"0"' in details


def test_without_a_backup_folder_the_page_says_how_to_configure_one(tmp_path):
    org = build_admin_org(tmp_path / "plain")
    try:
        root = org.session("admin.root")
        page = root.get(org.server.url("/admin/system"), timeout=30).text
        assert "未配置备份文件夹" in page and 'action="/admin/system/backup"' not in page
        csrf = hidden_csrf(page, "/admin/system/check")
        answer = root.post(org.server.url("/admin/system/backup"), data={"csrf_token": csrf}, timeout=30)
        assert answer.status_code == 409 and "serve --backup-dir" in answer.text
        assert last_action(org.server.db, "database.backup") is None
    finally:
        stop_and_check(org.server)


def test_serve_refuses_a_backup_folder_that_does_not_exist(tmp_path):
    done = run_cli(tmp_path / "x.sqlite", "serve", "--backup-dir", str(tmp_path / "missing"), "--port", "0", check=False)
    assert done.returncode != 0 and "--backup-dir" in (done.stdout + done.stderr)


@needs_chromium
@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_system_page_is_accessible_and_screenshotted(system, chromium, language):
    driver = chromium(language)
    browser_sign_in(driver, system.server, "admin.root", STRONG_PASSWORD, language)
    driver.get(system.server.url("/admin/system"))
    wait_for(driver, lambda d: d.execute_script("return document.readyState") == "complete")
    save_screenshot(driver, "admin-system", language)
    violations = axe_violations(driver, axe_source())
    assert not violations, describe(violations)
    assert len(driver.page_source.encode()) <= 50 * 1024
