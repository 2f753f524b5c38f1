"""Accent-free search over directives."""
from django.db.models import Q, QuerySet

from .folding import fold


def search_directives(queryset: QuerySet, query: str) -> QuerySet:
    """Every word of the query, folded, must appear in the folded reference or titles."""
    words = fold(query).split()
    condition = Q()
    for word in words[:10]:  # a bounded number of LIKE clauses
        condition &= Q(search_text__contains=word)
    return queryset.filter(condition)
