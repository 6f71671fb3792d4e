from salesdesk.org.orgfile import template_summaries

from ._base import OrgCommand


class Command(OrgCommand):
    help = "List the organisation templates that load_org can load."

    def handle(self, *args, **options):
        rows = [("code", "name", "departments", "positions", "territories", "headcount")]
        for item in template_summaries():
            rows.append((item["code"], item["name"], str(item["departments"]), str(item["positions"]),
                         str(item["territories"]), str(item["headcount"])))
        self.stdout.write(_table(rows))


def _width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _table(rows) -> str:
    widths = [max(_width(row[index]) for row in rows) for index in range(len(rows[0]))]
    lines = []
    for number, row in enumerate(rows):
        lines.append("  ".join(cell + " " * (widths[index] - _width(cell)) for index, cell in enumerate(row)).rstrip())
        if number == 0:
            lines.append("  ".join("-" * width for width in widths))
    return "\n".join(lines)
