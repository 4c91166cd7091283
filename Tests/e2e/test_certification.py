"""Certification end to end, over plain HTTP with a clock that travels.

The demo learner earns the E-Government Service Competence certificate (every module of the three courses, each
final exam passed), sees it on the dashboard, in the API and on its printable page with a QR code; anyone can
verify it without signing in; the signed credential matches the Open Badges 3.0 schema and verifies offline with
`training-server verify-credential`. Then the clock moves: into the renewal window (due for renewal), through a
renewal (a second certificate running from the old expiry), past the new expiry, and HR revokes a certificate.
Random identifiers find nothing, and neither another learner nor HR outside the holder's department sees it.

The tests in this file share one server and run in order: each continues where the previous one left the clock.
"""

from __future__ import annotations

import base64
import json
import os
import random
import re
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import pytest

from conftest import (BINARY, OTHER_DEPARTMENT, REPO, answer_attempt_http, bearer, client, hidden_csrf,
                      login, start_attempt_http, study_until_complete_http, submit_attempt_http, ui_text)

PROGRAM = "egov-competence"
PROGRAM_COURSES = ["service-ethics", "info-literacy", "info-security"]
REFRESHER = "info-security-refresher"
EXAM = "final-exam"
DAY = 86400.0
VALIDITY_DAYS = 730
WINDOW_DAYS = 90
HOLDER = "demo-learner"
HOLDER_NAME = "李明"
CROCKFORD = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")
CROCKFORD_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
SCHEMAS = Path(os.environ.get("OB3_SCHEMA_DIR", REPO.parent / "shared" / "schemas" / "openbadges-3.0"))
VERIFY_KEYS = {"id", "holder", "program", "programTitle", "issuedAt", "expiresAt", "status"}


# --- helpers ----------------------------------------------------------------------------------------


def b64url_decode(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def jwt_parts(token: str) -> tuple[dict, dict]:
    header, payload, _ = token.strip().split(".")
    return json.loads(b64url_decode(header)), json.loads(b64url_decode(payload))


def epoch(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def rfc3339(seconds: float) -> str:
    return datetime.fromtimestamp(int(seconds), tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def either_language(page: str, key: str) -> bool:
    return ui_text("zh", key) in page or ui_text("en", key) in page


def verify_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BINARY), "verify-credential", *map(str, args)], capture_output=True, text=True,
                          timeout=60)


def pass_exam(server, http, book, course: str) -> None:
    attempt = start_attempt_http(server, http, course, EXAM)
    answer_attempt_http(server, http, attempt, book.quiz(course, EXAM), "zh", right=True)
    result = submit_attempt_http(server, http, attempt)
    assert either_language(result.text, "result.passed"), f"{course} final exam not passed:\n{result.text[:800]}"


def my_certificates(server, token: str) -> list[dict]:
    response = bearer(token).get(server.url("/api/v1/certificates"), timeout=10)
    assert response.status_code == 200, f"GET /api/v1/certificates -> {response.status_code}: {response.text[:300]}"
    return response.json()


def public_verification(server, certificate_id: str) -> tuple[str, dict]:
    """The public page and JSON for a certificate, fetched without any cookie."""
    anonymous = client()
    page = anonymous.get(server.url(f"/verify/{certificate_id}"), allow_redirects=False, timeout=10)
    assert page.status_code == 200, f"GET /verify/{certificate_id} -> {page.status_code}"
    api = anonymous.get(server.url(f"/api/v1/verify/{certificate_id}"), allow_redirects=False, timeout=10)
    assert api.status_code == 200, f"GET /api/v1/verify/{certificate_id} -> {api.status_code}"
    assert not anonymous.cookies.get("csa_session"), "the verification pages signed nobody in"
    return page.text, api.json()


def download_credential(server, http, certificate_id: str) -> str:
    response = http.get(server.url(f"/certificates/{certificate_id}/credential.jwt"), timeout=10)
    assert response.status_code == 200, f"credential download -> {response.status_code}"
    assert response.headers["Content-Type"].startswith("application/vc+jwt"), response.headers["Content-Type"]
    return response.text


def dashboard(server, http) -> str:
    page = http.get(server.url("/"), timeout=10)
    assert page.status_code == 200
    return page.text


