"""Simplified Chinese is the default language and English / Traditional Chinese are complete:
every string of the code has a translation in both Chinese catalogues."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[3]
LOCALE = ROOT / "salesdesk" / "locale"
CATALOGUES = ["zh_Hans", "zh_Hant"]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdr]|\{(\w*)\}")


def catalogue(language):
    path = LOCALE / language / "LC_MESSAGES" / "django.po"
    assert path.exists(), f"{path} is missing; run `make messages`"
    return polib.pofile(str(path))


def problems_of(po):
    found = []
    for entry in po:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            found.append(f"fuzzy: {entry.msgid!r}")
        elif not entry.translated():
            found.append(f"untranslated: {entry.msgid!r}")
        else:
            texts = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
            wanted = {m for pair in PLACEHOLDER.findall(entry.msgid) for m in pair if m}
            for text in texts:
                got = {m for pair in PLACEHOLDER.findall(text) for m in pair if m}
                if got != wanted:
                    found.append(f"placeholders differ: {entry.msgid!r} -> {text!r}")
    return found


@pytest.mark.parametrize("language", CATALOGUES)
def test_every_catalogued_string_is_translated(language):
    po = catalogue(language)
    assert len(po) > 100
    assert problems_of(po) == []


def test_traditional_chinese_is_in_step_with_simplified():
    simplified = {entry.msgid for entry in catalogue("zh_Hans") if not entry.obsolete}
    traditional = {entry.msgid for entry in catalogue("zh_Hant") if not entry.obsolete}
    assert simplified == traditional


def test_the_catalogues_cover_every_string_of_the_code(tmp_path):
    """Extract the strings of a copy of the code (GNU gettext's xgettext, as `makemessages`
    does) and check that nothing new is left without a translation."""
    if shutil.which("xgettext") is None:
        if os.environ.get("REQUIRE_GETTEXT"):
            pytest.fail("xgettext (Debian package gettext) is required")
        pytest.skip("xgettext (Debian package gettext) is not installed")
    copy = tmp_path / "project"
    ignore = shutil.ignore_patterns("vendor", "*.mo", "__pycache__", "node_modules", ".venv")
    shutil.copytree(ROOT / "salesdesk", copy / "salesdesk", ignore=ignore)
    shutil.copy(ROOT / "manage.py", copy / "manage.py")
    environment = {**os.environ, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "salesdesk.settings",
                   "PYTHONPATH": str(copy), "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"}
    subprocess.run([sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--no-obsolete"],
                   cwd=copy, env=environment, check=True, capture_output=True)
    po = polib.pofile(str(copy / "salesdesk" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    assert problems_of(po) == []
