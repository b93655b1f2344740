"""Mail backends the tests switch to: a server that is down, one that refuses a round's
second message, and one that counts its connections."""

from django.core.mail.backends import locmem
from django.core.mail.backends.base import BaseEmailBackend


class DownBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("mail server is down")


class SecondRefusedBackend(locmem.EmailBackend):
    """Sends the first message of each connection and refuses the second."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.tries = 0

    def send_messages(self, messages):
        self.tries += 1
        if self.tries == 2:
            raise ConnectionResetError("mail server hung up")
        return super().send_messages(messages)


class ConnectionCountingBackend(locmem.EmailBackend):
    """Like the SMTP backend: `send_messages` opens a connection when none is open and
    closes what it opened. `connections` counts the connections made."""

    connections = 0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.connected = False

    def open(self):
        if self.connected:
            return False
        self.connected = True
        type(self).connections += 1
        return True

    def close(self):
        self.connected = False

    def send_messages(self, messages):
        opened = self.open()
        try:
            return super().send_messages(messages)
        finally:
            if opened:
                self.close()
