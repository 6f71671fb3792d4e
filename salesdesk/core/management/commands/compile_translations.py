"""Compile the translation catalogues (.po → .mo) with polib, so no GNU gettext is needed.

A catalogue is compiled when its .mo is missing or older than the .po; `--force` compiles all.
The .mo files are build products and are not committed.
"""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


def catalogues(locale_dirs) -> list[Path]:
    found = []
    for directory in locale_dirs:
        found.extend(sorted(Path(directory).glob("*/LC_MESSAGES/django.po")))
    return found


def is_up_to_date(po_path: Path, mo_path: Path) -> bool:
    return mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime


class Command(BaseCommand):
    help = "Compile every salesdesk/locale/*/LC_MESSAGES/django.po to django.mo (skips up-to-date ones)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Compile even the up-to-date catalogues.")

    def handle(self, *args, force=False, **options):
        locale_dirs = [Path(path) for path in settings.LOCALE_PATHS]
        found = catalogues(locale_dirs)
        if not found:
            where = ", ".join(str(path) for path in locale_dirs) or "(no LOCALE_PATHS)"
            self.stdout.write(f"No translation catalogues in {where}; nothing to compile.")
            return
        compiled = 0
        for po_path in found:
            mo_path = po_path.with_suffix(".mo")
            language = po_path.parent.parent.name
            if not force and is_up_to_date(po_path, mo_path):
                self.stdout.write(f"{language}: up to date")
                continue
            catalogue = polib.pofile(str(po_path))
            catalogue.save_as_mofile(str(mo_path))
            compiled += 1
            self.stdout.write(self.style.SUCCESS(
                f"{language}: compiled {len(catalogue.translated_entries())} of "
                f"{len([e for e in catalogue if not e.obsolete])} messages → {mo_path.name}"))
        self.stdout.write(f"Compiled {compiled} of {len(found)} catalogues.")
