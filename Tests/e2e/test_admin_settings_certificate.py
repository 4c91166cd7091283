"""Certificates carry the platform's identity: once an administrator sets the issuer's name and seal at
/admin/settings, the certificate page (and its printed form) names the issuing body and shows the seal, and calls a
competence programme's certificate 能力认证证书 / Certificate of Competence (never 结业证书); the signed Open Badges
credential names the issuer as set and still verifies."""

from __future__ import annotations

import re

import pytest
import requests

from conftest import api_token, browser_sign_in, client, login, needs_chromium, save_screenshot, study_until_complete_http, wait_for
from test_accessibility import axe_source, axe_violations, describe
from test_admin_settings import FIELDS, HOSTILE_SVG, post_settings
from test_certification import HOLDER, PROGRAM_COURSES, jwt_parts, my_certificates, pass_exam

ADMIN = "demo-admin"


@pytest.fixture(scope="module")
def certificate(clocked_server, book) -> dict:
    server = clocked_server
    admin = login(server, ADMIN, server.demo_passwords[ADMIN])
    saved = post_settings(admin, server, FIELDS, {"seal": ("seal.svg", HOSTILE_SVG, "image/svg+xml")})
    assert saved.status_code == 303, saved.text[:1000]
    http = login(server, HOLDER, server.demo_passwords[HOLDER])
    for course in PROGRAM_COURSES:
        for module in book.course(course)["modules"]:
            study_until_complete_http(server, http, course, module)
    for course in PROGRAM_COURSES:
        pass_exam(server, http, book, course)
    (issued,) = my_certificates(server, api_token(server, HOLDER))
    return {"id": issued["id"], "http": http}


def test_the_certificate_names_its_kind_issuer_and_seal(clocked_server, certificate):
    server = clocked_server
    page = certificate["http"].get(server.url(f"/certificates/{certificate['id']}"), timeout=30)
    assert page.status_code == 200
    text = page.text
    assert '<span lang="zh-CN">能力认证证书</span> <span lang="en">Certificate of Competence</span>' in text
    assert "结业证书" not in text
    assert FIELDS["issuer_zh"] in text and FIELDS["issuer_en"] in text
    seal = re.search(r'<img class="certificate-seal" src="(/branding/[0-9a-f]{64}\.svg)" alt="([^"]+)">', text)
    assert seal and FIELDS["issuer_zh"] in seal.group(2)
    served = requests.get(server.url(seal.group(1)), timeout=30)
    assert served.status_code == 200 and "<script" not in served.text


def test_the_credential_names_the_issuer_as_set_and_verifies(clocked_server, certificate):
    server = clocked_server
    token = certificate["http"].get(server.url(f"/certificates/{certificate['id']}/credential.jwt"), timeout=30).text
    _, payload = jwt_parts(token)
    assert payload["issuer"]["name"] == f"{FIELDS['issuer_zh']} / {FIELDS['issuer_en']}"
    profile = client().get(server.url("/issuer"), timeout=30).json()
    assert profile["name"] == payload["issuer"]["name"]
    verified = client().get(server.url(f"/api/v1/verify/{certificate['id']}"), timeout=30)
    assert verified.status_code == 200 and verified.json()["status"] == "valid", verified.text[:500]


@needs_chromium
@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_certificate_with_its_issuer_is_accessible_and_screenshotted(clocked_server, certificate, chromium, language):
    server = clocked_server
    driver = chromium(language)
    browser_sign_in(driver, server, HOLDER, server.demo_passwords[HOLDER], language)
    driver.get(server.url(f"/certificates/{certificate['id']}"))
    wait_for(driver, lambda d: d.execute_script("return document.readyState") == "complete")
    save_screenshot(driver, "certificate-issuer", language)
    violations = axe_violations(driver, axe_source())
    assert not violations, describe(violations)
