"""The department tree in the browser (/admin/departments): a unit administrator sees and changes only their own
subtree (the sibling bureau's marker never appears, its ids are 404), the tree shows head counts, departments are
added, renamed, moved with their subtree and deleted only when empty, each change audited; bad input is shown
again with errors (422) and changes nothing; HR summaries follow a move; the command line's departments rename,
move and delete use the same rules. Every page is axe-clean in both languages and screenshotted."""

from __future__ import annotations

import json
import re
import sqlite3

import pytest

from admin_org import MARKER, build_admin_org
from conftest import (STRONG_PASSWORD, browser_sign_in, form_with_action, hidden_csrf, needs_chromium, run_cli,
                      save_screenshot, stop_and_check, wait_for)
from test_accessibility import axe_source, axe_violations, describe


@pytest.fixture(scope="module")
def org(tmp_path_factory):
    organisation = build_admin_org(tmp_path_factory.mktemp("admin-departments"))
    yield organisation
    stop_and_check(organisation.server)


def query(org, sql: str, *arguments):
    database = sqlite3.connect(org.server.db)
    try:
        return database.execute(sql, arguments).fetchall()
    finally:
        database.close()


def department_id(org, name: str) -> int:
    rows = query(org, "SELECT id FROM departments WHERE name = ?", name)
    assert len(rows) == 1, f"{name}: {rows}"
    return int(rows[0][0])


def post(http, org, page_path: str, action: str, data: dict):
    page = http.get(org.server.url(page_path), timeout=30)
    assert page.status_code == 200, page.text[:500]
    # The page's own form when it has one; otherwise any form's token (a refused action has no form to post).
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    return http.post(org.server.url(action), data={"csrf_token": token, **data},
                     allow_redirects=False, timeout=30)


def tree_rows(text: str) -> dict[str, tuple[int, int]]:
    """The tree table's rows: department name -> (people, with sub-departments)."""
    rows = {}
    for name, direct, total in re.findall(r'<a href="/admin/departments/\d+">([^<]+)</a></th><td>(\d+)</td><td>(\d+)</td>',
                                          text):
        rows[name] = (int(direct), int(total))
    return rows


def test_a_unit_administrator_sees_their_subtree_with_head_counts_and_nothing_else(org):
    unit = org.session("admin.a")
    page = unit.get(org.server.url("/admin/departments"), timeout=30)
    assert page.status_code == 200
    assert MARKER not in page.text.lower().encode()
    assert tree_rows(page.text) == {"数据局": (2, 4), "综合处": (1, 1), "网络安全处": (1, 1)}
    everyone = org.session("admin.root").get(org.server.url("/admin/departments"), timeout=30).text
    assert tree_rows(everyone)["测试省"] == (1, 6) and "ZZMARKER厅" in everyone
    # The sibling bureau is "not found", whatever is asked of it.
    sibling = org.departments["B"]
    assert unit.get(org.server.url(f"/admin/departments/{sibling}"), timeout=30).status_code == 404
    assert unit.get(org.server.url(f"/admin/departments/{org.departments['root']}"), timeout=30).status_code == 404
    assert unit.get(org.server.url("/admin/departments/999999"), timeout=30).status_code == 404
    own = f"/admin/departments/{org.departments['A1']}"
    token = hidden_csrf(unit.get(org.server.url(own), timeout=30).text, f"{own}/rename")
    for action, data in (("rename", {"name": "x"}), ("move", {"parent": str(org.departments["A2"])}), ("delete", {})):
        answer = unit.post(org.server.url(f"/admin/departments/{sibling}/{action}"), data={"csrf_token": token, **data},
                           allow_redirects=False, timeout=30)
        assert answer.status_code == 404, action
        assert MARKER not in answer.text.lower().encode()
    # Moving into the sibling bureau or adding under it: the parent is not one they may choose.
    moved = unit.post(org.server.url(f"{own}/move"), data={"csrf_token": token, "parent": str(sibling)},
                      allow_redirects=False, timeout=30)
    added = unit.post(org.server.url("/admin/departments"), data={"csrf_token": token, "parent": str(sibling), "name": "x"},
                      allow_redirects=False, timeout=30)
    assert moved.status_code == 422 and added.status_code == 422
    for answer in (moved, added):
        assert MARKER not in answer.text.lower().encode()
    assert query(org, "SELECT count(*) FROM departments WHERE name = 'x'") == [(0,)]
    assert query(org, "SELECT parent_id FROM departments WHERE id = ?", org.departments["A1"]) == [(org.departments["A"],)]
    for login_name in ("hr.a", "learner.a1"):
        assert org.session(login_name).get(org.server.url("/admin/departments"), timeout=30).status_code == 403


