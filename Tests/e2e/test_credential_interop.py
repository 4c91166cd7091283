"""A verifier who has only the credential finds the issuer's key and the programme, with tools nobody on this
project wrote: PyJWT (`PyJWKClient`) and jwcrypto.

The demo learner earns the E-Government Service Competence certificate on a server of this module's own whose
issuer key is the test key (`fixtures/test-issuer-key.pem`), so `fixtures/legacy-credential.jwt` — signed with that
key before credentials named their key by URL (its `kid` is the bare RFC 7638 thumbprint) — stands for a credential
issued by an earlier release. Then the server is restarted with a new key file (a key rotation) on the same database,
and everything issued before must still verify. The programme page (the achievement's `id`) is public, in both
languages, and answers JSON to machines.

The tests share the server and run in order.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import requests

from conftest import BINARY, ClockedServer, api_token, client, login, new_chromium, save_screenshot, stop_and_check, \
    study_until_complete_http, ui_text
from test_accessibility import axe_source, axe_violations, describe
from test_certification import HOLDER, PROGRAM, PROGRAM_COURSES, jwt_parts, my_certificates, pass_exam, rfc3339

jwt = pytest.importorskip("jwt", reason="PyJWT is needed: pip install -r Tests/e2e/requirements.txt")
jwk_module = pytest.importorskip("jwcrypto.jwk", reason="jwcrypto is needed: pip install -r Tests/e2e/requirements.txt")
jws_module = pytest.importorskip("jwcrypto.jws")

FIXTURES = Path(__file__).resolve().parent / "fixtures"
LEGACY = FIXTURES / "legacy-credential.jwt"
PAGE_LIMIT = 50 * 1024


def verify_cli(*args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BINARY), "verify-credential", *map(str, args)], capture_output=True, text=True,
                          timeout=60)


def decode_with_pyjwt(token: str, key, server: ClockedServer) -> dict:
    # The test server's clock runs ahead of the wall clock (study time is travelled, not waited): allow for it.
    return jwt.decode(token, key=key, algorithms=["RS256"], leeway=server.offset + 120,
                      options={"verify_aud": False})


def verify_with_jwcrypto(token: str, key) -> dict:
    signed = jws_module.JWS()
    signed.deserialize(token.strip())
    signed.verify(key)  # raises InvalidJWSSignature when it does not verify
    return json.loads(signed.payload)


def programme_courses(book, language: str) -> list[str]:
    return [book.course(course)["title"][language] for course in PROGRAM_COURSES]


@pytest.fixture(scope="module")
def site(tmp_path_factory, book):
    """The server (first with the test key, later with a new one) and what the tests learn on the way."""
    directory = tmp_path_factory.mktemp("interop")
    first_key = directory / "first-key.pem"
    shutil.copyfile(FIXTURES / "test-issuer-key.pem", first_key)
    first_key.chmod(0o600)
    server = ClockedServer(directory)
    # Its own address as the public URL, so that a restart on the same port keeps every URL the same.
    server.extra = ("--issuer-key", str(first_key), "--public-url", f"http://127.0.0.1:{server.port}")
    server.start()
    state = {"server": server, "dir": directory, "first_key": first_key}
    yield state
    if state["server"].process is not None and state["server"].process.returncode is None:
        stop_and_check(state["server"])


@pytest.fixture(scope="module")
def credential(site, book) -> str:
    server = site["server"]
    http = login(server, HOLDER, server.demo_passwords[HOLDER])
    for course in PROGRAM_COURSES:
        for module in book.course(course)["modules"]:
            study_until_complete_http(server, http, course, module)
    for course in PROGRAM_COURSES:
        pass_exam(server, http, book, course)
    (certificate,) = my_certificates(server, api_token(server, HOLDER))
    response = http.get(server.url(f"/certificates/{certificate['id']}/credential.jwt"), timeout=10)
    assert response.status_code == 200
    site["certificate"] = certificate["id"]
    return response.text


def test_the_kid_is_a_url_that_answers_the_public_jwk(site, credential):
    server = site["server"]
    header, payload = jwt_parts(credential)
    kid = header["kid"]
    assert kid.startswith(server.base + "/.well-known/jwks/"), kid
    response = client().get(kid, timeout=10)  # no cookie: anyone may fetch it
    assert response.status_code == 200, f"GET {kid} -> {response.status_code}"
    assert response.headers["Content-Type"].split(";")[0] in {"application/jwk+json", "application/json"}
    published = response.json()
    assert "d" not in published and published["kty"] == "RSA" and published["kid"] == kid

    key = jwk_module.JWK.from_json(response.text)
    assert verify_with_jwcrypto(credential, key)["jti"] == payload["jti"]
    claims = decode_with_pyjwt(credential, jwt.PyJWK(published).key, server)
    assert claims["sub"] == payload["credentialSubject"]["id"]


def test_the_issuer_profile_leads_to_the_key_set(site, credential):
    server = site["server"]
    header, payload = jwt_parts(credential)
    profile = client().get(payload["iss"], timeout=10)
    assert profile.status_code == 200, f"GET {payload['iss']} -> {profile.status_code}"
    document = profile.json()
    assert document["id"] == payload["iss"]
    assert document["jwks_uri"] == server.base + "/.well-known/jwks.json"
    methods = {method["id"]: method for method in document["verificationMethod"]}
    assert header["kid"] in methods and header["kid"] in document["assertionMethod"]
    assert methods[header["kid"]]["publicKeyJwk"]["n"] == header["jwk"]["n"]

    signing_key = jwt.PyJWKClient(document["jwks_uri"], cache_keys=False).get_signing_key_from_jwt(credential)
    assert decode_with_pyjwt(credential, signing_key.key, server)["jti"] == payload["jti"]


def test_after_a_key_rotation_earlier_credentials_still_verify(site, credential):
    old = site["server"]
    old_kid = jwt_parts(credential)[0]["kid"]
    stop_and_check(old)
    second_key = site["dir"] / "second-key.pem"
    server = ClockedServer(site["dir"], port=old.port, demo=False, offset=old.offset)
    server.extra = ("--issuer-key", str(second_key), "--public-url", old.base)
    server.start()
    site["server"] = server
    assert second_key.exists(), "the server created the new key"

    key_set = requests.get(server.url("/.well-known/jwks.json"), timeout=10).json()
    kids = [key["kid"] for key in key_set["keys"]]
    assert old_kid in kids, "the earlier key is still published"
    assert kids[0] != old_kid and kids[0].startswith(server.base + "/.well-known/jwks/"), "the new key comes first"

    response = client().get(old_kid, timeout=10)
    assert response.status_code == 200, f"GET {old_kid} after the rotation -> {response.status_code}"
    verify_with_jwcrypto(credential, jwk_module.JWK.from_json(response.text))
    signing_key = jwt.PyJWKClient(server.url("/.well-known/jwks.json"), cache_keys=False).get_signing_key_from_jwt(credential)
    decode_with_pyjwt(credential, signing_key.key, server)

    # A credential from before credentials named their key by URL (kid: the bare thumbprint), signed with the
    # first key: the key set still finds its key, for PyJWT, jwcrypto and verify-credential alike.
    legacy = LEGACY.read_text(encoding="ascii").strip()
    legacy_header, legacy_payload = jwt_parts(legacy)
    assert not legacy_header["kid"].startswith("http")
    jwks_uri = server.url("/.well-known/jwks.json")
    legacy_key = jwt.PyJWKClient(jwks_uri, cache_keys=False).get_signing_key_from_jwt(legacy)
    jwt.decode(legacy, key=legacy_key.key, algorithms=["RS256"],
               options={"verify_aud": False, "verify_exp": False, "verify_nbf": False})
    key_set = jwk_module.JWKSet.from_json(requests.get(jwks_uri, timeout=10).text)
    assert verify_with_jwcrypto(legacy, key_set.get_key(legacy_header["kid"]))["jti"] == legacy_payload["jti"]
    jwks_file = site["dir"] / "published.jwks.json"
    jwks_file.write_text(requests.get(jwks_uri, timeout=10).text, encoding="utf-8")
    legacy_file = site["dir"] / "legacy.jwt"
    legacy_file.write_text(legacy, encoding="ascii")
    done = verify_cli(legacy_file, "--jwks", jwks_file, "--at", legacy_payload["validFrom"])
    assert done.returncode == 0 and done.stdout.startswith("valid:"), done.stdout + done.stderr

    profile = requests.get(server.url("/issuer"), timeout=10).json()
    assert old_kid in [method["id"] for method in profile["verificationMethod"]]

    token_file = site["dir"] / "before-rotation.jwt"
    token_file.write_text(credential, encoding="ascii")
    at = rfc3339(server.now())
    done = verify_cli(token_file, "--key", second_key, "--db", server.db, "--at", at)
    assert done.returncode == 0 and done.stdout.startswith("valid:"), done.stdout + done.stderr
    alone = verify_cli(token_file, "--key", second_key, "--at", at)
    assert alone.returncode == 1 and "key" in alone.stdout, "without the database only the new key is known"


def test_the_achievement_id_is_a_public_page_in_both_languages(site, credential, book):
    server = site["server"]
    _, payload = jwt_parts(credential)
    achievement = payload["credentialSubject"]["achievement"]
    assert achievement["id"] == server.url(f"/programs/{PROGRAM}")
    for language in ("zh", "en"):
        page = client().get(achievement["id"], headers={"Accept-Language": language}, timeout=10)
        assert page.status_code == 200, f"GET {achievement['id']} ({language}) -> {page.status_code}"
        assert page.headers["Content-Type"].startswith("text/html")
        assert len(page.content) <= PAGE_LIMIT, f"{len(page.content)} bytes"
        assert "<script" not in page.text
        assert f'<html lang="{language}' in page.text
        assert ui_text(language, "program.criteria.title") in page.text
        assert ui_text(language, "program.validity.title") in page.text
        assert ui_text(language, "program.validity.days", days=730) in page.text
        assert ui_text(language, "program.renewal.window", days=90) in page.text
        for title in programme_courses(book, language):
            assert title in page.text, f"{title} missing from the {language} programme page"
        for course in PROGRAM_COURSES:
            assert f">{course}<" not in page.text and f"{course}、" not in page.text

    for title in programme_courses(book, "zh") + programme_courses(book, "en"):
        assert title in achievement["criteria"]["narrative"], f"the narrative does not name {title}"

    index = client().get(server.url("/programs"), timeout=10)
    assert index.status_code == 200 and f'href="/programs/{PROGRAM}"' in index.text

    for accept in ("text/html", "application/json"):
        unknown = client().get(server.url("/programs/no-such-programme"), headers={"Accept": accept}, timeout=10)
        assert unknown.status_code == 404, unknown.status_code
        assert unknown.headers["Content-Type"].startswith("text/html") and "<h1" in unknown.text


def test_machines_get_the_achievement_as_json(site, credential, openapi):
    _, payload = jwt_parts(credential)
    embedded = payload["credentialSubject"]["achievement"]
    response = client().get(embedded["id"], headers={"Accept": "application/json"}, timeout=10)
    assert response.status_code == 200
    openapi.check(response, "/programs/{program}")
    assert response.headers["Content-Type"].startswith("application/json")
    assert "Accept" in response.headers.get("Vary", "")
    document = response.json()
    assert document.pop("@context") == payload["@context"][:2]
    assert document == embedded
    browser_like = client().get(embedded["id"], headers={"Accept": "text/html,*/*;q=0.8"}, timeout=10)
    assert browser_like.headers["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_programme_page_looks_right_and_passes_axe(site, language):
    server = site["server"]
    driver = new_chromium(language, javascript=True)
    try:
        driver.get(server.url(f"/programs/{PROGRAM}"))
        assert driver.find_element("tag name", "h1").text
        save_screenshot(driver, "programme", language)
        violations = axe_violations(driver, axe_source())
        assert not violations, describe(violations)
    finally:
        driver.quit()
