"""HR reports as HR uses them, over HTTP and in headless Chromium: summary rows add up to the total (the
department's own people get a row), names sort by pinyin on the pages and in the exports, which keep the list's
order and filters, the expiry-date filter leaves revoked certificates out, CSV files speak the page's language
(codes on request), and the people table stays readable on a 390 px phone. A marker person outside HR's scope
never appears."""

from __future__ import annotations

import csv
import io
import re
import sqlite3
import time
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
import requests

from conftest import (
    STRONG_PASSWORD,
    Server,
    browser_sign_in,
    http_language,
    login,
    needs_chromium,
    save_screenshot,
    stop_and_check,
    wait_for,
)
from test_accessibility import axe_source, axe_violations, describe
from test_hr_scope import MARKER, add_department, add_user, assert_clean

PROGRAM = "egov-competence"
DAY = 86_400
# Code-point order would be 冯 卫 吴 周 孙 张 李 王; pinyin order is 冯 李 孙 王 卫 吴 张 周.
SURNAMES = ["周", "张", "吴", "王", "孙", "李", "冯", "卫"]
PINYIN = ["冯", "李", "孙", "王", "卫", "吴", "张", "周"]
STATE_WORDS = {"zh": {"certified": "已认证", "revoked": "已撤销", "not_started": "未开始"},
               "en": {"certified": "Certified", "revoked": "Revoked", "not_started": "Not started"}}


@dataclass
class Reports:
    server: Server
    departments: dict[str, int]
    users: dict[str, int]
    now: float

    def session(self, language: str = "zh") -> requests.Session:
        http = login(self.server, "hr.x", STRONG_PASSWORD)
        http_language(self.server, http, language)
        return http

    def get(self, http: requests.Session, path: str, **parameters) -> requests.Response:
        pairs = [(name, value) for name, value in parameters.items() if value is not None]
        response = http.get(self.server.url(path + ("?" + urlencode(pairs) if pairs else "")), allow_redirects=False,
                            timeout=30)
        assert response.status_code == 200, f"{path} {parameters} -> {response.status_code}"
        assert_clean(response.content, f"{path} {parameters}")
        return response


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory):
    """测试市 ── 信息中心 (X, HR-X's scope: HR-X and 主任 directly in it) ── 一科 (X1), 二科 (X2)
             └── ZZMARKER局 (the marker, outside the scope)"""
    server = Server(tmp_path_factory.mktemp("hr-reports"), demo=False)
    server.directory.mkdir(parents=True, exist_ok=True)
    db = server.db
    departments = {"root": add_department(db, "测试市"), "X": add_department(db, "测试市/信息中心")}
    departments["X1"] = add_department(db, "测试市/信息中心/一科")
    departments["X2"] = add_department(db, "测试市/信息中心/二科")
    departments["B"] = add_department(db, "测试市/ZZMARKER局")
    add_user(db, "hr.x", "人事", "测试市/信息中心", ("hr",))
    add_user(db, "x.head", "主任", "测试市/信息中心")
    for index, surname in enumerate(SURNAMES):
        add_user(db, f"p{index}", f"{surname}某", "测试市/信息中心/" + ("一科" if index % 2 else "二科"),
                 employee=f"E{index}")
    add_user(db, "zzmarker.b", "ZZMARKER甲", "测试市/ZZMARKER局", employee="EMPB-1")
    now = time.time()
    database = sqlite3.connect(db)
    try:
        with database:
            users = dict(database.execute("SELECT login, id FROM users"))
            # 周某 holds a valid certificate and 张某 a revoked one, both expiring in 30 days; the marker too.
            rows = [("p0", "certified", "CERT-ZHOU"), ("p1", "revoked", "CERT-ZHANG"),
                    ("x.head", "certified", "CERT-HEAD"), ("zzmarker.b", "certified", "ZZMARKER-CERT")]
            for login_name, state, certificate in rows:
                user_id = users[login_name]
                department = database.execute("SELECT department_id FROM users WHERE id = ?", (user_id,)).fetchone()[0]
                database.execute(
                    "INSERT INTO certifications (user_id, program_id, department_id, state, certified_at, expires_at,"
                    " certificate_id, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (user_id, PROGRAM, department, state, now - 300 * DAY, now + 30 * DAY, certificate, now))
                database.execute(
                    "INSERT INTO certificates (id, user_id, program_id, kind, issued_at, expires_at, revoked_at,"
                    " revoked_reason, credential) VALUES (?, ?, ?, 'initial', ?, ?, ?, ?, 'jwt')",
                    (certificate, user_id, PROGRAM, now - 300 * DAY, now + 30 * DAY,
                     now - DAY if state == "revoked" else None, "misconduct" if state == "revoked" else None))
    finally:
        database.close()
    server.start()
    yield Reports(server, departments, users, now)
    stop_and_check(server)


def read_csv(response: requests.Response) -> list[list[str]]:
    assert response.content.startswith(b"\xef\xbb\xbf"), "no byte-order mark"
    return list(csv.reader(io.StringIO(response.content[3:].decode("utf-8"), newline="")))


def summary_rows(page: str) -> list[list[str]]:
    """The body rows of the summary table (the page's first scrollable table), as cell texts."""
    table = page.split('class="table-scroll', 1)[1].split("</table>", 1)[0]
    body = table.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)]
            for row in re.findall(r"<tr>(.*?)</tr>", body)]


