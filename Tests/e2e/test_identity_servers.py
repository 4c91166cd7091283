"""The real identity servers of identity_servers.py work as the sign-in tests rely on: slapd with StartTLS and the
directory's people, LemonLDAP::NG's CAS 3.0 (Chinese attributes, single-use tickets, single logout) and its
OpenID Connect provider (PKCE, RS256 ID tokens verifiable against the JWKS, logout)."""

from __future__ import annotations

import http.server
import secrets
import subprocess
import threading
import time
from dataclasses import replace
from pathlib import Path
from urllib.parse import parse_qs, urlencode

import jwt
import pytest
import requests

from identity_servers import (  # noqa: F401  (identity_ca, slapd: fixtures)
    ALICE, DEPARTMENT_ATTRIBUTE, JOB_CATEGORY_ATTRIBUTE, LISI, LOGIN_PASSWORD_FIELD, LOGIN_USER_FIELD,
    OIDC_DIRECTORY_SCOPE, PEOPLE_DN, SERVICE_DN, SERVICE_PASSWORD, USER_FILTER, ZHANGWEI, LemonLDAP, OIDCClient,
    Person, Slapd, cas_ticket, cas_validate, form_login, identity_ca, location_params, oidc_code, oidc_token,
    pkce_pair, slapd, verify_id_token, wait_until)

CALLBACK = "http://127.0.0.1:9/auth/oidc/callback"
SIGNED_OUT = "http://127.0.0.1:9/signed-out"
FRONT_CHANNEL = "http://127.0.0.1:9/auth/oidc/front-channel-logout"


class Receiver:
    """Records the form POSTs made to it (CAS back-channel logout requests)."""

    def __init__(self) -> None:
        posts = self.posts = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                posts.append((self.path, {k: v[0] for k, v in parse_qs(body).items()}))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory, identity_ca, receiver: Receiver):
    base = tmp_path_factory.mktemp("identity")
    ca = identity_ca
    client = OIDCClient("training", "training-secret", [CALLBACK], post_logout_redirect_uris=[SIGNED_OUT],
                        frontchannel_logout_uri=FRONT_CHANNEL)
    started = time.monotonic()
    with Slapd(base / "slapd", ca) as ldap, LemonLDAP(base / "llng", ldap, ca, clients=[client]) as idp:
        assert time.monotonic() - started < 5, "slapd + LemonLDAP::NG should start in well under 5 s"
        yield ldap, idp


# --- slapd ------------------------------------------------------------------------------------------------------------


def test_people_bind_over_starttls_and_a_plain_bind_is_refused(slapd: Slapd) -> None:
    assert slapd.whoami(ZHANGWEI.dn, ZHANGWEI.password) == f"dn:{ZHANGWEI.dn}"
    assert slapd.whoami(ZHANGWEI.dn, "wrong password") is None
    # Without StartTLS the directory refuses simple binds (confidentiality required).
    plain = subprocess.run(["ldapwhoami", "-x", "-H", slapd.url, "-D", ZHANGWEI.dn, "-w", ZHANGWEI.password],
                           capture_output=True, text=True, timeout=10, env=slapd.client_env())
    assert plain.returncode != 0 and "onfidentiality" in plain.stderr
    # ldaps works as well, with the test CA.
    tls = subprocess.run(["ldapwhoami", "-x", "-H", slapd.ldaps_url, "-D", ALICE.dn, "-w", ALICE.password],
                         capture_output=True, text=True, timeout=10, env=slapd.client_env())
    assert tls.stdout.strip() == f"dn:{ALICE.dn}", tls.stderr


def test_the_service_account_finds_people_with_chinese_names_but_no_passwords(slapd: Slapd) -> None:
    assert slapd.whoami(SERVICE_DN, SERVICE_PASSWORD) == f"dn:{SERVICE_DN}"
    [entry] = slapd.search(USER_FILTER.format(login="zhangwei"), bind_dn=SERVICE_DN, password=SERVICE_PASSWORD)
    assert entry["dn"] == [ZHANGWEI.dn]
    assert entry["cn"] == ["张伟"]
    assert entry[DEPARTMENT_ATTRIBUTE] == ["省人民政府/省数据局/综合处"]
    assert entry[JOB_CATEGORY_ATTRIBUTE] == ["窗口岗位"]
    assert entry["employeeNumber"] == ["100001"] and entry["mail"] == ["zhangwei@example.gov"]
    assert "userPassword" not in entry
    assert slapd.search(USER_FILTER.format(login="lisi")) == []  # disabled in the directory
    assert [e["uid"] for e in slapd.search("(uid=lisi)")] == [["lisi"]]
    # Anonymous clients can bind, not read.
    anonymous = subprocess.run(["ldapsearch", "-x", "-ZZ", "-LLL", "-H", slapd.url, "-b", PEOPLE_DN, "(uid=*)"],
                               capture_output=True, text=True, timeout=10, env=slapd.client_env())
    assert "dn:" not in anonymous.stdout


