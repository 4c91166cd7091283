"""Real directory and identity servers for the end-to-end suite: OpenLDAP's slapd and the LemonLDAP::NG portal.

Nothing here imitates a protocol: `Slapd` runs the Debian slapd binary with its own slapd.conf and data, and
`LemonLDAP` runs the LemonLDAP::NG 2.16 portal under plackup, authenticating people against that slapd over
StartTLS and serving CAS 3.0 and OpenID Connect. Both listen on 127.0.0.1 on free ports, live in a directory the
caller provides (pytest's `tmp_path`), run in the foreground as one process each and stop on leaving the `with`
block. Typical use:

    ca = make_test_ca(tmp_path / "ca")
    with Slapd(tmp_path / "ldap", ca) as ldap, \\
         LemonLDAP(tmp_path / "llng", ldap, ca, clients=[OIDCClient("training", "s3cret", [callback])]) as idp:
        ticket = cas_ticket(idp, service, "zhangwei", PEOPLE["zhangwei"].password)

The Debian packages are listed in scripts/deps.sh (IDENTITY_PACKAGES). Clients that check certificates must trust
`ca.ca_crt` (for libldap: the environment variable LDAPTLS_CACERT, or `Slapd.client_env()`). The portal serves
plain http unless started with `https=True`. What the servers can and cannot do: docs/testing.md.
"""

from __future__ import annotations

import base64
import hashlib
import html.parser
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable, Mapping, Sequence
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import pytest
import requests

READY_TIMEOUT = 10.0
POLL_STEP = 0.05
STOP_TIMEOUT = 5.0

# --- the directory ----------------------------------------------------------------------------------------------------

BASE_DN = "dc=example,dc=gov"
PEOPLE_DN = f"ou=people,{BASE_DN}"
SERVICES_DN = f"ou=services,{BASE_DN}"
ROOT_DN = f"cn=admin,{BASE_DN}"
ROOT_PASSWORD = "directory-admin-pw"
# The account an application binds as to search for a person before binding as that person (bind-and-search).
SERVICE_DN = f"cn=training-reader,{SERVICES_DN}"
SERVICE_PASSWORD = "Reader-Passw0rd!"
# The attribute holding a person's department as a NAME PATH from the top of the organisation, "/"-separated.
# (departmentNumber holds an opaque department code.)
DEPARTMENT_ATTRIBUTE = "ou"
# The attribute holding a person's job category (岗位类别).
JOB_CATEGORY_ATTRIBUTE = "title"
# People whose employeeType is this value are disabled in the directory; a user filter like
# USER_FILTER excludes them, and so does the LemonLDAP::NG portal below (they cannot sign in there).
DISABLED_EMPLOYEE_TYPE = "disabled"
USER_FILTER = "(&(objectClass=inetOrgPerson)(uid={login})(!(employeeType=disabled)))"


@dataclass(frozen=True)
class Person:
    """One inetOrgPerson under ou=people. `extra` holds further attributes (name -> value or list of values)."""

    uid: str
    cn: str
    sn: str
    given_name: str
    mail: str
    employee_number: str
    department: str  # DEPARTMENT_ATTRIBUTE (ou): the department name path
    department_number: str  # departmentNumber: a department code
    title: str  # JOB_CATEGORY_ATTRIBUTE: the job category
    password: str
    disabled: bool = False
    extra: Mapping[str, str | Sequence[str]] = field(default_factory=dict)

    @property
    def dn(self) -> str:
        return f"uid={self.uid},{PEOPLE_DN}"

    def attributes(self) -> dict[str, list[str]]:
        values: dict[str, list[str]] = {
            "objectClass": ["inetOrgPerson"],
            "uid": [self.uid], "cn": [self.cn], "sn": [self.sn], "givenName": [self.given_name],
            "mail": [self.mail], "employeeNumber": [self.employee_number], "ou": [self.department],
            "departmentNumber": [self.department_number], "title": [self.title], "userPassword": [self.password],
        }
        if self.disabled:
            values["employeeType"] = [DISABLED_EMPLOYEE_TYPE]
        for name, value in self.extra.items():
            values[name] = [value] if isinstance(value, str) else list(value)
        return values


ZHANGWEI = Person(uid="zhangwei", cn="张伟", sn="张", given_name="伟", mail="zhangwei@example.gov",
                  employee_number="100001", department="省人民政府/省数据局/综合处", department_number="D-42",
                  title="窗口岗位", password="Zhang-Passw0rd!")
ALICE = Person(uid="alice", cn="Alice Smith", sn="Smith", given_name="Alice", mail="alice.smith@example.gov",
               employee_number="100002", department="省人民政府/省人力资源和社会保障厅/培训处", department_number="D-17",
               title="综合管理岗位", password="Alice-Passw0rd!")
