"""Sending by SMTP, at the edge: settings from the environment, one connection to the configured host only.

``RECERT_SMTP_HOST`` (required), ``RECERT_SMTP_PORT`` (default 465 for ssl, 587 for starttls, 25 for none),
``RECERT_SMTP_SECURITY`` (``ssl``, ``starttls`` (default) or ``none``), ``RECERT_SMTP_USER`` and
``RECERT_SMTP_PASSWORD`` (login when a user is set), ``RECERT_MAIL_FROM`` (the sender's address, required),
``RECERT_SMTP_TIMEOUT`` (seconds per network operation, default 30) and ``RECERT_SMTP_CA_FILE`` (a PEM file of
the certificate authorities to trust instead of the system's, for a private CA). The server's certificate and
name are always verified; there is no switch that turns verification off. A password is never sent over a
connection that is not encrypted. The envelope recipient is the one parsed address of each message (never read
from its headers), so nothing in a message's text can add a recipient.
"""

from __future__ import annotations

import os
import smtplib
import socket
import ssl
from collections.abc import Mapping
from dataclasses import dataclass

from .errors import RecertError
from .fmt import clean

SECURITY = ("ssl", "starttls", "none")
DEFAULT_PORTS = {"ssl": 465, "starttls": 587, "none": 25}
DEFAULT_TIMEOUT = 30.0


class MailError(RecertError):
    """SMTP settings that cannot be used, or a server that cannot be reached (one sentence)."""


class MailSettingsError(MailError):
    """The SMTP settings are missing or invalid (a usage problem: exit 2)."""


class ConnectionLost(MailError):
    """The connection failed or dropped: this and every later message of the run is not sent."""


class MessageRefused(MailError):
    """The server refused this one message (its recipient or content); the connection is still usable."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str
    user: str
    password: str
    sender: str  # parsed addr-spec
    timeout: float = DEFAULT_TIMEOUT
    ca_file: str | None = None

    def describe(self) -> str:
        return f"{self.host}:{self.port} ({self.security})"


def smtp_configured(env: Mapping[str, str] | None = None) -> bool:
    env = os.environ if env is None else env
    return bool(env.get("RECERT_SMTP_HOST", "").strip())


def smtp_settings(env: Mapping[str, str] | None = None) -> SmtpSettings:
    """The settings from the environment, checked (MailSettingsError with one sentence otherwise)."""
    from .remind.compose import AddressProblem, parse_address

    env = os.environ if env is None else env
    host = env.get("RECERT_SMTP_HOST", "").strip()
    if not host:
        raise MailSettingsError(
            "Set RECERT_SMTP_HOST (and RECERT_MAIL_FROM) to send reminders, or use --dry-run."
        )
    if len(host) > 253 or not host.isascii() or not host.isprintable() or any(c in host for c in " /@:?#[]"):
        raise MailSettingsError("RECERT_SMTP_HOST must be a host name or an IPv4 address.")
    security = env.get("RECERT_SMTP_SECURITY", "starttls").strip().lower() or "starttls"
    if security not in SECURITY:
        raise MailSettingsError("RECERT_SMTP_SECURITY must be ssl, starttls or none.")
    port_text = env.get("RECERT_SMTP_PORT", "").strip()
    try:
        port = int(port_text) if port_text else DEFAULT_PORTS[security]
    except ValueError:
        raise MailSettingsError("RECERT_SMTP_PORT must be a port number.") from None
    if not 1 <= port <= 65535:
        raise MailSettingsError("RECERT_SMTP_PORT must be from 1 to 65535.")
    user = env.get("RECERT_SMTP_USER", "")
    password = env.get("RECERT_SMTP_PASSWORD", "")
    if password and not user:
        raise MailSettingsError("RECERT_SMTP_PASSWORD is set without RECERT_SMTP_USER.")
    if user and security == "none":
        raise MailSettingsError(
            "Refusing to send the SMTP password unencrypted: set RECERT_SMTP_SECURITY to ssl or starttls."
        )
    try:
        sender = parse_address(env.get("RECERT_MAIL_FROM", ""))
    except AddressProblem as exc:
        raise MailSettingsError(f"RECERT_MAIL_FROM: {exc}.") from None
    timeout_text = env.get("RECERT_SMTP_TIMEOUT", "").strip()
    try:
        timeout = float(timeout_text) if timeout_text else DEFAULT_TIMEOUT
    except ValueError:
        raise MailSettingsError("RECERT_SMTP_TIMEOUT must be a number of seconds.") from None
    if not 1 <= timeout <= 600:
        raise MailSettingsError("RECERT_SMTP_TIMEOUT must be from 1 to 600 seconds.")
    ca = env.get("RECERT_SMTP_CA_FILE", "").strip() or None
    if ca is not None and not os.path.isfile(ca):
        raise MailSettingsError(f"RECERT_SMTP_CA_FILE {clean(ca)} is not a file.")
    return SmtpSettings(
        host=host,
        port=port,
        security=security,
        user=user,
        password=password,
        sender=sender,
        timeout=timeout,
        ca_file=ca,
    )


def tls_context(settings: SmtpSettings) -> ssl.SSLContext:
    """Certificate and host name verified (the default context); a private CA replaces the system's store."""
    try:
        return ssl.create_default_context(cafile=settings.ca_file)
    except (OSError, ssl.SSLError) as exc:
        raise MailSettingsError(f"RECERT_SMTP_CA_FILE cannot be used ({clean(exc)}).") from None


