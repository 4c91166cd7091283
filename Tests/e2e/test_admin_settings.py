"""The platform's own identity at /admin/settings: only an administrator of the whole organisation reaches it (a
unit administrator gets 403); saving names the organisation in the header with its logo, turns the header to the
chosen accent colour through a hashed stylesheet, puts the help contact on the sign-in and error pages, and is
audited with old and new values (images by digest). Uploaded images are checked (PNG signature and size, SVG
rewritten from an allow-list: no script, handler, link or outside reference survives) and served from hashed URLs
with a year's cache lifetime; bad input is refused with messages and changes nothing; a change made on one server
instance shows on another sharing the database at once. Axe-clean in both languages, with screenshots."""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import struct
import zlib

import pytest
import requests

from admin_org import MARKER, build_admin_org
from conftest import (STRONG_PASSWORD, Server, browser_sign_in, client, hidden_csrf, needs_chromium, save_screenshot,
                      stop_and_check, wait_for)
from test_accessibility import axe_source, axe_violations, describe

TEAL = "#00695c"


@pytest.fixture(scope="module")
def admin_org(tmp_path_factory: pytest.TempPathFactory):
    """The shared administration organisation, on a server that takes bodies as large as the settings form's
    (two images of 200 KB; the suite's servers otherwise stop at 64 KiB)."""
    org = build_admin_org(tmp_path_factory.mktemp("admin-settings"), extra=("--max-body-bytes", str(1024 * 1024)))
    yield org
    stop_and_check(org.server)

HOSTILE_SVG = """<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 100 100"
     width="100" height="100" onload="alert(1)">
  <script>alert('x')</script>
  <style>circle { fill: url(http://evil.example/x.svg#a) }</style>
  <title>Seal</title>
  <circle cx="50" cy="50" r="45" style="fill:#a4262c;stroke:#000;behavior:url(x.htc)" onclick="alert(2)"/>
  <a href="javascript:alert(3)"><rect x="10" y="10" width="10" height="10"/></a>
  <image href="data:image/png;base64,AAAA" width="10" height="10"/>
  <use xlink:href="http://evil.example/sprite.svg#star"/>
  <path d="M20 50 L80 50" stroke="#ffffff" fill="url(https://evil.example/#g)"/>
  <foreignObject width="10" height="10"><div xmlns="http://www.w3.org/1999/xhtml">hi</div></foreignObject>
  <text x="50" y="55" text-anchor="middle" fill="#ffffff">印</text>
</svg>
""".encode()


