"""The message catalogues of the five languages besides English (``locale/<lang>/``).

Each must translate every message of the source, none fuzzy, with every plural form the
language has (Arabic six, Russian three: the CLDR plural rules) and the placeholders of its
English message; the compiled ``.mo`` beside it must hold the same translations, because
``bin/run`` and CI use the committed file without compiling. A message added to the code or
templates without translations fails ``test_every_message_of_the_source_is_in_each_catalogue``.
"""

import re
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command

LOCALE = Path(settings.BASE_DIR) / "locale"
# Catalogue folders (Django's locale names) and their number of plural forms.
CATALOGUES = {"ar": 6, "zh_Hans": 1, "fr": 2, "ru": 3, "es": 2}
# The plural forms that stand for one number only, by the CLDR rules in the catalogues' headers.
ONE_NUMBER_FORMS = {"ar": {0, 1, 2}, "zh_Hans": set(), "fr": {0}, "ru": set(), "es": {0}}
# Where makemessages finds the messages.
SOURCES = ["meeting", "panels", "templates"]
# %(name)s, %(count)d, %s, %d; "%%" is a literal percent sign.
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[sdifr]")

pytestmark = pytest.mark.parametrize("language", sorted(CATALOGUES))


def catalogue(language):
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))


def short(items, count=5):
    """The first ``count`` of ``items`` for a failure message (a full list of hundreds of
    messages makes pytest's report unreadable)."""
    return "; ".join(repr(item) for item in list(items)[:count])


def message_key(entry):
    return (entry.msgctxt or "", entry.msgid)


def translations(entry):
    """Every msgstr of ``entry``: its plural forms in order, or its one translation."""
    if entry.msgid_plural:
        return [entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def test_every_message_is_translated_and_none_is_fuzzy(language):
    po = catalogue(language)
    assert not po.metadata_is_fuzzy, "the catalogue's header is marked fuzzy"
    for kind, entries in [
        ("untranslated", po.untranslated_entries()),
        ("fuzzy", po.fuzzy_entries()),
        ("obsolete", po.obsolete_entries()),
    ]:
        assert not entries, (
            f"{len(entries)} {kind}, the first: {short([e.msgid for e in entries])}"
        )


def test_plural_messages_have_every_form_of_the_language(language):
    po = catalogue(language)
    forms = CATALOGUES[language]
    assert f"nplurals={forms};" in po.metadata["Plural-Forms"].replace(" ", "")
    for entry in po:
        if entry.msgid_plural:
            assert len(entry.msgstr_plural) == forms, entry.msgid
            assert all(translations(entry)), f"a plural form of {entry.msgid!r} is empty"


def test_translations_keep_the_placeholders_of_the_english(language):
    """A placeholder invented in a translation fails at run time (KeyError), one left out
    drops a value. A plural form that stands for one number only (Arabic's zero, one and
    two; the Spanish and French "one") may spell out the number it counts."""
    for entry in catalogue(language):
        singular = set(PLACEHOLDER.findall(entry.msgid))
        plural = set(PLACEHOLDER.findall(entry.msgid_plural or entry.msgid))
        needed = {name for name in singular & plural if "count" not in name}
        for form, text in enumerate(translations(entry)):
            used = set(PLACEHOLDER.findall(text))
            assert used <= singular | plural, f"{text!r} invents a placeholder"
            left_out = needed - used
            if entry.msgid_plural and form in ONE_NUMBER_FORMS[language]:
                # The counted number, written in words.
                assert len(left_out) <= 1, f"{text!r} leaves out {left_out} of {entry.msgid!r}"
            else:
                assert not left_out, f"{text!r} leaves out {left_out} of {entry.msgid!r}"


def test_the_compiled_catalogue_holds_the_same_translations(language):
    """``django.mo`` is committed: a ``.po`` edited without compiling it again fails here."""
    po = catalogue(language)
    path = LOCALE / language / "LC_MESSAGES" / "django.mo"
    assert path.is_file(), f"{path} is missing: compile the catalogue (compilemessages)"
    mo = polib.mofile(str(path))
    compiled = {message_key(entry): translations(entry) for entry in mo if entry.msgid}
    written = {message_key(entry): translations(entry) for entry in po.translated_entries()}
    differ = [
        key for key in compiled.keys() | written.keys() if compiled.get(key) != written.get(key)
    ]
    assert not differ, f"{len(differ)} differ, the first: {short(differ)}"


@pytest.mark.skipif(not shutil.which("msgfmt"), reason="GNU gettext's msgfmt is not installed")
def test_msgfmt_finds_no_error(language):
    """GNU gettext's own check of formats and headers, as ``msgfmt --check`` runs it."""
    path = LOCALE / language / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(path)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr


@pytest.mark.skipif(not shutil.which("xgettext"), reason="GNU gettext's xgettext is not installed")
def test_every_message_of_the_source_is_in_each_catalogue(
    language, tmp_path, settings, monkeypatch
):
    """The messages ``makemessages`` finds in the code and templates today, extracted afresh
    into a scratch folder, are all in the committed catalogue."""
    # A copy of the sources, so that makemessages cannot reach the committed catalogues.
    for folder in SOURCES:
        shutil.copytree(
            Path(settings.BASE_DIR) / folder,
            tmp_path / folder,
            ignore=shutil.ignore_patterns("__pycache__", "migrations"),
        )
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(tmp_path)
    call_command("makemessages", locale=[language], add_location="never", verbosity=0)
    fresh = polib.pofile(str(tmp_path / "locale" / language / "LC_MESSAGES" / "django.po"))
    known = {message_key(entry) for entry in catalogue(language)}
    missing = sorted(message_key(entry) for entry in fresh if message_key(entry) not in known)
    assert not missing, f"{len(missing)} to translate (makemessages), the first: {short(missing)}"
