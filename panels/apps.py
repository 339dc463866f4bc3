import os

from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


@checks.register(checks.Tags.security, deploy=True)
def secret_key_from_environment(app_configs, **kwargs):
    """Deployment check: the secret key comes from the environment (panels.E001).

    Without ``SECRET_KEY`` the settings fall back to a key made up for one process, which
    signs nothing that outlives it (sessions, password reset links).
    """
    if os.environ.get("SECRET_KEY"):
        return []
    return [
        checks.Error(
            "The SECRET_KEY environment variable is not set.",
            hint="Set it to a long random value kept out of the repository.",
            id="panels.E001",
        )
    ]


@checks.register(checks.Tags.security, deploy=True)
def site_url_from_environment(app_configs, **kwargs):
    """Deployment check: emails can link to the site (panels.E002).

    Invitations and reminders carry absolute links built on ``SITE_URL``; a scheduler that
    sends reminders has no request to take the host from.
    """
    from django.conf import settings

    if settings.SITE_URL.startswith("https://"):
        return []
    return [
        checks.Error(
            "The SITE_URL environment variable is not set to an https:// address.",
            hint="Set it to the public address of the site, e.g. https://panels.example.org.",
            id="panels.E002",
        )
    ]


@checks.register(checks.Tags.security, deploy=True)
def sender_address_from_environment(app_configs, **kwargs):
    """Deployment check: emails come from a real address (panels.W003).

    Invitations and reminders are sent from ``DEFAULT_FROM_EMAIL``; its default,
    ``secretariat@localhost``, is refused or filed as spam by most mail servers, and a
    panellist cannot answer it.
    """
    from django.conf import settings

    if not settings.DEFAULT_FROM_EMAIL.rstrip(">").endswith("@localhost"):
        return []
    return [
        checks.Warning(
            "The DEFAULT_FROM_EMAIL environment variable is not set: emails would come from "
            f"{settings.DEFAULT_FROM_EMAIL}.",
            hint="Set it to the secretariat's address, e.g. "
            "'Secretariat <secretariat@example.org>'.",
            id="panels.W003",
        )
    ]


class PanelsConfig(AppConfig):
    """The panels app: meetings, panels, people, panellists and running orders."""

    name = "panels"
    verbose_name = _("Meetings and panels")

    def ready(self):
        from . import caching
        from .services import versions

        versions.connect_receivers()
        caching.connect_receivers()