def test_bad_input_is_shown_again_and_changes_nothing(org):
    unit = org.session("admin.a")
    before = query(org, "SELECT id, parent_id, name, id_path FROM departments ORDER BY id")
    audit = query(org, "SELECT count(*) FROM audit_log")
    bureau, office, network = (f"/admin/departments/{org.departments[key]}" for key in ("A", "A1", "A2"))
    cases = [
        ("/admin/departments", "/admin/departments", {"parent": str(org.departments["A"]), "name": "  "}, "请填写部门名称"),
        ("/admin/departments", "/admin/departments", {"parent": str(org.departments["A"]), "name": "综合处"}, "已有同名部门"),
        ("/admin/departments", "/admin/departments", {"parent": str(org.departments["A"]), "name": "甲/乙"}, "不能包含"),
        (office, f"{office}/rename", {"name": "网络安全处"}, "已有同名部门"),
        (office, f"{office}/rename", {"name": ""}, "请填写部门名称"),
        (office, f"{office}/move", {"parent": str(org.departments["A"])}, "已经在该上级部门之下"),
        (bureau, f"{bureau}/move", {"parent": str(org.departments["A1"])}, "顶层部门，不能移动"),
        (network, f"{network}/delete", {}, "有 1 个账号"),
        (bureau, f"{bureau}/delete", {}, "有 4 个账号"),
    ]
    for page_path, action, data, message in cases:
        answer = post(unit, org, page_path, action, data)
        assert answer.status_code == 422, (action, data, answer.status_code)
        assert 'class="error-summary"' in answer.text and message in answer.text, (action, data)
    assert query(org, "SELECT id, parent_id, name, id_path FROM departments ORDER BY id") == before
    assert query(org, "SELECT count(*) FROM audit_log") == audit
    # The page says why before anyone tries.
    page = unit.get(org.server.url(network), timeout=30).text
    assert "有 1 个账号" in page and f'action="{network}/delete"' not in page


def test_moving_into_its_own_subtree_is_refused(org):
    root = org.session("admin.root")
    bureau = f"/admin/departments/{org.departments['A']}"
    page = root.get(org.server.url(bureau), timeout=30).text
    options = form_with_action(page, f"{bureau}/move")
    assert str(org.departments["A1"]) not in re.findall(r'<option value="(\d+)"', page.split(f'action="{bureau}/move"')[1])
    assert options["inputs"]["parent"]
    answer = post(root, org, bureau, f"{bureau}/move", {"parent": str(org.departments["A1"])})
    assert answer.status_code == 422 and "不能移到它自己或它的下级部门之下" in answer.text


def test_add_rename_move_and_delete_are_audited(org):
    unit = org.session("admin.a")
    added = post(unit, org, "/admin/departments", "/admin/departments", {"parent": str(org.departments["A1"]), "name": " 临时组 "})
    assert added.status_code == 303
    location = added.headers["Location"]
    assert re.fullmatch(r"/admin/departments/\d+\?done=added", location)
    page_path = location.split("?")[0]
    team = int(page_path.rsplit("/", 1)[1])
    shown = unit.get(org.server.url(location), timeout=30).text
    assert "部门已新增" in shown and "测试省 / 数据局 / 综合处 / 临时组" in shown
    assert post(unit, org, page_path, f"{page_path}/rename", {"name": "临时小组"}).headers["Location"] == f"{page_path}?done=renamed"
    assert post(unit, org, page_path, f"{page_path}/move", {"parent": str(org.departments["A2"])}).status_code == 303
    assert query(org, "SELECT name, parent_id, id_path FROM departments WHERE id = ?", team) == [
        ("临时小组", org.departments["A2"], f"/{org.departments['root']}/{org.departments['A']}/{org.departments['A2']}/{team}/")]
    deleted = post(unit, org, page_path, f"{page_path}/delete", {})
    assert deleted.headers["Location"] == "/admin/departments?done=deleted"
    assert "部门已删除" in unit.get(org.server.url(deleted.headers["Location"]), timeout=30).text
    assert query(org, "SELECT count(*) FROM departments WHERE id = ?", team) == [(0,)]
    rows = query(org, "SELECT actor, action, subject, details FROM audit_log WHERE subject = ? ORDER BY id", f"department:{team}")
    assert [row[1] for row in rows] == ["department.create", "department.rename", "department.move", "department.delete"]
    assert all(row[0] == "admin.a" for row in rows), rows
    assert json.loads(rows[2][3]) == {"from": "测试省/数据局/综合处/临时小组", "to": "测试省/数据局/网络安全处/临时小组"}
    run_cli(org.server.db, "verify-audit")


