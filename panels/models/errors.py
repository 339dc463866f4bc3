"""Validation errors in the secretariat's words, shown beside the input they concern."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from .. import running_order


def clock_change_message(error, clock, zone_name):
    """Why the wall-clock ``clock`` (a ``time``) cannot be used on a day in ``zone_name``, in
    the secretariat's words; ``error`` is the ``running_order.NonexistentLocalTime`` or
    ``AmbiguousLocalTime`` that ``running_order.local_datetime`` raised."""
    values = {"time": clock.strftime("%H:%M"), "zone": zone_name}
    if isinstance(error, running_order.NonexistentLocalTime):
        return (
            _(
                "%(time)s does not exist on that day in %(zone)s: the clocks go forward. Choose a "
                "time outside the skipped hour."
            )
            % values
        )
    return (
        _(
            "%(time)s happens twice on that day in %(zone)s: the clocks go back. Choose a time "
            "outside the repeated hour."
        )
        % values
    )


def errors_beside_fields(error, fields_by_code):
    """Move non-field errors to the field they concern, chosen by the error's code.

    ``error`` is a ``ValidationError``; ``fields_by_code`` maps an error code (a constraint's
    ``violation_error_code``) to a field name. Returns a new ``ValidationError`` keyed by field,
    so that the admin shows each message beside its input.
    """
    if not hasattr(error, "error_dict"):
        return error
    moved = {}
    for field, field_errors in error.error_dict.items():
        for field_error in field_errors:
            target = field
            if field == NON_FIELD_ERRORS:
                target = fields_by_code.get(field_error.code, field)
            moved.setdefault(target, []).append(field_error)
    return ValidationError(moved)