def test_people_change_while_the_directory_runs(slapd: Slapd) -> None:
    slapd.modify_person("zhangwei", cn="张伟伟", ou="省人民政府/省财政厅/预算处", title=None)
    [entry] = slapd.search("(uid=zhangwei)", ["cn", "ou", "title"])
    assert entry["cn"] == ["张伟伟"] and entry["ou"] == ["省人民政府/省财政厅/预算处"] and "title" not in entry
    slapd.disable_person("zhangwei")
    assert slapd.search(USER_FILTER.format(login="zhangwei")) == []
    slapd.enable_person("zhangwei")
    assert len(slapd.search(USER_FILTER.format(login="zhangwei"))) == 1
    newcomer = replace(ZHANGWEI, uid="wangfang", cn="王芳", sn="王", given_name="芳", mail="wangfang@example.gov",
                       employee_number="100009", password="Wang-Passw0rd!")
    slapd.add_person(newcomer)
    assert slapd.whoami(newcomer.dn, newcomer.password) == f"dn:{newcomer.dn}"
    slapd.delete_person("wangfang")
    assert slapd.search("(uid=wangfang)") == []


# --- CAS --------------------------------------------------------------------------------------------------------------


def test_a_cas_ticket_validates_once_with_the_chinese_name(servers) -> None:
    ldap, idp = servers
    service = "http://127.0.0.1:9/auth/cas/callback?next=%2Fcourses"
    ticket = cas_ticket(idp, service, "zhangwei", ZHANGWEI.password)
    assert ticket.startswith("ST-")
    answer = cas_validate(idp, service, ticket)
    assert answer.user == "zhangwei"
    assert answer.attributes["cn"] == ["张伟"]
    # The bytes are UTF-8 exactly once (LemonLDAP::NG sends no charset: decode the body as UTF-8, as XML says).
    assert "<cas:cn>张伟</cas:cn>" in answer.xml and "å¼" not in answer.xml
    assert answer.attributes["ou"] == ["省人民政府/省数据局/综合处"]
    assert answer.attributes["title"] == ["窗口岗位"]
    assert answer.attributes["employeeNumber"] == ["100001"]
    assert answer.attributes["mail"] == ["zhangwei@example.gov"]
    replay = cas_validate(idp, service, ticket)
    assert replay.user is None and replay.failure_code == "INVALID_TICKET"


def test_cas_refuses_a_wrong_service_a_wrong_password_and_a_disabled_person(servers) -> None:
    ldap, idp = servers
    service = "http://127.0.0.1:9/a"
    ticket = cas_ticket(idp, service, "alice", ALICE.password)
    assert cas_validate(idp, "http://127.0.0.1:9/other", ticket).user is None
    for user, password in (("alice", "wrong"), ("lisi", LISI.password)):
        page = form_login(requests.Session(), f"{idp.cas_url}/login?{urlencode({'service': service})}", user,
                          password)
        assert page.status_code == 200 and "ticket" not in page.headers.get("Location", "")
        assert f'name="{LOGIN_USER_FIELD}"' in page.text and f'name="{LOGIN_PASSWORD_FIELD}"' in page.text


def test_directory_changes_show_at_the_next_sign_in(servers) -> None:
    ldap, idp = servers
    person = Person(uid="zhaoliu", cn="赵六", sn="赵", given_name="六", mail="zhaoliu@example.gov",
                    employee_number="100010", department="省人民政府/省数据局/综合处", department_number="D-42",
                    title="窗口岗位", password="Zhao-Passw0rd!")
    ldap.add_person(person)
    service = "http://127.0.0.1:9/s"
    assert cas_validate(idp, service, cas_ticket(idp, service, "zhaoliu", person.password)).attributes["title"] \
        == ["窗口岗位"]
    ldap.modify_person("zhaoliu", title="执法岗位", ou="省人民政府/省公安厅/办公室")
    answer = cas_validate(idp, service, cas_ticket(idp, service, "zhaoliu", person.password))
    assert answer.attributes["title"] == ["执法岗位"] and answer.attributes["ou"] == ["省人民政府/省公安厅/办公室"]
    ldap.disable_person("zhaoliu")
    page = form_login(requests.Session(), f"{idp.cas_url}/login?{urlencode({'service': service})}", "zhaoliu",
                      person.password)
    assert page.status_code == 200


