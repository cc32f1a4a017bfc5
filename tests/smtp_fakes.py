"""A misbehaving SMTP server on 127.0.0.1, for the failures aiosmtpd will not act out.

Modes: "silent" (accepts the connection, never says a word), "drop-data" (hangs up
in the middle of the message), "no-quit" (accepts the message with 250, then hangs
up instead of answering QUIT), "bad-starttls" (offers STARTTLS, then refuses it),
"echo-auth" (refuses AUTH quoting the client's AUTH line back, as some servers do),
"kill-client" (takes the whole message, then SIGKILLs the process `victim` before
answering: the client dies with its message delivered, as on a power cut),
"hang-after-data" (stores the message, never answers the final '.'), "drop-after-data"
(stores it, hangs up without answering), "reject-CODE" (answers the final '.' with CODE).
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import threading


class FakeSmtp:
    """One thread serving connections in the given mode until `stop()`."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.sock.settimeout(0.2)
        self.port = int(self.sock.getsockname()[1])
        self.received: list[bytes] = []
        self.commands: list[bytes] = []
        self.victim: int | None = None  # the pid "kill-client" kills
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self.sock.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            with conn, contextlib.suppress(OSError):
                self._talk(conn)

    def _talk(self, conn: socket.socket) -> None:
        if self.mode == "silent":
            while not self._stop.wait(0.1):
                pass
            return
        reader = conn.makefile("rb")

        def say(text: str) -> None:
            conn.sendall(text.encode() + b"\r\n")

        say("220 fake.example ESMTP")
        for line in reader:
            self.commands.append(line)
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                extra = {"bad-starttls": ["STARTTLS"], "echo-auth": ["AUTH PLAIN"]}
                lines = ["fake.example", *extra.get(self.mode, []), "8BITMIME"]
                for item in lines[:-1]:
                    say(f"250-{item}")
                say(f"250 {lines[-1]}")
            elif verb == b"STAR":
                say("454 4.7.0 TLS not available due to temporary reason")
            elif verb == b"AUTH":
                say("535 5.7.8 authentication failed for " + line.decode().strip())
            elif verb in (b"MAIL", b"RCPT", b"RSET", b"NOOP"):
                say("250 OK")
            elif verb == b"DATA":
                say("354 go ahead")
                data = b""
                for part in reader:
                    data += part
                    if self.mode == "drop-data" and len(data) > 200:
                        return  # hang up mid-message
                    if part == b".\r\n":
                        break
                self.received.append(data)
                if self.mode == "hang-after-data":
                    while not self._stop.is_set() and conn.recv(1024):
                        pass  # stored, and no answer until the client gives up
                    return
                if self.mode == "drop-after-data":
                    return  # stored, then hung up without a word
                if self.mode.startswith("reject-"):
                    code = self.mode.removeprefix("reject-")
                    say(f"{code} message rejected by policy")
                    continue
                if self.mode == "kill-client" and self.victim:
                    victim, self.victim = self.victim, None  # once: a pid is reused
                    os.kill(victim, signal.SIGKILL)
                    return
                say("250 2.0.0 queued")
                if self.mode == "no-quit":
                    return  # hang up instead of answering QUIT
            elif verb == b"QUIT":
                say("221 bye")
                return
            else:
                say("502 not implemented")
