"""The HR pages in a real browser, in both languages: axe-core finds nothing, every page works without
JavaScript (sorting and paging are links, filters a GET form), and each page type gets a screenshot."""

from __future__ import annotations

import pytest

from conftest import STRONG_PASSWORD, browser_path, browser_sign_in, needs_chromium, save_screenshot, wait_for
from test_accessibility import axe_source, axe_violations, describe
from test_hr_scope import MARKER, org  # noqa: F401  (the organisation fixture, built once for this module)

LANGUAGES = ["zh", "en"]


def pages(org) -> list[tuple[str, str]]:
    d = org.departments
    return [
        ("hr-summary", "/hr"),
        ("hr-summary-department", f"/hr?department={d['A1']}"),
        ("hr-people", "/hr/people?sort=hours&dir=desc"),
        ("hr-people-filters-wrong", "/hr/people?expires_from=2027-02-30&state=unknown"),
        ("hr-people-none", "/hr/people?q=nobody-has-this-name"),
        ("hr-person", f"/hr/people/{org.users['learner.a1']}"),
    ]


@needs_chromium
@pytest.mark.parametrize("language", LANGUAGES)
def test_hr_pages_pass_axe_and_are_screenshotted(org, chromium, language):
    source = axe_source()
    driver = chromium(language, javascript=True)
    browser_sign_in(driver, org.server, "hr.a", STRONG_PASSWORD, language)
    for name, path in pages(org):
        driver.get(org.server.url(path))
        wait_for(driver, lambda d: d.execute_script("return document.readyState") == "complete")
        assert driver.find_element("tag name", "html").get_attribute("lang") == ("zh-CN" if language == "zh" else "en")
        assert MARKER not in driver.page_source.lower().encode()
        save_screenshot(driver, name, language)
        violations = axe_violations(driver, source)
        assert not violations, f"{path} ({language}):\n{describe(violations)}"


@needs_chromium
def test_sorting_paging_and_filtering_work_without_javascript(org, chromium):
    from selenium.webdriver.common.by import By

    driver = chromium("zh", javascript=False)
    browser_sign_in(driver, org.server, "hr.a", STRONG_PASSWORD)
    driver.get(org.server.url("/hr"))
    driver.find_element(By.LINK_TEXT, "综合处").click()
    wait_for(driver, lambda d: "综合处" in d.find_element(By.TAG_NAME, "h1").text)
    driver.get(org.server.url("/hr/people"))
    driver.find_element(By.CSS_SELECTOR, "thead th a[href*='sort=hours']").click()
    wait_for(driver, lambda d: "sort=hours" in d.current_url)
    header = driver.find_element(By.CSS_SELECTOR, "th[aria-sort]")
    assert header.get_attribute("aria-sort") == "ascending"
    driver.find_element(By.CSS_SELECTOR, "a[rel='next']").click()
    wait_for(driver, lambda d: "page=2" in d.current_url)
    assert driver.find_elements(By.CSS_SELECTOR, "a[rel='prev']")
    driver.get(org.server.url("/hr/people"))
    driver.find_element(By.ID, "q").send_keys("学员")
    driver.find_element(By.CSS_SELECTOR, "form[action='/hr/people'] button[type='submit']").click()
    wait_for(driver, lambda d: "q=" in d.current_url)
    assert browser_path(driver) == "/hr/people"
    rows = driver.find_elements(By.CSS_SELECTOR, "tbody tr")
    assert len(rows) == 1 and "学员李" in rows[0].text
    csv_link = driver.find_element(By.PARTIAL_LINK_TEXT, "CSV").get_attribute("href")
    assert "/hr/people.csv?" in csv_link and "q=" in csv_link