def hr_state(server, token: str, login_name: str) -> str | None:
    """The holder's stored certification state as the HR people API reports it (None when the API is not there)."""
    response = bearer(token).get(server.url("/api/v1/hr/people"), params={"program": PROGRAM, "q": login_name},
                                 timeout=10)
    if response.status_code == 404:
        return None
    assert response.status_code == 200, f"GET /api/v1/hr/people -> {response.status_code}: {response.text[:300]}"
    rows = [row for row in response.json()["items"] if row["login"] == login_name]
    assert len(rows) == 1, rows
    return rows[0]["state"]


# --- the shared story -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def story(clocked_server, book, tmp_path_factory):
    """The holder's session and token, and what the tests learn on the way."""
    server = clocked_server
    http = login(server, HOLDER, server.demo_passwords[HOLDER])
    # The story moves the clock past two expiries; the token must outlive it (tokens expire after 90 days).
    token = server.cli("tokens", "create", "--login", HOLDER, "--expires-days", "3650").stdout.strip().splitlines()[-1].strip()
    return {"http": http, "token": token, "dir": tmp_path_factory.mktemp("credentials")}


def test_the_demo_learner_earns_the_certificate_and_anyone_can_verify_it(clocked_server, book, story):
    server, http = clocked_server, story["http"]
    assert my_certificates(server, story["token"]) == []
    for course in PROGRAM_COURSES:
        for module in book.course(course)["modules"]:
            study_until_complete_http(server, http, course, module)
    for course in PROGRAM_COURSES[:-1]:
        pass_exam(server, http, book, course)
        assert my_certificates(server, story["token"]) == [], f"certified before the last exam (after {course})"
    pass_exam(server, http, book, PROGRAM_COURSES[-1])
    certified_at = server.now()

    page = dashboard(server, http)
    assert ui_text("zh", "dashboard.certifications.title") in page or ui_text("en", "dashboard.certifications.title") in page
    assert either_language(page, "cert.state.certified"), "the dashboard does not say certified"

    certificates = my_certificates(server, story["token"])
    assert len(certificates) == 1, certificates
    certificate = certificates[0]
    assert certificate["program"] == PROGRAM and certificate["status"] == "valid", certificate
    assert CROCKFORD.match(certificate["id"]), f"certificate id {certificate['id']} is not 26 Crockford base32 characters"
    assert abs(epoch(certificate["expiresAt"]) - epoch(certificate["issuedAt"]) - VALIDITY_DAYS * DAY) < 2, certificate
    assert abs(epoch(certificate["issuedAt"]) - certified_at) < 120, certificate
    identifier = certificate["id"]
    assert certificate["verificationURL"].endswith(f"/verify/{identifier}")
    assert f'href="/certificates/{identifier}"' in page, "the dashboard does not link to the certificate"

    printable = http.get(server.url(f"/certificates/{identifier}"), timeout=10)
    assert printable.status_code == 200
    assert "<svg" in printable.text, "the certificate page has no QR code"
    assert certificate["verificationURL"] in printable.text, "the certificate page does not write out its verification URL"
    assert HOLDER_NAME in printable.text
    assert f'/certificates/{identifier}/credential.jwt' in printable.text
    assert f'action="/certificates/{identifier}/revoke"' not in printable.text, "the holder is offered revocation"

    verify_page, verified = public_verification(server, identifier)
    assert set(verified) == VERIFY_KEYS, f"the public API shows more or less than it should: {sorted(verified)}"
    assert verified["id"] == identifier and verified["holder"] == HOLDER_NAME and verified["program"] == PROGRAM
    assert verified["status"] == "valid"
    assert verified["issuedAt"] == certificate["issuedAt"] and verified["expiresAt"] == certificate["expiresAt"]
    assert HOLDER_NAME in verify_page and either_language(verify_page, "cert.status.valid")
    assert HOLDER not in verify_page and HOLDER not in json.dumps(verified), "the public verification shows the login"
    for other in ("cert.status.revoked", "cert.status.expired"):
        assert not either_language(verify_page, other), f"a valid certificate's page says {other}"
    assert "/certificates/" + identifier + "/credential.jwt" not in verify_page
    # Typed ids are read leniently: lower case with hyphens leads to the same page.
    typed = client().get(server.url("/verify"), params={"id": "-".join(re.findall(".{1,4}", identifier.lower()))},
                         allow_redirects=False, timeout=10)
    assert typed.status_code in (302, 303) and typed.headers["Location"] == f"/verify/{identifier}", typed.headers

    story.update(first=certificate, certified_at=certified_at)