# Disabled in the directory (employeeType: disabled): the password is right, yet sign-in must fail.
LISI = Person(uid="lisi", cn="李四", sn="李", given_name="四", mail="lisi@example.gov", employee_number="100003",
              department="省人民政府/省数据局/综合处", department_number="D-42", title="执法岗位",
              password="Lisi-Passw0rd!", disabled=True)
PEOPLE: dict[str, Person] = {person.uid: person for person in (ZHANGWEI, ALICE, LISI)}

# --- the login form (also for Selenium) -------------------------------------------------------------------------------

LOGIN_USER_FIELD = "user"  # <input id="userfield" name="user">
LOGIN_PASSWORD_FIELD = "password"  # <input id="passwordfield" name="password" type="password">
LOGIN_SUBMIT_SELECTOR = "form#lform button[type=submit]"
LOGIN_USER_SELECTOR = "#userfield"
LOGIN_PASSWORD_SELECTOR = "#passwordfield"
# An OIDC scope (besides openid, profile, email) that releases the directory's department path, job category and
# employee number as the claims "department", "job_category" and "employee_number".
OIDC_DIRECTORY_SCOPE = "directory"


# --- plumbing ---------------------------------------------------------------------------------------------------------


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition: Callable[[], bool], what: str, timeout: float = READY_TIMEOUT,
               process: subprocess.Popen | None = None, log: Path | None = None) -> None:
    """Polls `condition` every 50 ms for up to `timeout` seconds; fails early if `process` exits."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if condition():
                return
        except (OSError, requests.RequestException):
            pass
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what}: process exited with status {process.returncode}\n{_tail(log)}")
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not ready after {timeout} s\n{_tail(log)}")
        time.sleep(POLL_STEP)


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.2):
            return True
    except OSError:
        return False


def _tail(log: Path | None, lines: int = 40) -> str:
    if log is None or not log.exists():
        return ""
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def _run(command: Sequence[str], **kwargs) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(list(command), capture_output=True, text=True, timeout=30, **kwargs)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited {done.returncode}\n{done.stdout}\n{done.stderr}")
    return done


def _stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=STOP_TIMEOUT)


# --- test certificate authority ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CA:
    """A throwaway CA and one server certificate for localhost / 127.0.0.1, signed by it."""

    dir: Path
    ca_crt: Path
    ca_key: Path
    server_crt: Path
    server_key: Path


def make_test_ca(directory: Path | str) -> CA:
    """Creates ca.crt/ca.key and server.crt/server.key (SAN DNS:localhost, IP:127.0.0.1, 2 days) in `directory`.

    Uses the openssl command. libldap checks the server name against the SAN, so clients must connect to
    127.0.0.1 (libldap swaps "localhost" for the machine's reverse-resolved name)."""
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    ca = CA(d, d / "ca.crt", d / "ca.key", d / "server.crt", d / "server.key")
    _run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=Test CA",
          "-keyout", str(ca.ca_key), "-out", str(ca.ca_crt),
          "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
    csr = d / "server.csr"
    _run(["openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
          "-keyout", str(ca.server_key), "-out", str(csr)])
    ext = d / "server.ext"
    ext.write_text("subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n"
                   "keyUsage=critical,digitalSignature,keyEncipherment\n")
    _run(["openssl", "x509", "-req", "-in", str(csr), "-CA", str(ca.ca_crt), "-CAkey", str(ca.ca_key),
          "-CAcreateserial", "-days", "2", "-extfile", str(ext), "-out", str(ca.server_crt)])
    for key in (ca.ca_key, ca.server_key):
        key.chmod(0o600)
    return ca


# --- slapd ------------------------------------------------------------------------------------------------------------


def _ldif_value(name: str, value: str) -> str:
    """One LDIF line; values that are not safe ASCII (Chinese names, leading spaces, ...) are base64-encoded."""
    safe = value.isascii() and value.isprintable() and not value.startswith((" ", ":", "<")) \
        and not value.endswith(" ")
    if safe:
        return f"{name}: {value}"
    return f"{name}:: {base64.b64encode(value.encode()).decode()}"


def _ldif_entry(dn: str, attributes: Mapping[str, Iterable[str]]) -> str:
    lines = [_ldif_value("dn", dn)]
    for name, values in attributes.items():
        lines += [_ldif_value(name, v) for v in values]
    return "\n".join(lines) + "\n"


def parse_ldif(text: str) -> list[dict[str, list[str]]]:
    """Parses ldapsearch -LLL output into entries {attribute: [values]} (with "dn"), decoding base64 values."""
    entries: list[dict[str, list[str]]] = []
    for block in text.replace("\n ", "").split("\n\n"):
        entry: dict[str, list[str]] = {}
        for line in block.splitlines():
            if not line or line.startswith("#") or ":" not in line:
                continue
            name, rest = line.split(":", 1)
            value = base64.b64decode(rest[1:].strip()).decode() if rest.startswith(":") else rest.strip()
            entry.setdefault(name, []).append(value)
        if entry:
            entries.append(entry)
    return entries


class Slapd:
    """A throwaway OpenLDAP slapd (mdb) with the people in PEOPLE, StartTLS on `url` and TLS on `ldaps_url`.

    Simple binds need TLS (StartTLS or ldaps): a client that forgets StartTLS gets "confidentiality required".
    Passwords are stored as given (slapd compares them); the service account and people can read everything but
    passwords; anonymous clients can only bind."""

    def __init__(self, directory: Path | str, ca: CA, people: Iterable[Person] = PEOPLE.values()) -> None:
        self.dir = Path(directory)
        self.ca = ca
        self.people = list(people)
        self.port = 0
        self.ldaps_port = 0
        self.process: subprocess.Popen | None = None
        self.log = self.dir / "slapd.log"

    @property
    def url(self) -> str:
        return f"ldap://127.0.0.1:{self.port}"

    @property
    def ldaps_url(self) -> str:
        return f"ldaps://127.0.0.1:{self.ldaps_port}"

    def client_env(self) -> dict[str, str]:
        """The environment for libldap clients (ldapsearch, the server under test): trust the test CA."""
        return {**os.environ, "LDAPTLS_CACERT": str(self.ca.ca_crt), "LDAPTLS_REQCERT": "demand"}

    def __enter__(self) -> "Slapd":
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        db = self.dir / "db"
        shutil.rmtree(db, ignore_errors=True)
        db.mkdir()
        conf = self.dir / "slapd.conf"
        root_hash = _run(["slappasswd", "-s", ROOT_PASSWORD]).stdout.strip()
        conf.write_text(f"""include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile {self.dir}/slapd.pid
TLSCACertificateFile {self.ca.ca_crt}
TLSCertificateFile {self.ca.server_crt}
TLSCertificateKeyFile {self.ca.server_key}
security simple_bind=64
database mdb
maxsize 104857600
suffix "{BASE_DN}"
rootdn "{ROOT_DN}"
rootpw {root_hash}
directory {db}
index objectClass,uid,employeeType eq
access to attrs=userPassword by self write by anonymous auth by * none
access to * by users read by * none
""")
        ldif = [
            _ldif_entry(BASE_DN, {"objectClass": ["dcObject", "organization"], "dc": ["example"],
                                  "o": ["示例省人民政府 Example Provincial Government"]}),
            _ldif_entry(PEOPLE_DN, {"objectClass": ["organizationalUnit"], "ou": ["people"]}),
            _ldif_entry(SERVICES_DN, {"objectClass": ["organizationalUnit"], "ou": ["services"]}),
            _ldif_entry(SERVICE_DN, {"objectClass": ["organizationalRole", "simpleSecurityObject"],
                                     "cn": ["training-reader"], "userPassword": [SERVICE_PASSWORD],
                                     "description": ["Training platform directory reader"]}),
        ] + [_ldif_entry(p.dn, p.attributes()) for p in self.people]
        data = self.dir / "data.ldif"
        data.write_text("\n".join(ldif))
        _run(["slapadd", "-q", "-f", str(conf), "-l", str(data)])
        self.port, self.ldaps_port = free_port(), free_port()
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                ["slapd", "-f", str(conf), "-h", f"{self.url}/ {self.ldaps_url}/", "-d", "0"],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        wait_until(lambda: port_open(self.port) and port_open(self.ldaps_port), "slapd",
                   process=self.process, log=self.log)

    def stop(self) -> None:
        _stop(self.process)

    # -- client side (the OpenLDAP command-line tools, StartTLS required) --

    def _client(self, tool: str, bind_dn: str, password: str, *args: str,
                stdin: str | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
        command = [tool, "-x", "-ZZ", "-H", self.url, "-D", bind_dn, "-w", password, *args]
        done = subprocess.run(command, input=stdin, capture_output=True, text=True, timeout=15,
                              env=self.client_env())
        if check and done.returncode != 0:
            raise RuntimeError(f"{tool} exited {done.returncode}\n{done.stdout}\n{done.stderr}")
        return done

    def whoami(self, bind_dn: str, password: str) -> str | None:
        """Binds over StartTLS with ldapwhoami; the authorisation identity ("dn:...") or None if the bind fails."""
        done = self._client("ldapwhoami", bind_dn, password, check=False)
        return done.stdout.strip() if done.returncode == 0 else None

    def search(self, ldap_filter: str, attributes: Sequence[str] = (), base: str = PEOPLE_DN,
               bind_dn: str = SERVICE_DN, password: str = SERVICE_PASSWORD) -> list[dict[str, list[str]]]:
        """ldapsearch over StartTLS (as the service account by default); entries as {attribute: [values]}."""
        done = self._client("ldapsearch", bind_dn, password, "-LLL", "-o", "ldif-wrap=no", "-b", base,
                            ldap_filter, *attributes)
        return parse_ldif(done.stdout)

    def modify_ldif(self, ldif: str) -> None:
        """Applies an LDIF change record with ldapmodify as the rootdn."""
        self._client("ldapmodify", ROOT_DN, ROOT_PASSWORD, stdin=ldif)

    def add_person(self, person: Person) -> None:
        """Adds a person while the server runs."""
        self.modify_ldif(_ldif_entry(person.dn, {"changetype": ["add"], **person.attributes()}))

    def modify_person(self, uid: str, **changes: str | Sequence[str] | None) -> None:
        """Replaces attributes of ou=people/uid while the server runs; None deletes the attribute (if present).

        Example: `ldap.modify_person("zhangwei", cn="张伟伟", ou="省人民政府/省财政厅/预算处", title=None)`."""
        records = [_ldif_value("dn", f"uid={uid},{PEOPLE_DN}"), "changetype: modify"]
        for name, value in changes.items():
            if value is None:
                records += [f"replace: {name}", "-"]  # replace with no values deletes, present or not
            else:
                values = [value] if isinstance(value, str) else list(value)
                records += [f"replace: {name}", *(_ldif_value(name, v) for v in values), "-"]
        self.modify_ldif("\n".join(records) + "\n")

    def disable_person(self, uid: str) -> None:
        self.modify_person(uid, employeeType=DISABLED_EMPLOYEE_TYPE)

    def enable_person(self, uid: str) -> None:
        self.modify_person(uid, employeeType=None)

    def delete_person(self, uid: str) -> None:
        self.modify_ldif(f"dn: uid={uid},{PEOPLE_DN}\nchangetype: delete\n")


# --- LemonLDAP::NG ----------------------------------------------------------------------------------------------------

# Signature algorithms LemonLDAP::NG 2.16 can sign ID tokens with (Lib/OpenIDConnect.pm, createJWT). It has no
# elliptic-curve signing: ES256 is refused rather than silently replaced.
SUPPORTED_ID_TOKEN_ALGS = ("RS256", "RS384", "RS512", "HS256", "HS384", "HS512")


@dataclass(frozen=True)
class OIDCClient:
    """A relying party registered at the portal (confidential client, code flow, PKCE required, no consent page).

    frontchannel_logout_uri: when the person signs out at the portal itself, the portal's logout page embeds
    `<iframe src="URI?iss=...&sid=...">` (OIDC front-channel logout; sid is the person's uid), so a browser
    calls it. LemonLDAP::NG 2.16 has no OIDC back-channel logout (it is a TODO in its source)."""

    client_id: str
    secret: str
    redirect_uris: Sequence[str]
    id_token_alg: str = "RS256"
    post_logout_redirect_uris: Sequence[str] = ()
    frontchannel_logout_uri: str | None = None


def _client(value: OIDCClient | tuple) -> OIDCClient:
    if isinstance(value, OIDCClient):
        client = value
    else:
        client = OIDCClient(*value)
    if isinstance(client.redirect_uris, str):
        client = replace(client, redirect_uris=[client.redirect_uris])
    if client.id_token_alg not in SUPPORTED_ID_TOKEN_ALGS:
        raise ValueError(f"LemonLDAP::NG 2.16 cannot sign ID tokens with {client.id_token_alg}; "
                         f"it supports {', '.join(SUPPORTED_ID_TOKEN_ALGS)}")
    return client


# The portal application, with every body chunk handed to the server as bytes (see LemonLDAP.start).
PORTAL_PSGI = r"""use strict;
use warnings;
use Plack::Util;
my $portal = Plack::Util::load_psgi('/usr/share/lemonldap-ng/portal/htdocs/index.psgi');
sub {
    Plack::Util::response_cb($portal->(@_), sub {
        return sub {
            my $chunk = shift;
            utf8::encode($chunk) if defined $chunk && !utf8::downgrade($chunk, 1);
            return $chunk;
        };
    });
};
"""

_RSA_KEYS: list[tuple[str, str]] = []


def _rsa_key_pair() -> tuple[str, str]:
    """(private PEM, public PEM) for the portal's OIDC signing key; one per test process (generation costs time)."""
    if not _RSA_KEYS:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                    serialization.NoEncryption()).decode()
        public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                               serialization.PublicFormat.SubjectPublicKeyInfo).decode()
        _RSA_KEYS.append((private, public))
    return _RSA_KEYS[0]


