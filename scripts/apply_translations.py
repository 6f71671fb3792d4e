"""Fill msgstr for untranslated or fuzzy entries of the Simplified Chinese catalogue from a Python
file holding a dict T (msgid -> translation) and optionally PLURALS; prints what is still missing.

    .venv/bin/python scripts/apply_translations.py /path/to/translations.py
"""

import runpy
import sys
from pathlib import Path

import polib

CATALOGUE = Path(__file__).resolve().parents[1] / "salesdesk/locale/zh_Hans/LC_MESSAGES/django.po"


def main(source: str) -> int:
    values = runpy.run_path(source)
    singular, plural = values.get("T", {}), values.get("PLURALS", {})
    po = polib.pofile(str(CATALOGUE))
    missing = []
    for entry in po:
        if entry.obsolete:
            continue
        fuzzy = "fuzzy" in entry.flags
        if entry.msgid_plural:
            if entry.msgid in plural and (fuzzy or not all(entry.msgstr_plural.values())):
                entry.msgstr_plural = {0: plural[entry.msgid]}
            elif fuzzy or not all(entry.msgstr_plural.values()):
                missing.append(entry.msgid)
                continue
        elif entry.msgid in singular and (fuzzy or not entry.msgstr):
            entry.msgstr = singular[entry.msgid]
        elif fuzzy or not entry.msgstr:
            missing.append(entry.msgid)
            continue
        if fuzzy:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
    po.save()
    for msgid in missing:
        print("missing:", msgid)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
