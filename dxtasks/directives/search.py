"""Word-level, accent-free, ranked search over directives: the one selector, two engines.

What a query means (the same on both databases):

- The query is folded like everything else (`folding.fold`: lower case, no
  diacritics, đ → d) and cut into words (letters and digits; "UBQG-7/07" is
  the three words ubqg, 7, 07).
- A directive matches when every word is a whole word of its reference,
  titles (Vietnamese, English) or full text; only the LAST word may be the
  start of a word, as when someone is still typing ("du lieu ca nh" finds
  "dữ liệu cá nhân"). A query that ends with a space has no unfinished word.
  So "ca" no longer matches inside "cao", nor "bảo … về" stand in for "bảo vệ".
- Relevance, the `search_rank` annotation (lower is better): 0 the exact
  phrase (in a title or the full text), 1 every word in the titles, 2 every
  word in the reference, 3 the words spread over the fields. Ties keep the
  register's order.

Engines: PostgreSQL full-text search — `to_tsvector('simple', …)` over text
folded by `unaccent` in SQL (`dxtasks_search_words`), titles weighted A,
reference B, full text C, kept in a `search_vector` column by a trigger, with a GIN index; SQLite FTS5 — a
`directive_search` table with the `unicode61 remove_diacritics 2` tokenizer
(đ replaced first, the one letter it keeps) with prefix indexes for the
unfinished word, kept current by triggers on the
directive table. Both index exactly the words `query_words` makes of a query
(a test compares them on all the fixtures). The index objects are created by
migration 0003 and re-checked after every `migrate` (a SQLite table rebuild
drops triggers).
"""

import re
from dataclasses import dataclass

from django.db import connections
from django.db.models import BooleanField, IntegerField, QuerySet, Value
from django.db.models.expressions import RawSQL

from .folding import fold

MAX_WORDS = 12  # a bounded query; more words than this are ignored
WORD = re.compile(r"[^\W_]+")

FTS_TABLE = "directive_search"
DIRECTIVE_TABLE = "directives_directive"


@dataclass(frozen=True)
class Words:
    whole: tuple[str, ...]  # every word but an unfinished last one
    prefix: str  # the unfinished last word, or ""

    @property
    def all(self) -> tuple[str, ...]:
        return (*self.whole, self.prefix) if self.prefix else self.whole


def query_words(query: str) -> Words:
    words = WORD.findall(fold(query or ""))[:MAX_WORDS]
    if not words:
        return Words((), "")
    if query.endswith((" ", "\t", "\n")) or len(words) == MAX_WORDS:
        return Words(tuple(words), "")
    return Words(tuple(words[:-1]), words[-1])


def search_directives(queryset: QuerySet, query: str) -> QuerySet:
    """The directives of `queryset` matching `query`, annotated with `search_rank` (0 best … 3)."""
    words = query_words(query)
    if not words.all:  # e.g. "--": nothing to look for, so everything, in the register's order
        return queryset.annotate(search_rank=Value(0, output_field=IntegerField()))
    vendor = connections[queryset.db].vendor
    if vendor == "postgresql":
        match, ranks = _postgresql(words)
    elif vendor == "sqlite":
        match, ranks = _sqlite(words)
    else:  # pragma: no cover - the project runs on these two
        raise NotImplementedError(f"search on {vendor}")
    rank_sql = (
        "CASE " + " ".join(f"WHEN {sql} THEN {n}" for n, (sql, _) in enumerate(ranks)) + f" ELSE {len(ranks)} END"
    )
    rank_params = [p for _, params in ranks for p in params]
    match_sql, match_params = match
    return queryset.filter(RawSQL(match_sql, match_params, output_field=BooleanField())).annotate(
        search_rank=RawSQL(rank_sql, rank_params, output_field=IntegerField())
    )


