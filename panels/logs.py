"""Personal links kept out of the logs.

A panellist's personal link (``/answer/<secret>/``, under a language prefix or not) lets
whoever holds it answer for them: its secret must not reach an access log, an error report or
a log collector. ``mask_personal_links`` hides it in any text; ``MaskPersonalLinks`` applies it
to every record of Django's loggers (``settings.LOGGING``: the development server's access
log, "Not Found: …" warnings, error reports), and ``meeting.serving.AccessLogger`` to
gunicorn's access log (the request line and the ``Referer`` of the pages a personal link's
page loads).
"""

import logging
import re

# The secret: whatever follows "/answer/" up to the next "/", "?", "#", space or quote. The
# address may come percent-encoded (a server routes "/%61nswer/…" to the same page) and in
# any case, so each character may be written either way.
_ANSWER = "".join(f"(?:{char}|%{ord(char):02x})" for char in "/answer/")
_PERSONAL_LINK = re.compile(rf"({_ANSWER})[^/?#\s\"'%]+(?:%(?!2f)[^/?#\s\"'%]*)*", re.IGNORECASE)
HIDDEN = "[hidden]"


def mask_personal_links(text):
    """``text`` (a str) with the secret of every personal link in it replaced by
    "[hidden]": ``"GET /fr/answer/s3cr3t/ HTTP/1.1"`` becomes
    ``"GET /fr/answer/[hidden]/ HTTP/1.1"``."""
    return _PERSONAL_LINK.sub(r"\g<1>" + HIDDEN, text)


class MaskPersonalLinks(logging.Filter):
    """A logging filter that masks personal links in a record's message and its string
    arguments (the record is kept; only the secret is replaced)."""

    def filter(self, record):
        if isinstance(record.msg, str):
            record.msg = mask_personal_links(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(
                mask_personal_links(arg) if isinstance(arg, str) else arg for arg in record.args
            )
        elif isinstance(record.args, dict):
            record.args = {
                key: mask_personal_links(arg) if isinstance(arg, str) else arg
                for key, arg in record.args.items()
            }
        # Django's request loggers attach the request; its path holds the secret too.
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            record.request_path = mask_personal_links(request.path)
        return True
