"""The approval chains as a section of the org file (`approval_chains`), so a template ships the
reviews its seed describes (合同评审 with 法务 and 财务 signing together, 订单评审 …) and an exported
organisation carries them. Positions are named by code, amounts as text ("500000.00").

    approval_chains [{document_type, name, priority?, is_active?, <conditions>?,
                      steps [{name, approver, levels?, positions? [codes], mode?, <conditions>?}]}]
    <conditions>: min_amount, max_amount, min_discount, customer_levels [..], channels [..],
                  product_lines [..], below_floor

Keys holding their default are left out of an export, so files stay short and load → export is
byte for byte the same."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from salesdesk.org.orgfile import Section, register_section

from . import registry
from .models import ApprovalChain, ApprovalStep, ApproverKind, StepMode

KEY = "approval_chains"
CHAIN_KEYS = ("document_type", "name", "priority", "is_active")
STEP_KEYS = ("name", "approver", "levels", "positions", "mode")
AMOUNTS = ("min_amount", "max_amount", "min_discount")
LISTS = ("customer_levels", "channels", "product_lines")
CONDITIONS = (*AMOUNTS, *LISTS, "below_floor")


def _check_conditions(item: dict, where: str, errors: list[str]) -> None:
    for key in AMOUNTS:
        if key in item:
            try:
                value = Decimal(str(item[key]))
            except (InvalidOperation, ValueError):
                value = None
            if value is None or not value.is_finite() or value < 0:
                errors.append(_("%(where)s: %(field)s must be a non-negative number.") % {"where": where, "field": key})
    for key in LISTS:
        if key in item and (not isinstance(item[key], list) or not all(isinstance(v, str) and v for v in item[key])):
            errors.append(_("%(where)s: %(field)s must be a list of texts.") % {"where": where, "field": key})
    channels = {value for value, _label in registry.CHANNEL_CHOICES}
    for channel in item.get("channels") or []:
        if channels and isinstance(channel, str) and channel not in channels:
            errors.append(_('%(where)s: unknown channel "%(channel)s".') % {"where": where, "channel": channel})
    if "below_floor" in item and not isinstance(item["below_floor"], bool):
        errors.append(_("%(where)s: below_floor must be true or false.") % {"where": where})
    for key in item:
        if key not in CHAIN_KEYS and key not in STEP_KEYS and key not in CONDITIONS and key != "steps":
            errors.append(_('%(where)s: unknown key "%(key)s".') % {"where": where, "key": key})


def validate(items: list, positions: dict) -> list[str]:
    errors: list[str] = []
    for number, chain in enumerate(items, start=1):
        if not isinstance(chain, dict):
            errors.append(_("Approval chain number %(n)d is not an object.") % {"n": number})
            continue
        where = _("approval chain %(name)s") % {"name": chain.get("name") or number}
        if chain.get("document_type") not in registry.DOCUMENT_TYPES:
            errors.append(_('%(where)s: unknown document type "%(type)s"; use one of %(known)s.') % {
                "where": where, "type": chain.get("document_type"), "known": ", ".join(registry.DOCUMENT_TYPES)})
        if not isinstance(chain.get("name"), str) or not chain["name"].strip() or len(chain["name"]) > 100:
            errors.append(_("%(where)s: the name is missing or too long.") % {"where": where})
        if "priority" in chain and (not isinstance(chain["priority"], int) or not 0 <= chain["priority"] <= 32767):
            errors.append(_("%(where)s: priority must be a whole number.") % {"where": where})
        if "is_active" in chain and not isinstance(chain["is_active"], bool):
            errors.append(_("%(where)s: is_active must be true or false.") % {"where": where})
        _check_conditions(chain, where, errors)
        steps = chain.get("steps")
        if not isinstance(steps, list) or not steps:
            errors.append(_("%(where)s needs at least one step.") % {"where": where})
            continue
        for index, step in enumerate(steps, start=1):
            step_where = _("%(where)s, step %(n)d") % {"where": where, "n": index}
            if not isinstance(step, dict):
                errors.append(_("%(where)s is not an object.") % {"where": step_where})
                continue
            if not isinstance(step.get("name"), str) or not step["name"].strip() or len(step["name"]) > 100:
                errors.append(_("%(where)s: the name is missing or too long.") % {"where": step_where})
            if step.get("approver") not in ApproverKind.values:
                errors.append(_('%(where)s: unknown approver "%(kind)s"; use one of %(known)s.') % {
                    "where": step_where, "kind": step.get("approver"), "known": ", ".join(ApproverKind.values)})
            if step.get("mode", StepMode.ANY) not in StepMode.values:
                errors.append(_('%(where)s: unknown mode "%(mode)s".') % {"where": step_where, "mode": step.get("mode")})
            if "levels" in step and (not isinstance(step["levels"], int) or not 1 <= step["levels"] <= 20):
                errors.append(_("%(where)s: levels must be a whole number from 1 to 20.") % {"where": step_where})
            codes = step.get("positions", [])
            if not isinstance(codes, list):
                errors.append(_("%(where)s: positions must be a list of codes.") % {"where": step_where})
                codes = []
            if step.get("approver") in (ApproverKind.POSITIONS, ApproverKind.LINE) and not codes:
                errors.append(_("%(where)s names no positions.") % {"where": step_where})
            for code in codes:
                if code not in positions:
                    errors.append(_('%(where)s names an unknown position "%(code)s".') % {"where": step_where,
                                                                                         "code": code})
            _check_conditions(step, step_where, errors)
    return errors


def _conditions(item: dict) -> dict:
    values = {key: Decimal(str(item[key])) for key in AMOUNTS if key in item}
    values.update({key: list(item[key]) for key in LISTS if key in item})
    if "below_floor" in item:
        values["below_floor"] = item["below_floor"]
    return values


@transaction.atomic
def load(company, items: list, positions: dict) -> None:
    """The file's chains replace the company's."""
    ApprovalChain.objects.filter(company=company).delete()
    for chain_item in items:
        chain = ApprovalChain.objects.create(
            company=company, document_type=chain_item["document_type"], name=chain_item["name"].strip(),
            priority=chain_item.get("priority", 100), is_active=chain_item.get("is_active", True),
            **_conditions(chain_item))
        for order, step_item in enumerate(chain_item["steps"], start=1):
            step = ApprovalStep.objects.create(
                chain=chain, order=order, name=step_item["name"].strip(), approver=step_item["approver"],
                levels=step_item.get("levels", 1), mode=step_item.get("mode", StepMode.ANY), **_conditions(step_item))
            if step_item.get("positions"):
                step.positions.set([positions[code] for code in step_item["positions"]])


def _dump_conditions(row, item: dict) -> dict:
    for key in AMOUNTS:
        value = getattr(row, key)
        if value is not None:
            item[key] = f"{value:.2f}"
    for key in LISTS:
        if getattr(row, key):
            item[key] = list(getattr(row, key))
    if row.below_floor:
        item["below_floor"] = True
    return item


def dump(company) -> list[dict]:
    chains = []
    for chain in (ApprovalChain.objects.filter(company=company).order_by("document_type", "priority", "id")
                  .prefetch_related("steps__positions")):
        item = {"document_type": chain.document_type, "name": chain.name}
        if chain.priority != 100:
            item["priority"] = chain.priority
        if not chain.is_active:
            item["is_active"] = False
        _dump_conditions(chain, item)
        item["steps"] = []
        for step in sorted(chain.steps.all(), key=lambda s: (s.order, s.pk)):
            entry = {"name": step.name, "approver": step.approver}
            if step.approver == ApproverKind.LEVELS_UP or step.levels != 1:
                entry["levels"] = step.levels
            codes = sorted((position for position in step.positions.all()), key=lambda p: (p.sort_order, p.pk))
            if codes:
                entry["positions"] = [position.code for position in codes]
            if step.mode != StepMode.ANY:
                entry["mode"] = step.mode
            item["steps"].append(_dump_conditions(step, entry))
        chains.append(item)
    return chains


def register() -> None:
    register_section(Section(key=KEY, validate=validate, load=load, dump=dump))