def test_cas_single_logout_posts_a_logout_request_to_the_service(servers, receiver: Receiver) -> None:
    ldap, idp = servers
    service = f"{receiver.url}/auth/cas/callback"
    browser = requests.Session()
    ticket = cas_ticket(idp, service, "zhangwei", ZHANGWEI.password, session=browser)
    assert cas_validate(idp, service, ticket).user == "zhangwei"
    done = len(receiver.posts)
    signed_out = browser.get(f"{idp.cas_url}/logout", params={"service": SIGNED_OUT}, allow_redirects=False)
    assert signed_out.status_code == 302 and signed_out.headers["Location"] == SIGNED_OUT
    wait_until(lambda: any(p == "/auth/cas/callback" for p, _ in receiver.posts[done:]), "CAS logoutRequest")
    form = next(f for p, f in receiver.posts[done:] if p == "/auth/cas/callback")
    assert f"<samlp:SessionIndex>{ticket}</samlp:SessionIndex>" in form["logoutRequest"]


# --- OpenID Connect ---------------------------------------------------------------------------------------------------


def test_oidc_code_flow_with_pkce_gives_a_verifiable_rs256_id_token(servers) -> None:
    ldap, idp = servers
    client = idp.client("training")
    meta = requests.get(idp.discovery_url, timeout=10).json()
    assert meta["issuer"] == idp.oidc_issuer and "S256" in meta["code_challenge_methods_supported"]
    assert meta["end_session_endpoint"] and meta["jwks_uri"]
    verifier, challenge = pkce_pair()
    state, nonce = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
    code = oidc_code(idp, client, CALLBACK, state, nonce, challenge, "zhangwei", ZHANGWEI.password,
                     scope=f"openid profile email {OIDC_DIRECTORY_SCOPE}")
    tokens = oidc_token(idp, client, code, CALLBACK, verifier)
    assert tokens.status_code == 200, tokens.text
    id_token = tokens.json()["id_token"]
    header = jwt.get_unverified_header(id_token)
    assert header["alg"] == "RS256" and header["kid"] == "test-key-1"
    claims = verify_id_token(idp, client, id_token)
    assert claims["sub"] == "zhangwei" and claims["nonce"] == nonce
    assert claims["name"] == "张伟" and claims["email"] == "zhangwei@example.gov"
    assert claims["department"] == "省人民政府/省数据局/综合处" and claims["job_category"] == "窗口岗位"
    assert claims["employee_number"] == "100001"
    # A code is single-use.
    assert oidc_token(idp, client, code, CALLBACK, verifier).status_code == 400
    # A token signed by another key does not verify.
    forged = jwt.encode(claims, "not-the-key", algorithm="HS256", headers={"kid": "test-key-1"})
    with pytest.raises(jwt.PyJWTError):
        verify_id_token(idp, client, forged)


def test_oidc_refuses_a_wrong_code_verifier_and_a_missing_challenge(servers) -> None:
    ldap, idp = servers
    client = idp.client("training")
    verifier, challenge = pkce_pair()
    code = oidc_code(idp, client, CALLBACK, "s1", "n1", challenge, "alice", ALICE.password)
    wrong = oidc_token(idp, client, code, CALLBACK, pkce_pair()[0])
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
    assert oidc_token(idp, client, code, CALLBACK, verifier).status_code == 400  # the code was spent
    query = urlencode({"response_type": "code", "client_id": "training", "redirect_uri": CALLBACK,
                       "scope": "openid", "state": "s2", "nonce": "n2"})
    refused = form_login(requests.Session(), f"{idp.oidc_issuer}/oauth2/authorize?{query}", "alice", ALICE.password)
    assert refused.status_code == 302 and refused.headers["Location"].startswith(CALLBACK)
    assert location_params(refused)["error"] == "invalid_request" and "code" not in location_params(refused)


def test_oidc_refuses_an_unregistered_redirect_uri_and_es256(servers, tmp_path: Path) -> None:
    ldap, idp = servers
    query = urlencode({"response_type": "code", "client_id": "training", "redirect_uri": "http://127.0.0.1:9/evil",
                       "scope": "openid", "state": "s", "nonce": "n", "code_challenge": pkce_pair()[1],
                       "code_challenge_method": "S256"})
    page = requests.get(f"{idp.oidc_issuer}/oauth2/authorize?{query}", allow_redirects=False, timeout=10)
    assert "evil" not in page.headers.get("Location", "")
    with pytest.raises(ValueError, match="ES256"):
        LemonLDAP(tmp_path, ldap, ldap.ca, clients=[("c", "s", [CALLBACK], "ES256")])


