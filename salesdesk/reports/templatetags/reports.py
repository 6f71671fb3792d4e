"""{% contract_execution contract %}: the contract page's execution box (ordered, shipped, invoiced,
collected), without the sales views knowing about invoices and payments."""

from django import template

from salesdesk.sales.models import Contract

from .. import execution as executing

register = template.Library()


@register.inclusion_tag("reports/_contract_execution.html")
def contract_execution(contract: Contract):
    figures = executing.execution(Contract.objects.filter(pk=contract.pk)).get(contract.pk)
    rows = [(label, getattr(figures, name), figures.share(name))
            for name, label in executing.labels().items()] if figures else []
    return {"contract": contract, "figures": figures, "rows": rows}
