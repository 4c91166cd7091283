"""Staff import in the browser (/admin/staff-import): an administrator uploads a staff file (CSV in UTF-8 or
GB18030, or an .xlsx workbook), sees the dry run (people to add, update and disable, every problem with its line
or sheet row) while nothing changes, then confirms and the import is applied exactly as previewed, audited and
listed in the history with the file's SHA-256 digest. A unit administrator's import touches only their subtree:
rows outside it are errors that say nothing about the sibling bureau, whose marker never appears. A file or data
that changed since the dry run is refused. Every page is axe-clean in both languages and screenshotted."""

from __future__ import annotations

import hashlib
import io
import re
import sqlite3

import openpyxl
import pytest

from admin_org import MARKER, build_admin_org
from conftest import (STRONG_PASSWORD, browser_sign_in, form_with_action, needs_chromium, run_cli, save_screenshot,
                      stop_and_check, wait_for)
from test_accessibility import axe_source, axe_violations, describe

HEADER = "employee_number,login,name,department,roles,status"


@pytest.fixture
def org(tmp_path):
    organisation = build_admin_org(tmp_path)
    yield organisation
    stop_and_check(organisation.server)


def query(org, sql: str, *arguments):
    database = sqlite3.connect(org.server.db)
    try:
        return database.execute(sql, arguments).fetchall()
    finally:
        database.close()


def people(org) -> dict[str, tuple]:
    return {row[0]: row[1:] for row in query(org, """
        SELECT u.login, u.display_name, d.name, u.disabled FROM users u JOIN departments d ON d.id = u.department_id""")}


def token(http, org) -> str:
    page = http.get(org.server.url("/admin/staff-import"), timeout=30).text
    return form_with_action(page, "/admin/staff-import")["inputs"]["csrf_token"]["value"]


def upload(http, org, name: str, content: bytes):
    return http.post(org.server.url("/admin/staff-import"), data={"csrf_token": token(http, org)},
                     files={"file": (name, content, "application/octet-stream")}, allow_redirects=False, timeout=60)


def preview(http, org, name: str, content: bytes):
    answer = upload(http, org, name, content)
    assert answer.status_code == 303, answer.text[:2000]
    location = answer.headers["Location"]
    assert re.fullmatch(r"/admin/staff-import/[A-Za-z0-9_-]{20,}", location), location
    page = http.get(org.server.url(location), timeout=30)
    assert page.status_code == 200
    return location, page.text


def confirm(http, org, location: str, page: str, **override):
    form = form_with_action(page, f"{location}/apply")
    data = {name: form["inputs"][name]["value"] for name in ("csrf_token", "sha256", "fingerprint")}
    data.update(override)
    return http.post(org.server.url(f"{location}/apply"), data=data, allow_redirects=False, timeout=60)


def csv(*rows: str) -> bytes:
    return ("\r\n".join([HEADER, *rows]) + "\r\n").encode()


GOOD = csv("N-1,new.one,新人甲,测试省/数据局/综合处,,",
           "N-2,new.two,新人乙,测试省/数据局/新科室,hr,",
           "E-A1-1,,学员李改名,测试省/数据局/综合处,,",
           "E-A2-1,,学员王,测试省/数据局/网络安全处,,left")


def test_the_dry_run_changes_nothing_and_the_confirmation_applies_it_as_previewed(org):
    unit = org.session("admin.a")
    before = people(org)
    location, page = preview(unit, org, "名单.csv", GOOD)
    assert people(org) == before and query(org, "SELECT count(*) FROM departments WHERE name = '新科室'") == [(0,)]
    digest = hashlib.sha256(GOOD).hexdigest()
    assert digest in page and "名单.csv" in page
    for text in ("新人甲", "new.two", "学员李改名", "姓名", "测试省 / 数据局 / 新科室"):
        assert text in page, text
    # The line numbers of the file: the update is on line 4, the leaver on line 5.
    assert re.search(r'<th scope="row">4</th><td>E-A1-1</td>', page) and re.search(r'<th scope="row">5</th><td>E-A2-1</td>', page)
    assert MARKER not in page.lower().encode()
    applied = confirm(unit, org, location, page)
    assert applied.status_code == 303 and applied.headers["Location"] == "/admin/staff-import?done=applied"
    after = people(org)
    assert after["new.one"] == ("新人甲", "综合处", 0) and after["new.two"] == ("新人乙", "新科室", 0)
    assert after["learner.a1"][0] == "学员李改名" and after["learner.a2"][2] == 1
    history = unit.get(org.server.url("/admin/staff-import?done=applied"), timeout=30).text
    assert "导入已完成" in history and digest in history and "名单.csv" in history and "admin.a" in history
    rows = query(org, "SELECT actor, file_name, sha256, created, updated, disabled, departments FROM staff_imports")
    assert rows == [("admin.a", "名单.csv", digest, 2, 1, 1, 1)]
    audit = query(org, "SELECT actor, details FROM audit_log WHERE action = 'staff.import'")
    assert len(audit) == 1 and audit[0][0] == "admin.a" and digest in audit[0][1]
    # The upload is gone once applied: confirming again is "not found".
    assert confirm(unit, org, location, page).status_code == 404
    run_cli(org.server.db, "verify-audit")


