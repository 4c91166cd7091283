"""Single sign-on through OpenID Connect (authorization code flow with PKCE).

Against the real LemonLDAP::NG portal (over https, people from a real slapd): a browser clicks the single sign-on
button, signs in at the portal and comes back signed in as 张伟, whose account is created in the department the
`directory` scope's claims name; the sign-in is recorded as `oidc`; signing out goes through the portal's
end-session endpoint, which ends the portal's session too, and back to the login page. A wrong `state` and a replayed
callback are refused with a clear page.

Against a small test provider built on PyJWT (`oidc_test_provider.py`), for ID tokens the portal cannot make: one
for another audience, an expired one, one with a bad signature are each refused with a clear page; ES256 tokens and
a rotated signing key (an unknown `kid`, so the key set is fetched again) are accepted.
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from conftest import CHROMEDRIVER, CHROMIUM, ClockedServer, Server, browser_path, needs_chromium, stop_and_check, wait_for
from identity_servers import (LOGIN_PASSWORD_SELECTOR, LOGIN_SUBMIT_SELECTOR, LOGIN_USER_SELECTOR, OIDC_DIRECTORY_SCOPE,
                              ZHANGWEI, LemonLDAP, OIDCClient, Slapd, form_login, make_test_ca)
from oidc_test_provider import TestProvider
from test_accessibility import axe_source, axe_violations, describe

CLIENT_ID = "training"
SECRET = "oidc-client-Secret-1"
STATE_REFUSAL = {"zh": "这次登录已失效", "en": "This sign-in is no longer valid"}
TOKEN_REFUSAL = {"zh": "单点登录平台的应答未通过校验", "en": "did not pass the checks"}


def oidc_server(directory: Path, issuer: str, ca_file: Path, *, scope: str = "openid profile email",
                provision: str = "create", extra: tuple[str, ...] = (), kind: type[Server] = Server) -> Server:
    """A server (not started yet: its port is known, so the provider can register its callback) signing in
    through `issuer`."""
    directory.mkdir(parents=True, exist_ok=True)
    secret = directory / "oidc-secret"
    secret.write_text(SECRET + "\n")
    return kind(directory, demo=True, extra=("--oidc-issuer", issuer, "--oidc-client-id", CLIENT_ID,
                                               "--oidc-client-secret-file", str(secret), "--oidc-ca-file", str(ca_file),
                                               "--oidc-scope", scope, "--oidc-provision", provision, *extra))


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def sign_ins(server: Server, login: str) -> list[str]:
    with sqlite3.connect(server.db) as db:
        return [row[0] for row in db.execute(
            "SELECT s.method FROM sign_ins s JOIN users u ON u.id = s.user_id WHERE u.login = ? ORDER BY s.at", (login,))]


def account(server: Server, login: str) -> tuple[str, str] | None:
    """(name, department path) of the account with this login."""
    with sqlite3.connect(server.db) as db:
        row = db.execute("SELECT u.display_name, u.department_id FROM users u WHERE u.login = ?", (login,)).fetchone()
        if row is None:
            return None
        names, department = [], row[1]
        while department is not None:
            name, department = db.execute("SELECT name, parent_id FROM departments WHERE id = ?", (department,)).fetchone()
            names.append(name)
        return row[0], "/".join(reversed(names))


def start_sign_in(server: Server, http: requests.Session, next_path: str = "/") -> str:
    """GET /login/oidc: the URL of the provider's authorization endpoint it redirects to."""
    response = http.get(server.url(f"/login/oidc?next={next_path}"), allow_redirects=False, timeout=10)
    assert response.status_code == 303, response.text[:500]
    return response.headers["Location"]


def assert_refused(response: requests.Response, text: str, status: int = 400) -> None:
    assert response.status_code == status, f"{response.status_code}: {response.text[:800]}"
    assert text in response.text
    assert 'action="/login"' in response.text or "sign-in-methods" in response.text  # the login page, to try again
    assert "callback" not in response.text  # the page's links (language switch) lead to /login, not to the callback


