"""A small OpenID provider for the tests of ID tokens LemonLDAP::NG cannot make (another audience, expired, a bad
signature, ES256, a rotated key).

It speaks the real protocol with real libraries: discovery, a JWKS, userinfo, an authorization endpoint that redirects
straight back with a code (nobody logs in), and a token endpoint that checks the client's HTTP Basic credentials,
the redirect URI and the PKCE verifier (S256) before answering with an ID token signed by PyJWT (`cryptography`
keys). The test chooses what that token looks like with `provider.next_token`, a function of the sign-in's nonce.
It serves https with the test CA's server certificate, on 127.0.0.1 and a free port, in a thread.

    with TestProvider(ca, "training", "s3cret", callback) as op:
        op.next_token = lambda nonce: op.id_token(nonce, aud="someone-else")
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from identity_servers import CA, free_port


class TestProvider:
    """An OpenID provider for one confidential client; see the module's docstring."""

    __test__ = False  # not a pytest test class

    def __init__(self, ca: CA, client_id: str, secret: str, redirect_uri: str) -> None:
        self.ca = ca
        self.client_id = client_id
        self.secret = secret
        self.redirect_uri = redirect_uri
        self.port = free_port()
        self.rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.ec_key = ec.generate_private_key(ec.SECP256R1())
        # kid -> private key; what /jwks publishes
        self.keys: dict[str, Any] = {"rsa-1": self.rsa_key, "ec-1": self.ec_key}
        self.codes: dict[str, dict[str, str]] = {}
        self.jwks_requests = 0
        self.token_requests: list[dict[str, str]] = []
        # access token -> the userinfo claims it reads (set when the token is issued, from `userinfo`)
        self.access_tokens: dict[str, dict[str, Any]] = {}
        self.userinfo: dict[str, Any] = {"sub": "op-zhangwei", "preferred_username": "op.zhangwei"}
        self.next_token: Callable[[str], str] = lambda nonce: self.id_token(nonce)
        self.server: ThreadingHTTPServer | None = None

    @property
    def issuer(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def id_token(self, nonce: str, *, alg: str = "RS256", kid: str | None = None, key: Any = None,
                 **claims: Any) -> str:
        """An ID token for zhangwei signed with `alg` by the provider's key (or `key`); `claims` replace or (with
        None) remove the defaults."""
        now = int(time.time())
        body: dict[str, Any] = {"iss": self.issuer, "sub": "op-zhangwei", "aud": self.client_id, "iat": now,
                                "exp": now + 300, "nonce": nonce, "preferred_username": "op.zhangwei",
                                "name": "张伟", "email": "zhangwei@example.gov",
                                "department": "省人民政府/省数据局/综合处", "employee_number": "200001"}
        for name, value in claims.items():
            if value is None:
                body.pop(name, None)
            else:
                body[name] = value
        if kid is None:
            kid = "ec-1" if alg.startswith("ES") else "rsa-1"
        if key is None:
            key = self.keys[kid]
        return jwt.encode(body, key, algorithm=alg, headers={"kid": kid})

    def jwks(self) -> dict:
        keys = []
        for kid, key in self.keys.items():
            if isinstance(key, rsa.RSAPrivateKey):
                jwk = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
                jwk["alg"] = "RS256"
            else:
                jwk = json.loads(ECAlgorithm.to_jwk(key.public_key()))
                jwk["alg"] = "ES256"
            jwk.update({"kid": kid, "use": "sig"})
            keys.append(jwk)
        return {"keys": keys}

    def discovery(self) -> dict:
        return {"issuer": self.issuer, "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token", "jwks_uri": f"{self.issuer}/jwks",
                "userinfo_endpoint": f"{self.issuer}/userinfo", "end_session_endpoint": f"{self.issuer}/logout",
                "response_types_supported": ["code"], "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256", "ES256"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic"]}

    def __enter__(self) -> "TestProvider":
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # quiet
                pass

            def answer(self, status: int, body: dict | None = None, headers: dict[str, str] | None = None) -> None:
                data = json.dumps(body or {}).encode()
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                if parts.path == "/.well-known/openid-configuration":
                    self.answer(200, provider.discovery())
                elif parts.path == "/jwks":
                    provider.jwks_requests += 1
                    self.answer(200, provider.jwks())
                elif parts.path == "/userinfo":
                    header = self.headers.get("Authorization", "")
                    claims = provider.access_tokens.get(header.removeprefix("Bearer "))
                    if not header.startswith("Bearer ") or claims is None:
                        self.answer(401, {"error": "invalid_token"}, {"WWW-Authenticate": "Bearer"})
                    else:
                        self.answer(200, claims)
                elif parts.path == "/authorize":
                    ok = (query.get("response_type") == "code" and query.get("client_id") == provider.client_id
                          and query.get("redirect_uri") == provider.redirect_uri
                          and query.get("code_challenge_method") == "S256" and "openid" in query.get("scope", "").split())
                    if not ok:
                        self.answer(400, {"error": "invalid_request"})
                        return
                    code = secrets.token_urlsafe(16)
                    provider.codes[code] = query
                    target = provider.redirect_uri + "?" + urlencode({"code": code, "state": query["state"]})
                    self.send_response(302)
                    self.send_header("Location", target)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                else:
                    self.answer(404, {"error": "not_found"})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if urlsplit(self.path).path != "/token":
                    self.answer(404, {"error": "not_found"})
                    return
                provider.token_requests.append(form)
                expected = "Basic " + base64.b64encode(f"{provider.client_id}:{provider.secret}".encode()).decode()
                if self.headers.get("Authorization") != expected:
                    self.answer(401, {"error": "invalid_client"}, {"WWW-Authenticate": "Basic"})
                    return
                request = provider.codes.pop(form.get("code", ""), None)
                verifier = form.get("code_verifier", "")
                challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
                if (request is None or form.get("grant_type") != "authorization_code"
                        or form.get("redirect_uri") != provider.redirect_uri or challenge != request["code_challenge"]):
                    self.answer(400, {"error": "invalid_grant", "error_description": "the code or verifier is wrong"})
                    return
                access_token = secrets.token_urlsafe(16)
                provider.access_tokens[access_token] = dict(provider.userinfo)
                self.answer(200, {"id_token": provider.next_token(request["nonce"]), "access_token": access_token,
                                  "token_type": "Bearer", "expires_in": 300})

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(str(self.ca.server_crt), str(self.ca.server_key))
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
