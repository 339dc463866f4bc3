"""The resource of the secretariat's spreadsheet of panellists (``PanellistResource``): one row
per person's place on a panel, exported and imported through django-import-export (the rules
of the import are in the package's docstring).

The cells are read and written by the widgets of ``formats``; the panel and the person a row
names are found by ``lookups``.
"""

from concurrency.exceptions import RecordModifiedError
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources
from import_export.results import RowResult

from .. import services
from ..models import AnswerStatus, Honorific, Panel, Panellist, Person, Role, SiteLanguage
from ..translation import english_column, english_value, without_repeated_errors
from .formats import (
    AnsweredAtField,
    ChoiceWidget,
    LanguageWidget,
    TextWidget,
    WholeNumberWidget,
    header_spellings,
    is_blank,
    recognise_headers,
)
from .lookups import PanelFinder, find_person, find_place
from .spreadsheet import SpreadsheetResourceMixin


class EnglishTextField(fields.Field):
    """A text read into the English column of a translated field ("position_en"): an empty
    cell leaves a column never filled in (``None``) as it is, so that an export re-imported
    unchanged changes nothing."""

    def save(self, instance, row, is_m2m=False, **kwargs):
        if self.clean(row, **kwargs) == "" and self.get_value(instance) is None:
            return
        super().save(instance, row, is_m2m=is_m2m, **kwargs)


