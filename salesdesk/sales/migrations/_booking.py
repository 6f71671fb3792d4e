"""The backfill of the booking-time dimensions, shared by sales 0009 and finance 0005 (a module of
the migrations, frozen with them: later changes of the code do not change what they did).

Existing booked documents get the organisation as it is when the migration runs: the owner's
department as org.selectors.booked_departments computes it (primary current position first, then
another current one, then the position held last) and the customer's present territory. One
set-based UPDATE per table: on PostgreSQL joined in one pass (hash joins, fine for millions of
rows), elsewhere with a sub-query per column."""

OWNER_DEPARTMENT = """
    WITH owner_department AS {materialized} (
        SELECT e.id AS employee_id,
               (SELECT p.department_id FROM org_assignment a JOIN org_position p ON p.id = a.position_id
                WHERE a.employee_id = e.id
                ORDER BY (a.ended_on IS NULL) DESC, a.ended_on DESC, a.is_primary DESC, a.id
                LIMIT 1) AS department_id
        FROM org_employee e)
"""


def statement(vendor: str, table: str, condition: str) -> str:
    """The UPDATE that fills booked_department_id and booked_territory_id of `table`'s rows meeting
    `condition` (SQL on the table's own columns)."""
    if vendor == "postgresql":  # the people's departments worked out once, then joined (not once per row)
        return OWNER_DEPARTMENT.format(materialized="MATERIALIZED") + f"""
            UPDATE {table} SET booked_department_id = od.department_id, booked_territory_id = c.territory_id
            FROM owner_department od, customers_customer c
            WHERE od.employee_id = {table}.owner_id AND c.id = {table}.customer_id AND {condition}"""
    return OWNER_DEPARTMENT.format(materialized="") + f"""
        UPDATE {table} SET
            booked_department_id = (SELECT od.department_id FROM owner_department od
                                    WHERE od.employee_id = {table}.owner_id),
            booked_territory_id = (SELECT c.territory_id FROM customers_customer c
                                   WHERE c.id = {table}.customer_id)
        WHERE {condition}"""


def backfiller(booked: list[tuple[str, str]]):
    """A RunPython function backfilling the (table, condition) pairs."""
    def backfill(apps, schema_editor):
        for table, condition in booked:
            schema_editor.execute(statement(schema_editor.connection.vendor, table, condition))
    return backfill
