"""The audit log page (/admin/audit): every row in words in both languages, filters by actor, action, target and
date (in the viewer's time zone), 50 rows a page newest first, the CSV download of the filtered rows (streamed,
formula-neutralised, headers in the reader's language), the chain's verification on demand as verify-audit gives
it, and reading, exporting and verifying recorded in the log itself. A unit administrator reads only the rows about
their own subtree: nothing about the sibling bureau's marker person ever reaches them."""

from __future__ import annotations

import csv
import io
import re
import sqlite3
from pathlib import Path

import pytest
import requests

from admin_org import MARKER, admin_org, build_admin_org  # noqa: F401  (module fixture)
from conftest import (STRONG_PASSWORD, browser_sign_in, client, hidden_csrf, login, needs_chromium, run_cli,
                      save_screenshot, stop_and_check, wait_for)
from test_accessibility import axe_source, axe_violations, describe


def audit_rows(db: Path, action: str | None = None) -> list[tuple]:
    connection = sqlite3.connect(db)
    try:
        if action is None:
            return connection.execute("SELECT id, actor, action, subject, details FROM audit_log ORDER BY id").fetchall()
        return connection.execute("SELECT id, actor, action, subject, details FROM audit_log WHERE action = ? ORDER BY id",
                                  (action,)).fetchall()
    finally:
        connection.close()


def table_rows(page: str) -> list[str]:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in page else ""
    return re.findall(r"<tr>(.*?)</tr>", body, re.S)


def english(http: requests.Session, server) -> requests.Session:
    http.get(server.url("/language/en?next=/"), timeout=10)
    return http


@pytest.fixture(scope="module")
def org(admin_org):
    """The organisation with some history: learner.a2 disabled and enabled again on the command line, a record view
    by an HR reader whose name looks like a spreadsheet formula, and one about the marker person."""
    db = admin_org.server.db
    run_cli(db, "users", "disable", "--login", "learner.a2")
    run_cli(db, "users", "enable", "--login", "learner.a2")
    run_cli(db, "users", "disable", "--login", "zzmarker.b")
    run_cli(db, "users", "add", "--login", "formula.hr", "--name", "=2+3", "--department", "测试省", "--role", "hr",
            "--password-stdin", stdin=STRONG_PASSWORD + "\n")
    hr = admin_org.session("formula.hr")
    assert hr.get(admin_org.server.url(f"/hr/people/{admin_org.user_id('learner.a1')}"), timeout=30).status_code == 200
    return admin_org


def test_the_root_administrator_reads_every_row_in_words(org):
    server = org.server
    root = org.session("admin.root")
    page = root.get(server.url("/admin/audit"), timeout=30)
    assert page.status_code == 200
    text = page.text
    assert "命令行 停用了账户 zzmarker.b" in text
    assert "命令行 启用了账户 learner.a2" in text
    assert "=2+3 查看了 learner.a1 的学习档案" in text
    assert "命令行 创建了部门 测试省/数据局" in text
    assert "你的管理范围是整个机构" in text
    # The newest row first: the view just recorded.
    assert "总管理员 查看了审计日志" in table_rows(text)[0]
    english(root, server)
    text = root.get(server.url("/admin/audit"), timeout=30).text
    assert "The command line disabled the account zzmarker.b" in text
    assert "=2+3 viewed the learning record of learner.a1" in text
    assert "More than" not in text and "records match" in text


def test_filters_narrow_the_rows_and_bad_filters_are_explained(org):
    server = org.server
    root = org.session("admin.root")

    def rows(query: str) -> list[str]:
        page = root.get(server.url("/admin/audit" + query), timeout=30)
        assert page.status_code == 200, page.text[:2000]
        return table_rows(page.text)

    disabled = rows("?action=user.disable")
    assert len(disabled) == 2 and all("停用了账户" in row for row in disabled)
    assert '<option value="user.disable" selected>停用账户</option>' in root.get(server.url("/admin/audit?action=user.disable"), timeout=30).text
    assert all("learner.a2" in row for row in rows("?target=learner.a2"))
    assert len(rows("?target=learner.a2&action=user.enable")) == 1
    assert all("formula.hr" in row for row in rows("?actor=formula"))
    assert len(rows("?actor=%3D2%2B3&action=record.view")) == 1
    today = root.get(server.url("/admin/audit?from=2000-01-01&to=2000-01-02"), timeout=30)
    assert "没有符合条件的记录" in today.text
    bad = root.get(server.url("/admin/audit?from=2026-02-30&to=x&actor=" + "a" * 101), timeout=30)
    assert bad.status_code == 422
    assert "请按 YYYY-MM-DD 格式输入有效日期" in bad.text and "error-summary" in bad.text
    assert 'id="from" name="from" value="2026-02-30" aria-invalid="true"' in bad.text
    reversed_range = root.get(server.url("/admin/audit?from=2026-12-06&to=2026-12-01"), timeout=30)
    assert reversed_range.status_code == 422 and "结束日期不能早于开始日期" in reversed_range.text


