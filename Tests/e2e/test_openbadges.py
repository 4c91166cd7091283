"""Open Badges 3.0 credentials checked by independent tools, without a running server.

`fixtures/sample-credential.jwt` is a VC-JWT the Swift code signs with the test key `fixtures/test-issuer-key.pem`
(a key used only by tests). A Swift test (`OpenBadgeCredentialTests`) fails when the code would now produce a
different token, so this file always checks what the code issues. To regenerate it after an intended change, run
the Swift tests with `OB3_SAMPLE_DIR=/some/dir` and copy `sample-credential.jwt` from there; when this test runs
with the same `OB3_SAMPLE_DIR`, it also checks the other variants the Swift tests wrote there.

Checks: the decoded payload against 1EdTech's JSON Schema (`../shared/schemas/openbadges-3.0/`, Draft 2019-09),
the embedded issuer against the Profile schema, the JWT claims against the credential (OB 3.0 §8.2.4.1), the JOSE
header (RS256, the key's URL ending in its RFC 7638 thumbprint as kid, public JWK only), and the RS256 signature with Python's `cryptography`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from datetime import datetime
from pathlib import Path

import pytest

jsonschema = pytest.importorskip("jsonschema", reason="Python's jsonschema is needed for the Open Badges schema check")

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLE = FIXTURES / "sample-credential.jwt"
TEST_KEY = FIXTURES / "test-issuer-key.pem"
REPO = Path(__file__).resolve().parents[2]
SCHEMAS = Path(os.environ.get("OB3_SCHEMA_DIR", REPO.parent / "shared" / "schemas" / "openbadges-3.0"))

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


def b64url_decode(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def decode(token: str) -> tuple[dict, dict, bytes, bytes]:
    """Returns header, payload, signature and the signed bytes of a compact JWS."""
    header, payload, signature = token.strip().split(".")
    return (json.loads(b64url_decode(header)), json.loads(b64url_decode(payload)), b64url_decode(signature),
            f"{header}.{payload}".encode("ascii"))


def schema(name: str) -> dict:
    path = SCHEMAS / name
    if not path.is_file():
        pytest.skip(f"the 1EdTech Open Badges 3.0 schema {path} is not present (expected in ../shared/schemas)")
    document = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.Draft201909Validator.check_schema(document)
    return document


def schema_errors(document: dict, name: str) -> list[str]:
    validator = jsonschema.Draft201909Validator(schema(name),
                                                format_checker=jsonschema.Draft201909Validator.FORMAT_CHECKER)
    return [f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}"
            for error in validator.iter_errors(document)]


def epoch(text: str) -> int:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    assert moment.tzinfo is not None, f"{text} has no time zone"
    return int(moment.timestamp())


def thumbprint(jwk: dict) -> str:
    canonical = json.dumps({"e": jwk["e"], "kty": jwk["kty"], "n": jwk["n"]}, separators=(",", ":"), sort_keys=True)
    return b64url_encode(hashlib.sha256(canonical.encode("utf-8")).digest())


def exported_samples() -> list:
    directory = os.environ.get("OB3_SAMPLE_DIR")
    paths = sorted(Path(directory).glob("*.jwt")) if directory else []
    if not paths:
        return [pytest.param(None, marks=pytest.mark.skip(
            reason="OB3_SAMPLE_DIR is not set or holds no .jwt files written by the Swift tests"))]
    return [pytest.param(path, id=path.name) for path in paths]


def check_credential(token: str) -> None:
    header, payload, _, _ = decode(token)
    errors = schema_errors(payload, "achievementcredential.schema.json")
    assert not errors, "the credential does not match the AchievementCredential schema:\n" + "\n".join(errors)
    errors = schema_errors(payload["issuer"], "profile.schema.json")
    assert not errors, "the issuer does not match the Profile schema:\n" + "\n".join(errors)

    assert payload["@context"][:2] == [VC_CONTEXT, OB_CONTEXT]
    assert {"VerifiableCredential", "OpenBadgeCredential"} <= set(payload["type"])
    assert payload["iss"] == payload["issuer"]["id"]
    assert payload["sub"] == payload["credentialSubject"]["id"]
    assert payload["jti"] == payload["id"]
    assert payload["nbf"] == epoch(payload["validFrom"])
    if "validUntil" in payload:
        assert payload["exp"] == epoch(payload["validUntil"])
        assert payload["exp"] > payload["nbf"]
    else:
        assert "exp" not in payload
    assert payload["credentialStatus"]["type"] == "1EdTechRevocationList"
    assert payload["credentialStatus"]["id"].startswith(payload["issuer"]["id"].removesuffix("/issuer"))

    assert set(header) <= {"alg", "kid", "jwk", "typ"}, "OB 3.0 allows no other JOSE headers"
    assert header["alg"] == "RS256"
    assert header["typ"] == "JWT"
    assert set(header["jwk"]) == {"kty", "n", "e"}, "the header must carry only the public key"
    base = payload["issuer"]["id"].removesuffix("/issuer")
    assert header["kid"] == f"{base}/.well-known/jwks/{thumbprint(header['jwk'])}", "kid must be the key's URL"


def check_signature(token: str) -> None:
    serialization = pytest.importorskip("cryptography.hazmat.primitives.serialization",
                                        reason="Python's cryptography is needed to check RS256 signatures")
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    header, _, signature, signed = decode(token)
    public = serialization.load_pem_private_key(TEST_KEY.read_bytes(), password=None).public_key()
    numbers = public.public_numbers()
    assert public.key_size >= 3072
    assert b64url_decode(header["jwk"]["n"]) == numbers.n.to_bytes((numbers.n.bit_length() + 7) // 8, "big")
    assert b64url_decode(header["jwk"]["e"]) == numbers.e.to_bytes((numbers.e.bit_length() + 7) // 8, "big")
    public.verify(signature, signed, padding.PKCS1v15(), hashes.SHA256())
    with pytest.raises(InvalidSignature):
        public.verify(signature, signed.replace(b".", b".e30", 1), padding.PKCS1v15(), hashes.SHA256())


def test_sample_credential_matches_the_open_badges_schemas_and_jwt_rules() -> None:
    check_credential(SAMPLE.read_text(encoding="ascii"))


def test_sample_credential_signature_verifies_with_the_issuer_key() -> None:
    check_signature(SAMPLE.read_text(encoding="ascii"))


def test_sample_credential_names_holder_and_programme() -> None:
    _, payload, _, _ = decode(SAMPLE.read_text(encoding="ascii"))
    subject = payload["credentialSubject"]
    assert subject["id"].startswith("urn:uuid:")
    names = [entry for entry in subject["identifier"] if entry["identityType"] == "name"]
    assert names and names[0]["hashed"] is False
    emails = [entry for entry in subject["identifier"] if entry["identityType"] == "emailAddress"]
    assert all(entry["hashed"] and entry["identityHash"].startswith("sha256$") and entry["salt"] for entry in emails)
    assert subject["achievement"]["id"].startswith(payload["issuer"]["id"].removesuffix("/issuer") + "/programs/")
    assert payload["id"].startswith(payload["issuer"]["id"].removesuffix("/issuer") + "/verify/")


def test_a_verifier_who_knows_the_email_can_recompute_its_hash() -> None:
    # OB 3.0 §9.3: sha256 over the known value followed by the salt. The sample was issued to
    # Zhang.San@example.gov.cn, which the issuer lower-cases before hashing.
    _, payload, _, _ = decode(SAMPLE.read_text(encoding="ascii"))
    (entry,) = [item for item in payload["credentialSubject"]["identifier"] if item["identityType"] == "emailAddress"]
    known = "zhang.san@example.gov.cn"
    assert entry["identityHash"] == "sha256$" + hashlib.sha256((known + entry["salt"]).encode("utf-8")).hexdigest()
    assert known not in json.dumps(payload)


def test_the_schema_check_rejects_broken_credentials() -> None:
    _, payload, _, _ = decode(SAMPLE.read_text(encoding="ascii"))
    broken = json.loads(json.dumps(payload))
    del broken["credentialSubject"]["achievement"]["criteria"]
    broken["type"] = ["VerifiableCredential"]
    broken["validFrom"] = "1 March 2025"
    errors = schema_errors(broken, "achievementcredential.schema.json")
    assert any("criteria" in error for error in errors)
    assert any(error.startswith("type") for error in errors)
    if "date-time" in jsonschema.Draft201909Validator.FORMAT_CHECKER.checkers:
        assert any(error.startswith("validFrom") for error in errors)


@pytest.mark.parametrize("path", exported_samples())
def test_exported_samples_match_the_schemas_and_verify(path: Path) -> None:
    token = path.read_text(encoding="ascii")
    check_credential(token)
    check_signature(token)
