"""Filters of the panel list: by what the checks find, and by the panellists' answers."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .. import checks


class ProblemsFilter(admin.SimpleListFilter):
    """Panels by what their checks find (``panels.checks``), computed in Python."""

    title = _("problems")
    parameter_name = "problems"

    # The choices, each with the test a panel's findings must pass.
    TESTS = {
        "overrun": lambda findings: any(f.code == "overrun" for f in findings),
        "warnings": lambda findings: any(f.severity == checks.WARNING for f in findings),
        "none": lambda findings: not findings,
    }

    def lookups(self, request, model_admin):
        return [
            ("overrun", _("Overruns its slot")),
            ("warnings", _("Has warnings")),
            ("none", _("No problems")),
        ]

    def queryset(self, request, queryset):
        test = self.TESTS.get(self.value())
        if test is None:
            return None
        matching = [
            pk
            for pk, findings in checks.findings_by_panel(queryset).items()
            if findings is not None and test(findings)
        ]
        return queryset.filter(pk__in=matching)

    def get_facet_queryset(self, changelist):
        """The counts shown by "Show counts", from one reading of the findings.

        (Django's default builds one ``Count(filter=Q(pk__in=...))`` per choice; a choice that
        matches no panel then empties the whole aggregate, and every count reads 0.)
        """
        panels = changelist.get_queryset(
            self.request, exclude_parameters=self.expected_parameters()
        )
        found = [
            findings
            for findings in checks.findings_by_panel(panels).values()
            if findings is not None
        ]
        return {
            f"{index}__c": sum(self.TESTS[value](findings) for findings in found)
            for index, (value, _label) in enumerate(self.lookup_choices)
        }


class AnswersFilter(admin.SimpleListFilter):
    """Panels by their panellists' answers (``PanelQuerySet.by_answers``): all who are
    expected to speak (neither declined nor withdrawn) have confirmed, some have not answered,
    someone declined, or nobody is expected."""

    title = _("answers")
    parameter_name = "answers"

    def lookups(self, request, model_admin):
        return [
            ("confirmed", _("All confirmed")),
            ("waiting", _("Waiting for answers")),
            ("declined", _("Someone declined")),
            ("none", _("No panellists expected")),
        ]

    def queryset(self, request, queryset):
        if self.value() not in dict(self.lookup_choices):
            return None
        return queryset.by_answers(self.value())