class LemonLDAP:
    """The LemonLDAP::NG 2.16 portal under plackup: CAS 3.0 and OpenID Connect over the `Slapd` directory.

    - authentication: LDAP over StartTLS (ldap+tls://, certificate verified against the test CA), bind-and-search
      as SERVICE_DN with USER_FILTER, so disabled people (employeeType: disabled) cannot sign in;
    - CAS: `/cas/login`, `/cas/p3/serviceValidate`, `/cas/logout`; any service URL is accepted; attributes
      uid, cn, mail, employeeNumber, ou (department path), departmentNumber, title (job category), givenName, sn;
      back-channel single logout (casBackChannelSingleLogout): on sign-out at the portal, a
      `logoutRequest` form POST goes to every service that got a ticket in that session;
    - OIDC: discovery at `/.well-known/openid-configuration`, `oidc_issuer` = portal URL without the slash,
      code flow with PKCE required (S256), ID tokens signed RS256 with kid "test-key-1" (or the client's alg),
      claims sub (=uid), name, email, preferred_username, plus department, job_category, employee_number with
      scope OIDC_DIRECTORY_SCOPE; RP-initiated logout at `/oauth2/logout` (no confirmation page) to a registered
      post_logout_redirect_uri; front-channel logout (an iframe on the portal's logout page) for clients with
      frontchannel_logout_uri. No OIDC back-channel logout (not implemented in 2.16), no ES256 (see
      SUPPORTED_ID_TOKEN_ALGS).
    """

    def __init__(self, directory: Path | str, ldap: Slapd, ca: CA,
                 clients: Iterable[OIDCClient | tuple] = (), *, session_timeout: int = 3600,
                 cas_single_logout: bool = True, https: bool = False) -> None:
        """`https=True` serves the portal over TLS with the test CA's server certificate (clients then need
        `verify=llng.verify`, i.e. ca.crt); plain http on 127.0.0.1 otherwise."""
        self.dir = Path(directory)
        self.https = https
        self.ldap = ldap
        self.ca = ca
        self.clients = [_client(c) for c in clients]
        self.session_timeout = session_timeout
        self.cas_single_logout = cas_single_logout
        self.port = 0
        self.process: subprocess.Popen | None = None
        self.log = self.dir / "portal.log"

    @property
    def url(self) -> str:
        """The portal's base URL, with a trailing slash."""
        return f"{self.oidc_issuer}/"

    @property
    def oidc_issuer(self) -> str:
        return f"{'https' if self.https else 'http'}://127.0.0.1:{self.port}"

    @property
    def verify(self) -> bool | str:
        """The `verify` argument for requests: the test CA when the portal serves https."""
        return str(self.ca.ca_crt) if self.https else True

    def session(self) -> requests.Session:
        """A new requests session (a browser's cookie jar) that trusts the portal's certificate."""
        session = requests.Session()
        session.verify = self.verify
        return session

    @property
    def discovery_url(self) -> str:
        return f"{self.oidc_issuer}/.well-known/openid-configuration"

    @property
    def cas_url(self) -> str:
        """The CAS server prefix (as a CAS client expects it): /cas/login, /cas/p3/serviceValidate, /cas/logout."""
        return f"{self.oidc_issuer}/cas"

    def client(self, client_id: str) -> OIDCClient:
        return next(c for c in self.clients if c.client_id == client_id)

    def __enter__(self) -> "LemonLDAP":
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def _configuration(self) -> dict:
        d = self.dir
        private_key, public_key = _rsa_key_pair()
        storage = lambda name: {  # noqa: E731
            "Directory": str(d / name), "LockDirectory": str(d / name / "lock"),
            "generateModule": "Lemonldap::NG::Common::Apache::Session::Generate::SHA256"}
        attributes = {"uid": "uid", "cn": "cn", "sn": "sn", "givenName": "givenName", "mail": "mail",
                      "employeeNumber": "employeeNumber", "ou": "ou", "departmentNumber": "departmentNumber",
                      "title": "title"}
        rp_options, rp_claims, rp_extra = {}, {}, {}
        for n, c in enumerate(self.clients):
            key = f"rp{n}"
            options = {
                "oidcRPMetaDataOptionsClientID": c.client_id,
                "oidcRPMetaDataOptionsClientSecret": c.secret,
                "oidcRPMetaDataOptionsRedirectUris": " ".join(c.redirect_uris),
                "oidcRPMetaDataOptionsPostLogoutRedirectUris": " ".join(c.post_logout_redirect_uris),
                "oidcRPMetaDataOptionsIDTokenSignAlg": c.id_token_alg,
                "oidcRPMetaDataOptionsRequirePKCE": 1,
                "oidcRPMetaDataOptionsBypassConsent": 1,
                "oidcRPMetaDataOptionsIDTokenForceClaims": 1,
                "oidcRPMetaDataOptionsLogoutBypassConfirm": 1,
                "oidcRPMetaDataOptionsUserIDAttr": "uid",
                "oidcRPMetaDataOptionsPublic": 0,
            }
            if c.frontchannel_logout_uri:
                options.update({"oidcRPMetaDataOptionsLogoutType": "front",
                                "oidcRPMetaDataOptionsLogoutUrl": c.frontchannel_logout_uri,
                                "oidcRPMetaDataOptionsLogoutSessionRequired": 1})
            rp_options[key] = options
            rp_claims[key] = {"name": "cn", "email": "mail", "preferred_username": "uid", "family_name": "sn",
                              "given_name": "givenName", "department": "ou", "job_category": "title",
                              "employee_number": "employeeNumber"}
            rp_extra[key] = {OIDC_DIRECTORY_SCOPE: "department job_category employee_number"}
        return {
            "cfgNum": 1, "cfgVersion": "2.16.1", "cfgAuthor": "test", "cfgDate": int(time.time()),
            "portal": self.url, "domain": "127.0.0.1", "securedCookie": 1 if self.https else 0, "httpOnly": 1,
            "trustedDomains": "127.0.0.1 localhost", "timeout": self.session_timeout,
            "authentication": "LDAP", "userDB": "Same", "passwordDB": "Null", "registerDB": "Null",
            "ldapServer": f"ldap+tls://127.0.0.1:{self.ldap.port}", "ldapVerify": "require",
            "ldapCAFile": str(self.ca.ca_crt), "ldapBase": PEOPLE_DN,
            "managerDn": SERVICE_DN, "managerPassword": SERVICE_PASSWORD,
            "AuthLDAPFilter": USER_FILTER.replace("{login}", "$user"),
            "mailLDAPFilter": "(&(objectClass=inetOrgPerson)(mail=$mail)(!(employeeType=disabled)))",
            "ldapExportedVars": attributes,
            "globalStorage": "Apache::Session::File", "globalStorageOptions": storage("sessions"),
            "persistentStorage": "Apache::Session::File", "persistentStorageOptions": storage("psessions"),
            "localSessionStorage": "Cache::FileCache",
            "localSessionStorageOptions": {"namespace": "llng-sessions", "cache_root": str(d / "cache")},
            "locationRules": {"127.0.0.1": {"default": "accept"}}, "exportedHeaders": {}, "macros": {},
            "groups": {}, "loginHistoryEnabled": 0, "notification": 0, "portalDisplayRegister": 0,
            "portalDisplayResetPassword": 0, "checkUserDisplayPersistentInfo": 0,
            "issuerDBCASActivation": 1, "casAccessControlPolicy": "none", "casAttributes": attributes,
            "casBackChannelSingleLogout": 1 if self.cas_single_logout else 0,
            "issuerDBOpenIDConnectActivation": 1, "oidcServiceMetaDataIssuer": self.oidc_issuer,
            "oidcServicePrivateKeySig": private_key, "oidcServicePublicKeySig": public_key,
            "oidcServiceKeyIdSig": "test-key-1", "oidcServiceAllowAuthorizationCodeFlow": 1,
            "oidcServiceAllowImplicitFlow": 0, "oidcServiceAllowHybridFlow": 0,
            "oidcRPMetaDataOptions": rp_options, "oidcRPMetaDataExportedVars": rp_claims,
            "oidcRPMetaDataOptionsExtraClaims": rp_extra,
        }

    def start(self) -> None:
        d = self.dir
        for sub in ("conf", "cache", "sessions/lock", "psessions/lock"):
            (d / sub).mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        (d / "conf" / "lmConf-1.json").write_text(json.dumps(self._configuration(), ensure_ascii=False, indent=1))
        (d / "lemonldap-ng.ini").write_text(f"""[all]
logLevel = notice
logger = Lemonldap::NG::Common::Logger::Std
userLogger = Lemonldap::NG::Common::Logger::Std
[configuration]
type = File
dirName = {d}/conf
localStorage = Cache::FileCache
localStorageOptions = {{ 'namespace' => 'llng-config', 'default_expires_in' => 600, 'cache_root' => '{d}/cache' }}
[portal]
templateDir = /usr/share/lemonldap-ng/portal/templates
languages = en, zh
""")
        env = {**os.environ, "LLNG_DEFAULTCONFFILE": str(d / "lemonldap-ng.ini"),
               "LDAPTLS_CACERT": str(self.ca.ca_crt)}
        # The portal's CAS answers are Perl strings flagged as text whose characters are the UTF-8 bytes; a plain
        # socket writes them as bytes, but IO::Socket::SSL encodes them once more (张伟 arrives as "å¼ ä¼") and
        # the declared Content-Length then cuts the body short. This wrapper hands the server bytes.
        (d / "portal.psgi").write_text(PORTAL_PSGI)
        tls = ["--ssl=1", f"--ssl-key-file={self.ca.server_key}", f"--ssl-cert-file={self.ca.server_crt}"] \
            if self.https else []
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                ["plackup", "-s", "HTTP::Server::PSGI", "--host", "127.0.0.1", "--port", str(self.port), *tls,
                 str(d / "portal.psgi")],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)
        wait_until(lambda: requests.get(self.discovery_url, timeout=2, verify=self.verify).status_code == 200,
                   "LemonLDAP::NG portal", process=self.process, log=self.log)

    def stop(self) -> None:
        _stop(self.process)