# --- LemonLDAP::NG ----------------------------------------------------------------------------------------------------


class Setup:
    def __init__(self, server: Server, idp: LemonLDAP) -> None:
        self.server = server
        self.idp = idp


@pytest.fixture(scope="module")
def llng(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("oidc-llng")
    ca = make_test_ca(root / "ca")
    server = oidc_server(root / "server", "https://placeholder", ca.ca_crt,
                         scope=f"openid profile email {OIDC_DIRECTORY_SCOPE}")
    client = OIDCClient(CLIENT_ID, SECRET, [server.url("/login/oidc/callback")],
                        post_logout_redirect_uris=[server.url("/login")])
    with Slapd(root / "ldap", ca) as ldap, LemonLDAP(root / "llng", ldap, ca, clients=[client], https=True) as idp:
        server.extra = tuple(idp.oidc_issuer if value == "https://placeholder" else value for value in server.extra)
        server.start()
        try:
            yield Setup(server, idp)
        finally:
            stop_and_check(server)


def trusting_chromium(language: str):
    """Headless Chromium asking for `language`; the portal's certificate comes from the test CA, which the
    browser cannot be told about, so certificate errors are ignored (the server under test checks the CA itself)."""
    os.environ["SE_OFFLINE"] = "true"
    os.environ["SE_AVOID_STATS"] = "true"
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--ignore-certificate-errors", f"--lang={'zh-CN' if language == 'zh' else 'en-GB'}",
                     "--window-size=1280,900"):
        options.add_argument(argument)
    # The portal serves one connection at a time: a connection Chromium opens ahead of need (and leaves idle) would
    # keep the server under test from reaching the token endpoint. Prediction and preconnects are off.
    options.add_argument("--disable-features=NetworkPrediction,Preconnect,PreconnectToSearch")
    options.add_experimental_option("prefs", {"intl.accept_languages": "zh-CN,zh" if language == "zh" else "en-GB,en",
                                              "net.network_prediction_options": 2})
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.set_page_load_timeout(20)
    return driver


@needs_chromium
def test_browser_signs_in_at_lemonldap_and_signs_out_through_its_end_session_endpoint(llng):
    from selenium.webdriver.common.by import By

    server, idp = llng.server, llng.idp
    driver = trusting_chromium("zh")
    try:
        driver.get(server.url("/login?next=/profile"))
        button = driver.find_element(By.CSS_SELECTOR, "a[href^='/login/oidc']")
        assert "单点登录" in button.text
        violations = axe_violations(driver, axe_source())
        assert not violations, describe(violations)
        button.click()
        wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, LOGIN_USER_SELECTOR), message="no portal login form")
        assert driver.current_url.startswith(idp.oidc_issuer)
        driver.find_element(By.CSS_SELECTOR, LOGIN_USER_SELECTOR).send_keys(ZHANGWEI.uid)
        driver.find_element(By.CSS_SELECTOR, LOGIN_PASSWORD_SELECTOR).send_keys(ZHANGWEI.password)
        driver.find_element(By.CSS_SELECTOR, LOGIN_SUBMIT_SELECTOR).click()
        try:
            wait_for(driver, lambda d: d.current_url.startswith(server.base) and browser_path(d) == "/profile")
        except Exception:
            raise AssertionError(f"did not come back to /profile: {driver.current_url}\n"
                                 f"{driver.find_element(By.TAG_NAME, 'body').text[:1500]}\n{server.log[-2000:]}")
        assert "张伟" in driver.find_element(By.TAG_NAME, "body").text
        name, department = account(server, ZHANGWEI.uid)
        assert name == "张伟" and department.endswith(ZHANGWEI.department), department
        assert sign_ins(server, ZHANGWEI.uid) == ["oidc"]
        with sqlite3.connect(server.db) as db:
            subject = db.execute("SELECT subject FROM external_identities WHERE method = 'oidc'").fetchone()[0]
        assert subject == f"{idp.oidc_issuer} {ZHANGWEI.uid}"

        # Signing out goes through the portal's end-session endpoint and back to the login page.
        driver.find_element(By.CSS_SELECTOR, "form.signout button").click()
        try:
            wait_for(driver, lambda d: d.current_url.startswith(server.base) and browser_path(d) == "/login")
        except Exception:
            raise AssertionError(f"sign-out did not come back to /login: {driver.current_url}\n"
                                 f"{idp.log.read_text()[-3000:]}\n{server.log[-1500:]}")
        # The portal's session ended too: single sign-on asks for the password again.
        driver.get(server.url("/login/oidc"))
        wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, LOGIN_USER_SELECTOR),
                 message="the portal still had a session after signing out")
        assert driver.current_url.startswith(idp.oidc_issuer)
    finally:
        driver.quit()


