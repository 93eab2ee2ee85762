"""A real SMTP server on loopback for the reminder tests (aiosmtpd), with TLS on a self-signed certificate.

``SmtpServer`` starts aiosmtpd on 127.0.0.1 with a free port: STARTTLS (``security="starttls"``) or TLS from the
first byte (``"ssl"``), AUTH LOGIN/PLAIN for one test user (required after TLS), and records every accepted
message with its envelope (MAIL FROM, the RCPT TO list) and its bytes. ``drop_after=N`` makes the server close the
connection instead of accepting message N+1 (a relay that fails mid-run). The certificate is made here with the
``cryptography`` package for 127.0.0.1 and localhost; clients trust it through ``RECERT_SMTP_CA_FILE`` (the CA
file is the certificate itself), never by turning verification off.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import ipaddress
import socket
import ssl
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

USER = "recert-test"
PASSWORD = "s3cret pass"
SENDER = "reminders@club.example.com"


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate and key for 127.0.0.1 / localhost, valid for a day (PEM files in ``folder``)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.data, policy=email.policy.default)  # type: ignore[return-value]


@dataclass
class _Handler:
    drop_after: int | None = None
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802, ARG002 - aiosmtpd calls this hook with this signature
        with self.lock:
            if self.drop_after is not None and len(self.received) >= self.drop_after:
                server.transport.close()  # the relay goes away mid-run: this message is not accepted
                return "421 closing"
            self.received.append(
                Received(
                    envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content or envelope.content
                )
            )
        return "250 OK"


def _authenticate(server, session, envelope, mechanism, auth_data):  # noqa: ARG001 - aiosmtpd's signature
    ok = (
        isinstance(auth_data, LoginPassword)
        and auth_data.login == USER.encode()
        and auth_data.password == PASSWORD.encode()
    )
    return AuthResult(success=ok)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpServer:
    """aiosmtpd on loopback; ``env`` gives the RECERT_SMTP_* settings a client needs to reach it."""

    def __init__(
        self, folder: Path, *, security: str = "starttls", drop_after: int | None = None, auth: bool = True
    ):
        self.security = security
        self.cert, self.key = self_signed(folder)
        self.handler = _Handler(drop_after=drop_after)
        self.port = free_port()
        server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        server_ctx.load_cert_chain(self.cert, self.key)
        kwargs: dict = {
            "authenticator": _authenticate if auth else None,
            "auth_require_tls": True,
            "auth_required": auth,
            "decode_data": False,
        }
        if security == "starttls":
            kwargs.update(tls_context=server_ctx, require_starttls=True)
            self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, **kwargs)
        elif security == "ssl":  # TLS from the first byte: aiosmtpd only knows STARTTLS as "TLS" for AUTH
            kwargs.update(auth_require_tls=False)
            self.controller = Controller(
                self.handler, hostname="127.0.0.1", port=self.port, ssl_context=server_ctx, **kwargs
            )
        else:
            kwargs.update(auth_require_tls=False, auth_required=False, authenticator=None)
            self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, **kwargs)

    @property
    def received(self) -> list[Received]:
        with self.handler.lock:
            return list(self.handler.received)

    def env(self, **extra: str) -> dict[str, str]:
        env = {
            "RECERT_SMTP_HOST": "127.0.0.1",
            "RECERT_SMTP_PORT": str(self.port),
            "RECERT_SMTP_SECURITY": self.security,
            "RECERT_MAIL_FROM": SENDER,
            "RECERT_SMTP_CA_FILE": str(self.cert),
            "RECERT_SMTP_TIMEOUT": "10",
        }
        if self.security != "none":
            env.update(RECERT_SMTP_USER=USER, RECERT_SMTP_PASSWORD=PASSWORD)
        env.update(extra)
        return env

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()