def _why(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return "the SMTP server refused the user name or password"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"the SMTP server's certificate could not be verified ({clean(exc.verify_message or exc)})"
    if isinstance(exc, ssl.SSLError):
        return f"the TLS connection failed ({clean(exc.reason or exc)})"
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return f"the SMTP server does not support what is needed ({clean(exc).rstrip('.')})"
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return "the SMTP server closed the connection"
    if isinstance(exc, smtplib.SMTPResponseException):
        said = exc.smtp_error  # bytes from the server; str when raised with a message of our own
        said = said.decode("utf-8", "replace") if isinstance(said, bytes) else said
        return f"the SMTP server answered {exc.smtp_code} {clean(said)}"
    if isinstance(exc, TimeoutError | socket.timeout):
        return "the SMTP server did not answer in time"
    if isinstance(exc, socket.gaierror):
        return "the SMTP host name could not be resolved"
    if isinstance(exc, ConnectionRefusedError):
        return "the SMTP server refused the connection"
    if isinstance(exc, OSError):
        return f"the SMTP server could not be reached ({clean(exc.strerror or exc)})"
    return clean(exc) or type(exc).__name__


class Mailer:
    """One SMTP session: ``with Mailer(settings) as m: m.send(msg, to)``."""

    def __init__(self, settings: SmtpSettings):
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Mailer:
        self.connect()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def connect(self) -> None:
        s = self.settings
        try:
            if s.security == "ssl":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    s.host, s.port, timeout=s.timeout, context=tls_context(s)
                )
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
                smtp.ehlo()
                if s.security == "starttls":
                    if not smtp.has_extn("starttls"):
                        smtp.close()
                        raise ConnectionLost(
                            f"The SMTP server {s.describe()} does not offer STARTTLS; nothing was sent."
                        )
                    smtp.starttls(context=tls_context(s))
                    smtp.ehlo()
            if s.user:
                try:
                    smtp.login(s.user, s.password)
                except smtplib.SMTPServerDisconnected:  # some servers hang up on a failed login
                    raise smtplib.SMTPAuthenticationError(535, b"closed after the login") from None
        except MailError:
            raise
        except (smtplib.SMTPException, OSError) as exc:
            raise ConnectionLost(f"Cannot send through {s.describe()}: {_why(exc)}.") from None
        self._smtp = smtp

    def send(self, msg: bytes, to: str) -> None:
        """Hand one message to the server for exactly the recipient ``to`` (MessageRefused or ConnectionLost)."""
        if self._smtp is None:
            raise ConnectionLost("The SMTP connection is not open.")
        try:
            refused = self._smtp.sendmail(self.settings.sender, [to], msg)
        except smtplib.SMTPRecipientsRefused as exc:
            ((code, text),) = exc.recipients.values()
            raise MessageRefused(
                f"the server refused the recipient ({code} {clean(text.decode('utf-8', 'replace'))})"
            ) from None
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
            if 500 <= exc.smtp_code < 600 or exc.smtp_code in (450, 451, 452):
                raise MessageRefused(_why(exc)) from None
            raise ConnectionLost(_why(exc)) from None
        except (smtplib.SMTPException, OSError) as exc:
            self._smtp = None
            raise ConnectionLost(_why(exc)) from None
        if refused:
            raise MessageRefused("the server refused the recipient")

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None
