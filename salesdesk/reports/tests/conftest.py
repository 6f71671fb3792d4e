"""The small organisation with the sales module's fixtures (sales/tests/conftest.py): 李代表 (owner)
and 周代表 (teammate) are reps in 上海 under 孙经理 (superior), 吴代表 (outsider) a rep in 北京, the
director sees all sales."""

from salesdesk.sales.tests.conftest import deal, english, org  # noqa: F401