def lemonldap_callback(llng: Setup, http: requests.Session) -> str:
    """Starts a sign-in on `http` and signs in at the portal (scripted); the callback URL the portal redirects to."""
    authorize = start_sign_in(llng.server, http)
    response = form_login(llng.idp.session(), authorize, ZHANGWEI.uid, ZHANGWEI.password)
    location = response.headers.get("Location", "")
    assert response.status_code == 302 and location.startswith(llng.server.url("/login/oidc/callback")), location
    return location


def test_a_replayed_callback_is_refused(llng):
    http = requests.Session()
    callback = lemonldap_callback(llng, http)
    first = http.get(callback, allow_redirects=False, timeout=20)
    assert first.status_code == 303 and first.headers["Location"] == "/"
    replay = requests.Session()
    replay.cookies.update(http.cookies)
    assert_refused(replay.get(callback, headers={"Accept-Language": "en"}, allow_redirects=False, timeout=20),
                   STATE_REFUSAL["en"])
    deadline = time.monotonic() + 5  # the log is read from the server's output by a thread
    while "login refused method=oidc" not in llng.server.log and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "login refused method=oidc" in llng.server.log


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_wrong_state_is_refused_with_a_clear_page(llng, language):
    http = requests.Session()
    http.headers["Accept-Language"] = "zh-CN" if language == "zh" else "en"
    callback = lemonldap_callback(llng, http)
    params = query(callback)
    wrong = llng.server.url(f"/login/oidc/callback?code={params['code']}&state=not-the-state")
    assert_refused(http.get(wrong, allow_redirects=False, timeout=20), STATE_REFUSAL[language])
    # The state of another browser (no binding cookie) is refused as well, and uses the request up.
    assert_refused(requests.get(callback, headers={"Accept-Language": http.headers["Accept-Language"]},
                                allow_redirects=False, timeout=20), STATE_REFUSAL[language])
    assert_refused(http.get(callback, allow_redirects=False, timeout=20), STATE_REFUSAL[language])


@needs_chromium
@pytest.mark.parametrize("language", ["zh", "en"])
def test_refusal_page_is_accessible(llng, chromium, language):
    driver = chromium(language)
    driver.get(llng.server.url("/login/oidc/callback?code=x&state=forged"))
    wait_for(driver, lambda d: d.execute_script("return document.readyState") == "complete")
    assert STATE_REFUSAL[language] in driver.page_source
    violations = axe_violations(driver, axe_source())
    assert not violations, describe(violations)
    assert len(driver.page_source.encode()) <= 50 * 1024


def test_an_error_from_the_provider_is_shown(llng):
    http = requests.Session()
    http.headers["Accept-Language"] = "en"
    state = query(start_sign_in(llng.server, http))["state"]
    answer = http.get(llng.server.url(f"/login/oidc/callback?state={state}&error=access_denied"
                                      "&error_description=The+user+cancelled"), allow_redirects=False, timeout=20)
    assert_refused(answer, "did not sign you in: access_denied: The user cancelled", status=401)


# --- the test provider ------------------------------------------------------------------------------------------------