def test_oidc_logout_returns_to_the_client_and_ends_the_portal_session(servers) -> None:
    ldap, idp = servers
    client = idp.client("training")
    browser = requests.Session()
    verifier, challenge = pkce_pair()
    code = oidc_code(idp, client, CALLBACK, "s", "n", challenge, "alice", ALICE.password, session=browser)
    id_token = oidc_token(idp, client, code, CALLBACK, verifier).json()["id_token"]
    meta = requests.get(idp.discovery_url, timeout=10).json()
    out = browser.get(meta["end_session_endpoint"], allow_redirects=False, timeout=10,
                      params={"id_token_hint": id_token, "post_logout_redirect_uri": SIGNED_OUT, "state": "bye"})
    # The client has a front-channel logout URI, so instead of redirecting at once the portal shows a page that
    # loads it in an iframe and continues (a GET form) to the post-logout URI with the state.
    assert out.status_code == 200
    assert f'<form id="form" action="{SIGNED_OUT}?state=bye" method="get"' in out.text
    assert f'<iframe src="{FRONT_CHANNEL}?' in out.text
    # The portal session is gone: the next authorize shows the login form again.
    again = browser.get(f"{idp.oidc_issuer}/oauth2/authorize", timeout=10, params={
        "response_type": "code", "client_id": "training", "redirect_uri": CALLBACK, "scope": "openid",
        "state": "s", "nonce": "n", "code_challenge": pkce_pair()[1], "code_challenge_method": "S256"})
    assert f'name="{LOGIN_PASSWORD_FIELD}"' in again.text
    # An unregistered post-logout URI is not followed.
    browser = requests.Session()
    oidc_code(idp, client, CALLBACK, "s", "n", challenge, "alice", ALICE.password, session=browser)
    elsewhere = browser.get(meta["end_session_endpoint"], allow_redirects=False, timeout=10,
                            params={"id_token_hint": id_token, "post_logout_redirect_uri": "http://127.0.0.1:9/evil"})
    assert "evil" not in elsewhere.headers.get("Location", "")
    assert 'action="http://127.0.0.1:9/evil' not in elsewhere.text
    assert 'src="http://127.0.0.1:9/evil' not in elsewhere.text


def test_signing_out_at_the_portal_calls_the_clients_front_channel_logout(servers) -> None:
    ldap, idp = servers
    client = idp.client("training")
    browser = requests.Session()
    verifier, challenge = pkce_pair()
    code = oidc_code(idp, client, CALLBACK, "s", "n", challenge, "zhangwei", ZHANGWEI.password, session=browser)
    # The portal counts a client as signed in once it has fetched tokens.
    assert oidc_token(idp, client, code, CALLBACK, verifier).status_code == 200
    page = browser.get(idp.url, params={"logout": "1"}, timeout=10)
    iframe = f'<iframe src="{FRONT_CHANNEL}?'
    assert iframe in page.text, page.text[:3000]
    src = page.text.split(iframe, 1)[1].split('"', 1)[0]
    params = parse_qs(src.replace("&amp;", "&"))
    assert params["iss"] == [idp.oidc_issuer] and params["sid"] == ["zhangwei"]


# --- the portal over https -------------------------------------------------------------------------------------------


def test_an_https_portal_sends_chinese_cas_attributes_encoded_once(servers, identity_ca, tmp_path: Path) -> None:
    # Served by plackup over TLS, the portal's CAS answers used to arrive UTF-8-encoded twice and cut short.
    ldap, _ = servers
    client = OIDCClient("secure", "secure-secret", ["https://127.0.0.1:9/callback"])
    with LemonLDAP(tmp_path / "llng", ldap, identity_ca, clients=[client], https=True) as idp:
        assert idp.url.startswith("https://127.0.0.1:")
        with pytest.raises(requests.exceptions.SSLError):  # the test CA is needed
            requests.get(idp.discovery_url, timeout=10, verify=True)
        service = "https://127.0.0.1:9/cas"
        answer = cas_validate(idp, service, cas_ticket(idp, service, "zhangwei", ZHANGWEI.password))
        assert answer.attributes["cn"] == ["张伟"] and answer.attributes["title"] == ["窗口岗位"]
        assert answer.xml.rstrip().endswith("</cas:serviceResponse>")
        verifier, challenge = pkce_pair()
        code = oidc_code(idp, client, "https://127.0.0.1:9/callback", "s", "n", challenge, "alice", ALICE.password)
        tokens = oidc_token(idp, client, code, "https://127.0.0.1:9/callback", verifier)
        claims = verify_id_token(idp, client, tokens.json()["id_token"])
        assert claims["iss"] == idp.oidc_issuer and claims["name"] == "Alice Smith"
