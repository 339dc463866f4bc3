"""The production server's pieces that gunicorn loads (``gunicorn.conf.py``)."""

from gunicorn.glogging import Logger

from panels.logs import MaskPersonalLinks, mask_personal_links


class AccessLogger(Logger):
    """gunicorn's logger, with personal links masked in every value of the access log (the
    request line, the path, the query string, the ``Referer``) and in every record of its
    error log (a request line it could not read): see ``panels.logs``."""

    def setup(self, cfg):
        super().setup(cfg)
        self.error_log.addFilter(MaskPersonalLinks())

    def atoms(self, resp, req, environ, request_time):
        values = super().atoms(resp, req, environ, request_time)
        return {
            key: mask_personal_links(value) if isinstance(value, str) else value
            for key, value in values.items()
        }
