"""History with values (issue 12, item 5): a historical table per model a secretariat edits
(django-simple-history), each row a change with the values after it and who made it.

Rows saved before this migration get one record each, "as found when history began", so that
their first change shows the values before it.
"""

import datetime
import django.core.validators
import django.db.models.deletion
import panels.models.history
import panels.models.meetings
import panels.validators
import simple_history.models
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

HISTORY_BEGAN = "As found when history began"
TRACKED = [
    "Meeting",
    "Room",
    "Panel",
    "ConceptNoteSection",
    "Person",
    "Panellist",
    "Segment",
    "SegmentSpeaker",
]


def record_rows_found(apps, schema_editor):
    """One record ("+", made by "other") of every row there, with its values now."""
    now = timezone.now()
    for name in TRACKED:
        Model = apps.get_model("panels", name)
        Historical = apps.get_model("panels", f"Historical{name}")
        tracked = [
            field.attname
            for field in Historical._meta.concrete_fields
            if not field.name.startswith("history_")
        ]
        Historical.objects.bulk_create(
            (
                Historical(
                    **{attname: getattr(row, attname) for attname in tracked},
                    history_date=now,
                    history_type="+",
                    history_actor="other",
                    history_actor_name="",
                    history_change_reason=HISTORY_BEGAN,
                )
                for row in Model.objects.iterator()
            ),
            batch_size=500,
        )


