"""People in the administration (/admin/people): a unit administrator finds the people of their own bureau by name,
pinyin initials, login or employee number, filters by department subtree, role and state, sorts and pages through
them; adds a person (without a usable password, then offered a password link), edits details, grants and withdraws
roles (never their own last admin grant), disables and enables with a reason (sessions end, tokens are revoked) and
unlocks a throttled account. Everything stays inside the administrator's scope: the marker person of the sibling
bureau never appears and their ids answer 404. Pages are axe-clean in both languages and screenshotted."""

from __future__ import annotations

import re
import sqlite3

import pytest
import requests

from admin_org import MARKER, admin_org, build_admin_org  # noqa: F401  (module fixture)
from conftest import (STRONG_PASSWORD, attempt_login, browser_sign_in, client, forms, hidden_csrf, login,
                      needs_chromium, save_screenshot, stop_and_check, wait_for)
from test_accessibility import axe_source, axe_violations, describe


def csrf(http: requests.Session, org, path: str, action: str) -> str:
    page = http.get(org.server.url(path), timeout=30)
    assert page.status_code == 200, f"GET {path} -> {page.status_code}"
    return hidden_csrf(page.text, action)


def add_person(http: requests.Session, org, login_name: str, name: str, department: str, **extra: str) -> requests.Response:
    token = csrf(http, org, "/admin/people/new", "/admin/people/new")
    data = {"csrf_token": token, "login": login_name, "name": name, "employee_number": extra.pop("employee_number", ""),
            "department": department, **extra}
    return http.post(org.server.url("/admin/people/new"), data=data, allow_redirects=False, timeout=30)


def added(http: requests.Session, org, login_name: str, name: str, department: int | str, **extra: str) -> int:
    response = add_person(http, org, login_name, name, str(department), **extra)
    assert response.status_code == 303, response.text[:2000]
    found = re.fullmatch(r"/admin/people/(\d+)\?done=created", response.headers["Location"])
    assert found, response.headers["Location"]
    return int(found.group(1))


def post(http: requests.Session, org, person: int, action: str, data: dict[str, str]) -> requests.Response:
    token = csrf(http, org, f"/admin/people/{person}", f"/admin/people/{person}/{action}")
    return http.post(org.server.url(f"/admin/people/{person}/{action}"), data={"csrf_token": token, **data},
                     allow_redirects=False, timeout=30)


