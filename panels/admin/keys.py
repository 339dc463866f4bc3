"""Keys posted to the admin checked before they reach the database.

A page posts the keys of the objects chosen (a person in an autocomplete box, the speakers'
boxes, the rows an action applies to). A tampered or mistyped key ("abc", a number past the
database's integer range) makes an ``__in`` lookup raise (``ValueError``, SQLite's
``OverflowError``) or poisons a PostgreSQL transaction, and the page answered 500. Here such a
key is simply not a choice: the field says "Select a valid choice", an action says nothing was
selected, a date in a list's address is an incorrect lookup (Django then shows the list
unfiltered).
"""

from django import forms
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db import connections


def usable_key(field, value, using="default"):
    """Whether ``value`` (a posted string) can be looked up in the model field ``field`` (a
    primary key or the field a relation points to) without a database error: it converts
    (``field.to_python``) and, for an integer field, lies within the range of the database
    ``using``."""
    try:
        key = field.to_python(value)
    except (ValidationError, TypeError):
        return False
    if isinstance(key, int):
        low, high = connections[using].ops.integer_field_range(field.get_internal_type())
        return (low is None or key >= low) and (high is None or key <= high)
    return True


class CheckedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A ``ModelMultipleChoiceField`` for which a key that cannot be looked up is an invalid
    choice (its ``invalid_choice`` error), not a database error."""

    def _check_values(self, value):
        key_field = self.queryset.model._meta.pk
        if self.to_field_name:
            key_field = self.queryset.model._meta.get_field(self.to_field_name)
        for key in value:
            if not usable_key(key_field, key, self.queryset.db):
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": key},
                )
        return super()._check_values(value)


class CheckedAutocompleteSelect(AutocompleteSelect):
    """An autocomplete box that shows a key that cannot be looked up as nothing chosen (the
    form says why), instead of looking it up."""

    def optgroups(self, name, value, attrs=None):
        key_field = self.field.target_field
        using = self.choices.queryset.db
        value = [key for key in value if key in (None, "") or usable_key(key_field, key, using)]
        return super().optgroups(name, value, attrs)


class CheckedChangeList(ChangeList):
    """A list whose date navigation refuses a year, month or day out of range
    (``IncorrectLookupParameters``, which Django answers with the list unfiltered) instead of
    failing (``OverflowError`` past C's int, ``ValueError`` for the year after 9999)."""

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (OverflowError, ValueError) as error:
            raise IncorrectLookupParameters(error) from error


class CheckedKeysMixin:
    """For a ``ModelAdmin`` or an inline: autocomplete boxes that check their keys
    (``CheckedAutocompleteSelect``)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = CheckedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class CheckedListMixin(CheckedKeysMixin):
    """For a ``ModelAdmin``: its list's date navigation and its actions check what the address
    and the form carry (``CheckedChangeList``; selected rows whose key cannot be looked up are
    dropped before the action runs, so that an action given none says so)."""

    def get_changelist(self, request, **kwargs):
        return CheckedChangeList

    def response_action(self, request, queryset):
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        usable = [key for key in selected if usable_key(self.model._meta.pk, key, queryset.db)]
        if usable != selected:
            request.POST = request.POST.copy()
            request.POST.setlist(helpers.ACTION_CHECKBOX_NAME, usable)
        return super().response_action(request, queryset)