def test_the_credential_is_an_open_badge_and_verifies_offline(clocked_server, story):
    server, http = clocked_server, story["http"]
    certificate = story["first"]
    token = download_credential(server, http, certificate["id"])
    header, payload = jwt_parts(token)
    assert header["alg"] == "RS256"
    jwks = client().get(server.url("/.well-known/jwks.json"), timeout=10)
    assert jwks.status_code == 200
    assert header["kid"] in [key["kid"] for key in jwks.json()["keys"]], "the JWT's kid is not in the published JWKS"
    assert payload["id"] == certificate["verificationURL"]
    assert abs(payload["exp"] - epoch(certificate["expiresAt"])) < 2

    directory: Path = story["dir"]
    credential = directory / "first.jwt"
    credential.write_text(token, encoding="utf-8")
    keys = directory / "jwks.json"
    keys.write_text(jwks.text, encoding="utf-8")
    key = server.directory / "issuer-key.pem"
    story.update(first_jwt=credential, jwks=keys, payload=payload)

    # The server's clock runs ahead of the wall clock (study time): verify as of the server's now.
    now = rfc3339(server.now())
    for args in (("--key", key), ("--jwks", keys), ("--db", server.db)):
        done = verify_cli(credential, *args, "--at", now)
        assert done.returncode == 0, f"verify-credential {args[0]} -> {done.returncode}\n{done.stdout}{done.stderr}"
        first_line = done.stdout.splitlines()[0]
        assert first_line.startswith(f"valid: {HOLDER_NAME}, "), first_line
        assert "E-Government Service Competence" in first_line or "电子政务服务能力认证" in first_line, first_line
        assert f"valid until {rfc3339(epoch(certificate['expiresAt']))}" in first_line, first_line

    # One byte of the payload changed: the signature no longer matches.
    head, body, signature = token.strip().split(".")
    raw = bytearray(b64url_decode(body))
    position = bytes(raw).index(HOLDER_NAME.encode("utf-8"))
    raw[position + 2] ^= 0x01
    tampered = directory / "tampered.jwt"
    tampered.write_text(f"{head}.{b64url_encode(bytes(raw))}.{signature}", encoding="utf-8")
    done = verify_cli(tampered, "--jwks", keys)
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.startswith("invalid: ") and "signature does not match" in done.stdout, done.stdout

    # A key set without the signing key's id; text that is no JWT at all.
    renamed = json.loads(jwks.text)
    for entry in renamed["keys"]:
        entry["kid"] = "not-" + entry["kid"]
    other_keys = directory / "other-jwks.json"
    other_keys.write_text(json.dumps(renamed), encoding="utf-8")
    done = verify_cli(credential, "--jwks", other_keys)
    assert done.returncode == 1 and "does not publish" in done.stdout, done.stdout + done.stderr
    garbage = directory / "garbage.jwt"
    garbage.write_text("this is not a credential", encoding="utf-8")
    done = verify_cli(garbage, "--jwks", keys)
    assert done.returncode == 1 and done.stdout.startswith("invalid: ") and "not a readable" in done.stdout, done.stdout

    # Past its expiry (as of a later date) the same credential is expired.
    later = rfc3339(epoch(certificate["expiresAt"]) + DAY)
    done = verify_cli(credential, "--jwks", keys, "--at", later)
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.startswith("invalid: ") and "expired on " + rfc3339(epoch(certificate["expiresAt"])) in done.stdout, \
        done.stdout

    # verify-credential never creates a key.
    missing = directory / "no-such-key.pem"
    done = verify_cli(credential, "--key", missing)
    assert done.returncode != 0 and not missing.exists(), done.stdout + done.stderr


def test_the_credential_matches_the_open_badges_schema(story):
    jsonschema = pytest.importorskip("jsonschema", reason="Python's jsonschema is needed for the Open Badges schema check")
    if "payload" not in story:
        pytest.skip("no credential was downloaded")
    path = SCHEMAS / "achievementcredential.schema.json"
    if not path.is_file():
        pytest.skip(f"the 1EdTech Open Badges 3.0 schema {path} is not present (expected in ../shared/schemas)")
    schema = json.loads(path.read_text(encoding="utf-8"))
    validator = jsonschema.Draft201909Validator(schema, format_checker=jsonschema.Draft201909Validator.FORMAT_CHECKER)
    errors = [f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}"
              for error in validator.iter_errors(story["payload"])]
    assert not errors, "the credential does not match the AchievementCredential schema:\n" + "\n".join(errors)


