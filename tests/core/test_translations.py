"""The English catalog: complete, compiled, and served when the browser asks for English.

German is the source language of every UI string; locale/en/LC_MESSAGES/django.po translates them all.
The catalog is parsed with plain Python here, so the test needs neither polib nor GNU gettext (msgfmt is
used for an extra format check only where it is installed)."""

import gettext
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import missing_service

LOCALE_DIR = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES"
PO_FILE = LOCALE_DIR / "django.po"
MO_FILE = LOCALE_DIR / "django.mo"

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")$')


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), text[1:-1])


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def label(self) -> str:
        return f"{self.msgctxt}|{self.msgid}" if self.msgctxt else self.msgid


def parse_po(path: Path) -> list[Entry]:
    """Entries of a .po file in order; entries are separated by blank lines (the header has msgid "")."""
    entries = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        entry, target = Entry(), None
        for line in block.strip().splitlines():
            if line.startswith("#~"):
                entry.obsolete = True
            elif line.startswith("#,"):
                entry.flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            elif line.startswith("#"):
                continue
            elif match := _KEYWORD.match(line):
                keyword, index, value = match.group(1), match.group(2), _unquote(match.group(3))
                if keyword.startswith("msgstr"):
                    target = ("msgstr", int(index or 0))
                    entry.msgstr[target[1]] = value
                else:
                    target = (keyword, None)
                    setattr(entry, keyword, value)
            else:
                assert line.startswith('"') and target, f"unexpected line in {path}: {line!r}"
                if target[0] == "msgstr":
                    entry.msgstr[target[1]] += _unquote(line)
                else:
                    setattr(entry, target[0], getattr(entry, target[0]) + _unquote(line))
        if target is not None or entry.obsolete:
            entries.append(entry)
    return entries


def active_entries() -> list[Entry]:
    return [entry for entry in parse_po(PO_FILE) if not entry.obsolete]


def test_every_entry_is_translated_and_none_is_fuzzy():
    entries = [entry for entry in active_entries() if entry.msgid]
    assert len(entries) > 1000, "the catalog looks truncated"
    untranslated = [
        entry.label
        for entry in entries
        if not entry.msgstr
        or not all(entry.msgstr.values())
        or (entry.msgid_plural is not None and len(entry.msgstr) < 2)
    ]
    fuzzy = [entry.label for entry in active_entries() if "fuzzy" in entry.flags]
    assert untranslated == [], "untranslated msgids:\n" + "\n".join(untranslated)
    assert fuzzy == [], "fuzzy entries:\n" + "\n".join(fuzzy)


def test_placeholders_survive_translation():
    placeholder = re.compile(r"%\([^)]+\)[sdifr]|%[sdif]")
    broken = []
    for entry in active_entries():
        if not entry.msgid:
            continue
        # The singular of a plural may spell out "one" instead of the count; its other placeholders stay.
        source = entry.msgid_plural if entry.msgid_plural is not None else entry.msgid
        last = entry.msgstr[max(entry.msgstr)]
        if sorted(placeholder.findall(source)) != sorted(placeholder.findall(last)):
            broken.append(entry.label)
    assert broken == [], "placeholders differ:\n" + "\n".join(broken)


def _mo_catalog() -> dict:
    with MO_FILE.open("rb") as handle:
        return gettext.GNUTranslations(handle)._catalog


def test_compiled_catalog_matches_the_po_file():
    expected = {}
    for entry in active_entries():
        if not entry.msgid or "fuzzy" in entry.flags:
            continue
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt is not None else entry.msgid
        if entry.msgid_plural is None:
            expected[key] = entry.msgstr[0]
        else:
            expected.update({(key, index): text for index, text in entry.msgstr.items()})
    compiled = {key: value for key, value in _mo_catalog().items() if key != ""}
    stale = sorted(str(key) for key in expected.keys() ^ compiled.keys()) + sorted(
        str(key) for key in expected.keys() & compiled.keys() if expected[key] != compiled[key]
    )
    assert stale == [], "django.mo is out of date; run `manage.py compilemessages -l en`:\n" + "\n".join(stale[:50])


def test_po_file_passes_msgfmt_format_checks(tmp_path):
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:  # the .mo comparison above still guards the catalog
        missing_service("needs GNU gettext (msgfmt); .ci/run installs it")
    result = subprocess.run(
        [msgfmt, "--check-format", "-o", str(tmp_path / "django.mo"), str(PO_FILE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


PAGES = [
    ("/", "District workshops: shaping Hannover together", "Bezirkswerkstätten: Hannover gemeinsam gestalten"),
    ("/bezirke/", "The 13 districts", "Die 13 Stadtbezirke"),
    ("/werkstaetten/", "Find district workshops", "Bezirkswerkstätten finden"),
    ("/barrierefreiheit/", "Accessibility statement", "Erklärung zur Barrierefreiheit"),
]


def _h1(html: str) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    assert match, "page has no h1"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "english", "german"), PAGES)
def test_page_is_english_when_the_browser_asks_for_english(client, path, english, german):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in html
    assert _h1(html) == english
    assert "Skip to content" in html


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "english", "german"), PAGES)
def test_page_stays_german_when_the_browser_asks_for_german(client, path, english, german):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="de">' in html
    assert _h1(html) == german
    assert english not in html


def test_every_string_of_the_source_is_in_the_catalog(tmp_path, settings):
    """makemessages over a copy of the source adds no untranslated entry to the catalog: a new German string
    without its English fails here, not on an English page."""
    if not (shutil.which("xgettext") and shutil.which("msgmerge")):
        missing_service("needs GNU gettext (xgettext, msgmerge)")
    from contextlib import chdir

    from django.core.management import call_command

    source = PO_FILE.parents[3]
    copy = tmp_path / "src"
    shutil.copytree(
        source,
        copy,
        ignore=shutil.ignore_patterns(".venv", ".git", "var", "node_modules", "__pycache__", "*.mo", "*.pyc"),
    )
    settings.LOCALE_PATHS = [copy / "locale"]
    with chdir(copy):
        call_command("makemessages", locale=["en"], ignore_patterns=["tmp", "media"], verbosity=0)
    merged = copy / "locale" / "en" / "LC_MESSAGES" / "django.po"
    missing = [
        entry.label
        for entry in parse_po(merged)
        if not entry.obsolete
        and entry.msgid
        and (not entry.msgstr or not all(entry.msgstr.values()) or "fuzzy" in entry.flags)
    ]
    assert missing == [], "strings without English (run makemessages and translate):\n" + "\n".join(missing)