class Migration(migrations.Migration):

    dependencies = [
        ('panels', '0015_meeting_teams'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='HistoricalConceptNoteSection',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('history_actor', models.CharField(choices=[('officer', 'Officer'), ('link', 'Panellist through their personal link'), ('import', 'Import'), ('command', 'Command'), ('other', 'Other')], default=panels.models.history.current_actor_kind, max_length=20, verbose_name='made by')),
                ('history_actor_name', models.CharField(blank=True, default=panels.models.history.current_actor_name, help_text='The panellist or the command that made the change.', max_length=300, verbose_name="actor's name")),
                ('heading', models.CharField(max_length=300, validators=[panels.validators.validate_single_line], verbose_name='heading')),
                ('body', models.TextField(help_text='Markdown: *emphasis*, lists, [links](https://…). UN document symbols such as A/71/1 become links to the document.', max_length=20000, validators=[django.core.validators.MaxLengthValidator(20000)], verbose_name='text')),
                ('order', models.PositiveSmallIntegerField(default=0, verbose_name='order')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('meeting', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='panels.meeting', verbose_name='meeting')),
                ('panel', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='panels.panel', verbose_name='panel')),
            ],
            options={
                'verbose_name': 'historical concept note section',
                'verbose_name_plural': 'historical concept note sections',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalMeeting',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('history_actor', models.CharField(choices=[('officer', 'Officer'), ('link', 'Panellist through their personal link'), ('import', 'Import'), ('command', 'Command'), ('other', 'Other')], default=panels.models.history.current_actor_kind, max_length=20, verbose_name='made by')),
                ('history_actor_name', models.CharField(blank=True, default=panels.models.history.current_actor_name, help_text='The panellist or the command that made the change.', max_length=300, verbose_name="actor's name")),
                ('title', models.CharField(max_length=300, validators=[panels.validators.validate_single_line], verbose_name='title')),
                ('slug', models.SlugField(help_text='Letters, digits and hyphens, e.g. “cm15-migration-2017”.', max_length=100, verbose_name='short name in web addresses')),
                ('organiser', models.CharField(blank=True, max_length=300, validators=[panels.validators.validate_single_line], verbose_name='organiser')),
                ('body', models.CharField(blank=True, help_text='The body the meeting belongs to, e.g. “Human Rights Council”.', max_length=300, validators=[panels.validators.validate_single_line], verbose_name='body')),
                ('body_session', models.CharField(blank=True, help_text='E.g. “31st regular session”.', max_length=300, validators=[panels.validators.validate_single_line], verbose_name='session of the body')),
                ('format', models.CharField(choices=[('in_person', 'In person'), ('hybrid', 'Hybrid (in person and online)'), ('virtual', 'Virtual (online only)')], default='in_person', max_length=20, verbose_name='format')),
                ('webcast_url', models.URLField(blank=True, help_text="Where the public can watch, e.g. the meeting's page on UN Web TV.", verbose_name='webcast')),
                ('interpretation_languages', models.JSONField(blank=True, default=list, help_text='The languages the meeting is interpreted into.', validators=[panels.models.meetings.validate_languages], verbose_name='interpretation')),
                ('venue', models.CharField(blank=True, max_length=300, validators=[panels.validators.validate_single_line], verbose_name='venue')),
                ('start_date', models.DateField(help_text="In the meeting's local time.", validators=[django.core.validators.MinValueValidator(datetime.date(1900, 1, 1), message='Choose a date from the year 1900 on.'), django.core.validators.MaxValueValidator(datetime.date(2199, 12, 31), message='Choose a date before the year 2200.')], verbose_name='first day')),
                ('end_date', models.DateField(help_text="In the meeting's local time.", validators=[django.core.validators.MinValueValidator(datetime.date(1900, 1, 1), message='Choose a date from the year 1900 on.'), django.core.validators.MaxValueValidator(datetime.date(2199, 12, 31), message='Choose a date before the year 2200.')], verbose_name='last day')),
                ('time_zone', models.CharField(help_text='The IANA time zone of the venue, e.g. America/New_York or Europe/Zurich (Geneva). All panel times are entered and shown in this zone.', max_length=64, validators=[panels.validators.validate_time_zone], verbose_name='time zone')),
                ('status', models.CharField(choices=[('draft', 'Draft (secretariat only)'), ('public', 'Public')], default='draft', help_text='Draft meetings and their panels are hidden from the public.', max_length=10, verbose_name='status')),
                ('secretariat_email', models.EmailField(blank=True, help_text="Panellists' answers are sent here. Never shown publicly.", max_length=254, verbose_name="secretariat's email address")),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical meeting',
                'verbose_name_plural': 'historical meetings',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalPanel',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('history_actor', models.CharField(choices=[('officer', 'Officer'), ('link', 'Panellist through their personal link'), ('import', 'Import'), ('command', 'Command'), ('other', 'Other')], default=panels.models.history.current_actor_kind, max_length=20, verbose_name='made by')),
                ('history_actor_name', models.CharField(blank=True, default=panels.models.history.current_actor_name, help_text='The panellist or the command that made the change.', max_length=300, verbose_name="actor's name")),
                ('kind', models.CharField(choices=[('panel', 'Panel discussion'), ('plenary', 'Plenary session'), ('working_group', 'Working group'), ('side_event', 'Side event'), ('briefing', 'Briefing'), ('break', 'Break'), ('other', 'Other')], default='panel', max_length=20, verbose_name='kind of session')),
                ('title', models.CharField(max_length=500, validators=[panels.validators.validate_single_line], verbose_name='title')),
                ('date', models.DateField(help_text="In the meeting's local time.", validators=[django.core.validators.MinValueValidator(datetime.date(1900, 1, 1), message='Choose a date from the year 1900 on.'), django.core.validators.MaxValueValidator(datetime.date(2199, 12, 31), message='Choose a date before the year 2200.')], verbose_name='date')),
                ('start_time', models.TimeField(blank=True, help_text="In the meeting's local time, e.g. 15:00. Leave both times blank while the time is not published.", null=True, verbose_name='start time')),
                ('end_time', models.TimeField(blank=True, help_text="In the meeting's local time, e.g. 16:30.", null=True, verbose_name='end time')),
                ('ends_after_midnight', models.BooleanField(default=False, help_text='Tick when the session ends on the next day, e.g. 22:00 to 01:00.', verbose_name='ends after midnight')),
                ('is_published', models.BooleanField(default=False, help_text='Published panels of a public meeting are shown to everyone. A panel whose running order overruns its slot cannot be published.', verbose_name='published')),
                ('presentation_limit_minutes', models.PositiveSmallIntegerField(default=10, help_text='Minutes. Presentations longer than this are flagged.', validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(1440)], verbose_name='longest presentation')),
                ('answer_deadline', models.DateTimeField(blank=True, help_text="Panellists' personal links stop working after this moment (in the meeting's local time). Leave blank to use the panel's start.", null=True, verbose_name='answer by')),
                ('panellist_display', models.CharField(choices=[('everyone', 'Everyone invited, marked “to be confirmed” until they confirm'), ('confirmed', 'Only panellists who have confirmed')], default='everyone', help_text='Panellists who declined or withdrew are never shown.', max_length=20, verbose_name='panellists shown to the public')),
                ('vacated_items', models.CharField(choices=[('announce', 'Shown, with “speaker to be announced”'), ('hide', 'Left out until the secretariat gives it to someone')], default='announce', help_text='How the public running order shows an item whose speakers all declined or withdrew, until it is given to someone else or dropped.', max_length=20, verbose_name='items of speakers who declined')),
                ('status', models.CharField(choices=[('scheduled', 'Scheduled'), ('cancelled', 'Cancelled')], default='scheduled', help_text='A cancelled panel stays on the public programme and in calendars, marked as cancelled.', max_length=20, verbose_name='status')),
                ('cancelled_at', models.DateTimeField(blank=True, editable=False, help_text='When the panel was cancelled; empty while it is scheduled.', null=True, verbose_name='cancelled at')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('meeting', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='panels.meeting', verbose_name='meeting')),
                ('room', models.ForeignKey(blank=True, db_constraint=False, help_text="One of the meeting's rooms; blank for a session shared by every room.", null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='panels.room', verbose_name='room')),
            ],
            options={
                'verbose_name': 'historical panel',
                'verbose_name_plural': 'historical panels',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalPanellist',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('history_actor', models.CharField(choices=[('officer', 'Officer'), ('link', 'Panellist through their personal link'), ('import', 'Import'), ('command', 'Command'), ('other', 'Other')], default=panels.models.history.current_actor_kind, max_length=20, verbose_name='made by')),
                ('history_actor_name', models.CharField(blank=True, default=panels.models.history.current_actor_name, help_text='The panellist or the command that made the change.', max_length=300, verbose_name="actor's name")),
                ('function', models.CharField(blank=True, help_text='For a place without a named person, e.g. “Representative of France” or “Chair of the Second Committee”.', max_length=300, validators=[panels.validators.validate_single_line], verbose_name='function')),
                ('role', models.CharField(choices=[('chair', 'Chair'), ('co_chair', 'Co-chair'), ('moderator', 'Moderator'), ('keynote', 'Keynote speaker'), ('opening', 'Opening statement'), ('panellist', 'Panellist'), ('discussant', 'Discussant'), ('respondent', 'Respondent'), ('rapporteur', 'Rapporteur'), ('closing', 'Closing remarks')], default='panellist', max_length=20, verbose_name='role')),
                ('attendance', models.CharField(choices=[('in_person', 'In person'), ('online', 'Online'), ('video', 'Recorded video message')], default='in_person', max_length=20, verbose_name='attendance')),
                ('order', models.PositiveSmallIntegerField(default=0, help_text='Lower numbers appear first.', verbose_name='order of appearance')),
                ('presentation_title', models.CharField(blank=True, max_length=500, validators=[panels.validators.validate_single_line], verbose_name='presentation title')),
                ('status', models.CharField(choices=[('invited', 'Invited'), ('confirmed', 'Confirmed'), ('declined', 'Declined'), ('withdrawn', 'Withdrawn')], default='invited', max_length=20, verbose_name='confirmation status')),
                ('responded_at', models.DateTimeField(blank=True, help_text='When the panellist confirmed, declined or withdrew.', null=True, verbose_name='answered at')),
                ('decline_reason', models.TextField(blank=True, max_length=2000, validators=[django.core.validators.MaxLengthValidator(2000)], verbose_name='reason for declining')),
                ('note_to_secretariat', models.TextField(blank=True, max_length=2000, validators=[django.core.validators.MaxLengthValidator(2000)], verbose_name='note to the secretariat')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('panel', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='panels.panel', verbose_name='panel')),
                ('person', models.ForeignKey(blank=True, db_constraint=False, help_text='Leave blank for a place to be announced, or known by its function only.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='panels.person', verbose_name='person')),
            ],
            options={
                'verbose_name': 'historical panellist',
                'verbose_name_plural': 'historical panellists',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalPerson',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('history_actor', models.CharField(choices=[('officer', 'Officer'), ('link', 'Panellist through their personal link'), ('import', 'Import'), ('command', 'Command'), ('other', 'Other')], default=panels.models.history.current_actor_kind, max_length=20, verbose_name='made by')),
                ('history_actor_name', models.CharField(blank=True, default=panels.models.history.current_actor_name, help_text='The panellist or the command that made the change.', max_length=300, verbose_name="actor's name")),
                ('honorific', models.CharField(blank=True, choices=[(None, '(none)'), ('Mr.', 'Mr.'), ('Ms.', 'Ms.'), ('Mx.', 'Mx.'), ('Dr.', 'Dr.'), ('Prof.', 'Prof.'), ('H.E.', 'H.E.'), ('H.E. Mr.', 'H.E. Mr.'), ('H.E. Ms.', 'H.E. Ms.'), ('Amb.', 'Amb.')], default='', max_length=10, verbose_name='honorific')),
                ('name', models.CharField(help_text='As the person writes it, in any script.', max_length=200, validators=[panels.validators.validate_single_line], verbose_name='name')),
                ('position', models.CharField(blank=True, max_length=300, validators=[panels.validators.validate_single_line], verbose_name='position')),
                ('organisation', models.CharField(blank=True, max_length=300, validators=[panels.validators.validate_single_line], verbose_name='organisation')),
                ('email', models.EmailField(blank=True, help_text='For the secretariat only; never shown.', max_length=254, verbose_name='email address')),
                ('bio', models.TextField(blank=True, max_length=3000, validators=[django.core.validators.MaxLengthValidator(3000)], verbose_name='short bio')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'historical person',
                'verbose_name_plural': 'historical people',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalRoom',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('history_actor', models.CharField(choices=[('officer', 'Officer'), ('link', 'Panellist through their personal link'), ('import', 'Import'), ('command', 'Command'), ('other', 'Other')], default=panels.models.history.current_actor_kind, max_length=20, verbose_name='made by')),
                ('history_actor_name', models.CharField(blank=True, default=panels.models.history.current_actor_name, help_text='The panellist or the command that made the change.', max_length=300, verbose_name="actor's name")),
                ('name', models.CharField(max_length=200, validators=[panels.validators.validate_single_line], verbose_name='name')),
                ('order', models.PositiveSmallIntegerField(default=0, help_text='Rooms are listed in this order, side by side.', verbose_name='order')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('meeting', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='panels.meeting', verbose_name='meeting')),
            ],
            options={
                'verbose_name': 'historical room',
                'verbose_name_plural': 'historical rooms',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalSegment',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('history_actor', models.CharField(choices=[('officer', 'Officer'), ('link', 'Panellist through their personal link'), ('import', 'Import'), ('command', 'Command'), ('other', 'Other')], default=panels.models.history.current_actor_kind, max_length=20, verbose_name='made by')),
                ('history_actor_name', models.CharField(blank=True, default=panels.models.history.current_actor_name, help_text='The panellist or the command that made the change.', max_length=300, verbose_name="actor's name")),
                ('kind', models.CharField(choices=[('opening', 'Opening remarks'), ('keynote', 'Keynote address'), ('agenda_item', 'Agenda item'), ('presentation', 'Presentation'), ('statements', 'Statements'), ('discussion', 'Discussion / Q&A'), ('open_floor', 'Open floor'), ('tour_de_table', 'Tour de table'), ('video', 'Video screening'), ('concluding', 'Concluding remarks'), ('break', 'Break'), ('lunch', 'Lunch'), ('other', 'Other')], default='presentation', max_length=20, verbose_name='kind')),
                ('title', models.CharField(blank=True, help_text='Leave blank to use the kind.', max_length=300, validators=[panels.validators.validate_single_line], verbose_name='title')),
                ('number', models.CharField(blank=True, help_text="An agenda item's number as the programme gives it, e.g. “I” or “3 (a)”.", max_length=20, validators=[panels.validators.validate_single_line], verbose_name='number')),
                ('duration_minutes', models.PositiveSmallIntegerField(blank=True, help_text='Whole minutes; blank when the programme gives none.', null=True, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(1440)], verbose_name='duration')),
                ('fixed_start', models.TimeField(blank=True, help_text='Only when the programme fixes it, e.g. 11:00.', null=True, verbose_name='fixed start')),
                ('fixed_end', models.TimeField(blank=True, help_text='Only when the programme fixes it.', null=True, verbose_name='fixed end')),
                ('order', models.PositiveSmallIntegerField(default=0, verbose_name='order')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('panel', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='panels.panel', verbose_name='panel')),
            ],
            options={
                'verbose_name': 'historical item',
                'verbose_name_plural': 'historical running order',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalSegmentSpeaker',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('history_actor', models.CharField(choices=[('officer', 'Officer'), ('link', 'Panellist through their personal link'), ('import', 'Import'), ('command', 'Command'), ('other', 'Other')], default=panels.models.history.current_actor_kind, max_length=20, verbose_name='made by')),
                ('history_actor_name', models.CharField(blank=True, default=panels.models.history.current_actor_name, help_text='The panellist or the command that made the change.', max_length=300, verbose_name="actor's name")),
                ('order', models.PositiveSmallIntegerField(default=0, verbose_name='order')),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.CharField(max_length=100, null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('panellist', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='panels.panellist', verbose_name='speaker')),
                ('segment', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='panels.segment', verbose_name='item')),
            ],
            options={
                'verbose_name': 'historical speaker',
                'verbose_name_plural': 'historical speakers',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.RunPython(record_rows_found, migrations.RunPython.noop),
    ]
