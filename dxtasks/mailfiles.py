"""An email backend that writes each message as its own .eml file.

Django's file backend appends every message of a connection to one .log file;
a new user wants to double-click what a recipient would have received.
"""

import os
import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone


class EmlFileBackend(BaseEmailBackend):
    def __init__(self, *, file_path=None, **kwargs):
        super().__init__(**kwargs)
        self.directory = Path(file_path or settings.EMAIL_FILE_PATH)

    def send_messages(self, email_messages):
        self.directory.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
            path = self.directory / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(message.message().as_bytes(linesep="\r\n"))
            os.replace(tmp, path)  # readers never see half a message
            sent += 1
        return sent
