from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PanelsConfig(AppConfig):
    """The panels app: meetings, panels, people, panellists and running orders."""

    name = "panels"
    verbose_name = _("Meetings and panels")
