"""Checks other modules put in front of the order's three money moments — confirming it, releasing a
shipment, issuing an invoice — without sales knowing them (finance registers its credit control).

Every path to those moments calls `check`: an order typed in, copied, imported, made from a
contract, reopened after a rejection — they all meet the same gate when they get there. A gate
blocks by raising ValidationError with a message for the user."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

CONFIRM, RELEASE, ISSUE = "confirm", "release", "issue"

_GATES: list[Callable] = []


def register(gate: Callable) -> None:
    """gate(action, *, order, amount, free, consume) -> None, raising ValidationError to block."""
    if gate not in _GATES:
        _GATES.append(gate)


def check(action: str, *, order, amount: Decimal, free: Decimal = Decimal(0), consume: bool = True) -> None:
    """`amount`: what the action adds (the order's amount, the shipment's or the invoice's value).
    `free`: the list value of samples and gifts leaving with a shipment (nobody pays for them, but
    they leave on the customer's credit all the same).
    `consume=False` only looks (a pre-check before a review starts) and uses up no override; a real
    check (`consume=True`) runs inside the caller's transaction and may lock what it checks."""
    for gate in _GATES:
        gate(action, order=order, amount=amount, free=free, consume=consume)