# --- PostgreSQL ----------------------------------------------------------------------------------
# The words are kept in a column of their own, written by a trigger: an expression index finds the rows,
# but ranking them re-made each matching row's vector three times (unaccent over the full text) — 4.5 s
# for a 17,000-hit query at 100,000 directives. The column is not on the model: Django never reads it.
PG_COLUMN = "search_vector"
PG_VECTOR = f'"{DIRECTIVE_TABLE}"."{PG_COLUMN}"'
PG_INDEX = "directive_search_words"


def _tsquery(words: Words, joiner: str, weight: str = "") -> str:
    terms = [f"{w}:{weight}" if weight else w for w in words.whole]
    if words.prefix:
        terms.append(f"{words.prefix}:*{weight}")
    return joiner.join(terms)  # words are [a-z0-9]+ after folding: nothing to escape


def _postgresql(words: Words):
    def matches(tsquery: str):
        return f"{PG_VECTOR} @@ to_tsquery('simple', %s)", [tsquery]

    return matches(_tsquery(words, " & ")), [
        matches(_tsquery(words, " <-> ", "AC")),  # a title or the full text, as on SQLite
        matches(_tsquery(words, " & ", "A")),
        matches(_tsquery(words, " & ", "B")),
    ]


# --- SQLite FTS5 ---------------------------------------------------------------------------------
def _fts_words(words: Words) -> list[str]:
    return [f'"{w}"' for w in words.whole] + ([f'"{words.prefix}" *'] if words.prefix else [])


def _sqlite(words: Words):
    terms = _fts_words(words)
    phrase = '"' + " ".join(words.all) + '"' + (" *" if words.prefix else "")

    def matches(expression: str):
        return (f'"{DIRECTIVE_TABLE}"."id" IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)', [expression])

    return matches(" AND ".join(terms)), [
        matches(f"{{title body}} : {phrase}"),
        matches(f"title : ({' AND '.join(terms)})"),
        matches(f"reference : ({' AND '.join(terms)})"),
    ]


# --- The index objects (migration 0003 and every migrate) -----------------------------------------
PG_INSTALL = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    # unaccent() is only STABLE (its dictionary could change); an index needs IMMUTABLE, hence the
    # wrapper naming the dictionary explicitly, the usual recipe. Non-letters become spaces, like FTS5.
    """CREATE OR REPLACE FUNCTION dxtasks_search_words(text) RETURNS text
       LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
       $$ SELECT regexp_replace(lower(public.unaccent('public.unaccent'::regdictionary, coalesce($1, ''))),
                                '[^[:alnum:]]+', ' ', 'g') $$""",
    """CREATE OR REPLACE FUNCTION dxtasks_directive_vector(text, text, text, text) RETURNS tsvector
       LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
       $$ SELECT setweight(to_tsvector('simple'::regconfig, dxtasks_search_words($1 || ' ' || $2)), 'A')
              || setweight(to_tsvector('simple'::regconfig, dxtasks_search_words($3)), 'B')
              || setweight(to_tsvector('simple'::regconfig, dxtasks_search_words($4)), 'C') $$""",
    f"ALTER TABLE {DIRECTIVE_TABLE} ADD COLUMN IF NOT EXISTS {PG_COLUMN} tsvector",
    f"""CREATE OR REPLACE FUNCTION dxtasks_directive_search_row() RETURNS trigger LANGUAGE plpgsql AS
       $$ BEGIN
            NEW.{PG_COLUMN} := dxtasks_directive_vector(NEW.title_vi, NEW.title_en, NEW.reference, NEW.full_text);
            RETURN NEW;
          END $$""",
    f"DROP TRIGGER IF EXISTS directive_search_row ON {DIRECTIVE_TABLE}",
    f"""CREATE TRIGGER directive_search_row BEFORE INSERT OR UPDATE OF title_vi, title_en, reference, full_text
        ON {DIRECTIVE_TABLE} FOR EACH ROW EXECUTE FUNCTION dxtasks_directive_search_row()""",
    f"UPDATE {DIRECTIVE_TABLE} SET {PG_COLUMN} = dxtasks_directive_vector(title_vi, title_en, reference, full_text)",
    "DROP INDEX IF EXISTS directive_search_vector",  # the expression index of the first version
    f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON {DIRECTIVE_TABLE} USING gin ({PG_COLUMN})",
]
PG_UNINSTALL = [
    f"DROP INDEX IF EXISTS {PG_INDEX}",
    f"DROP TRIGGER IF EXISTS directive_search_row ON {DIRECTIVE_TABLE}",
    "DROP FUNCTION IF EXISTS dxtasks_directive_search_row()",
    f"ALTER TABLE {DIRECTIVE_TABLE} DROP COLUMN IF EXISTS {PG_COLUMN}",
    "DROP FUNCTION IF EXISTS dxtasks_directive_vector(text, text, text, text)",
    "DROP FUNCTION IF EXISTS dxtasks_search_words(text)",
]

