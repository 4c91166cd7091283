"""Administration as administrators do it, in a real browser with JavaScript off: a unit administrator finds a
colleague by pinyin initials, corrects the name, disables the account with a reason and enables it again, adds a
new colleague and gives them a password link, then reads what happened in the audit log in words; the
organisation's administrator backs the database up and verifies the audit chain from the pages. Nothing about
the sibling bureau (the marker) appears on any page the unit administrator sees."""

from __future__ import annotations

from pathlib import Path

import pytest

from admin_org import MARKER, build_admin_org
from conftest import STRONG_PASSWORD, browser_sign_in, needs_chromium, page_text, stop_and_check, wait_for


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory):
    directory = tmp_path_factory.mktemp("admin-browser")
    backups = directory / "backups"
    backups.mkdir()
    built = build_admin_org(directory / "server", extra=("--backup-dir", str(backups)))
    built.backups = backups  # type: ignore[attr-defined]
    yield built
    stop_and_check(built.server)


def follow(driver, element) -> None:
    """Clicks a link or button and waits until a new document has replaced this one and finished loading."""
    origin = "return [performance.timeOrigin, document.readyState]"
    before = driver.execute_script(origin)[0]
    element.click()

    def replaced(d) -> bool:
        try:
            now, state = d.execute_script(origin)
        except Exception:  # the document is being replaced
            return False
        return now != before and state == "complete"

    wait_for(driver, replaced, message="the page did not change")


def submit(driver, action_suffix: str) -> None:
    from selenium.webdriver.common.by import By

    follow(driver, driver.find_element(By.CSS_SELECTOR, f"form[action$='{action_suffix}'] button[type='submit']"))


def fill(driver, form_suffix: str, name: str, value: str) -> None:
    from selenium.webdriver.common.by import By

    field = driver.find_element(By.CSS_SELECTOR, f"form[action$='{form_suffix}'] [name='{name}']")
    field.clear()
    field.send_keys(value)


def loaded(driver) -> None:
    wait_for(driver, lambda d: d.execute_script("return document.readyState") == "complete")


def no_marker(driver) -> None:
    assert MARKER not in driver.page_source.lower().encode(), driver.current_url


@needs_chromium
def test_a_unit_administrator_manages_colleagues_and_reads_the_audit_log(org, chromium):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    server = org.server
    driver = chromium("zh", javascript=False, width=1366)
    browser_sign_in(driver, server, "admin.a", STRONG_PASSWORD)

    # From the front page to People, and a search by the initials of 学员李 (x-y-l).
    follow(driver, driver.find_element(By.CSS_SELECTOR, "nav.main-nav a[href='/admin']"))
    follow(driver, driver.find_element(By.CSS_SELECTOR, "main a[href='/admin/people']"))
    no_marker(driver)
    fill(driver, "/admin/people", "q", "xyl")
    submit(driver, "/admin/people")
    loaded(driver)
    assert "q=xyl" in driver.current_url
    results = driver.find_element(By.CSS_SELECTOR, "main table tbody").text
    assert "学员李" in results and "学员王" not in results
    no_marker(driver)
    follow(driver, driver.find_element(By.LINK_TEXT, "学员李"))
    person_url = driver.current_url

    # Correct the name.
    fill(driver, "/details", "name", "李学员")
    submit(driver, "/details")
    loaded(driver)
    assert driver.current_url.startswith(person_url)
    assert "李学员" in driver.find_element(By.TAG_NAME, "h1").text
    assert driver.find_elements(By.CSS_SELECTOR, "[role='status']")

    # Disable with a reason, then enable again.
    fill(driver, "/state", "reason", "调离本单位")
    submit(driver, "/state")
    loaded(driver)
    state = driver.find_element(By.CSS_SELECTOR, "#state ~ *").text + page_text(driver)
    assert "已停用" in state and "调离本单位" in state
    fill(driver, "/state", "reason", "返回本单位")
    submit(driver, "/state")
    loaded(driver)
    assert "正常" in page_text(driver)

    # A new colleague in a department of the bureau, then a password link for them.
    driver.get(server.url("/admin/people/new"))
    loaded(driver)
    no_marker(driver)
    fill(driver, "/admin/people/new", "login", "new.colleague")
    fill(driver, "/admin/people/new", "name", "新同事")
    department = Select(driver.find_element(By.CSS_SELECTOR, "form[action='/admin/people/new'] select[name='department']"))
    labels = [option.text for option in department.options]
    assert not any("ZZMARKER" in label.upper() for label in labels), labels
    department.select_by_visible_text(next(label for label in labels if label.endswith("综合处")))
    submit(driver, "/admin/people/new")
    loaded(driver)
    assert "新同事" in driver.find_element(By.TAG_NAME, "h1").text
    submit(driver, "/password-reset")
    loaded(driver)
    link = driver.find_element(By.ID, "reset-link").get_attribute("value")
    assert link.startswith(server.base + "/password/reset/")

    # What happened, in words, in the audit log; nothing about the sibling bureau.
    driver.get(server.url("/admin/audit"))
    loaded(driver)
    Select(driver.find_element(By.ID, "action")).select_by_value("user.disable")
    submit(driver, "/admin/audit")
    loaded(driver)
    rows = driver.find_element(By.CSS_SELECTOR, "main table tbody").text
    assert "单位管理员" in rows and "调离本单位" in rows and "停用了账户" in rows
    no_marker(driver)
    driver.get(server.url("/admin/audit"))
    loaded(driver)
    no_marker(driver)
    assert "新同事" in page_text(driver) or "new.colleague" in page_text(driver)


@needs_chromium
def test_the_organisations_administrator_backs_up_and_verifies_from_the_pages(org, chromium):
    from selenium.webdriver.common.by import By

    server = org.server
    driver = chromium("en", javascript=False, width=1366)
    browser_sign_in(driver, server, "admin.root", STRONG_PASSWORD, "en")
    driver.get(server.url("/admin"))
    follow(driver, driver.find_element(By.CSS_SELECTOR, "main a[href='/admin/system']"))
    before = set(Path(org.backups).iterdir())
    submit(driver, "/admin/system/backup")
    loaded(driver)
    assert "done=backed_up" in driver.current_url
    made = set(Path(org.backups).iterdir()) - before
    assert len(made) == 1 and next(iter(made)).stat().st_size > 0
    driver.get(server.url("/admin/audit"))
    loaded(driver)
    submit(driver, "/admin/audit/verify")
    loaded(driver)
    assert "The chain is intact" in page_text(driver), page_text(driver)