# --- a scripted browser for the portal's login form -------------------------------------------------------------------


class _FormParser(html.parser.HTMLParser):
    """Collects the first <form> that has a password field: its action, method and input values."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._current: dict | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._current = {"action": a.get("action", ""), "method": a.get("method", "get").lower(),
                             "fields": {}, "password": False}
            self.forms.append(self._current)
        elif tag == "input" and self._current is not None and a.get("name"):
            if a.get("type", "text").lower() in ("checkbox", "radio") and "checked" not in a:
                return
            self._current["fields"][a["name"]] = a.get("value", "")
            if a["name"] == LOGIN_PASSWORD_FIELD:
                self._current["password"] = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def form_login(session: requests.Session, url: str, user: str, password: str,
               max_redirects: int = 10) -> requests.Response:
    """Opens `url` at the portal, fills in and submits its login form (hidden fields and anti-CSRF token included),
    and follows redirects only while they stay on the portal. Returns the last response: a redirect away from the
    portal (read `ticket` or `code` from its Location) on success, or the portal's page (status 200, the form again
    with an error) when the sign-in was refused."""
    # For an https portal the session needs .verify = the CA (LemonLDAP.session()). It is passed on each request
    # because requests otherwise prefers REQUESTS_CA_BUNDLE from the environment over the session's setting.
    verify = session.verify
    page = session.get(url, timeout=10, verify=verify)
    page.raise_for_status()
    parser = _FormParser()
    parser.feed(page.text)
    form = next((f for f in parser.forms if f["password"]), None)
    if form is None:
        raise AssertionError(f"no login form at {page.url} (status {page.status_code}):\n{page.text[:2000]}")
    fields = dict(form["fields"])
    fields[LOGIN_USER_FIELD] = user
    fields[LOGIN_PASSWORD_FIELD] = password
    action = page.url if form["action"] in ("", "#") else urljoin(page.url, form["action"])
    response = session.post(action, data=fields, allow_redirects=False, timeout=10, verify=verify)
    portal = _origin(page.url)
    for _ in range(max_redirects):
        location = response.headers.get("Location")
        if response.status_code not in (301, 302, 303, 307, 308) or not location:
            break
        target = urljoin(response.url, location)
        if _origin(target) != portal:
            break
        response = session.get(target, allow_redirects=False, timeout=10, verify=verify)
    return response


def location_params(response: requests.Response) -> dict[str, str]:
    """The query parameters of a redirect's Location (single values)."""
    location = response.headers.get("Location", "")
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