def png(width: int, height: int) -> bytes:
    """A real PNG: white, 8-bit RGB."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    rows = b"".join(b"\x00" + b"\xff\xff\xff" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


FIELDS = {
    "organisation_zh": "测试省人力资源和社会保障厅", "organisation_en": "Test Province Human Resources Department",
    "accent": "teal", "issuer_zh": "测试省干部教育培训中心", "issuer_en": "Test Province Cadre Training Centre",
    "help_phone": "010-1234 5678", "help_email": "help@example.gov.cn",
    "help_office_zh": "综合楼 305 室，工作日 9:00–17:00", "help_office_en": "Room 305, weekdays 9:00-17:00",
}


def post_settings(http: requests.Session, server, fields: dict[str, str], files: dict[str, tuple] | None = None,
                  csrf: str | None = None) -> requests.Response:
    page = http.get(server.url("/admin/settings"), timeout=30)
    token = csrf if csrf is not None else hidden_csrf(page.text, "/admin/settings")
    data = {"csrf_token": token, **fields}
    # Every file input is sent, empty when nothing is chosen, as a browser does.
    parts = {"logo": ("", b"", "application/octet-stream"), "seal": ("", b"", "application/octet-stream")}
    parts.update(files or {})
    return http.post(server.url("/admin/settings"), data=data, files=parts, allow_redirects=False, timeout=30)


def audit(server, action: str) -> list[tuple[str, dict]]:
    database = sqlite3.connect(f"file:{server.db}?mode=ro", uri=True)
    try:
        return [(actor, json.loads(details)) for actor, details in database.execute(
            "SELECT actor, details FROM audit_log WHERE action = ? ORDER BY id", (action,))]
    finally:
        database.close()


def stored_settings(server) -> dict[str, str]:
    database = sqlite3.connect(f"file:{server.db}?mode=ro", uri=True)
    try:
        return dict(database.execute("SELECT key, value FROM platform_settings"))
    finally:
        database.close()


def test_only_administrators_of_the_whole_organisation_reach_settings(admin_org):
    server = admin_org.server
    unit = admin_org.session("admin.a")
    assert unit.get(server.url("/admin/settings"), allow_redirects=False, timeout=30).status_code == 403
    token = hidden_csrf(unit.get(server.url("/admin"), timeout=30).text, "/logout")
    refused = unit.post(server.url("/admin/settings"), data={"csrf_token": token, **FIELDS}, files={"x": ("", b"")},
                        allow_redirects=False, timeout=30)
    assert refused.status_code == 403
    assert "settings.update" not in {action for action, in sqlite3.connect(server.db).execute(
        "SELECT action FROM audit_log")}
    for login_name in ("learner.a1", "hr.a"):
        other = admin_org.session(login_name)
        assert other.get(server.url("/admin/settings"), allow_redirects=False, timeout=30).status_code == 403
    anonymous = requests.get(server.url("/admin/settings"), allow_redirects=False, timeout=30)
    assert anonymous.status_code == 303 and anonymous.headers["Location"].startswith("/login?next=")
    root = admin_org.session("admin.root")
    page = root.get(server.url("/admin/settings"), timeout=30)
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.text
    assert MARKER not in page.text.lower().encode()
    assert len(page.content) <= 50 * 1024


def test_saved_settings_name_the_organisation_colour_the_header_and_give_the_help_contact(admin_org):
    server = admin_org.server
    root = admin_org.session("admin.root")
    logo = png(64, 32)
    before = len(audit(server, "settings.update"))
    saved = post_settings(root, server, FIELDS, {"logo": ("logo.png", logo, "image/png"),
                                                 "seal": ("seal.svg", HOSTILE_SVG, "image/svg+xml")})
    assert saved.status_code == 303, saved.text[:2000]
    assert saved.headers["Location"] == "/admin/settings?done=saved"
    page = root.get(server.url(saved.headers["Location"]), timeout=30).text
    assert 'role="status"' in page

    # The header of every page, signed in or not.
    for http in (root, client(None)):
        home = http.get(server.url("/login"), timeout=30).text
        assert "测试省人力资源和社会保障厅" in home
        logo_url = re.search(r'<img class="brand-logo" src="(/branding/[0-9a-f]{64}\.png)" alt="([^"]+)"', home)
        assert logo_url and "测试省人力资源和社会保障厅" in logo_url.group(2)
        assert logo_url.group(1) == f"/branding/{hashlib.sha256(logo).hexdigest()}.png"
        theme = re.search(r'<link rel="stylesheet" href="(/theme\.css\?v=[0-9a-f]{16})">', home)
        assert theme, "the header's colour comes from the theme stylesheet"
        assert "style=" not in home
    css = requests.get(server.url(theme.group(1)), timeout=30)
    assert css.status_code == 200 and css.headers["Content-Type"].startswith("text/css")
    assert TEAL in css.text and "--brand" in css.text
    assert "immutable" in css.headers["Cache-Control"] and "max-age=31536000" in css.headers["Cache-Control"]

    served = requests.get(server.url(logo_url.group(1)), timeout=30)
    assert served.status_code == 200 and served.content == logo
    assert served.headers["Content-Type"] == "image/png"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert "max-age=31536000" in served.headers["Cache-Control"]

    # The seal was rewritten: nothing that runs, links or reaches outside is left, the drawing is.
    seal_name = stored_settings(server)["issuer.seal"]
    seal = requests.get(server.url(f"/branding/{seal_name}"), timeout=30)
    assert seal.status_code == 200 and seal.headers["Content-Type"] == "image/svg+xml"
    assert "sandbox" in seal.headers.get("Content-Security-Policy", "")
    body = seal.text.lower()
    for forbidden in ("script", "onload", "onclick", "javascript", "data:", "evil.example", "<style", "<a ",
                      "<image", "foreignobject", "behavior", "alert"):
        assert forbidden not in body, f"{forbidden!r} survived sanitising: {seal.text}"
    assert '<circle' in body and 'fill="#a4262c"' in body and "印" in seal.text
    assert requests.get(server.url("/branding/" + "0" * 64 + ".png"), timeout=30).status_code == 404

    # The sign-in page: forgot password, and whom to ask.
    login = client(None).get(server.url("/login"), timeout=30).text
    assert 'href="/password/forgot"' in login and "忘记密码？" in login
    assert 'href="tel:01012345678"' in login and 'href="mailto:help@example.gov.cn"' in login
    assert "综合楼 305 室" in login
    english = client(None).get(server.url("/language/en?next=/login"), timeout=30).text
    assert "Forgot password?" in english and "Room 305, weekdays" in english
    # Error pages too.
    missing = client(None).get(server.url("/no-such-page"), timeout=30)
    assert missing.status_code == 404 and "help@example.gov.cn" in missing.text
    # Without mail, the forgot-password page sends people to the same help desk.
    forgot = client(None).get(server.url("/password/forgot"), timeout=30)
    assert forgot.status_code == 200 and "help@example.gov.cn" in forgot.text and "综合楼 305 室" in forgot.text

    # Audited: old and new values, images by digest.
    entries = audit(server, "settings.update")
    assert len(entries) == before + 1
    actor, details = entries[-1]
    assert actor == "admin.root"
    assert details["organisation.name.zh.old"] == "" and details["organisation.name.zh.new"] == FIELDS["organisation_zh"]
    assert details["theme.accent.new"] == "teal"
    assert details["organisation.logo.new"] == "sha256:" + hashlib.sha256(logo).hexdigest()
    assert details["issuer.seal.new"].startswith("sha256:")

    # Saving the same again changes nothing and records nothing.
    again = post_settings(root, server, FIELDS)
    assert again.headers["Location"] == "/admin/settings?done=unchanged"
    assert len(audit(server, "settings.update")) == before + 1

    # Removing the logo: gone from the header and from the database; the old value is in the audit.
    removed = post_settings(root, server, {**FIELDS, "remove_logo": "yes"})
    assert removed.headers["Location"] == "/admin/settings?done=saved"
    assert "brand-logo" not in client(None).get(server.url("/login"), timeout=30).text
    assert requests.get(server.url(logo_url.group(1)), timeout=30).status_code == 404
    _, details = audit(server, "settings.update")[-1]
    assert details["organisation.logo.old"].startswith("sha256:") and details["organisation.logo.new"] == ""


@pytest.mark.parametrize("case", ["email", "too_large", "doctype", "png_size", "not_an_image", "accent", "both"])
def test_bad_input_is_refused_with_a_message_and_changes_nothing(admin_org, case):
    server = admin_org.server
    root = admin_org.session("admin.root")
    fields = dict(FIELDS)
    files = {}
    expected = {
        "email": "请输入有效的电子邮件地址",
        "too_large": "超过 200 KB 的上限",
        "doctype": "DOCTYPE",
        "png_size": "像素",
        "not_an_image": "只接受 SVG 或 PNG 文件",
        "accent": "请从列出的颜色中选择一种主题色",
        "both": "不能同时上传新图片并删除当前图片",
    }[case]
    if case == "email":
        fields["help_email"] = "not an address"
    elif case == "too_large":
        files["logo"] = ("big.png", png(8, 8)[:-12] + b"\x00" * (201 * 1024) + png(8, 8)[-12:], "image/png")
    elif case == "doctype":
        files["seal"] = ("x.svg", b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]>'
                                  b'<svg xmlns="http://www.w3.org/2000/svg"><text>&a;</text></svg>', "image/svg+xml")
    elif case == "png_size":
        files["logo"] = ("tiny.png", png(4, 4), "image/png")
    elif case == "not_an_image":
        files["logo"] = ("notes.txt", "一段文字".encode(), "text/plain")
    elif case == "accent":
        fields["accent"] = "#ff00ff"
    elif case == "both":
        fields["remove_seal"] = "yes"
        files["seal"] = ("seal.png", png(64, 64), "image/png")
    fields["organisation_en"] = "CHANGED-BUT-REFUSED"
    settings_before = stored_settings(server)
    audit_before = len(audit(server, "settings.update"))
    answer = post_settings(root, server, fields, files)
    assert answer.status_code == 422, answer.text[:500]
    assert 'class="error-summary"' in answer.text and expected in answer.text
    assert 'value="CHANGED-BUT-REFUSED"' in answer.text, "what was typed is shown again"
    assert stored_settings(server) == settings_before
    assert len(audit(server, "settings.update")) == audit_before


def test_a_change_on_one_instance_shows_on_another_at_once(admin_org, tmp_path):
    first = admin_org.server
    second = Server(first.directory, demo=False)
    second.start()
    try:
        assert "测试省人力资源和社会保障厅" in client(None).get(second.url("/login"), timeout=30).text
        root = admin_org.session("admin.root")
        changed = post_settings(root, first, {**FIELDS, "organisation_zh": "另一个机构名称", "accent": "red"})
        assert changed.headers["Location"] == "/admin/settings?done=saved"
        other = client(None).get(second.url("/login"), timeout=30).text
        assert "另一个机构名称" in other
        version = re.search(r'/theme\.css\?v=([0-9a-f]{16})', other).group(1)
        assert "#a4262c" in requests.get(second.url(f"/theme.css?v={version}"), timeout=30).text
    finally:
        stop_and_check(second)
    post_settings(admin_org.session("admin.root"), first, FIELDS)


@needs_chromium
@pytest.mark.parametrize("language", ["zh", "en"])
def test_settings_page_is_accessible_and_screenshotted(admin_org, chromium, language):
    from selenium.webdriver.common.by import By

    server = admin_org.server
    driver = chromium(language)
    browser_sign_in(driver, server, "admin.root", STRONG_PASSWORD, language)
    driver.get(server.url("/admin/settings"))
    wait_for(driver, lambda d: d.execute_script("return document.readyState") == "complete")
    save_screenshot(driver, "admin-settings", language)
    violations = axe_violations(driver, axe_source())
    assert not violations, describe(violations)
    # The header uses the chosen colour (the theme stylesheet, no inline style).
    colour = driver.execute_script(
        "return getComputedStyle(document.querySelector('.site-header')).backgroundColor")
    assert colour == "rgb(0, 105, 92)", colour
    # A refused form, by keyboard-usable controls: the error summary and field errors are axe-clean too.
    field = driver.find_element(By.ID, "help_email")
    field.clear()
    field.send_keys("nope")
    driver.find_element(By.CSS_SELECTOR, ".settings-form button[type=submit]").click()
    wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".error-summary"))
    save_screenshot(driver, "admin-settings-error", language)
    violations = axe_violations(driver, axe_source())
    assert not violations, describe(violations)
    # The sign-in page with the help contact.
    driver.delete_all_cookies()
    driver.get(server.url(f"/language/{language}?next=/login"))
    wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".help-contact"))
    save_screenshot(driver, "login-help-contact", language)
    violations = axe_violations(driver, axe_source())
    assert not violations, describe(violations)