def summary(http, org, department: int) -> dict[str, int]:
    document = http.get(org.server.url(f"/api/v1/hr/summary?department={department}"), timeout=30).json()
    return {row["department"]["name"]: row["counts"]["people"] for row in document["departments"]}


def test_hr_summaries_follow_a_moved_department(tmp_path):
    organisation = build_admin_org(tmp_path)
    try:
        root = organisation.session("admin.root")
        top = organisation.departments["root"]
        assert summary(root, organisation, top)["数据局"] == 4
        office = f"/admin/departments/{organisation.departments['A1']}"
        assert post(root, organisation, office, f"{office}/move", {"parent": str(organisation.departments["B"])}).status_code == 303
        after = summary(root, organisation, top)
        recount = {name: query(organisation, """
            SELECT count(*) FROM users u JOIN departments d ON d.id = u.department_id
            WHERE u.disabled = 0 AND d.id_path LIKE (SELECT id_path FROM departments WHERE name = ?) || '%'
            """, name)[0][0] for name in ("数据局", "ZZMARKER厅")}
        assert after["数据局"] == recount["数据局"] == 3
        assert after["ZZMARKER厅"] == recount["ZZMARKER厅"] == 2
        # HR of the bureau no longer sees the person who moved out with their office; nor does its administrator.
        people = organisation.session("hr.a").get(organisation.server.url("/hr/people"), timeout=30).text
        assert "学员李" not in people and "学员王" in people
        assert "综合处" not in organisation.session("admin.a").get(organisation.server.url("/admin/departments"), timeout=30).text
    finally:
        stop_and_check(organisation.server)


def test_the_command_line_renames_moves_and_deletes_with_the_same_rules(tmp_path):
    organisation = build_admin_org(tmp_path)
    organisation.server.stop()
    db = organisation.server.db
    listed = run_cli(db, "departments", "list").stdout.splitlines()
    assert listed[0].split() == ["id", "department", "people", "subtree_people"]
    assert run_cli(db, "departments", "rename", "测试省/数据局/综合处", "办公室").stdout.strip() == \
        "renamed 测试省 / 数据局 / 综合处 to 测试省 / 数据局 / 办公室"
    moved = run_cli(db, "departments", "move", str(organisation.departments["A1"]), "测试省/数据局/网络安全处")
    assert moved.stdout.strip() == "moved 测试省 / 数据局 / 办公室 to 测试省 / 数据局 / 网络安全处 / 办公室"
    refused = run_cli(db, "departments", "move", "测试省/数据局", "测试省/数据局/网络安全处", check=False)
    assert refused.returncode != 0 and "cannot move under itself" in refused.stderr
    refused = run_cli(db, "departments", "delete", "测试省/数据局", check=False)
    assert refused.returncode != 0 and "4 accounts" in refused.stderr and "nothing was changed" in refused.stderr
    run_cli(db, "departments", "add", "测试省/空部门/下级")
    assert run_cli(db, "departments", "delete", "测试省/空部门").stdout.strip() == "deleted 测试省 / 空部门"
    assert "空部门" not in run_cli(db, "departments", "list").stdout
    run_cli(db, "verify-audit")


