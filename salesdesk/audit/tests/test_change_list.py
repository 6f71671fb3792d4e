"""The audit log's column of changes, written in Python: escaped, "—" for none, long values cut."""

from salesdesk.audit.templatetags.audit_changes import LONGEST, change_list


def test_it_escapes_labels_and_values_and_shows_a_dash_for_none():
    html = str(change_list([("名称 <b>", None, "<script>x</script>")]))

    assert "<script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html
    assert "名称 &lt;b&gt;" in html
    assert "data-before>—</span>" in html


def test_it_cuts_a_long_value_to_its_length_with_an_ellipsis():
    html = str(change_list([("备注", "甲" * 200, "短")]))

    assert "甲" * (LONGEST - 1) + "…" in html
    assert "甲" * LONGEST not in html
    assert "data-after>短</span>" in html


def test_an_entry_without_changes_shows_a_dash():
    assert 'class="sd-muted">—</li>' in str(change_list([]))
