"""`field__any_of=[…]`: membership in a list of ids sent as one parameter.

A manager's scope is a list of a few hundred employee ids, used in every query of a list page.
As `field__in` each id is one placeholder, prepared by Django and bound by the driver one by one;
on PostgreSQL `= ANY(%s::bigint[])` sends the whole list as one array, which the planner treats
like the IN list (it turns IN lists into `= ANY` itself). Elsewhere it falls back to IN.
"""

from django.db import models
from django.db.models import Lookup


@models.ForeignKey.register_lookup
@models.IntegerField.register_lookup  # and so the auto primary keys
class AnyOf(Lookup):
    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self):
        return [int(value) for value in self.rhs]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = list(self.rhs)
        if not values:
            return "1 = 0", []
        if connection.vendor == "postgresql":
            # Typed like the column: an untyped array literal gets other estimates (and plans).
            column_type = self.lhs.output_field.cast_db_type(connection)
            return f"{lhs} = ANY(%s::{column_type}[])", [*lhs_params, values]
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", [*lhs_params, *values]