class ProviderSetup:
    def __init__(self, server: Server, op: TestProvider) -> None:
        self.server = server
        self.op = op

    def sign_in(self, make_token, language: str = "en") -> requests.Response:
        """One whole sign-in whose ID token is `make_token(nonce)`; the callback's answer."""
        self.op.next_token = make_token
        http = requests.Session()
        http.headers["Accept-Language"] = language
        authorize = start_sign_in(self.server, http)
        redirect = requests.get(authorize, allow_redirects=False, timeout=10, verify=str(self.op.ca.ca_crt))
        assert redirect.status_code == 302, redirect.text
        answer = http.get(redirect.headers["Location"], allow_redirects=False, timeout=20)
        answer.http = http  # type: ignore[attr-defined]
        return answer


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("oidc-op")
    ca = make_test_ca(root / "ca")
    server = oidc_server(root / "server", "https://placeholder", ca.ca_crt, kind=ClockedServer)
    with TestProvider(ca, CLIENT_ID, SECRET, server.url("/login/oidc/callback")) as op:
        server.extra = tuple(op.issuer if value == "https://placeholder" else value for value in server.extra)
        server.start()
        try:
            yield ProviderSetup(server, op)
        finally:
            stop_and_check(server)


def test_the_token_request_carries_pkce_and_client_secret_basic(provider):
    answer = provider.sign_in(lambda nonce: provider.op.id_token(nonce))
    assert answer.status_code == 303, answer.text[:800]
    request = provider.op.token_requests[-1]
    assert request["grant_type"] == "authorization_code" and len(request["code_verifier"]) >= 43
    assert "client_secret" not in request
    profile = answer.http.get(provider.server.url("/profile"), timeout=10)
    assert "张伟" in profile.text
    assert account(provider.server, "op.zhangwei")[1].endswith("省人民政府/省数据局/综合处")


def test_an_es256_token_is_accepted(provider):
    answer = provider.sign_in(lambda nonce: provider.op.id_token(nonce, alg="ES256"))
    assert answer.status_code == 303, answer.text[:800]
    assert sign_ins(provider.server, "op.zhangwei")[-1] == "oidc"


def test_the_userinfo_endpoint_fills_in_a_login_the_id_token_lacks(provider):
    op = provider.op
    op.userinfo = {"sub": "op-zhangwei", "preferred_username": "op.zhangwei"}
    answer = provider.sign_in(lambda nonce: op.id_token(nonce, preferred_username=None))
    assert answer.status_code == 303, answer.text[:800]
    assert "op.zhangwei" in answer.http.get(provider.server.url("/profile"), timeout=10).text
    # Userinfo about someone else (another sub) is not used: no login, no sign-in.
    op.userinfo = {"sub": "someone-else", "preferred_username": "op.zhangwei"}
    assert_refused(provider.sign_in(lambda nonce: op.id_token(nonce, preferred_username=None)),
                   "gave no usable login", status=401)


@pytest.mark.parametrize("case", ["another audience", "expired", "bad signature", "another issuer", "wrong nonce",
                                  "HS256 with the public key"])
def test_bad_id_tokens_are_refused_with_a_clear_page(provider, case):
    from cryptography.hazmat.primitives.asymmetric import rsa

    op = provider.op
    now = int(time.time())
    makers = {
        "another audience": lambda nonce: op.id_token(nonce, aud="another-app"),
        "expired": lambda nonce: op.id_token(nonce, iat=now - 600, exp=now - 120),
        "bad signature": lambda nonce: op.id_token(
            nonce, key=rsa.generate_private_key(public_exponent=65537, key_size=2048)),
        "another issuer": lambda nonce: op.id_token(nonce, iss="https://evil.example"),
        "wrong nonce": lambda nonce: op.id_token(nonce + "x"),
        "HS256 with the public key": lambda nonce: _hs256_with_public_key(op, nonce),
    }
    before = sign_ins(provider.server, "op.zhangwei")
    for language in ("en", "zh"):
        assert_refused(provider.sign_in(makers[case], language), TOKEN_REFUSAL[language], status=401)
    assert sign_ins(provider.server, "op.zhangwei") == before
    deadline = time.monotonic() + 5  # the log is read from the server's output by a thread
    while "ID token refused" not in provider.server.log and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "ID token refused" in provider.server.log


