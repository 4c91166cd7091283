"""The notice centre, the header's unread count and announcements (通知公告), over HTTP and in Chromium.

Announcements are written by a planner (hr.a, scoped to 数据局) to a department subtree: the people there see
them on the dashboard until they mark them read and in the notice centre; the marker person in the sibling
bureau never does, and nothing about the sibling bureau ever reaches hr.a's pages. The centre lists 30 notices a
page, newest first, marks one or all read (POST), and the header says "通知 (N)" with an accessible name.
The reminder mail setting and the one-click unsubscribe link are here too (mail itself: test_reminder_mail.py)."""

from __future__ import annotations

import hashlib
import re
import sqlite3
import time

import pytest
import requests

from admin_org import MARKER, admin_org  # noqa: F401  (module fixture)
from conftest import (STRONG_PASSWORD, browser_sign_in, form_with_action, hidden_csrf, needs_chromium,
                      save_screenshot, signed_in_csrf, wait_for)
from test_accessibility import axe_source, axe_violations, describe


def sql(org, statement: str, *arguments) -> list[tuple]:
    database = sqlite3.connect(org.server.db, timeout=10)
    try:
        rows = database.execute(statement, arguments).fetchall()
        database.commit()
        return rows
    finally:
        database.close()


def unread_in_header(page: str) -> int | None:
    """The count the header shows beside 通知 / Notices, None when it shows none."""
    link = re.search(r'<a class="notices-link" href="/notices">(.*?)</a>', page, re.S)
    assert link, "the header has no notices link"
    count = re.search(r'<span aria-hidden="true"> \((\d+)\)</span>', link.group(1))
    return int(count.group(1)) if count else None


def publish(org, http: requests.Session, **fields) -> requests.Response:
    csrf = signed_in_csrf(org.server, http, "/announcements")
    return http.post(org.server.url("/announcements"), data={"csrf_token": csrf, **fields}, allow_redirects=False,
                     timeout=30)