def test_days_are_the_viewers_own(org):
    """A row written just now falls on today in the viewer's zone; the range ends at the viewer's midnight."""
    import datetime
    import zoneinfo

    server = org.server
    root = org.session("admin.root")
    today = datetime.datetime.now(zoneinfo.ZoneInfo("Asia/Shanghai")).date()
    shown = table_rows(root.get(server.url(f"/admin/audit?from={today}&to={today}&action=user.disable"), timeout=30).text)
    assert len(shown) == 2
    yesterday = today - datetime.timedelta(days=1)
    assert not table_rows(root.get(server.url(f"/admin/audit?to={yesterday}&action=user.disable"), timeout=30).text)


def test_pages_hold_fifty_rows_newest_first(org):
    server = org.server
    root = org.session("admin.root")
    for _ in range(55):
        root.get(server.url("/admin/audit?action=audit.view"), timeout=30)
    first = root.get(server.url("/admin/audit?action=audit.view"), timeout=30).text
    second = root.get(server.url("/admin/audit?action=audit.view&page=2"), timeout=30).text
    assert len(table_rows(first)) == 50
    numbers = [int(n) for n in re.findall(r'<span class="meta">#(\d+)</span>', first)]
    assert numbers == sorted(numbers, reverse=True)
    later = [int(n) for n in re.findall(r'<span class="meta">#(\d+)</span>', second)]
    # Each view adds its own row, so the second page starts one row later than the first one ended.
    assert later and max(later) <= min(numbers)
    assert 'rel="next"' in first and 'href="/admin/audit?action=audit.view&amp;page=2"' in first
    assert 'rel="prev"' in second
    # A page past the end shows the last one.
    assert table_rows(root.get(server.url("/admin/audit?action=audit.view&page=999"), timeout=30).text)


def test_reading_and_exporting_are_recorded(org):
    server = org.server
    root = org.session("admin.root")
    before = len(audit_rows(server.db, "audit.view"))
    root.get(server.url("/admin/audit?target=learner.a1&page=1"), timeout=30)
    views = audit_rows(server.db, "audit.view")
    assert len(views) == before + 1 and views[-1][1] == "admin.root" and '"target":"learner.a1"' in views[-1][4]
    root.get(server.url("/admin/audit.csv?action=user.disable"), timeout=30)
    exports = audit_rows(server.db, "audit.export")
    assert exports[-1][1] == "admin.root" and '"action":"user.disable"' in exports[-1][4]


