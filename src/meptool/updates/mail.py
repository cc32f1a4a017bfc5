"""E-mail: `.eml` files (RFC 5322, multipart/alternative) and sending them by SMTP.

Headers are built with the standard library's `email` package under the SMTP
policy (CRLF, RFC 2047 encoded UTF-8). Every header value is checked for line
breaks first, so a title, a name or an address cannot add a header.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email.policy
import email.utils
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from pathlib import Path

from meptool.errors import InputError

POLICY = email.policy.SMTP


# Every character the email package (str.splitlines) treats as a line end, and NUL:
# any of them in a header is refused rather than left to the library to choke on.
LINE_BREAKS = frozenset("\r\n\x00\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


def _one_line(value: str, what: str) -> str:
    if any(ch in LINE_BREAKS for ch in value):
        raise InputError(
            f"{what} contains a line break, which could add an e-mail header: {value!r}",
            hint=f"write the {what} on one line",
        )
    # Other control characters (bell, escape sequences, DEL, C1) would travel raw
    # in a quoted name and act on the terminal of whoever reads the headers.
    bad = next((ch for ch in value if _is_control(ch)), None)
    if bad is not None:
        raise InputError(
            f"{what} contains the control character {bad!r}: {value!r}",
            hint=f"remove it from the {what}",
        )
    return value


def _is_control(ch: str) -> bool:
    code = ord(ch)
    return (code < 0x20 and ch != "\t") or 0x7F <= code <= 0x9F


def address(name: str | None, addr: str, what: str) -> Address:
    """A checked mailbox: one-line name, one address."""
    _one_line(addr, f"{what} address")
    if name:
        _one_line(name, f"{what} name")
    try:
        return Address(display_name=name or "", addr_spec=addr)
    except (ValueError, IndexError) as exc:
        raise InputError(f"{what} address {addr!r} is not an e-mail address: {exc}") from None


def new_message_id(domain: str | None, incident_id: str, seq: int) -> str:
    """`<MEP-2026-001.1.3f9c…@mail_domain>`: never the machine's hostname."""
    if not domain:
        raise InputError(
            "mail_domain is not set in meptool.yaml: it is needed for the e-mails' Message-ID",
            hint="add e.g. 'mail_domain: agence.example' (your company's mail domain) "
            "to meptool.yaml, or draft without eml: --format md",
        )
    return f"<{incident_id}.{seq}.{secrets.token_hex(6)}@{domain}>"


def build(
    *,
    subject: str,
    text: str,
    html: str,
    sender: Address,
    to: Sequence[Address],
    date: dt.datetime,
    message_id: str,
    in_reply_to: str | None = None,
    references: Sequence[str] = (),
    language: str | None = None,
) -> EmailMessage:
    """A multipart/alternative message: plain text first, then HTML."""
    if not to:
        raise InputError("the e-mail has no recipient")
    msg = EmailMessage(policy=POLICY)
    msg["Subject"] = _one_line(subject, "subject")
    msg["From"] = sender
    msg["To"] = list(to)
    msg["Date"] = email.utils.format_datetime(date)
    msg["Message-ID"] = _one_line(message_id, "Message-ID")
    if in_reply_to:
        msg["In-Reply-To"] = _one_line(in_reply_to, "In-Reply-To")
    if references:
        msg["References"] = _one_line(" ".join(references), "References")
    msg.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    msg.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
    if language:  # after the parts: set_content clears Content-* headers
        msg["Content-Language"] = _one_line(language, "language")
    return msg


def to_bytes(msg: EmailMessage) -> bytes:
    """The message as an `.eml` file: CRLF line ends, as on the wire."""
    return msg.as_bytes(policy=POLICY)


def read(path: Path) -> EmailMessage:
    """Parse an `.eml` file."""
    from email import message_from_bytes

    msg = message_from_bytes(path.read_bytes(), policy=email.policy.default)
    if not isinstance(msg, EmailMessage):  # pragma: no cover - policy.default guarantees it
        raise InputError(f"{path} is not an e-mail")
    return msg


def text_part(msg: EmailMessage) -> str:
    """The plain-text body of a message ('' when it has none)."""
    part = msg.get_body(preferencelist=("plain",))
    return str(part.get_content()).replace("\r\n", "\n") if part is not None else ""