def test_an_announcement_reaches_the_subtree_until_read_and_never_the_sibling_bureau(admin_org):
    server = admin_org.server
    hr = admin_org.session("hr.a")
    page = hr.get(server.url("/announcements"), timeout=30)
    assert page.status_code == 200 and "数据局" in page.text
    assert MARKER not in page.text.lower().encode(), "the sibling bureau is not offered"
    # Bad input: the form again with its errors (422), nothing stored.
    bad = publish(admin_org, hr, department="", title="", body="", ends_on="2020-01-01")
    assert bad.status_code == 422
    assert 'class="error-summary"' in bad.text and "请填写标题" in bad.text and "截止日期不能早于今天" in bad.text
    outside = publish(admin_org, hr, department=str(admin_org.departments["B"]), title="越界", body="正文")
    assert outside.status_code == 422 and "请选择发送的部门" in outside.text
    assert MARKER not in outside.text.lower().encode()
    assert sql(admin_org, "SELECT count(*) FROM announcements")[0][0] == 0

    done = publish(admin_org, hr, department=str(admin_org.departments["A"]), title="年终考核安排",
                   body="请各处室于月底前完成自评。\n\n材料交人事处。", ends_on="")
    assert done.status_code == 303 and done.headers["Location"] == "/announcements?done=published"
    listed = hr.get(server.url(done.headers["Location"]), timeout=30).text
    assert "通知公告已发布" in listed and "年终考核安排" in listed and "0 / 4 人已读" in listed
    (announcement_id,) = sql(admin_org, "SELECT id FROM announcements")[0]

    learner = admin_org.session("learner.a1")
    dashboard = learner.get(server.url("/"), timeout=30).text
    assert "年终考核安排" in dashboard and "<p>材料交人事处。</p>" in dashboard
    assert unread_in_header(dashboard) == 1
    centre = learner.get(server.url("/notices"), timeout=30).text
    assert "通知公告：年终考核安排" in centre and "未读" in centre
    assert 'href="/announcements"' not in centre, "only planners are pointed to the announcements page"
    assert 'href="/announcements"' in hr.get(server.url("/notices"), timeout=30).text
    # The marker person is outside the subtree: no notice, no count, and the announcement is not found.
    marker = admin_org.session("zzmarker.b")
    assert unread_in_header(marker.get(server.url("/"), timeout=30).text) is None
    assert "年终考核安排" not in marker.get(server.url("/notices"), timeout=30).text
    assert marker.get(server.url(f"/announcements/{announcement_id}"), timeout=30).status_code == 404
    assert marker.get(server.url("/announcements"), allow_redirects=False, timeout=30).status_code == 403

    # Marked read on the dashboard: gone from it, kept (read) in the centre, the count drops.
    form = form_with_action(dashboard, re.findall(r'action="(/notices/\d+/read)"', dashboard)[0])
    fields = {name: attributes.get("value", "") for name, attributes in form["inputs"].items()}
    marked = learner.post(server.url(form["action"]), data=fields, allow_redirects=False, timeout=30)
    assert marked.status_code == 303 and marked.headers["Location"] == "/"
    dashboard = learner.get(server.url("/"), timeout=30).text
    assert "年终考核安排" not in dashboard and unread_in_header(dashboard) is None
    assert "已读" in learner.get(server.url("/notices"), timeout=30).text
    assert "1 / 4 人已读" in hr.get(server.url(f"/announcements/{announcement_id}"), timeout=30).text

    # Withdrawing needs the confirmation; then the others' notices are gone.
    page = hr.get(server.url(f"/announcements/{announcement_id}"), timeout=30).text
    csrf = hidden_csrf(page, f"/announcements/{announcement_id}/withdraw")
    unconfirmed = hr.post(server.url(f"/announcements/{announcement_id}/withdraw"), data={"csrf_token": csrf},
                          allow_redirects=False, timeout=30)
    assert unconfirmed.status_code == 422
    other = admin_org.session("learner.a2")
    assert unread_in_header(other.get(server.url("/"), timeout=30).text) == 1
    withdrawn = hr.post(server.url(f"/announcements/{announcement_id}/withdraw"),
                        data={"csrf_token": csrf, "confirm": "yes"}, allow_redirects=False, timeout=30)
    assert withdrawn.status_code == 303
    assert "已撤回" in hr.get(server.url("/announcements"), timeout=30).text
    fresh = admin_org.session("learner.a2")
    assert unread_in_header(fresh.get(server.url("/"), timeout=30).text) is None
    assert fresh.get(server.url(f"/announcements/{announcement_id}"), timeout=30).status_code == 404
    actions = [row[0] for row in sql(admin_org, "SELECT action FROM audit_log WHERE action LIKE 'announcement.%' ORDER BY id")]
    assert actions == ["announcement.publish", "announcement.withdraw"]
    audit = admin_org.session("admin.a").get(server.url("/admin/audit"), timeout=30).text
    assert "发布了通知公告“年终考核安排”" in audit and "撤回了通知公告“年终考核安排”" in audit


def test_an_announcement_outside_the_planners_scope_is_not_found(admin_org):
    server = admin_org.server
    root = admin_org.session("admin.root")
    answer = publish(admin_org, root, department=str(admin_org.departments["B"]), title="ZZMARKER厅内部通知", body="仅限本厅。")
    assert answer.status_code == 303
    (announcement_id,) = sql(admin_org, "SELECT max(id) FROM announcements")[0]
    marker = admin_org.session("zzmarker.b")
    assert "ZZMARKER厅内部通知" in marker.get(server.url("/"), timeout=30).text
    hr = admin_org.session("hr.a")
    assert MARKER not in hr.get(server.url("/announcements"), timeout=30).text.lower().encode()
    assert hr.get(server.url(f"/announcements/{announcement_id}"), timeout=30).status_code == 404
    csrf = signed_in_csrf(server, hr, "/announcements")
    refused = hr.post(server.url(f"/announcements/{announcement_id}/withdraw"), data={"csrf_token": csrf, "confirm": "yes"},
                      allow_redirects=False, timeout=30)
    assert refused.status_code == 404
    assert sql(admin_org, "SELECT withdrawn_at FROM announcements WHERE id = ?", announcement_id) == [(None,)]
    learner = admin_org.session("learner.a1")
    assert learner.get(server.url(f"/announcements/{announcement_id}"), timeout=30).status_code == 404
    assert MARKER not in learner.get(server.url("/notices"), timeout=30).text.lower().encode()
    for path in ("/announcements/abc", "/announcements/99999"):
        assert hr.get(server.url(path), timeout=30).status_code == 404