# --- CAS --------------------------------------------------------------------------------------------------------------

CAS_NS = {"cas": "http://www.yale.edu/tp/cas"}


def cas_ticket(llng: LemonLDAP, service: str, user: str, password: str,
               session: requests.Session | None = None) -> str:
    """Signs in at /cas/login for `service` and returns the service ticket (ST-...) from the redirect."""
    session = session or llng.session()
    response = form_login(session, f"{llng.cas_url}/login?{urlencode({'service': service})}", user, password)
    ticket = location_params(response).get("ticket")
    if response.status_code != 302 or not ticket:
        raise AssertionError(f"CAS sign-in of {user} gave no ticket: {response.status_code} "
                             f"{response.headers.get('Location')}")
    return ticket


@dataclass(frozen=True)
class CASValidation:
    user: str | None  # None when the ticket was refused
    attributes: dict[str, list[str]]
    failure_code: str | None
    xml: str


def cas_validate(llng: LemonLDAP, service: str, ticket: str) -> CASValidation:
    """Calls /cas/p3/serviceValidate and parses the answer (the body is decoded as UTF-8)."""
    response = requests.get(f"{llng.cas_url}/p3/serviceValidate", params={"service": service, "ticket": ticket},
                            timeout=10, verify=llng.verify)
    response.raise_for_status()
    text = response.content.decode("utf-8")
    root = ElementTree.fromstring(response.content)
    success = root.find("cas:authenticationSuccess", CAS_NS)
    if success is None:
        failure = root.find("cas:authenticationFailure", CAS_NS)
        return CASValidation(None, {}, failure.get("code") if failure is not None else None, text)
    attributes: dict[str, list[str]] = {}
    block = success.find("cas:attributes", CAS_NS)
    for element in (block if block is not None else []):
        name = element.tag.split("}", 1)[-1]
        attributes.setdefault(name, []).append(element.text or "")
    return CASValidation(success.findtext("cas:user", namespaces=CAS_NS), attributes, None, text)