def listed_names(page: str) -> list[str]:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r'<a href="/hr/people/\d+">([^<]+)</a>', body)


# --- 1. summary rows add up ---------------------------------------------------------------------------


@pytest.mark.parametrize("language,direct", [("zh", "本部门直属"), ("en", "Directly in this department")])
def test_summary_rows_add_up_to_the_total_on_the_page(reports, language, direct):
    http = reports.session(language)
    page = reports.get(http, "/hr").text
    rows = summary_rows(page)
    assert [row[0] for row in rows] == [direct, "一科", "二科"]
    total = re.search(r"<tfoot><tr><th scope=\"row\">[^<]+</th><td>(\d+)</td>", page)
    assert total is not None and int(total.group(1)) == 10
    assert sum(int(row[1]) for row in rows) == 10
    assert int(rows[0][1]) == 2  # HR-X and 主任 are directly in 信息中心
    # Every state column adds up too.
    footer = re.findall(r"<td>(\d+)</td>", page.split('class="table-scroll', 1)[1].split("<tfoot>", 1)[1]
                        .split("</tfoot>", 1)[0])
    for column in range(1, len(footer) + 1):
        assert sum(int(row[column]) for row in rows) == int(footer[column - 1]), column


def test_summary_rows_add_up_in_json_and_csv(reports):
    http = reports.session("zh")
    summary = reports.get(http, "/api/v1/hr/summary").json()
    parts = summary["departments"]
    assert [part["direct"] for part in parts] == [True, False, False]
    assert parts[0]["department"]["id"] == reports.departments["X"] == summary["department"]["id"]
    assert sum(part["counts"]["people"] for part in parts) == summary["total"]["people"] == 10
    for state, count in summary["total"]["states"].items():
        assert sum(part["counts"]["states"][state] for part in parts) == count, state
    rows = read_csv(reports.get(http, "/hr/summary.csv", codes="1"))
    assert rows[0][0] == "row" and [row[0] for row in rows[1:]] == ["total", "direct", "department", "department"]
    people = rows[0].index("people")
    assert sum(int(row[people]) for row in rows[2:]) == int(rows[1][people]) == 10
    # A department without sub-departments: its own people are its one row.
    leaf = reports.get(http, "/api/v1/hr/summary", department=str(reports.departments["X1"])).json()
    assert [part["direct"] for part in leaf["departments"]] == [True]
    assert leaf["departments"][0]["counts"]["people"] == leaf["total"]["people"] == 4


# --- 2. names sort by pinyin, exports keep the order -----------------------------------------------------


@pytest.mark.parametrize("language", ["zh", "en"])
def test_names_sort_by_pinyin_on_the_page(reports, language):
    http = reports.session(language)
    names = listed_names(reports.get(http, "/hr/people", department=str(reports.departments["X"])).text)
    surnames = [name[0] for name in names if name.endswith("某")]
    assert surnames == PINYIN
    descending = listed_names(reports.get(http, "/hr/people", sort="name", dir="desc").text)
    assert descending == list(reversed(names))