def test_the_centre_pages_newest_first_and_marks_read_one_or_all(admin_org):
    server = admin_org.server
    user_id = admin_org.user_id("learner.a2")
    now = time.time()
    for number in range(35):
        sql(admin_org, """INSERT INTO notices (user_id, kind, parameters, link, dedupe_key, created_at)
                          VALUES (?, 'assignment.due_soon', ?, '/due/1', ?, ?)""",
            user_id, f'{{"due":"2027-01-05","name":"课程{number:02d}"}}', f"test:{number}", now + number)
    http = admin_org.session("learner.a2")  # a new session reads the count afresh
    first = http.get(server.url("/notices"), timeout=30).text
    assert unread_in_header(first) == 35
    assert "共 35 条通知，其中 35 条未读" in first
    titles = re.findall(r"<a href=\"/due/1\">即将到期：课程(\d\d)</a>", first)
    assert titles == [f"{n:02d}" for n in range(34, 4, -1)], "30 a page, newest first"
    second = http.get(server.url("/notices?page=2"), timeout=30).text
    assert re.findall(r"<a href=\"/due/1\">即将到期：课程(\d\d)</a>", second) == ["04", "03", "02", "01", "00"]
    assert 'rel="prev"' in second and 'rel="next"' in first
    newest = re.search(r'action="/notices/(\d+)/read"', first).group(1)
    csrf = hidden_csrf(first, f"/notices/{newest}/read")
    answer = http.post(server.url(f"/notices/{newest}/read"), data={"csrf_token": csrf, "page": "1"},
                       allow_redirects=False, timeout=30)
    assert answer.status_code == 303
    page = http.get(server.url(answer.headers["Location"]), timeout=30).text
    assert unread_in_header(page) == 34 and "已标为已读" in page
    # Someone else's notice is not found; an id that is not a number neither.
    other = admin_org.session("learner.a1")
    assert other.post(server.url(f"/notices/{newest}/read"), data={"csrf_token": signed_in_csrf(server, other)},
                      allow_redirects=False, timeout=30).status_code == 404
    # The API agrees, and marks all read.
    api = http.get(server.url("/api/v1/notices?limit=2"), timeout=30).json()
    assert api["total"] == 35 and api["unread"] == 34 and len(api["notices"]) == 2
    assert api["notices"][0]["read"] is True and api["notices"][0]["title"] == "即将到期：课程34"
    assert http.get(server.url("/api/v1/notices?limit=0"), timeout=30).status_code == 400
    token = signed_in_csrf(server, http)
    marked = http.post(server.url("/api/v1/notices/read-all"), headers={"X-CSRF-Token": token}, timeout=30)
    assert marked.status_code == 200 and marked.json() == {"marked": 34, "unread": 0}
    page = http.get(server.url("/notices"), timeout=30).text
    assert unread_in_header(page) is None and "全部标为已读" not in page


def test_reminder_mail_can_be_turned_off_on_the_profile_and_by_the_link_signed_out(admin_org):
    server = admin_org.server
    http = admin_org.session("learner.a1")
    profile = http.get(server.url("/profile"), timeout=30).text
    assert 'id="reminder_mail" name="reminder_mail" value="on" aria-describedby="reminder_mail-hint" checked' in profile
    csrf = hidden_csrf(profile, "/profile/reminder-mail")
    saved = http.post(server.url("/profile/reminder-mail"), data={"csrf_token": csrf}, allow_redirects=False, timeout=30)
    assert saved.status_code == 303
    profile = http.get(server.url(saved.headers["Location"]), timeout=30).text
    assert "提醒邮件设置已保存" in profile and "reminder_mail-hint\" checked" not in profile
    user_id = admin_org.user_id("learner.a1")
    assert sql(admin_org, "SELECT reminder_mail FROM users WHERE id = ?", user_id) == [(0,)]
    csrf = hidden_csrf(profile, "/profile/reminder-mail")
    http.post(server.url("/profile/reminder-mail"), data={"csrf_token": csrf, "reminder_mail": "on"}, timeout=30)
    assert sql(admin_org, "SELECT reminder_mail FROM users WHERE id = ?", user_id) == [(1,)]

    token = "T" * 43
    sql(admin_org, "INSERT INTO mail_unsubscribe_tokens (token_hash, user_id, created_at) VALUES (?, ?, ?)",
        hashlib.sha256(token.encode()).hexdigest(), user_id, time.time())
    anonymous = requests.Session()
    confirm = anonymous.get(server.url(f"/mail/unsubscribe/{token}"), timeout=30)
    assert confirm.status_code == 200 and "退订提醒邮件" in confirm.text
    assert sql(admin_org, "SELECT reminder_mail FROM users WHERE id = ?", user_id) == [(1,)], "a GET changes nothing"
    # RFC 8058: the mail client's POST, without cookies or CSRF token.
    one_click = requests.post(server.url(f"/mail/unsubscribe/{token}"), data={"List-Unsubscribe": "One-Click"},
                              allow_redirects=False, timeout=30)
    assert one_click.status_code == 200 and "已退订提醒邮件" in one_click.text
    assert sql(admin_org, "SELECT reminder_mail FROM users WHERE id = ?", user_id) == [(0,)]
    assert requests.get(server.url(f"/mail/unsubscribe/{token}"), timeout=30).text.count("已退订提醒邮件") == 1
    assert requests.get(server.url("/mail/unsubscribe/" + "x" * 43), timeout=30).status_code == 404
    assert requests.post(server.url("/mail/unsubscribe/nope"), timeout=30).status_code == 404