def test_rows_outside_the_scope_and_bad_rows_are_errors_with_their_lines(org):
    unit = org.session("admin.a")
    before = people(org)
    content = csv("N-1,new.one,新人甲,测试省/数据局/综合处,,",
                  "N-2,new.two,新人乙,测试省/其他厅,,",
                  "N-3,zzmarker.b,新人丙,测试省/数据局,,",
                  "N-4,new.four,新人丁,测试省/数据局,hr@测试省,",
                  "N-5,new five,,测试省/数据局,boss,")
    location, page = preview(unit, org, "bad.csv", content)
    assert "文件有 6 个问题" in page
    expected = [(3, "部门 测试省/其他厅 不在您的管理范围内"),
                (4, "登录名 zzmarker.b 已被使用"),
                (5, "角色 hr@测试省 指定的部门不在您的管理范围内")]
    for line, message in expected:
        assert f'<th scope="row">{line}</th><td>{message}</td>' in page, (line, message)
    assert page.count('<th scope="row">6</th>') == 3
    # Nothing about the sibling bureau's person beyond what the file itself says.
    assert b"zzmarker\xe4\xb9\x99" not in page.lower().encode() and "ZZMARKER-777" not in page and "ZZMARKER厅" not in page
    assert f'action="{location}/apply"' not in page
    assert people(org) == before
    # The sibling bureau's employee number and department: refused in the same words as anything unknown.
    location, page = preview(unit, org, "b.csv", csv("ZZMARKER-777,,改名,测试省/数据局,,", "N-9,n9,九,测试省/ZZMARKER厅,,"))
    assert "工号 ZZMARKER-777 已被您管理范围以外的人员使用" in page
    assert "部门 测试省/ZZMARKER厅 不在您的管理范围内" in page
    assert "ZZMARKER乙" not in page and people(org) == before
    # In English, the same problems in English.
    english = unit.get(org.server.url(location), headers={"Accept-Language": "en"}, timeout=30).text
    assert "employee number ZZMARKER-777 is already in use outside the departments you manage" in english


def test_a_change_since_the_dry_run_or_another_file_is_refused(org):
    unit = org.session("admin.a")
    location, page = preview(unit, org, "staff.csv", GOOD)
    refused = confirm(unit, org, location, page, sha256=hashlib.sha256(b"other").hexdigest())
    assert refused.status_code == 409 and "文件与试运行时的不一致" in refused.text
    before = people(org)
    # Someone takes a login the file would create, after the dry run.
    run_cli(org.server.db, "users", "add", "--login", "new.one", "--name", "抢先", "--department", "测试省/数据局",
            "--password-stdin", stdin=STRONG_PASSWORD + "\n")
    refused = confirm(unit, org, location, page)
    assert refused.status_code == 409
    assert "自试运行以来人员或部门数据已有变化" in refused.text and "登录名 new.one 已属于其他人员" in refused.text
    after = people(org)
    assert set(after) - set(before) == {"new.one"} and after["new.one"][0] == "抢先"
    assert after["learner.a2"][2] == 0 and query(org, "SELECT count(*) FROM staff_imports") == [(0,)]


