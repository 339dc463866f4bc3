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


class PanelsConfig(AppConfig):
    """The panels app: meetings, panels, people, panellists and running orders."""

    name = "panels"
    verbose_name = _("Meetings and panels")
