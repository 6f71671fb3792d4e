"""Keep the Traditional Chinese catalogue in step with the Simplified one.

    python scripts/translations.py hant     regenerate zh_Hant from zh_Hans (OpenCC, s2twp)
    python scripts/translations.py missing  list msgids without a translation

Simplified Chinese is written by hand; Traditional Chinese is converted from it with the OpenCC
command-line tool (Debian package `opencc`) at development time and committed. `make messages`
runs both after `makemessages`.
"""

import subprocess
import sys
from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent.parent / "salesdesk" / "locale"
SOURCE = LOCALE / "zh_Hans" / "LC_MESSAGES" / "django.po"
TARGET = LOCALE / "zh_Hant" / "LC_MESSAGES" / "django.po"
SEPARATOR = "\u241e"
# Where OpenCC's phrase conversion differs from what Taiwanese business software says.
FIXES = {"許可權": "權限", "退出登入": "登出", "工作臺": "工作台", "審計": "稽核"}  # a character neither catalogue uses, to convert all strings in one call


def convert(texts: list[str]) -> list[str]:
    joined = f"\n{SEPARATOR}\n".join(text.replace("\n", "\u2424") for text in texts)
    result = subprocess.run(["opencc", "-c", "s2twp.json"], input=joined, capture_output=True, text=True,
                            check=True).stdout
    parts = result.rstrip("\n").split(f"\n{SEPARATOR}\n")
    if len(parts) != len(texts):
        raise SystemExit("OpenCC changed the number of strings; aborting.")
    converted = []
    for part in parts:
        for wrong, right in FIXES.items():
            part = part.replace(wrong, right)
        converted.append(part.replace("\u2424", "\n"))
    return converted


def hant() -> None:
    source = polib.pofile(str(SOURCE))
    target = polib.POFile(wrapwidth=source.wrapwidth)
    target.metadata = dict(source.metadata)
    target.metadata["Language"] = "zh_Hant"
    target.metadata["Language-Team"] = "Traditional Chinese"
    target.header = ("Salesdesk — Traditional Chinese, generated from zh_Hans by scripts/translations.py hant\n"
                     "(OpenCC s2twp). Do not edit by hand: change zh_Hans and regenerate.")
    texts, slots = [], []
    for entry in source:
        if entry.obsolete:
            continue
        copy = polib.POEntry(msgid=entry.msgid, msgid_plural=entry.msgid_plural, msgctxt=entry.msgctxt,
                             occurrences=entry.occurrences, flags=list(entry.flags), comment=entry.comment)
        if entry.msgid_plural:
            copy.msgstr_plural = {}
            for index, text in sorted(entry.msgstr_plural.items()):
                slots.append((copy, index))
                texts.append(text)
        else:
            slots.append((copy, None))
            texts.append(entry.msgstr)
        target.append(copy)
    for (entry, index), text in zip(slots, convert(texts), strict=True):
        if index is None:
            entry.msgstr = text
        else:
            entry.msgstr_plural[index] = text
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    target.save(str(TARGET))
    print(f"wrote {TARGET.relative_to(LOCALE.parent.parent)} ({len(target)} entries)")


def missing() -> int:
    count = 0
    for path in sorted(LOCALE.glob("*/LC_MESSAGES/django.po")):
        for entry in polib.pofile(str(path)):
            if entry.obsolete:
                continue
            if not entry.translated() or "fuzzy" in entry.flags:
                count += 1
                print(f"{path.parent.parent.name}: {entry.msgid!r}")
    return count


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "missing"
    if command == "hant":
        hant()
    elif command == "missing":
        sys.exit(1 if missing() else 0)
    else:
        raise SystemExit(__doc__)
