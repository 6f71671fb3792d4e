"""Configuring approval chains (administrators): a chain and its steps are saved together or not
at all."""

from django.db import transaction

from .forms import validate_steps


@transaction.atomic
def save_chain(*, form, steps, company):
    """`form` and `steps` are a valid ChainForm and its step formset."""
    validate_steps(steps)
    chain = form.save(commit=False)
    chain.company = company
    chain.save()
    steps.instance = chain
    steps.save()
    return chain