@pytest.mark.parametrize("parameters", [{}, {"dir": "desc"}, {"state": "certified"}, {"sort": "hours", "dir": "desc"},
                                        {"sort": "department"}, {"q": "某"}])
def test_exports_keep_the_lists_order_and_filters(reports, parameters):
    http = reports.session("zh")
    page_names = listed_names(reports.get(http, "/hr/people", **parameters).text)
    assert page_names, parameters
    rows = read_csv(reports.get(http, "/hr/people.csv", **parameters, codes="1"))
    name = rows[0].index("name")
    assert [row[name] for row in rows[1:]] == page_names, parameters
    items = reports.get(http, "/hr/people.json", **parameters).json()
    assert [item["name"] for item in items] == page_names, parameters
    api = reports.get(http, "/api/v1/hr/people", **parameters, limit="1000").json()
    assert [item["name"] for item in api["items"]] == page_names, parameters


# --- 3. the expiry filter leaves out revoked certificates ------------------------------------------------


def test_the_expiry_filter_leaves_out_revoked_certificates(reports):
    http = reports.session("zh")
    start = time.strftime("%Y-%m-%d", time.localtime(reports.now + 20 * DAY))
    end = time.strftime("%Y-%m-%d", time.localtime(reports.now + 40 * DAY))
    for window in ({"expires_from": start}, {"expires_to": end}, {"expires_from": start, "expires_to": end}):
        page = reports.get(http, "/hr/people", **window).text
        assert sorted(listed_names(page)) == sorted(["周某", "主任"]), window
        assert "张某" not in page and "CERT-ZHANG" not in page
        assert re.search(r"共 2 人符合条件", page), window
        rows = read_csv(reports.get(http, "/hr/people.csv", **window, codes="1"))
        assert sorted(row[rows[0].index("login")] for row in rows[1:]) == ["p0", "x.head"], window
        items = reports.get(http, "/hr/people.json", **window).json()
        assert sorted(item["login"] for item in items) == ["p0", "x.head"], window
        api = reports.get(http, "/api/v1/hr/people", **window).json()
        assert api["total"] == 2 and "p1" not in [item["login"] for item in api["items"]], window
    # The revoked certificate is still found by its state.
    revoked = reports.get(http, "/api/v1/hr/people", state="revoked").json()
    assert [item["login"] for item in revoked["items"]] == ["p1"]


# --- 4. CSV in the page's language ------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["zh", "en"])
def test_csv_headers_and_states_follow_the_page_language(reports, language):
    http = reports.session(language)
    rows = read_csv(reports.get(http, "/hr/people.csv"))
    expected_header = (["工号", "登录名", "姓名", "部门", "认证项目", "状态"] if language == "zh"
                       else ["Employee number", "Login", "Name", "Department", "Programme", "State"])
    assert rows[0][:6] == expected_header
    by_login = {row[1]: row for row in rows[1:]}
    words = STATE_WORDS[language]
    assert by_login["p0"][5] == words["certified"]
    assert by_login["p1"][5] == words["revoked"]
    assert by_login["p2"][5] == words["not_started"]
    assert by_login["p0"][4] == PROGRAM  # values other than states stay as they are
    # codes=1: the codes, as before; JSON always has them.
    codes = read_csv(reports.get(http, "/hr/people.csv", codes="1"))
    assert codes[0][:6] == ["employee_number", "login", "name", "department", "program", "state"]
    assert {row[1]: row[5] for row in codes[1:]}["p1"] == "revoked"
    assert [row[1:5] for row in codes[1:]] == [row[1:5] for row in rows[1:]]
    items = reports.get(http, "/hr/people.json").json()
    assert {item["login"]: item["state"] for item in items}["p1"] == "revoked"
    summary = read_csv(reports.get(http, "/hr/summary.csv"))
    assert summary[0][:4] == (["行类型", "部门编号", "部门", "人数"] if language == "zh"
                              else ["Row", "Department id", "Department", "People"])
    assert words["certified"] in summary[0] and words["revoked"] in summary[0]
    assert summary[1][0] == ("合计" if language == "zh" else "Total")
    assert summary[2][0] == ("本部门直属" if language == "zh" else "Directly in this department")
    assert read_csv(reports.get(http, "/hr/summary.csv", codes="1"))[0][:4] == ["row", "department_id", "department",
                                                                              "people"]