def test_the_csv_holds_the_filtered_rows_in_the_readers_language_without_formulas(org):
    server = org.server
    root = org.session("admin.root")
    answer = root.get(server.url("/admin/audit.csv?action=record.view"), timeout=30)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("text/csv")
    assert answer.headers["Content-Disposition"].startswith('attachment; filename="audit-log-')
    assert answer.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert rows[0] == ["编号", "时间", "操作人登录名", "操作人姓名", "操作代码", "操作", "对象", "内容", "详情（JSON）"]
    assert len(rows) >= 2 and all(row[4] == "record.view" for row in rows[1:])
    formula = next(row for row in rows[1:] if row[2] == "formula.hr")
    assert formula[3] == "'=2+3" and formula[7] == "'=2+3 查看了 learner.a1 的学习档案"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+08:00", formula[1])
    english(root, server)
    rows = list(csv.reader(io.StringIO(root.get(server.url("/admin/audit.csv?action=record.view"), timeout=30)
                                       .content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Number", "Time", "Actor login"]
    bad = root.get(server.url("/admin/audit.csv?from=nope"), timeout=30)
    assert bad.status_code == 422


def test_a_unit_administrator_never_sees_the_sibling_bureau(org):
    server = org.server
    unit = org.session("admin.a")
    page = unit.get(server.url("/admin/audit"), timeout=30)
    assert page.status_code == 200
    assert "你是部门管理员" in page.text
    assert "命令行 启用了账户 learner.a2" in page.text
    assert "learner.a1 的学习档案" in page.text
    assert "日志链校验" not in page.text
    pages = [page.content]
    for query in ("?action=user.disable", "?action=user.create", "?action=department.create", "?page=2",
                  "?target=%E5%8E%85", "?action=user.create&target=b"):
        answer = unit.get(server.url("/admin/audit" + query), timeout=30)
        assert answer.status_code == 200
        pages.append(answer.content)
    export = unit.get(server.url("/admin/audit.csv"), timeout=30)
    assert export.status_code == 200 and len(export.content.splitlines()) > 3
    pages.append(export.content)
    for content in pages:
        assert MARKER not in content.lower()
    searched = unit.get(server.url("/admin/audit?target=zzmarker.b"), timeout=30)
    assert not table_rows(searched.text) and "没有符合条件的记录" in searched.text
    csrf = hidden_csrf(org.session("admin.root").get(server.url("/admin/audit"), timeout=30).text, "/admin/audit/verify")
    assert unit.post(server.url("/admin/audit/verify"), data={"csrf_token": csrf}, allow_redirects=False,
                     timeout=30).status_code == 403


def test_only_administrators_read_the_log(org):
    server = org.server
    for login_name in ("learner.a1", "hr.a"):
        other = org.session(login_name)
        assert other.get(server.url("/admin/audit"), allow_redirects=False, timeout=30).status_code == 403
        assert other.get(server.url("/admin/audit.csv"), allow_redirects=False, timeout=30).status_code == 403
    anonymous = requests.get(server.url("/admin/audit"), allow_redirects=False, timeout=30)
    assert anonymous.status_code == 303 and anonymous.headers["Location"].startswith("/login?next=")


def test_verifying_the_chain_shows_what_verify_audit_finds(org):
    server = org.server
    root = org.session("admin.root")
    page = root.get(server.url("/admin/audit"), timeout=30).text
    assert "尚未在此页面校验过" in page
    csrf = hidden_csrf(page, "/admin/audit/verify")
    assert root.post(server.url("/admin/audit/verify"), data={}, allow_redirects=False, timeout=30).status_code == 403
    answer = root.post(server.url("/admin/audit/verify"), data={"csrf_token": csrf}, allow_redirects=False, timeout=30)
    assert answer.status_code == 303 and answer.headers["Location"].startswith("/admin/audit?done=verified")
    shown = root.get(server.url(answer.headers["Location"]), timeout=30).text
    verified = audit_rows(server.db, "audit.verify")[-1]
    rows = int(re.search(r'"rows":"(\d+)"', verified[4]).group(1))
    assert verified[1] == "admin.root" and '"result":"intact"' in verified[4]
    assert f"日志链完整，共 {rows} 行。" in shown
    assert "与最新检查点一致" in shown
    assert "已完成日志链校验" in shown
    cli = run_cli(server.db, "verify-audit").stdout
    assert "audit log intact" in cli


def test_a_broken_chain_is_named_with_its_row(tmp_path):
    org = build_admin_org(tmp_path / "broken")
    try:
        connection = sqlite3.connect(org.server.db)
        connection.execute("DROP TRIGGER audit_log_no_update")
        connection.execute("UPDATE audit_log SET details = '{\"path\":\"changed\"}' WHERE id = 2")
        connection.commit()
        connection.close()
        root = org.session("admin.root")
        csrf = hidden_csrf(root.get(org.server.url("/admin/audit"), timeout=30).text, "/admin/audit/verify")
        answer = root.post(org.server.url("/admin/audit/verify"), data={"csrf_token": csrf}, timeout=30)
        assert "日志链在第 2 行断开：该行内容与其哈希不符" in answer.text
        english(root, org.server)
        text = root.get(org.server.url("/admin/audit"), timeout=30).text
        assert "The chain is broken at row 2: its content does not match its hash" in text
        assert "verified the audit chain: broken" in text
    finally:
        org.server.stop()


@needs_chromium
@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_audit_page_is_accessible_and_screenshotted(org, chromium, language):
    driver = chromium(language)
    browser_sign_in(driver, org.server, "admin.root", STRONG_PASSWORD, language)
    for path, name in (("/admin/audit", "admin-audit"), ("/admin/audit?from=bad", None)):
        driver.get(org.server.url(path))
        wait_for(driver, lambda d: d.execute_script("return document.readyState") == "complete")
        if name:
            save_screenshot(driver, name, language)
        violations = axe_violations(driver, axe_source())
        assert not violations, describe(violations)
    assert len(driver.page_source.encode()) <= 50 * 1024


@needs_chromium
def test_the_unit_administrators_view_is_accessible(org, chromium):
    driver = chromium("zh")
    browser_sign_in(driver, org.server, "admin.a", STRONG_PASSWORD)
    driver.get(org.server.url("/admin/audit"))
    wait_for(driver, lambda d: d.execute_script("return document.readyState") == "complete")
    assert MARKER not in driver.page_source.lower().encode()
    violations = axe_violations(driver, axe_source())
    assert not violations, describe(violations)


def test_audit_pages_stay_small(org):
    root = org.session("admin.root")
    page = root.get(org.server.url("/admin/audit"), timeout=30)
    assert len(page.content) <= 50 * 1024, len(page.content)