def html_part(msg: EmailMessage) -> str:
    """The HTML body of a message ('' when it has none)."""
    part = msg.get_body(preferencelist=("html",))
    return str(part.get_content()).replace("\r\n", "\n") if part is not None else ""


def recipients_of(msg: EmailMessage) -> list[str]:
    """Every address in To and Cc."""
    pairs = email.utils.getaddresses([str(v) for k in ("To", "Cc") for v in msg.get_all(k, [])])
    return [addr for _, addr in pairs if addr]


@dataclass
class SmtpSettings:
    """Where and how to connect (from `smtp` in meptool.yaml)."""

    host: str
    port: int
    starttls: bool
    ssl: bool
    username: str | None
    password: str | None
    timeout: float


@dataclass
class Delivery:
    """What the server accepted and refused."""

    accepted: list[str] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)


def send(settings: SmtpSettings, msg: EmailMessage, sender: str, to: list[str]) -> Delivery:
    """Hand the message to the SMTP server; InputError with a clear message on failure."""
    import smtplib  # here: drafting and checking never load the network stack
    import socket
    import ssl

    where = f"{settings.host}:{settings.port}"
    context = ssl.create_default_context()
    try:
        client: smtplib.SMTP
        if settings.ssl:
            client = smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=settings.timeout, context=context
            )
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        try:
            if settings.starttls and not settings.ssl:
                client.ehlo()
                if not client.has_extn("starttls"):
                    raise InputError(
                        f"the mail server {where} does not offer STARTTLS; nothing was sent",
                        hint="use the server's TLS port, or set smtp.starttls: false in "
                        "meptool.yaml if this server is on a trusted network",
                    )
                client.starttls(context=context)
                client.ehlo()
            if settings.username:
                client.login(settings.username, settings.password or "")
            refused = client.send_message(msg, from_addr=sender, to_addrs=to)
            # Once the server has said 250 to the message, it is sent: a server
            # that hangs up instead of answering QUIT must not make it "not sent".
            with contextlib.suppress(smtplib.SMTPException, OSError):
                client.quit()
        finally:
            client.close()
    except smtplib.SMTPRecipientsRefused as exc:
        detail = "; ".join(f"{a}: {_reply(r)}" for a, r in exc.recipients.items())
        raise InputError(
            f"the mail server {where} refused every recipient ({detail}); nothing was sent"
        ) from None
    except smtplib.SMTPAuthenticationError as exc:
        raise InputError(
            f"the mail server {where} refused the login of {settings.username}: {_reply(exc)}",
            hint="check smtp.username and the password in the variable named by smtp.password_env",
        ) from None
    except smtplib.SMTPSenderRefused as exc:
        raise InputError(
            f"the mail server {where} refused the sender {exc.sender}: {_reply(exc)}",
            hint="check smtp.from in meptool.yaml",
        ) from None
    except (TimeoutError, smtplib.SMTPServerDisconnected) as exc:
        if isinstance(exc, TimeoutError) or "timed out" in str(exc):
            raise InputError(
                f"the mail server {where} timed out: no answer within {settings.timeout:g} s; "
                "nothing was sent",
                hint="check that the server works, or raise smtp.timeout in meptool.yaml",
            ) from None
        raise InputError(
            f"the mail server {where} closed the connection ({exc}); nothing was sent",
            hint="run 'meptool update send' again; if it keeps failing, check the server's logs",
        ) from None
    except smtplib.SMTPException as exc:
        raise InputError(f"mail server {where}: {exc}; nothing was sent") from None
    except (socket.gaierror, ConnectionError, ssl.SSLError, OSError) as exc:
        raise InputError(
            f"could not reach the mail server {where}: {exc}; nothing was sent",
            hint="check smtp.host and smtp.port in meptool.yaml and your network, "
            "then run 'meptool update send' again",
        ) from None
    delivery = Delivery(refused={a: _reply(r) for a, r in refused.items()})
    delivery.accepted = [a for a in to if a not in refused]
    return delivery


def _reply(value: object) -> str:
    """An SMTP reply (code, message) as readable text."""
    if isinstance(value, tuple) and len(value) == 2:
        code, text = value
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        return f"{code} {text}"
    import smtplib

    if isinstance(value, smtplib.SMTPResponseException):
        return _reply((value.smtp_code, value.smtp_error))
    return str(value)