class PanellistResource(SpreadsheetResourceMixin, resources.ModelResource):
    """A panellist as a spreadsheet row, and a spreadsheet row as a panellist (see the package's
    docstring for the rules of the import)."""

    meeting = fields.Field(
        attribute="panel__meeting__title",
        column_name=_("Meeting"),
        widget=TextWidget(),
        readonly=True,
    )
    panel = fields.Field(
        attribute="panel__title", column_name=_("Panel"), widget=TextWidget(), readonly=True
    )
    panel_id = fields.Field(
        attribute="panel_id",
        column_name=_("Panel ID"),
        widget=WholeNumberWidget(
            _(
                "“%(value)s” is not a panel ID. Give the number from an export, or leave it "
                "blank and give the panel's title."
            )
        ),
        readonly=True,
    )
    name = fields.Field(attribute="person__name", column_name=_("Name"), widget=TextWidget())
    honorific = fields.Field(
        attribute="person__honorific",
        column_name=_("Honorific"),
        widget=ChoiceWidget(
            Honorific,
            _("“%(value)s” is not an honorific. Use one of %(choices)s, or leave it blank."),
            blank_allowed=True,
        ),
    )
    # In English whatever the officer's language, as the programme's titles: an export read
    # in one language and imported in another changes nothing (``english_column``).
    position = EnglishTextField(
        attribute=f"person__{english_column(Person, 'position')}",
        column_name=_("Position"),
        widget=TextWidget(),
    )
    organisation = fields.Field(
        attribute="person__organisation", column_name=_("Organisation"), widget=TextWidget()
    )
    email = fields.Field(
        attribute="person__email",
        column_name=_("Email"),
        widget=TextWidget(blank_means_keep=True),
        saves_null_values=False,
    )
    language = fields.Field(
        attribute="person__preferred_language",
        column_name=_("Language"),
        widget=LanguageWidget(
            SiteLanguage,
            _(
                "“%(value)s” is not one of the site's languages. Use one of %(choices)s, or "
                "leave it blank for the site's default language."
            ),
        ),
    )
    role = fields.Field(
        attribute="role",
        column_name=_("Role"),
        widget=ChoiceWidget(Role, _("“%(value)s” is not a role. Use one of %(choices)s.")),
        saves_null_values=False,
    )
    status = fields.Field(
        attribute="status",
        column_name=_("Status"),
        widget=ChoiceWidget(
            AnswerStatus,
            _("“%(value)s” is not a status. Use one of %(choices)s, or leave it blank."),
        ),
        readonly=True,
    )
    answered_at = AnsweredAtField(
        attribute="responded_at", column_name=_("Answered at"), readonly=True
    )
    order = fields.Field(
        attribute="order",
        column_name=_("Order"),
        widget=WholeNumberWidget(_("“%(value)s” is not a whole number.")),
        saves_null_values=False,
    )
    presentation_title = fields.Field(
        attribute="presentation_title",
        column_name=_("Presentation title"),
        widget=TextWidget(),
    )

    # The resource's field for each model field that validation may report on.
    PANELLIST_FIELDS = {
        "panel": "panel",
        "person": "name",
        "role": "role",
        "order": "order",
        "presentation_title": "presentation_title",
        "status": "status",
        "responded_at": "answered_at",
    }
    PERSON_FIELDS = {
        "name": "name",
        "honorific": "honorific",
        "position": "position",
        english_column(Person, "position"): "position",
        "organisation": "organisation",
        "email": "email",
        "preferred_language": "language",
    }

    def dehydrate_meeting(self, place):
        # In English, as the import finds panels (``lookups.look_up_panel``).
        return english_value(place.panel.meeting, "title")

    def dehydrate_panel(self, place):
        return english_value(place.panel, "title")

    class Meta:
        model = Panellist
        fields = [
            "meeting",
            "panel",
            "panel_id",
            "name",
            "honorific",
            "position",
            "organisation",
            "email",
            "language",
            "role",
            "status",
            "answered_at",
            "order",
            "presentation_title",
        ]
        # Rows are matched by (panel, person), found from several columns
        # (``get_or_init_instance``), not by columns holding the keys themselves.
        import_id_fields = []
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        name = _("Panellists")

    def __init__(self, user=None, **kwargs):
        """``user``: the officer importing; rows find only the panels of their teams'
        meetings and the people they may see (``None``: every panel and person)."""
        super().__init__(**kwargs)
        self.panels = None if user is None else Panel.objects.of_team(user)
        self.people = None if user is None else Person.objects.visible_to_team(user)
        # Headers in the language of the request (file headers in any language are accepted,
        # see ``before_import``).
        for field in self.fields.values():
            field.column_name = str(field.column_name)
        self.reset_import_state()

    def reset_import_state(self):
        """Forget what an earlier import with this resource found."""
        self.row_number = None
        self.panel_finder = PanelFinder(self.panels)
        self.places_in_file = {}
        self.people_in_file = {}
        self.changed_panels = set()

    # Export

    def filter_export(self, queryset, **kwargs):
        """The panellists in programme order, each with their panel, meeting and person."""
        return queryset.select_related("panel__meeting", "person").order_by(
            "panel__meeting__start_date",
            "panel__meeting__pk",
            "panel__date",
            "panel__start_time",
            "panel__pk",
            "order",
            "pk",
        )

    # Import

    def before_import(self, dataset, **kwargs):
        """Recognise the file's headers, and lock the panels it names.

        Headers are matched whatever their case or language (``formats.header_spellings``);
        other columns are ignored. The panels are locked in one order (by key), as every other
        save that changes several panels does, so that the import and an officer's save wait
        for each other instead of deadlocking (``services.lock_panels``).
        """
        self.refuse_too_many_rows(dataset)
        self.reset_import_state()
        columns = {name: self.column(name) for name in self.fields}
        spellings = header_spellings(type(self).fields, columns)
        dataset.headers = recognise_headers(dataset.headers, spellings)
        self.refuse_repeated_columns(dataset.headers, columns.values())
        found = set()
        for values in dataset:
            row = dict(zip(dataset.headers, values, strict=False))
            try:
                found.add(self.find_panel(row).pk)
            except (ValidationError, ValueError):
                continue
        services.lock_panels(found)

    def import_row(self, row, instance_loader, **kwargs):
        """Import one row; a row with every cell empty is skipped (spreadsheets keep them)."""
        if all(is_blank(value) for value in row.values()):
            row_result = self.get_row_result_class()()
            row_result.import_type = RowResult.IMPORT_TYPE_SKIP
            return row_result
        return super().import_row(row, instance_loader, **kwargs)

    def before_import_row(self, row, **kwargs):
        """Note the row's number, for the messages about later rows."""
        self.row_number = kwargs.get("row_number")

    def find_panel(self, row):
        """The panel that ``row`` names, by "Panel ID", else by "Panel" (its title) within
        "Meeting" when given (``lookups.look_up_panel``, each answer remembered for the rows
        that follow). Raises ``ValidationError`` saying why none is found, and ``ValueError``
        for a "Panel ID" that is not a number."""
        panel_id = self.cell(row, "panel_id")
        title = self.cell(row, "panel") or ""
        meeting = self.cell(row, "meeting") or ""
        return self.panel_finder.find(panel_id, title, meeting)

    def find_person(self, row, panel):
        """The person that ``row`` names on ``panel`` (``lookups.find_person``): by "Email",
        else by "Name"; a new, unsaved ``Person`` when nobody matches."""
        return find_person(
            self.cell(row, "email"), self.cell(row, "name") or "", panel, self.people
        )

    def get_or_init_instance(self, instance_loader, row):
        """The panellist ``row`` describes, and whether it is new (see ``find_panel``,
        ``find_person`` and ``lookups.find_place``). Problems finding the panel or person are
        kept on the instance and reported with the row's other errors (``import_instance``)."""
        errors = {}
        panel = person = None
        try:
            panel = self.find_panel(row)
        except ValidationError as error:
            errors[self.column("panel")] = error.messages
        except ValueError as error:
            errors[self.column("panel_id")] = [str(error)]
        try:
            person = self.find_person(row, panel)
        except ValidationError as error:
            errors[self.column("name")] = error.messages
            person = Person()
        instance, new = find_place(panel, person)
        instance.import_errors = errors
        instance.person_as_loaded = {name: getattr(person, name) for name in self.PERSON_FIELDS}
        instance.answer_to_record = None
        return instance, new

    def import_instance(self, instance, row, **kwargs):
        """Set the row's values on the panellist and their person; read the status to record.

        Each error is keyed by its column's header. Also refused: a second row of the file for
        the same person on the same panel, and a row that gives a person other details than an
        earlier row did.
        """
        errors = dict(instance.import_errors)
        for field in self.fields.values():
            if field.readonly or field.column_name not in row:
                continue
            try:
                self.import_field(field, instance, row, **kwargs)
            except ValueError as error:
                errors[field.column_name] = [str(error)]
        try:
            status = self.cell(row, "status")
        except ValueError as error:
            errors[self.column("status")] = [str(error)]
        else:
            if status and status != instance.status:
                try:
                    instance.answer_to_record = (status, self.answer_time(instance, row))
                except ValueError as error:
                    errors[self.column("answered_at")] = [str(error)]
        person = instance.person
        if person.pk is not None and instance.panel_id is not None:
            place = self.places_in_file.get((instance.panel_id, person.pk))
            earlier = self.people_in_file.get(person.pk)
            if place is not None and place != self.row_number:
                errors.setdefault(self.column("name"), []).append(
                    _(
                        "This person is already on this panel in row %(row)d of the file; a "
                        "person has one place on a panel."
                    )
                    % {"row": place}
                )
            elif (
                earlier is not None
                and earlier != self.row_number
                and self.person_changed(instance, ignore_email_case=True)
            ):
                errors.setdefault(self.column("name"), []).append(
                    _(
                        "Row %(row)d of the file gives other details for this person. Give the "
                        "same name, honorific, position, organisation and email address in every "
                        "row of one person."
                    )
                    % {"row": earlier}
                )
        if errors:
            raise ValidationError(errors)
        self.remember(instance)

    def remember(self, instance):
        """Note the row's person and place (when they exist), for the rows that follow."""
        if instance.person.pk is None or instance.panel_id is None:
            return
        self.places_in_file.setdefault((instance.panel_id, instance.person.pk), self.row_number)
        self.people_in_file.setdefault(instance.person.pk, self.row_number)

    def answer_time(self, instance, row):
        """The answer time the row gives (``AnsweredAtField.moment``), or ``None`` (then the
        moment of the import is recorded). A time equal to the one recorded is not taken: it
        belongs to the earlier answer. Raises ``ValueError`` for text that is not an ISO 8601
        date and time."""
        moment = self.fields["answered_at"].moment(row, instance)
        if moment == instance.responded_at:
            return None
        return moment

    def person_changed(self, instance, ignore_email_case=False):
        """Whether the row changes the details of the panellist's (existing) person; with
        ``ignore_email_case``, an email address written in other capitals is no change."""

        def comparable(name, value):
            return value.casefold() if ignore_email_case and name == "email" else value

        return any(
            comparable(name, getattr(instance.person, name)) != comparable(name, value)
            for name, value in instance.person_as_loaded.items()
        )

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """Skip a row that changes nothing; a new place or a change of status is never
        skipped."""
        if instance.pk is None or instance.answer_to_record is not None:
            return False
        return super().skip_row(instance, original, row, import_validation_errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """Check the person and the panellist as the admin's forms do (``full_clean``, with
        the database's rules), and raise every error of the row keyed by its column."""
        errors = {}
        for column, messages in (import_validation_errors or {}).items():
            errors.setdefault(column, []).extend(ValidationError(messages).messages)
        columns_with_errors = set(errors)

        def check(obj, field_names, exclude):
            excluded = [
                model_field
                for model_field, name in field_names.items()
                if self.column(name) in columns_with_errors
            ]
            try:
                obj.full_clean(exclude=[*excluded, *exclude], validate_unique=validate_unique)
            except ValidationError as error:
                for model_field, messages in without_repeated_errors(
                    obj, error.message_dict
                ).items():
                    name = field_names.get(model_field)
                    column = self.column(name) if name else NON_FIELD_ERRORS
                    errors.setdefault(column, []).extend(messages)

        person = instance.person
        check(person, self.PERSON_FIELDS, [])
        exclude = []
        if person.pk is None:
            exclude.append("person")  # saved only once the row is valid
        if instance.panel_id is None:
            exclude.append("panel")
        check(instance, self.PANELLIST_FIELDS, exclude)
        if errors:
            raise ValidationError(errors)

    def before_save_instance(self, instance, row, **kwargs):
        """Save the person first: a new one, or one whose details the row changed.

        A person saved by someone else since the row read them (their page, or a correction
        of theirs accepted: django-concurrency's ``RecordModifiedError``) is not written
        over: the row's error says so, as a clash of places does (``do_instance_save``).
        """
        person = instance.person
        if person.pk is None or self.person_changed(instance):
            try:
                person.save()
            except RecordModifiedError:
                raise ValidationError(
                    _(
                        "Someone else saved this person's details while the file was being "
                        "imported, so this row was not saved. Import the file again."
                    )
                ) from None
            instance.person = person

    def do_instance_save(self, instance, is_create):
        """Save the panellist; a clash with a row saved meanwhile is reported as the row's
        error, not as a server error."""
        try:
            with transaction.atomic():
                services.save_panellist(instance, force_insert=is_create, raise_versions=False)
        except IntegrityError:
            raise ValidationError(
                _(
                    "This row clashes with a change saved at the same moment (a panel has one "
                    "moderator, and each person one place on it). Import the file again."
                )
            ) from None

    def after_save_instance(self, instance, row, **kwargs):
        """Record the row's status, if it changes (``services.record_answer``); note the
        panel as changed, and the (possibly new) person and place for the rows that follow."""
        if instance.answer_to_record is not None:
            status, at = instance.answer_to_record
            services.record_answer(instance, status, at=at)
        self.changed_panels.add(instance.panel_id)
        self.remember(instance)

    def after_import(self, dataset, result, **kwargs):
        """Increase the version of every panel whose panellists the import changed."""
        super().after_import(dataset, result, **kwargs)
        if self.changed_panels:
            services.bump_panel_versions(sorted(self.changed_panels))
