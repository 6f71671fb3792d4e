# Money in Chinese business documents (invoices, statements, contracts) is written in groups of three
# with commas, 1,234,567.89; Django's Chinese formats group by nothing. Only amounts shown with
# grouping ({{ amount|floatformat:"2g" }}) change; inputs and plain numbers stay ungrouped.
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