@needs_chromium
@pytest.mark.parametrize("language", ["zh", "en"])
def test_notice_pages_are_accessible_in_both_languages(admin_org, chromium, language):
    server = admin_org.server
    hr = admin_org.session("hr.a")
    title = "网络安全周" if language == "zh" else "Security week"
    publish(admin_org, hr, department=str(admin_org.departments["A1"]), title=title,
            body="第一段。\n\n第二段。", ends_on="")
    (announcement_id,) = sql(admin_org, "SELECT max(id) FROM announcements")[0]
    source = axe_source()
    driver = chromium(language)
    browser_sign_in(driver, server, "learner.a1", STRONG_PASSWORD, language)
    for path, name in (("/", "dashboard-announcement"), ("/notices", "notices"),
                       (f"/announcements/{announcement_id}", "announcement")):
        driver.get(server.url(path))
        wait_for(driver, lambda d: d.execute_script("return document.readyState") == "complete")
        assert title in driver.page_source
        save_screenshot(driver, name, language)
        violations = axe_violations(driver, source)
        assert not violations, f"{path}: " + describe(violations)
    name = driver.execute_script("""
        const link = document.querySelector('a.notices-link');
        return link.innerText + '|' + link.textContent;""")
    assert ("通知" if language == "zh" else "Notices") in name
    planner = chromium(language)
    browser_sign_in(planner, server, "hr.a", STRONG_PASSWORD, language)
    for path, name in (("/announcements", "announcements"), (f"/announcements/{announcement_id}", "announcement-manage")):
        planner.get(server.url(path))
        wait_for(planner, lambda d: d.execute_script("return document.readyState") == "complete")
        assert MARKER not in planner.page_source.lower().encode()
        save_screenshot(planner, name, language)
        violations = axe_violations(planner, source)
        assert not violations, f"{path}: " + describe(violations)
    # The form's errors, and the unsubscribe page, signed out.
    from selenium.webdriver.common.by import By

    planner.get(server.url("/announcements"))
    planner.find_element(By.CSS_SELECTOR, "form[action='/announcements'] button[type=submit]").click()
    wait_for(planner, lambda d: "error-summary" in d.page_source)
    save_screenshot(planner, "announcements-errors", language)
    violations = axe_violations(planner, source)
    assert not violations, describe(violations)
    token = ("U" if language == "zh" else "V") * 43
    sql(admin_org, "INSERT OR IGNORE INTO mail_unsubscribe_tokens (token_hash, user_id, created_at) VALUES (?, ?, ?)",
        hashlib.sha256(token.encode()).hexdigest(), admin_org.user_id("learner.a2"), time.time())
    sql(admin_org, "UPDATE users SET reminder_mail = 1 WHERE id = ?", admin_org.user_id("learner.a2"))
    anonymous = chromium(language)
    anonymous.get(server.url(f"/language/{language}?next=/mail/unsubscribe/{token}"))
    wait_for(anonymous, lambda d: d.execute_script("return document.readyState") == "complete")
    save_screenshot(anonymous, "unsubscribe", language)
    violations = axe_violations(anonymous, source)
    assert not violations, describe(violations)