@needs_chromium
@pytest.mark.parametrize("language", ["zh", "en"])
def test_pages_work_in_a_browser_are_accessible_and_screenshotted(org, chromium, language):
    from selenium.webdriver.common.by import By

    driver = chromium(language)
    browser_sign_in(driver, org.server, "admin.a", STRONG_PASSWORD, language)
    driver.get(org.server.url("/admin/departments"))
    wait_for(driver, lambda d: d.execute_script("return document.readyState") == "complete")
    save_screenshot(driver, "admin-departments", language)
    assert not (violations := axe_violations(driver, axe_source())), describe(violations)
    assert MARKER not in driver.page_source.lower().encode()
    # Add a department with the keyboard-usable form, then open it.
    name = f"浏览器组-{language}"
    driver.find_element(By.ID, "name").send_keys(name)
    driver.find_element(By.CSS_SELECTOR, "form[action='/admin/departments'] button[type=submit]").click()
    wait_for(driver, lambda d: "done=added" in d.current_url)
    assert not (violations := axe_violations(driver, axe_source())), describe(violations)
    save_screenshot(driver, "admin-department", language)
    # An error state: a name its sibling already has.
    field = driver.find_element(By.ID, "name")
    field.clear()
    field.send_keys("综合处")
    driver.find_element(By.CSS_SELECTOR, "form[action$='/rename'] button[type=submit]").click()
    wait_for(driver, lambda d: d.find_elements(By.CLASS_NAME, "error-summary"))
    assert not (violations := axe_violations(driver, axe_source())), describe(violations)
    driver.find_element(By.CSS_SELECTOR, "form[action$='/delete'] button[type=submit]").click()
    wait_for(driver, lambda d: "done=deleted" in d.current_url)
    assert name not in driver.page_source
    assert len(driver.page_source.encode()) <= 50 * 1024


def test_a_large_tree_is_read_by_opening_departments_and_moves_take_a_path(tmp_path):
    organisation = build_admin_org(tmp_path)
    try:
        database = sqlite3.connect(organisation.server.db)
        parent, parent_path = database.execute("SELECT id, id_path FROM departments WHERE name = '综合处'").fetchone()
        for index in range(205):
            cursor = database.execute("INSERT INTO departments (parent_id, name, id_path, created_at) VALUES (?, ?, ?, 0)",
                                      (parent, f"组{index:03}", f"pending:{index}"))
            database.execute("UPDATE departments SET id_path = ? WHERE id = ?",
                             (f"{parent_path}{cursor.lastrowid}/", cursor.lastrowid))
        database.commit()
        database.close()
        unit = organisation.session("admin.a")
        index = unit.get(organisation.server.url("/admin/departments"), timeout=30).text
        assert set(tree_rows(index)) == {"数据局", "综合处", "网络安全处"} and "组000" not in index
        assert "另有 205 个部门未在此列出" in index and len(index.encode()) <= 50 * 1024
        office = f"/admin/departments/{organisation.departments['A1']}"
        page = unit.get(organisation.server.url(office), timeout=30).text
        assert "组199" in page and "组200" not in page and "另有 5 个部门未在此列出" in page
        assert len(page.encode()) <= 50 * 1024
        # A sub-department added from its parent's page.
        added = post(unit, organisation, office, f"{office}/add", {"child_name": "新组"})
        assert added.status_code == 303 and added.headers["Location"].endswith("?done=added")
        assert query(organisation, "SELECT parent_id FROM departments WHERE name = '新组'") == [(parent,)]
        assert post(unit, organisation, office, f"{office}/add", {"child_name": "组001"}).status_code == 422
        # Too many places to list: the new parent is named by its path.
        network = f"/admin/departments/{organisation.departments['A2']}"
        page = unit.get(organisation.server.url(network), timeout=30).text
        assert 'name="parent_path"' in page and "<select" not in page.split(f'action="{network}/move"')[1].split("</form>")[0]
        for bad in ("测试省/ZZMARKER厅", "测试省/数据局/不存在", "测试省/数据局/网络安全处"):
            refused = post(unit, organisation, network, f"{network}/move", {"parent_path": bad})
            assert refused.status_code == 422 and MARKER not in refused.text.lower().encode()
        moved = post(unit, organisation, network, f"{network}/move", {"parent_path": "测试省 / 数据局 / 综合处 / 组003"})
        assert moved.status_code == 303
        assert query(organisation, "SELECT d.name FROM departments d JOIN departments c ON c.parent_id = d.id WHERE c.name = '网络安全处'") \
            == [("组003",)]
    finally:
        stop_and_check(organisation.server)