_FOLD_SQL = "replace(replace({0}, 'đ', 'd'), 'Đ', 'D')"  # unicode61 folds every other Vietnamese letter
_ROW = (
    f"new.id, {_FOLD_SQL.format('new.title_vi || char(32) || new.title_en')}, "
    f"{_FOLD_SQL.format('new.reference')}, {_FOLD_SQL.format('new.full_text')}"
)
SQLITE_TRIGGERS = {
    "directive_search_insert": f"""CREATE TRIGGER IF NOT EXISTS directive_search_insert
        AFTER INSERT ON {DIRECTIVE_TABLE} BEGIN
        INSERT INTO {FTS_TABLE}(rowid, title, reference, body) VALUES ({_ROW}); END""",
    "directive_search_update": f"""CREATE TRIGGER IF NOT EXISTS directive_search_update
        AFTER UPDATE OF title_vi, title_en, reference, full_text ON {DIRECTIVE_TABLE} BEGIN
        DELETE FROM {FTS_TABLE} WHERE rowid = old.id;
        INSERT INTO {FTS_TABLE}(rowid, title, reference, body) VALUES ({_ROW}); END""",
    "directive_search_delete": f"""CREATE TRIGGER IF NOT EXISTS directive_search_delete
        AFTER DELETE ON {DIRECTIVE_TABLE} BEGIN
        DELETE FROM {FTS_TABLE} WHERE rowid = old.id; END""",
}
SQLITE_REBUILD = [
    f"DELETE FROM {FTS_TABLE}",
    f"""INSERT INTO {FTS_TABLE}(rowid, title, reference, body)
        SELECT {_ROW.replace("new.", "")} FROM {DIRECTIVE_TABLE}""",
]


def install_search_index(connection) -> bool:
    """Create whatever of the index is missing; True when something had to be (re)built."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT (SELECT count(*) FROM pg_indexes WHERE indexname = %s)"
                " + (SELECT count(*) FROM pg_trigger WHERE tgname = 'directive_search_row')",
                [PG_INDEX],
            )
            if cursor.fetchone()[0] == 2:
                return False
            for statement in PG_INSTALL:
                cursor.execute(statement)
            return True
        if connection.vendor != "sqlite":
            return False
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger') AND name IN (%s, %s, %s, %s)",
            [FTS_TABLE, *SQLITE_TRIGGERS],
        )
        present = {row[0] for row in cursor.fetchall()}
        if present == {FTS_TABLE, *SQLITE_TRIGGERS}:
            return False
        cursor.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
            "title, reference, body, tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3')"
        )
        for statement in SQLITE_TRIGGERS.values():
            cursor.execute(statement)
        for statement in SQLITE_REBUILD:  # rows written while a trigger was missing
            cursor.execute(statement)
        return True


def uninstall_search_index(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for statement in PG_UNINSTALL:
                cursor.execute(statement)
        elif connection.vendor == "sqlite":
            for name in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            cursor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
