"""URL configuration: the admin; the public pages under a language prefix (``/fr/…``; an
address without one is redirected by the browser's languages, Django's ``LocaleMiddleware``),
and the exports and personal links at their unprefixed addresses too (``panels.urls``); the
site's own page for a failed request (``handler500``, which also answers 503 when the
database is out of reach)."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from panels.urls import unprefixed_patterns

urlpatterns = [
    path("admin/", admin.site.urls),
    *unprefixed_patterns,
    *i18n_patterns(path("", include("panels.urls")), prefix_default_language=True),
]

handler500 = "panels.errors.server_error"