def test_unknown_and_random_ids_find_nothing(clocked_server, story):
    server = clocked_server
    anonymous = client()
    generator = random.Random(20240601)
    ids = ["".join(generator.choice(CROCKFORD_ALPHABET) for _ in range(26)) for _ in range(200)]
    page = anonymous.get(server.url(f"/verify/{ids[0]}"), timeout=10)
    assert page.status_code == 404 and either_language(page.text, "verify.not_found"), page.status_code
    hits = [identifier for identifier in ids
            if anonymous.get(server.url(f"/api/v1/verify/{identifier}"), timeout=10).status_code != 404]
    assert hits == [], f"random ids found certificates: {hits}"
    for malformed in ("1", "00000000000000000000000001", "../../etc/passwd", "X" * 200):
        status = anonymous.get(server.url(f"/api/v1/verify/{malformed}"), timeout=10).status_code
        assert status in (400, 404), f"/api/v1/verify/{malformed} -> {status}"
    bad = anonymous.get(server.url("/verify"), params={"id": "not-an-id"}, allow_redirects=False, timeout=10)
    assert bad.status_code == 400
    # The status document of an unknown id is not there either.
    assert anonymous.get(server.url(f"/api/v1/credentials/status/{ids[1]}"), timeout=10).status_code == 404


def test_other_learners_and_hr_outside_the_scope_see_nothing(clocked_server, story, unique):
    server = clocked_server
    identifier = story["first"]["id"]
    learner = unique("cert-other")
    other = login(server, learner, server.add_user(learner, "王芳"))
    outsider_login = unique("cert-hr-out")
    outsider = login(server, outsider_login,
                     server.add_user(outsider_login, "刘洋", roles=("hr",), department=OTHER_DEPARTMENT))
    for http, who in ((other, "another learner"), (outsider, "HR outside the scope")):
        for path in (f"/certificates/{identifier}", f"/certificates/{identifier}/credential.jwt"):
            status = http.get(server.url(path), allow_redirects=False, timeout=10).status_code
            assert status == 404, f"{who}: GET {path} -> {status}"
        token = hidden_csrf(dashboard(server, http), "/logout")
        revoke = http.post(server.url(f"/certificates/{identifier}/revoke"),
                           data={"csrf_token": token, "reason": "should not work"}, allow_redirects=False, timeout=10)
        assert revoke.status_code == 404, f"{who}: POST revoke -> {revoke.status_code}"
    _, verified = public_verification(server, identifier)
    assert verified["status"] == "valid"
    # HR in scope sees the page but may not download the holder's credential.
    hr = login(server, "demo-hr", server.demo_passwords["demo-hr"])
    assert hr.get(server.url(f"/certificates/{identifier}"), timeout=10).status_code == 200
    assert hr.get(server.url(f"/certificates/{identifier}/credential.jwt"), timeout=10).status_code == 404


