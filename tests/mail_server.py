"""A real SMTP server for the tests (aiosmtpd, on a free local port): the app
sends its mail to it over SMTP, and a test reads what arrived."""

from __future__ import annotations

import email
import email.policy
import threading
import time

from aiosmtpd.controller import Controller

from tests.real_server import free_port


class Inbox:
    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self._lock = threading.Lock()

    async def handle_DATA(self, _server, _session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._lock:
            self.messages.append(message)
        return "250 OK"

    def to(self, address: str, timeout: float = 10.0) -> list[email.message.EmailMessage]:
        """The messages to ``address``, waiting up to ``timeout`` seconds for one."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                found = [m for m in self.messages if address in str(m["To"])]
            if found or time.monotonic() > deadline:
                return found
            time.sleep(0.1)


class MailServer:
    def __init__(self):
        self.inbox = Inbox()
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=free_port())

    def start(self) -> MailServer:
        self.controller.start()
        return self

    @property
    def port(self) -> int:
        return self.controller.port

    def stop(self) -> None:
        self.controller.stop()

    def settings(self) -> dict[str, object]:
        """The app's settings that send to this server."""
        return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": self.port, "SMTP_STARTTLS": False}
