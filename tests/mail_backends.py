"""An email backend for the real-worker tests (``test_bulk_send_worker.py``): Django's
file-based backend (``EMAIL_FILE_PATH``) that, when ``TEST_MAIL_STOP_AFTER`` is set to a
number N, stops for good right after writing the process's Nth email, as a worker that hangs
while handing an email to the mail server does, so that the test can kill it at that moment.
"""

import os
import threading
import time

from django.core.mail.backends.filebased import EmailBackend

# Emails written by this process, across connections.
_written = 0
_lock = threading.Lock()


class StoppingFileBackend(EmailBackend):
    """``filebased.EmailBackend`` that hangs after the ``TEST_MAIL_STOP_AFTER``-th email."""

    def write_message(self, message):
        global _written
        super().write_message(message)
        self.stream.flush()
        with _lock:
            _written += 1
            written = _written
        stop_after = os.environ.get("TEST_MAIL_STOP_AFTER")
        if stop_after and written >= int(stop_after):
            while True:  # until the test kills the worker
                time.sleep(1)
