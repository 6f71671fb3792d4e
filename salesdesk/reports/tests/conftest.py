"""The small organisation with the sales and finance fixtures (sales/tests/conftest.py,
finance/tests/conftest.py): 李代表 (owner) and 周代表 (teammate) are reps in 上海 under 孙经理 (superior),
吴代表 (outsider) a rep in 北京, the director sees all sales; two inside-sales clerks check invoices
and confirm payments."""

from salesdesk.finance.tests.conftest import checkers, confirmed, finance  # noqa: F401
from salesdesk.sales.tests.conftest import deal, english, org  # noqa: F401
