"""Middleware of the panels app."""

from django.core.exceptions import BadRequest


def refuse_nul_in_address(get_response):
    """Answer 400 (the site's "request could not be read" page) to an address whose query
    string holds a NUL character: no field, filter or search term can contain one, and
    PostgreSQL refuses it in a query (a list filter or an autocomplete search would fail
    with a 500). Forms already refuse NUL in posted fields (Django's
    ``ProhibitNullCharactersValidator``)."""

    def middleware(request):
        pairs = ((key, value) for key, values in request.GET.lists() for value in values)
        if any("\x00" in key or "\x00" in value for key, value in pairs):
            raise BadRequest("NUL character in the query string")
        return get_response(request)

    return middleware
