"""core.renderers.FormRenderer writes the plainest widgets in Python: the HTML must be exactly what
Django's templates give, for every kind of value, attribute and option the forms use."""

import datetime
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.safestring import mark_safe

from salesdesk.core.renderers import FormRenderer

CHOICES = [("", "全部"), ("a", "甲 & 乙"), (1, "<b>一</b>"), ("组", [("x", "X 号"), ("y", mark_safe("<i>Y</i>"))])]


class EveryWidget(forms.Form):
    name = forms.CharField(max_length=20, widget=forms.TextInput(attrs={"placeholder": '名称 "引号" <>', "autofocus": True}))
    email = forms.EmailField(required=False)
    amount = forms.DecimalField(max_digits=10, decimal_places=2, min_value=0)
    count = forms.IntegerField(required=False, widget=forms.NumberInput(attrs={"step": 1, "disabled": False}))
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    moment = forms.DateTimeField(required=False)
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True))
    hidden = forms.CharField(widget=forms.HiddenInput)
    agree = forms.BooleanField(required=False)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    kind = forms.ChoiceField(choices=CHOICES, required=False)
    kinds = forms.MultipleChoiceField(choices=CHOICES, required=False)
    maybe = forms.NullBooleanField(required=False)
    url = forms.URLField(required=False, assume_scheme="https")
    search = forms.CharField(required=False, widget=forms.SearchInput)


VALUES = [
    {},
    {"name": "李 & <王>", "email": "a@b.cn", "amount": Decimal("12.50"), "count": 3, "day": datetime.date(2026, 12, 7),
     "moment": datetime.datetime(2026, 12, 7, 9, 30), "secret": 'p"w', "hidden": "7", "agree": True,
     "notes": "第一行\n<script>x</script>", "kind": "a", "kinds": ["a", "y"], "maybe": False, "url": "https://例子.cn",
     "search": "x"},
    {"kind": 1, "kinds": ["1"], "agree": False, "notes": "", "maybe": True},
]


@pytest.mark.parametrize("initial", VALUES)
@pytest.mark.parametrize("bound", [False, True])
def test_every_widget_renders_exactly_as_djangos_templates(initial, bound):
    data = {key: (value if not isinstance(value, bool) else ("on" if value else "")) for key, value in initial.items()}
    ours = EveryWidget(data if bound else None, initial=None if bound else initial, renderer=FormRenderer())
    djangos = EveryWidget(data if bound else None, initial=None if bound else initial, renderer=TemplatesSetting())

    for name in EveryWidget.base_fields:
        assert str(ours[name]) == str(djangos[name]), name


def test_the_fast_path_is_taken_for_selects_inputs_and_textareas():
    renderer = FormRenderer()
    form = EveryWidget(renderer=renderer)
    renderer._templates_are_djangos()
    taken = []
    original = TemplatesSetting.render

    def counted(self, template_name, context, request=None):
        taken.append(template_name)
        return original(self, template_name, context, request)

    TemplatesSetting.render = counted
    try:
        for name in ("name", "kind", "notes", "agree", "day"):
            str(form[name])
    finally:
        TemplatesSetting.render = original

    assert taken == []