def test_due_for_renewal_renewed_expired_and_revoked(clocked_server, book, story):
    server, http = clocked_server, story["http"]
    first = story["first"]
    old_expiry = epoch(first["expiresAt"])
    hr_token = server.cli("tokens", "create", "--login", "demo-hr", "--expires-days", "3650").stdout.strip().splitlines()[-1].strip()

    # Ten days into the 90-day window before expiry.
    server.advance(old_expiry - (WINDOW_DAYS - 10) * DAY - server.now())
    http = login(server, HOLDER, server.demo_passwords[HOLDER])  # sessions last hours, not years
    page = dashboard(server, http)
    assert either_language(page, "cert.state.due_for_renewal"), "the dashboard does not say due for renewal"
    assert my_certificates(server, story["token"])[0]["status"] == "valid"

    # The refresher and the service ethics final exam again, inside the window.
    for module in book.course(REFRESHER)["modules"]:
        study_until_complete_http(server, http, REFRESHER, module)
    pass_exam(server, http, book, REFRESHER)
    assert len(my_certificates(server, story["token"])) == 1, "renewed with the refresher alone"
    pass_exam(server, http, book, "service-ethics")

    certificates = my_certificates(server, story["token"])
    assert len(certificates) == 2, certificates
    renewed = next(c for c in certificates if c["id"] != first["id"])
    assert CROCKFORD.match(renewed["id"])
    assert abs(epoch(renewed["expiresAt"]) - (old_expiry + VALIDITY_DAYS * DAY)) < 2, \
        f"renewed expiry {renewed['expiresAt']} is not the old expiry {first['expiresAt']} + {VALIDITY_DAYS} days"
    assert renewed["status"] == "valid"
    common = len(os.path.commonprefix([first["id"], renewed["id"]]))
    assert common < 8, f"certificate ids look sequential: {first['id']} {renewed['id']}"
    page = dashboard(server, http)
    assert either_language(page, "cert.state.certified") and not either_language(page, "cert.state.due_for_renewal")
    # Stored state follows events at once (the hourly sweep follows the clock): the renewal is stored as certified.
    assert hr_state(server, hr_token, HOLDER) in (None, "certified")
    renewed_jwt = story["dir"] / "renewed.jwt"
    renewed_jwt.write_text(download_credential(server, http, renewed["id"]), encoding="utf-8")

    # Past the new expiry: expired everywhere.
    server.advance(epoch(renewed["expiresAt"]) + DAY - server.now())
    http = login(server, HOLDER, server.demo_passwords[HOLDER])
    assert either_language(dashboard(server, http), "cert.state.expired")
    for certificate in (first, renewed):
        verify_page, verified = public_verification(server, certificate["id"])
        assert verified["status"] == "expired", verified
        assert either_language(verify_page, "cert.status.expired")

    # HR revokes the renewed certificate with a reason.
    hr = login(server, "demo-hr", server.demo_passwords["demo-hr"])
    path = f"/certificates/{renewed['id']}"
    page = hr.get(server.url(path), timeout=10)
    assert page.status_code == 200
    token = hidden_csrf(page.text, f"{path}/revoke")
    empty = hr.post(server.url(f"{path}/revoke"), data={"csrf_token": token, "reason": "  "}, allow_redirects=False,
                    timeout=10)
    assert empty.status_code == 400 and either_language(empty.text, "cert.revoke.missing")
    reason = "Exam taken by someone else (case 2031-17)"
    revoked = hr.post(server.url(f"{path}/revoke"), data={"csrf_token": token, "reason": reason, "confirm": "yes"},
                      allow_redirects=False, timeout=10)
    assert revoked.status_code == 303 and revoked.headers["Location"] == path, revoked.status_code

    verify_page, verified = public_verification(server, renewed["id"])
    assert verified["status"] == "revoked", verified
    assert either_language(verify_page, "cert.status.revoked")
    _, first_now = public_verification(server, first["id"])
    assert first_now["status"] == "expired", "revoking one certificate changed another"
    status = client().get(server.url(f"/api/v1/credentials/status/{renewed['id']}"), timeout=10)
    assert status.status_code == 200
    entries = status.json()["revokedCredentials"]
    assert [entry["id"] for entry in entries] == [renewed["verificationURL"]], entries
    assert "revocationReason" not in entries[0] and reason not in status.text, "the public status gives the reason"
    untouched = client().get(server.url(f"/api/v1/credentials/status/{first['id']}"), timeout=10).json()
    assert untouched["revokedCredentials"] == []
    mine = {c["id"]: c["status"] for c in my_certificates(server, story["token"])}
    assert mine == {first["id"]: "expired", renewed["id"]: "revoked"}, mine
    assert either_language(dashboard(server, http), "cert.state.revoked")
    assert hr_state(server, hr_token, HOLDER) in (None, "revoked")

    keys = story["dir"] / "renewal-jwks.json"
    keys.write_text(client().get(server.url("/.well-known/jwks.json"), timeout=10).text, encoding="utf-8")
    done = verify_cli(renewed_jwt, "--jwks", keys, "--at", rfc3339(server.now()))
    assert done.returncode == 1 and "expired on " + rfc3339(epoch(renewed["expiresAt"])) in done.stdout, done.stdout
    done = verify_cli(renewed_jwt, "--db", server.db)
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout.startswith("invalid: ") and "revoked" in done.stdout and reason in done.stdout, done.stdout
    # Without the database the signature alone still checks out (as of a date inside its validity).
    inside = rfc3339(epoch(renewed["issuedAt"]) + DAY)
    done = verify_cli(renewed_jwt, "--jwks", keys, "--at", inside)
    assert done.returncode == 0 and "revocation not checked" in done.stdout, done.stdout + done.stderr
