"""`InIds`: "this row's id is one of the ids a subquery returns", written so that an index can serve it.

`Q(lead_agency_id=a) | Q(pk__in=subquery)` makes PostgreSQL scan every
directive and probe a hashed subplan per row: an OR with a subplan can't use
an index (EXPLAIN ANALYZE at 100,000 directives: a sequential scan, 110 ms
of the agency-filtered register's count). Written `id = ANY(ARRAY(subquery))`
instead, the subquery runs once as an InitPlan and the condition is an index
condition, so the OR becomes a BitmapOr of index scans over the few thousand
rows involved. SQLite already reads `id IN (subquery)` OR-ed with other
indexed terms through its multi-index OR (EXPLAIN QUERY PLAN: one SEARCH per
term), so there it stays the plain IN.
"""

from django.db.models import BooleanField, Expression, QuerySet


class InIds(Expression):
    """A condition for `filter()` and for `Q(...) | InIds(...)`: `column` is among the values of `ids`.

    `ids` is a queryset of one column (`.values("directive_id")`).
    """

    conditional = True
    output_field = BooleanField()

    def __init__(self, column: str, ids: QuerySet) -> None:
        super().__init__()
        self.column = column
        self.ids = ids

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        from django.db.models import F, Subquery

        clone = self.copy()
        clone.is_summary = summarize
        clone.column_expr = F(self.column).resolve_expression(query, allow_joins, reuse, summarize, for_save)
        # No ORDER BY: an IN needs none, and a model's default ordering (Share's) would add joins.
        clone.subquery = Subquery(self.ids.order_by()).resolve_expression(
            query, allow_joins, reuse, summarize, for_save
        )
        return clone

    def get_source_expressions(self):
        return [getattr(self, "column_expr", None), getattr(self, "subquery", None)]

    def set_source_expressions(self, exprs):
        self.column_expr, self.subquery = exprs

    def as_sql(self, compiler, connection):
        column, column_params = compiler.compile(self.column_expr)
        subquery, subquery_params = compiler.compile(self.subquery)
        return f"{column} IN {subquery}", (*column_params, *subquery_params)

    def as_postgresql(self, compiler, connection):
        column, column_params = compiler.compile(self.column_expr)
        subquery, subquery_params = compiler.compile(self.subquery)
        return f"{column} = ANY(ARRAY{subquery})", (*column_params, *subquery_params)


def among_any(column: str, lookups: list[QuerySet]) -> InIds:
    """`column` is among the ids any of `lookups` returns (querysets of one column each): one condition over
    "lookup UNION ALL lookup …", each part an index lookup (for_user, a focal point's shares)."""
    parts = [lookup.order_by() for lookup in lookups]  # a compound statement's parts take no ORDER BY
    return InIds(column, parts[0].union(*parts[1:], all=True))
