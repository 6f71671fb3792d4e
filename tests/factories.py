"""The shared test kit: factories (factory-boy) for a company, its organisation, people, customers,
products and documents, so that a new module's tests read as a few lines of set-up.

Everything is made through the services, as the application makes it (department paths, the
reporting line, the duty check, numbering, the credit gate), never by writing rows directly, except
for a product's checked price, which would otherwise need two people and a price change.

    rep = PersonFactory(positions=[PositionFactory(duties=[{"text": "跟单", "capability": "ship_goods"}])])
    order = OrderFactory(owner=rep, quantity=3)          # a draft order for a new customer of the rep
    order = OrderFactory(owner=rep, submitted=True)      # confirmed at once (no review chain)

Each factory takes what it builds on as an argument (company, department, owner…) and otherwise makes
its own, in one company per test unless told otherwise (CompanyFactory is shared through `company=`).
"""

from __future__ import annotations

import datetime
import hashlib
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from salesdesk.core.scope import ScopeLevel


class _ServiceFactory(factory.Factory):
    """A factory whose objects come from a service function (`_make(**values)`)."""

    class Meta:
        abstract = True
        model = dict  # replaced by what `_make` returns

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return cls._make(**kwargs)

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        raise NotImplementedError("These factories create through the services; use create().")


class CompanyFactory(_ServiceFactory):
    name = factory.Sequence(lambda n: f"测试公司{n}")
    code = factory.Sequence(lambda n: f"company-{n}")

    @classmethod
    def _make(cls, **values):
        from salesdesk.org import services

        return services.create_company(**values)


class DepartmentFactory(_ServiceFactory):
    company = factory.SubFactory(CompanyFactory)
    name = factory.Sequence(lambda n: f"部门{n}")
    code = factory.Sequence(lambda n: f"D{n}")
    parent = None

    @classmethod
    def _make(cls, **values):
        from salesdesk.org import services

        parent = values.get("parent")
        if parent is not None:
            values["company"] = parent.company
        return services.create_department(**values)


class PositionFactory(_ServiceFactory):
    """A position; `scopes` ({module: level}) and `duties` ([{text, queue?, capability?}]) as the
    org services take them. Reps see their own records (the default level)."""

    department = factory.SubFactory(DepartmentFactory)
    title = "销售代表"
    code = factory.Sequence(lambda n: f"position-{n}")
    reports_to = None
    headcount = 3
    scopes = factory.LazyFunction(dict)
    duties = factory.LazyFunction(list)

    @classmethod
    def _make(cls, **values):
        from salesdesk.org import services

        return services.create_position(**values)


class PersonFactory(_ServiceFactory):
    """An employee with a log-in (`username`, password "pass-<username>") holding `positions`."""

    username = factory.Sequence(lambda n: f"person{n}")
    name = factory.Sequence(lambda n: f"员工{n}")
    positions = factory.LazyFunction(lambda: [PositionFactory()])
    company = None  # the first position's company

    @classmethod
    def _make(cls, *, username, name, positions, company):
        from salesdesk.org import services

        company = company or positions[0].company
        user = get_user_model().objects.create_user(username=username, password="pass-" + username)
        return services.create_employee(company=company, name=name, user=user, positions=positions)


def manager_of(*people, module_levels: dict[str, str] | None = None, username: str | None = None):
    """A superior of these people's positions (本人及下属 in sales, finance and customers by default)."""
    levels = module_levels or {module: ScopeLevel.SUBORDINATES for module in ("sales", "finance", "customers")}
    first = people[0].assignments.select_related("position__department").first().position
    position = PositionFactory(department=first.department, title="销售经理", scopes=levels, headcount=1)
    from salesdesk.org import services

    for person in people:
        for assignment in person.assignments.select_related("position"):
            services.update_position(position=assignment.position, reports_to=position)
    return PersonFactory(positions=[position], **({"username": username} if username else {}))


class CustomerFactory(_ServiceFactory):
    owner = factory.SubFactory(PersonFactory)
    # Not "客户企业{n}": the duplicate check would find 客户企业155 too like 客户企业15 and refuse it.
    name = factory.Sequence(lambda n: f"客户{hashlib.sha1(str(n).encode()).hexdigest()[:10].upper()}有限公司")
    contacts = factory.LazyFunction(lambda: [{"name": "采购经理"}])

    @classmethod
    def _make(cls, *, owner, name, contacts, **fields):
        from salesdesk.customers import services

        return services.create_customer(company=owner.company, by=owner, owner=owner, name=name,
                                        contacts=contacts, **fields)


class ProductFactory(_ServiceFactory):
    """A product on sale whose standard price counts as checked (the two-person check is the pricing
    tests' business)."""

    company = factory.SubFactory(CompanyFactory)
    code = factory.Sequence(lambda n: f"P{n:04d}")
    name = factory.Sequence(lambda n: f"产品{n}")
    standard_price = Decimal("100.00")
    floor_price = None

    @classmethod
    def _make(cls, **values):
        from salesdesk.sales.models import Product

        return Product.objects.create(price_checked=True, **values)


class OrderFactory(_ServiceFactory):
    """A sales order of `owner` for `customer` (a new customer of the owner by default) with one line
    of `product` × `quantity` at the customer's price; `submitted=True` sends it for review
    (confirmed at once when no chain applies and the credit gate lets it through)."""

    owner = factory.SubFactory(PersonFactory)
    customer = factory.LazyAttribute(lambda o: CustomerFactory(owner=o.owner))
    product = factory.LazyAttribute(lambda o: ProductFactory(company=o.owner.company))
    quantity = Decimal("1")
    delivery_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))
    ordered_on = None
    submitted = False

    @classmethod
    def _make(cls, *, owner, customer, product, quantity, delivery_on, ordered_on, submitted):
        from salesdesk.sales import orders
        from salesdesk.sales.lines import LineInput

        order = orders.create_order(by=owner, customer=customer, lines=[LineInput(product, Decimal(quantity))],
                                    delivery_on=delivery_on, ordered_on=ordered_on)
        if submitted:
            orders.submit_for_review(order=order, by=owner)
            order.refresh_from_db()
        return order