# --- OpenID Connect ---------------------------------------------------------------------------------------------------


def pkce_pair() -> tuple[str, str]:
    """(code_verifier, S256 code_challenge)."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def oidc_code(llng: LemonLDAP, client: OIDCClient | str, redirect_uri: str, state: str, nonce: str,
              code_challenge: str, user: str, password: str, scope: str = "openid profile email",
              session: requests.Session | None = None) -> str:
    """Runs /oauth2/authorize (code flow, S256 PKCE) through the login form and returns the code from the redirect
    to `redirect_uri` (whose `state` is checked)."""
    client_id = client if isinstance(client, str) else client.client_id
    session = session or llng.session()
    query = urlencode({"response_type": "code", "client_id": client_id, "redirect_uri": redirect_uri,
                       "scope": scope, "state": state, "nonce": nonce, "code_challenge": code_challenge,
                       "code_challenge_method": "S256"})
    response = form_login(session, f"{llng.oidc_issuer}/oauth2/authorize?{query}", user, password)
    location = response.headers.get("Location", "")
    params = location_params(response)
    if response.status_code != 302 or not location.startswith(redirect_uri) or "code" not in params:
        raise AssertionError(f"OIDC sign-in of {user} gave no code: {response.status_code} {location}")
    if params.get("state") != state:
        raise AssertionError(f"state changed: {params.get('state')!r} != {state!r}")
    return params["code"]


def oidc_token(llng: LemonLDAP, client: OIDCClient, code: str, redirect_uri: str,
               code_verifier: str) -> requests.Response:
    """POSTs the code to /oauth2/token (client_secret_basic); the raw response (200 JSON or 400 error JSON)."""
    return requests.post(f"{llng.oidc_issuer}/oauth2/token", timeout=10, verify=llng.verify,
                         auth=(client.client_id, client.secret),
                         data={"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
                               "code_verifier": code_verifier})


def verify_id_token(llng: LemonLDAP, client: OIDCClient, id_token: str) -> dict:
    """Verifies the ID token's signature against the portal's JWKS (by kid), audience and issuer with PyJWT."""
    import ssl

    import jwt

    meta = requests.get(llng.discovery_url, timeout=10, verify=llng.verify).json()
    header = jwt.get_unverified_header(id_token)
    if header["alg"].startswith("HS"):
        key = client.secret
    else:
        context = ssl.create_default_context(cafile=str(llng.ca.ca_crt)) if llng.https else None
        key = jwt.PyJWKClient(meta["jwks_uri"], ssl_context=context).get_signing_key(header["kid"]).key
    return jwt.decode(id_token, key, algorithms=[client.id_token_alg], audience=client.client_id,
                      issuer=meta["issuer"])


# --- pytest fixtures (import them into a test module: `from identity_servers import identity_ca, slapd`) --------------


@pytest.fixture(scope="session")
def identity_ca(tmp_path_factory: pytest.TempPathFactory) -> CA:
    """One test CA for the whole run."""
    return make_test_ca(tmp_path_factory.mktemp("identity-ca"))


@pytest.fixture
def slapd(tmp_path: Path, identity_ca: CA):
    """A fresh directory per test (about 0.1 s), so tests may change people freely."""
    with Slapd(tmp_path / "slapd", identity_ca) as server:
        yield server