def _hs256_with_public_key(op: TestProvider, nonce: str) -> str:
    import base64
    import hashlib
    import hmac
    import json

    from cryptography.hazmat.primitives import serialization

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    pem = op.rsa_key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    claims = json.loads(base64.urlsafe_b64decode(op.id_token(nonce).split(".")[1] + "=="))
    signing_input = b64(json.dumps({"alg": "HS256", "kid": "rsa-1"}).encode()) + "." + b64(json.dumps(claims).encode())
    return signing_input + "." + b64(hmac.new(pem, signing_input.encode(), hashlib.sha256).digest())


def test_a_rotated_key_is_fetched_once_and_unknown_keys_are_not_fetched_again_at_once(provider):
    from cryptography.hazmat.primitives.asymmetric import ec

    op = provider.op
    op.keys["ec-2"] = ec.generate_private_key(ec.SECP256R1())
    fetched = op.jwks_requests
    # The key set was fetched moments ago by the other tests; a minute later an unknown key makes it be fetched again.
    provider.server.advance(61)
    answer = provider.sign_in(lambda nonce: op.id_token(nonce, alg="ES256", kid="ec-2"))
    assert answer.status_code == 303, answer.text[:800]
    assert op.jwks_requests == fetched + 1
    # Another new key within the minute: the set is not asked for again, so the token is refused.
    op.keys["ec-3"] = ec.generate_private_key(ec.SECP256R1())
    assert_refused(provider.sign_in(lambda nonce: op.id_token(nonce, alg="ES256", kid="ec-3")), TOKEN_REFUSAL["en"],
                   status=401)
    assert op.jwks_requests == fetched + 1


@pytest.mark.parametrize("arguments, message", [
    (("--oidc-issuer", "http://sso.example.gov", "--oidc-client-id", "a", "--oidc-client-secret-file", "/dev/null"),
     "--oidc-issuer: http://sso.example.gov is not an https URL"),
    (("--oidc-issuer", "https://sso.example.gov", "--oidc-client-secret-file", "/dev/null"), "needs --oidc-client-id"),
    (("--oidc-issuer", "https://sso.example.gov", "--oidc-client-id", "a"), "needs --oidc-client-secret-file"),
    (("--oidc-client-id", "a",), "--oidc-client-id needs --oidc-issuer"),
    (("--oidc-issuer", "https://sso.example.gov", "--oidc-client-id", "a", "--oidc-client-secret-file", "/dev/null",
      "--oidc-scope", "profile email"), "--oidc-scope must include openid"),
    (("--oidc-issuer", "https://sso.example.gov", "--oidc-client-id", "a", "--oidc-client-secret-file", "/dev/null",
      "--oidc-claim", "login="), "--oidc-claim login=: give FIELD=CLAIM"),
    (("--oidc-issuer", "https://sso.example.gov", "--oidc-client-id", "a", "--oidc-client-secret-file", "/dev/null",
      "--oidc-provision", "maybe"), "--oidc-provision: maybe is neither match nor create"),
    (("--oidc-issuer", "https://sso.example.gov", "--oidc-client-id", "a", "--oidc-client-secret-file", "EMPTY"),
     "--oidc-client-secret-file: EMPTY is empty"),
])
def test_bad_options_are_refused_with_a_clear_message(tmp_path, arguments, message):
    import subprocess

    from conftest import BINARY, COURSES

    empty = tmp_path / "empty-secret"
    empty.write_text("")
    arguments = tuple(str(empty) if value == "EMPTY" else value for value in arguments)
    message = message.replace("EMPTY", str(empty))
    done = subprocess.run([str(BINARY), "serve", "--port", "0", "--db", str(tmp_path / "db.sqlite"), "--courses",
                           str(COURSES), *arguments], capture_output=True, text=True, timeout=30)
    assert done.returncode != 0
    assert message in done.stderr + done.stdout, done.stderr