# --- 5. the people table on a phone -----------------------------------------------------------------------


def phone(driver, height: int = 844) -> None:
    """A 390 px wide phone viewport (a headless window cannot be made that narrow)."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": 390, "height": height, "deviceScaleFactor": 1, "mobile": True})


def whole_page_screenshot(driver, name: str, language: str) -> None:
    """`save_screenshot` of the whole page at 390 px: the emulated viewport stretched to the page's height."""
    height = driver.execute_script("return document.documentElement.scrollHeight")
    phone(driver, min(int(height), 6000))
    try:
        save_screenshot(driver, name, language)
    finally:
        phone(driver)


@needs_chromium
@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_people_table_is_readable_and_keyboard_scrollable_at_390_px(reports, chromium, language):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver = chromium(language, javascript=True, width=390, height=844)
    # A headless window has a minimum width above a phone's: emulate the phone's viewport instead.
    phone(driver)
    browser_sign_in(driver, reports.server, "hr.x", STRONG_PASSWORD, language)
    driver.get(reports.server.url("/hr/people"))
    wait_for(driver, lambda d: d.execute_script("return document.readyState") == "complete")
    assert MARKER not in driver.page_source.lower().encode()
    width = driver.execute_script("return document.documentElement.clientWidth")
    assert width <= 390
    # The page itself never scrolls sideways: only the table's own region does.
    assert driver.execute_script("return document.documentElement.scrollWidth") <= width
    region = driver.find_element(By.CSS_SELECTOR, ".table-scroll[role='region']")
    assert region.get_attribute("tabindex") == "0" and region.get_attribute("aria-label")
    table = region.find_element(By.TAG_NAME, "table")
    # Columns keep a readable width instead of being squeezed into the screen.
    name_cell = table.find_element(By.CSS_SELECTOR, "tbody th[scope='row']")
    assert name_cell.size["width"] >= 96, name_cell.size
    for cell in table.find_elements(By.CSS_SELECTOR, "tbody td"):
        assert cell.size["width"] >= 64, (cell.text, cell.size)
    assert driver.execute_script("return arguments[0].scrollWidth > arguments[0].clientWidth", region)
    # The name column stays in view while the rest scrolls.
    assert name_cell.value_of_css_property("position") == "sticky"
    left = name_cell.location["x"]
    # Keyboard: the region takes focus with Tab and scrolls with the arrow keys.
    driver.execute_script("const links = arguments[0].previousElementSibling.querySelectorAll('a');"
                          "links[links.length - 1].focus()", region)
    for _ in range(3):
        if driver.execute_script("return document.activeElement === arguments[0]", region):
            break
        driver.switch_to.active_element.send_keys(Keys.TAB)
    assert driver.execute_script("return document.activeElement === arguments[0]", region), "Tab never reached the table"
    driver.switch_to.active_element.send_keys(Keys.ARROW_RIGHT * 8)
    wait_for(driver, lambda d: d.execute_script("return arguments[0].scrollLeft", region) > 0,
             message="the arrow keys did not scroll the table")
    assert abs(name_cell.location["x"] - left) <= 1, "the name column scrolled away"
    # Back to the start for the screenshot, once the arrow keys' smooth scrolling has ended.
    wait_for(driver, lambda d: d.execute_script(
        "const r = arguments[0]; const before = r.scrollLeft;"
        "return new Promise(done => setTimeout(() => done(r.scrollLeft === before), 300))", region))
    driver.execute_script("arguments[0].blur(); arguments[0].scrollTo({left: 0, behavior: 'instant'})", region)
    wait_for(driver, lambda d: d.execute_script("return arguments[0].scrollLeft", region) == 0)
    whole_page_screenshot(driver, "hr-people-390px", language)
    violations = axe_violations(driver, axe_source())
    assert not violations, f"/hr/people at 390 px ({language}):\n{describe(violations)}"
    driver.get(reports.server.url("/hr"))
    wait_for(driver, lambda d: d.execute_script("return document.readyState") == "complete")
    assert driver.execute_script("return document.documentElement.scrollWidth") <= width
    whole_page_screenshot(driver, "hr-summary-390px", language)
    violations = axe_violations(driver, axe_source())
    assert not violations, f"/hr at 390 px ({language}):\n{describe(violations)}"
