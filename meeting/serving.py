"""The production server's pieces that gunicorn loads (``gunicorn.conf.py``)."""

from gunicorn.glogging import Logger

from panels.logs import mask_personal_links


class AccessLogger(Logger):
    """gunicorn's logger, with personal links masked in every value of the access log (the
    request line, the path, the query string, the ``Referer``): see ``panels.logs``."""

    def atoms(self, resp, req, environ, request_time):
        values = super().atoms(resp, req, environ, request_time)
        return {
            key: mask_personal_links(value) if isinstance(value, str) else value
            for key, value in values.items()
        }