def listed(page: str) -> list[str]:
    """The logins in the people table, in order."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in page else ""
    return re.findall(r"</th><td>([^<]+)</td>", body)


def people(http: requests.Session, org, query: str = "") -> requests.Response:
    return http.get(org.server.url("/admin/people" + query), timeout=30)


def audit_rows(org, action: str) -> list[tuple[str, str, str]]:
    database = sqlite3.connect(org.server.db)
    try:
        return database.execute("SELECT actor, subject, details FROM audit_log WHERE action = ? ORDER BY id",
                                (action,)).fetchall()
    finally:
        database.close()


def test_list_searches_filters_and_sorts_within_the_scope(admin_org):
    http = admin_org.session("admin.a")
    page = people(http, admin_org)
    assert page.status_code == 200
    assert sorted(listed(page.text)) == ["admin.a", "hr.a", "learner.a1", "learner.a2"]
    assert "共找到 4 人" in page.text
    assert MARKER not in page.text.lower().encode()
    # By name, by pinyin initials (学员李 = xyl), by login, by a whole employee number.
    assert listed(people(http, admin_org, "?q=学员").text) == ["learner.a1", "learner.a2"]
    assert listed(people(http, admin_org, "?q=xyl").text) == ["learner.a1"]
    assert listed(people(http, admin_org, "?q=XYW").text) == ["learner.a2"]
    assert listed(people(http, admin_org, "?q=hr.").text) == ["hr.a"]
    assert listed(people(http, admin_org, "?q=E-A2-1").text) == ["learner.a2"]
    # A department's subtree, a role, a state.
    assert listed(people(http, admin_org, f"?department={admin_org.departments['A1']}").text) == ["learner.a1"]
    assert listed(people(http, admin_org, "?role=hr").text) == ["hr.a"]
    assert "没有符合条件的人员" in people(http, admin_org, "?state=disabled&q=learner").text
    # Sorting by login, both ways, as links that keep the filters.
    ascending = people(http, admin_org, "?sort=login")
    assert listed(ascending.text) == ["admin.a", "hr.a", "learner.a1", "learner.a2"]
    assert 'aria-sort="ascending"' in ascending.text and 'href="/admin/people?sort=login&amp;dir=desc"' in ascending.text
    assert listed(people(http, admin_org, "?sort=login&dir=desc").text) == ["learner.a2", "learner.a1", "hr.a", "admin.a"]
    # The form is a GET form: it works without JavaScript; a value no form offers is pointed out.
    form = [f for f in forms(page.text) if f["action"] == "/admin/people"][0]
    assert form["method"] == "get" and {"q", "department", "role", "state"} <= set(form["inputs"])
    bad = people(http, admin_org, "?role=emperor")
    assert bad.status_code == 200 and "error-summary" in bad.text and "<tbody>" not in bad.text


def test_the_marker_never_appears_and_its_ids_are_not_found(admin_org):
    http = admin_org.session("admin.a")
    marker = admin_org.user_id("zzmarker.b")
    for query in ("", "?q=z", "?role=learner", "?sort=department&dir=desc"):
        page = people(http, admin_org, query)
        assert page.status_code == 200 and MARKER not in page.text.lower().encode(), query
    for search in ("zzmarker", "ZZMARKER-777", "zzmarker.b"):
        # The search typed is shown back in its field; nothing of the marker person is.
        page = people(http, admin_org, f"?q={search}")
        assert "没有符合条件的人员" in page.text
        assert MARKER not in page.text.replace(search, "").lower().encode(), search
    new = http.get(admin_org.server.url("/admin/people/new"), timeout=30)
    assert new.status_code == 200 and MARKER not in new.text.lower().encode()
    assert people(http, admin_org, f"?department={admin_org.departments['B']}").status_code == 404
    assert http.get(admin_org.server.url(f"/admin/people/{marker}"), timeout=30).status_code == 404
    token = csrf(http, admin_org, "/admin/people/new", "/admin/people/new")
    for action in ("details", "roles", "roles/withdraw", "state", "unlock", "tokens"):
        answer = http.post(admin_org.server.url(f"/admin/people/{marker}/{action}"),
                           data={"csrf_token": token, "disabled": "1", "reason": "x", "name": "x"}, timeout=30)
        assert answer.status_code == 404, action
    # Adding a person to B, or with a role on B, changes nothing.
    before = len(audit_rows(admin_org, "user.create"))
    refused = add_person(http, admin_org, "into.b", "越界", str(admin_org.departments["B"]))
    assert refused.status_code == 422 and MARKER not in refused.text.lower().encode()
    refused = add_person(http, admin_org, "into.b", "越界", str(admin_org.departments["A1"]), role_hr="1",
                         role_hr_department=str(admin_org.departments["B"]))
    assert refused.status_code == 422
    assert len(audit_rows(admin_org, "user.create")) == before
    # The root administrator sees the marker person.
    root = admin_org.session("admin.root")
    assert b"zzmarker.b" in people(root, admin_org, "?q=zzmarker").content
    assert root.get(admin_org.server.url(f"/admin/people/{marker}"), timeout=30).status_code == 200


def test_adding_a_person_without_a_password_and_finding_them_by_initials(admin_org):
    http = admin_org.session("admin.a")
    a1, a2 = admin_org.departments["A1"], admin_org.departments["A2"]
    person = added(http, admin_org, "zhang.wei", "张伟", a1, employee_number="E-ZW-1", role_hr="1",
                   role_hr_department=str(a2))
    page = http.get(admin_org.server.url(f"/admin/people/{person}?done=created"), timeout=30)
    assert page.status_code == 200
    for text in ("张伟", "zhang.wei", "E-ZW-1", "测试省 / 数据局 / 综合处", "测试省 / 数据局 / 网络安全处", "人事", "学员"):
        assert text in page.text, text
    # The password link's form (its route is the password reset's): CSRF field and the button.
    reset = [f for f in forms(page.text) if f["action"] == f"/admin/people/{person}/password-reset"]
    assert reset and reset[0]["method"] == "post" and "csrf_token" in reset[0]["inputs"]
    assert "重置密码" in page.text
    assert f'href="/hr/people/{person}"' in page.text
    # No password works yet.
    assert attempt_login(admin_org.server, "zhang.wei", STRONG_PASSWORD).response.status_code != 303
    assert listed(people(http, admin_org, "?q=zw").text) == ["zhang.wei"]
    assert listed(people(http, admin_org, "?q=Zw&role=hr").text) == ["zhang.wei"]
    assert audit_rows(admin_org, "user.create")[-1][:2] == ("admin.a", "user:zhang.wei")
    # Bad input: the form again with every problem, what was typed kept, nothing written.
    before = len(audit_rows(admin_org, "user.create"))
    refused = add_person(http, admin_org, "learner.a1", "", "", employee_number="E-A1-1")
    assert refused.status_code == 422
    assert refused.text.count('class="field-error"') == 4
    for text in ("此登录名已被使用", "请填写姓名", "此工号已属于另一个账户", "请选择一个部门", 'value="learner.a1"'):
        assert text in refused.text, text
    assert add_person(http, admin_org, "new\tline", "名字", str(a1)).status_code == 422
    assert len(audit_rows(admin_org, "user.create")) == before


def test_editing_details_and_roles(admin_org):
    http = admin_org.session("admin.a")
    a1, a2 = admin_org.departments["A1"], admin_org.departments["A2"]
    person = added(http, admin_org, "edit.me", "待修改", a1)
    done = post(http, admin_org, person, "details", {"name": "已修改", "employee_number": "E-ED-1", "department": str(a2)})
    assert done.status_code == 303 and done.headers["Location"] == f"/admin/people/{person}?done=saved"
    page = http.get(admin_org.server.url(done.headers["Location"]), timeout=30).text
    assert "已修改" in page and "E-ED-1" in page and "已保存" in page
    assert audit_rows(admin_org, "user.update")[-1][1] == f"user:{person}"
    # A taken employee number or a department outside the scope: 422, unchanged.
    for data in ({"name": "又改", "employee_number": "E-A1-1", "department": str(a2)},
                 {"name": "又改", "employee_number": "", "department": str(admin_org.departments["B"])}):
        refused = post(http, admin_org, person, "details", data)
        assert refused.status_code == 422 and "error-summary" in refused.text and 'value="又改"' in refused.text
    assert "又改" not in http.get(admin_org.server.url(f"/admin/people/{person}"), timeout=30).text
    # Grant a role on a department in scope, then withdraw it.
    granted = post(http, admin_org, person, "roles", {"grant_role": "trainer", "grant_department": str(a1)})
    assert granted.status_code == 303
    page = http.get(admin_org.server.url(f"/admin/people/{person}"), timeout=30).text
    assert "培训师" in page
    assert listed(people(http, admin_org, "?role=trainer").text) == ["edit.me"]
    assert post(http, admin_org, person, "roles", {"grant_role": "admin",
                                                    "grant_department": str(admin_org.departments["B"])}).status_code == 422
    withdrawn = post(http, admin_org, person, "roles/withdraw", {"role": "trainer", "department": str(a1)})
    assert withdrawn.status_code == 303
    assert listed(people(http, admin_org, "?role=trainer").text) == []
    token = csrf(http, admin_org, f"/admin/people/{person}", f"/admin/people/{person}/details")
    again = http.post(admin_org.server.url(f"/admin/people/{person}/roles/withdraw"),
                      data={"csrf_token": token, "role": "trainer", "department": str(a1)}, allow_redirects=False, timeout=30)
    assert again.status_code == 303 and again.headers["Location"].endswith("?done=unchanged")
    assert [row[1] for row in audit_rows(admin_org, "role.grant")][-1] == f"user:{person}"
    assert audit_rows(admin_org, "role.withdraw")
    # An administrator cannot withdraw their own last admin grant.
    me = admin_org.user_id("admin.a")
    refused = post(http, admin_org, me, "roles/withdraw", {"role": "admin", "department": str(admin_org.departments["A"])})
    assert refused.status_code == 422 and "不能撤销您自己的最后一个管理员角色" in refused.text
    assert people(http, admin_org).status_code == 200


def test_disabling_needs_a_reason_ends_sessions_and_tokens_and_enabling_too(admin_org):
    server = admin_org.server
    server.cli("users", "add", "--login", "to.disable", "--name", "将停用", "--department", "测试省/数据局/综合处",
               "--password-stdin", stdin=STRONG_PASSWORD + "\n")
    victim = login(server, "to.disable", STRONG_PASSWORD, http=client(None))
    secret = server.cli("tokens", "create", "--login", "to.disable").stdout.strip().splitlines()[-1].strip()
    assert requests.get(server.url("/api/v1/me"), headers={"Authorization": f"Bearer {secret}"}, timeout=30).status_code == 200
    http = admin_org.session("admin.a")
    person = admin_org.user_id("to.disable")
    refused = post(http, admin_org, person, "state", {"disabled": "1", "reason": "  "})
    assert refused.status_code == 422 and "请填写原因" in refused.text
    assert victim.get(server.url("/"), allow_redirects=False, timeout=30).status_code == 200
    done = post(http, admin_org, person, "state", {"disabled": "1", "reason": "调离本单位"})
    assert done.status_code == 303 and done.headers["Location"].endswith("?done=disabled")
    assert victim.get(server.url("/"), allow_redirects=False, timeout=30).status_code == 303
    assert requests.get(server.url("/api/v1/me"), headers={"Authorization": f"Bearer {secret}"}, timeout=30).status_code == 401
    page = http.get(server.url(f"/admin/people/{person}"), timeout=30).text
    assert "已停用" in page and "调离本单位" in page
    assert "调离本单位" in audit_rows(admin_org, "user.disable")[-1][2]
    assert listed(people(http, admin_org, "?state=disabled").text) == ["to.disable"]
    enabled = post(http, admin_org, person, "state", {"disabled": "0", "reason": "返回工作岗位"})
    assert enabled.status_code == 303
    page = http.get(server.url(f"/admin/people/{person}"), timeout=30).text
    assert "返回工作岗位" in page and "调离本单位" in page
    assert login(server, "to.disable", STRONG_PASSWORD, http=client(None))
    # The token stays revoked after enabling.
    assert requests.get(server.url("/api/v1/me"), headers={"Authorization": f"Bearer {secret}"}, timeout=30).status_code == 401
    # Nobody disables their own account here: the page offers no form, and a forged one is refused.
    me = admin_org.user_id("admin.a")
    own = http.get(server.url(f"/admin/people/{me}"), timeout=30).text
    assert "您不能停用自己的账户" in own and f"/admin/people/{me}/state" not in own
    token = hidden_csrf(own, f"/admin/people/{me}/details")
    forged = http.post(server.url(f"/admin/people/{me}/state"), data={"csrf_token": token, "disabled": "1", "reason": "x"},
                       allow_redirects=False, timeout=30)
    assert forged.status_code == 400
    assert http.get(server.url("/admin"), allow_redirects=False, timeout=30).status_code == 200


def test_unlocking_a_throttled_account(admin_org):
    server = admin_org.server
    server.cli("users", "add", "--login", "locked.out", "--name", "被锁定", "--department", "测试省/数据局/网络安全处",
               "--password-stdin", stdin=STRONG_PASSWORD + "\n")
    http = admin_org.session("admin.a")
    person = admin_org.user_id("locked.out")
    page = http.get(server.url(f"/admin/people/{person}"), timeout=30).text
    assert f"/admin/people/{person}/unlock" not in page
    for _ in range(5):
        assert attempt_login(server, "locked.out", "wrong-" + STRONG_PASSWORD).response.status_code != 303
    assert attempt_login(server, "locked.out", STRONG_PASSWORD).response.status_code == 429
    page = http.get(server.url(f"/admin/people/{person}"), timeout=30).text
    assert f"/admin/people/{person}/unlock" in page
    done = post(http, admin_org, person, "unlock", {})
    assert done.status_code == 303 and done.headers["Location"].endswith("?done=unlocked")
    assert attempt_login(server, "locked.out", STRONG_PASSWORD).response.status_code == 303
    assert audit_rows(admin_org, "user.unlock")[-1][:2] == ("admin.a", f"user:{person}")


def test_fifty_a_page_with_links_and_the_count(tmp_path):
    org = build_admin_org(tmp_path)
    try:
        http = org.session("admin.a")
        for number in range(48):
            added(http, org, f"many.{number:02d}", f"人员{number:02d}", org.departments["A2"])
        first = people(http, org, "?sort=login")
        assert "共找到 52 人" in first.text and len(listed(first.text)) == 50
        assert "第 1 页，共 2 页" in first.text
        assert 'href="/admin/people?sort=login&amp;page=2" rel="next"' in first.text
        second = people(http, org, "?sort=login&page=2")
        assert listed(second.text) == ["many.46", "many.47"]
        assert set(listed(first.text)).isdisjoint(listed(second.text))
        assert 'rel="prev"' in second.text
        # A page past the end shows the last one.
        assert listed(people(http, org, "?sort=login&page=9").text) == listed(second.text)
    finally:
        stop_and_check(org.server)


@needs_chromium
@pytest.mark.parametrize("language", ["zh", "en"])
def test_people_pages_are_accessible_and_screenshotted(admin_org, chromium, language):
    from selenium.webdriver.common.by import By

    server = admin_org.server
    driver = chromium(language)
    browser_sign_in(driver, server, "admin.a", STRONG_PASSWORD, language)
    person = admin_org.user_id("learner.a1")
    pages = [("/admin/people", "admin-people"), ("/admin/people?q=xyl&sort=login&dir=desc", None),
             ("/admin/people?q=nobody-here", None), ("/admin/people/new", "admin-people-new"),
             (f"/admin/people/{person}", "admin-person")]
    for path, shot in pages:
        driver.get(server.url(path))
        wait_for(driver, lambda d: d.execute_script("return document.readyState") == "complete")
        assert MARKER not in driver.page_source.lower().encode()
        if shot:
            save_screenshot(driver, shot, language)
        violations = axe_violations(driver, axe_source())
        assert not violations, f"{path}: " + describe(violations)
    # A refused form: the error summary, by keyboard and without script.
    driver.get(server.url("/admin/people/new"))
    driver.find_element(By.CSS_SELECTOR, "form[action='/admin/people/new'] button[type='submit']").click()
    wait_for(driver, lambda d: d.find_elements(By.CLASS_NAME, "error-summary"))
    save_screenshot(driver, "admin-people-new-errors", language)
    violations = axe_violations(driver, axe_source())
    assert not violations, describe(violations)
    driver.get(server.url(f"/admin/people/{person}"))
    reason = driver.find_element(By.ID, "reason")
    reason.submit()
    wait_for(driver, lambda d: d.find_elements(By.CLASS_NAME, "error-summary"))
    violations = axe_violations(driver, axe_source())
    assert not violations, describe(violations)
    assert len(driver.page_source.encode()) <= 50_000


def test_the_command_line_keeps_working_on_the_same_rules(admin_org):
    server = admin_org.server
    server.cli("users", "add", "--login", "cli.person", "--name", "命令行", "--department", "测试省/数据局/综合处",
               "--role", "trainer", "--employee-number", "E-CLI-1", "--password-stdin", stdin=STRONG_PASSWORD + "\n")
    taken = server.cli("users", "add", "--login", "cli.person2", "--name", "重复", "--department", "测试省/数据局",
                       "--employee-number", "E-CLI-1", "--password-stdin", stdin=STRONG_PASSWORD + "\n", check=False)
    assert taken.returncode == 1 and "employee number belongs to another account" in taken.stderr + taken.stdout
    assert server.cli("users", "disable", "--login", "cli.person", "--reason", "长期病假").stdout.strip() == "disabled cli.person"
    http = admin_org.session("admin.a")
    person = admin_org.user_id("cli.person")
    page = http.get(server.url(f"/admin/people/{person}"), timeout=30).text
    assert "长期病假" in page and "cli" in page and "培训师" in page
    assert server.cli("users", "enable", "--login", "cli.person").stdout.strip() == "enabled cli.person"
    rows = [line.split() for line in server.cli("users", "list").stdout.splitlines()]
    assert any(row[0] == "cli.person" and row[-1] == "active" for row in rows)
    assert listed(people(http, admin_org, "?q=ml").text) == ["cli.person"]


def test_many_departments_are_typed_as_paths(tmp_path):
    org = build_admin_org(tmp_path)
    try:
        for number in range(100):
            org.server.cli("departments", "add", f"测试省/数据局/科室{number:03d}")
        http = org.session("admin.a")
        new = http.get(org.server.url("/admin/people/new"), timeout=30)
        assert new.status_code == 200 and '<select id="department"' not in new.text
        assert 'id="department" name="department"' in new.text and len(new.content) <= 50_000
        assert MARKER not in new.text.lower().encode()
        person = added(http, org, "typed.path", "路径", "测试省/数据局/科室042")
        page = http.get(org.server.url(f"/admin/people/{person}"), timeout=30)
        assert 'value="测试省/数据局/科室042"' in page.text and len(page.content) <= 50_000
        assert add_person(http, org, "into.b", "越界", "测试省/ZZMARKER厅").status_code == 422
        assert listed(people(http, org, "?department=测试省/数据局/科室042").text) == ["typed.path"]
        assert people(http, org, "?department=测试省/ZZMARKER厅").status_code == 404
        listing = people(http, org)
        assert len(listing.content) <= 50_000 and MARKER not in listing.text.lower().encode()
    finally:
        stop_and_check(org.server)
