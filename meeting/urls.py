"""URL configuration: the admin, language switching and the public pages; the site's own page
for a failed request (``handler500``, which also answers 503 when the database is out of
reach)."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("panels.urls")),
]

handler500 = "panels.errors.server_error"