def test_workbooks_and_gb18030_files_are_read_and_uploads_are_private(org):
    unit = org.session("admin.a")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([])  # an empty first row: the header is on row 2, so the rows are not the CSV lines
    sheet.append(HEADER.split(","))
    sheet.append(["N-1", "new.one", "新人甲", "测试省/数据局/综合处", "", ""])
    sheet.append(["N-2", "new.two", "", "测试省/数据局", "", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    _, page = preview(unit, org, "名单.xlsx", buffer.getvalue())
    assert '<th scope="row">4</th><td>姓名须为 1–200 个字符</td>' in page, "the sheet's row number"
    gb = ("\r\n".join([HEADER, "N-1,new.one,新人甲,测试省/数据局/综合处,,"]) + "\r\n").encode("gb18030")
    location, page = preview(unit, org, "gbk.csv", gb)
    assert "新人甲" in page and hashlib.sha256(gb).hexdigest() in page
    # Another administrator's upload is not found; nor is one that never existed.
    root = org.session("admin.root")
    assert root.get(org.server.url(location), timeout=30).status_code == 404
    assert unit.get(org.server.url("/admin/staff-import/nothing-here"), timeout=30).status_code == 404
    # No file, and a file over the 10 MB limit.
    empty = unit.post(org.server.url("/admin/staff-import"), data={"csrf_token": token(unit, org)},
                      files={"file": ("", b"", "application/octet-stream")}, allow_redirects=False, timeout=30)
    assert empty.status_code == 422 and "请选择要上传的文件" in empty.text
    large = upload(unit, org, "big.csv", b"x" * (10 * 1024 * 1024 + 100 * 1024))
    assert large.status_code == 413
    assert query(org, "SELECT count(*) FROM staff_import_uploads WHERE file_name = 'big.csv'") == [(0,)]


def test_the_history_shows_each_administrator_their_own_scope(org, tmp_path):
    path = tmp_path / "cli.csv"
    path.write_bytes(csv("C-1,cli.one,命令行,测试省/ZZMARKER厅,,"))
    run_cli(org.server.db, "import-staff", str(path))
    unit = org.session("admin.a")
    location, page = preview(unit, org, "unit.csv", GOOD)
    assert confirm(unit, org, location, page).status_code == 303
    unit_page = unit.get(org.server.url("/admin/staff-import"), timeout=30).text
    assert "unit.csv" in unit_page and "cli.csv" not in unit_page
    assert MARKER not in unit_page.lower().encode()
    root_page = org.session("admin.root").get(org.server.url("/admin/staff-import"), timeout=30).text
    assert root_page.index("unit.csv") < root_page.index("cli.csv"), "newest first"
    assert hashlib.sha256(path.read_bytes()).hexdigest() in root_page
    for login_name in ("hr.a", "learner.a1"):
        assert org.session(login_name).get(org.server.url("/admin/staff-import"), timeout=30).status_code == 403


@needs_chromium
@pytest.mark.parametrize("language", ["zh", "en"])
def test_import_in_a_browser_is_accessible_and_screenshotted(org, chromium, language, tmp_path):
    from selenium.webdriver.common.by import By

    driver = chromium(language)
    browser_sign_in(driver, org.server, "admin.a", STRONG_PASSWORD, language)

    def go(path):
        driver.get(org.server.url(path))
        wait_for(driver, lambda d: d.execute_script("return document.readyState") == "complete")

    def check(name=None):
        assert not (violations := axe_violations(driver, axe_source())), describe(violations)
        assert MARKER not in driver.page_source.lower().encode()
        assert len(driver.page_source.encode()) <= 50 * 1024
        if name:
            save_screenshot(driver, name, language)

    def send(path):
        go("/admin/staff-import")
        driver.find_element(By.ID, "file").send_keys(str(path))
        driver.find_element(By.CSS_SELECTOR, "form[action='/admin/staff-import'] button[type=submit]").click()
        wait_for(driver, lambda d: re.search(r"/admin/staff-import/[A-Za-z0-9_-]+$", d.current_url))

    go("/admin/staff-import")
    check("admin-staff-import")
    driver.find_element(By.CSS_SELECTOR, "form[action='/admin/staff-import'] button[type=submit]").click()
    wait_for(driver, lambda d: d.find_elements(By.CLASS_NAME, "error-summary"))
    check()
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv("N-1,new.one,,测试省/数据局,boss,"))
    send(bad)
    check("admin-staff-import-problems")
    good = tmp_path / "名单.csv"
    good.write_bytes(GOOD)
    send(good)
    check("admin-staff-import-preview")
    driver.find_element(By.ID, "confirm").click()
    wait_for(driver, lambda d: "done=applied" in d.current_url)
    check()
    assert "名单.csv" in driver.page_source
