"""Word-level, accent-free, ranked search: the same answers on SQLite (FTS5) and PostgreSQL (full-text)."""

import re

from django.db import connection

from dxtasks.directives.folding import fold
from dxtasks.directives.models import Directive
from dxtasks.directives.search import (
    DIRECTIVE_TABLE,
    FTS_TABLE,
    SQLITE_TRIGGERS,
    install_search_index,
    query_words,
    search_directives,
)


def search(query: str) -> list[Directive]:
    return list(search_directives(Directive.objects.all(), query).order_by("search_rank", "reference"))


def references(query: str) -> list[str]:
    return [d.reference for d in search(query)]


def words_of(directive: Directive) -> set[str]:
    return set(
        re.findall(
            r"[^\W_]+",
            fold(" ".join([directive.reference, directive.title_vi, directive.title_en, directive.full_text])),
        )
    )


def test_du_lieu_ca_nhan_finds_the_personal_data_protection_directive_first_and_nothing_through_cao_or_nhan(seed_data):
    found = search("du lieu ca nhan")
    assert found[0].reference == "UBQG-7/07" and "Bảo vệ dữ liệu cá nhân" in found[0].title_vi
    decoy = Directive.objects.get(reference="UBQG-1/03")  # "Nâng cao nhận thức … chia sẻ dữ liệu"
    assert {"du", "lieu", "cao", "nhan"} <= words_of(decoy) and "ca" not in words_of(decoy)
    assert decoy not in found
    for directive in found:  # every hit has the whole words; only the last may be a prefix
        words = words_of(directive)
        assert {"du", "lieu", "ca"} <= words and any(w.startswith("nhan") for w in words), directive.reference


def test_whole_words_only_and_the_phrase_before_words_spread_over_the_text(directive_factory):
    directive_factory(reference="W-1", title_vi="Bảo hiểm xã hội số: về dữ liệu người lao động")
    directive_factory(reference="W-2", title_vi="Phê duyệt tài liệu bảo mật về hạ tầng")  # "du" only inside "duyệt"
    directive_factory(reference="W-3", title_vi="Bảo vệ dữ liệu cá nhân trên không gian mạng")
    # Without diacritics "về" and "vệ" are one word: W-1 matches, but after the exact phrase.
    assert [(d.reference, d.search_rank) for d in search("bảo vệ dữ liệu")] == [("W-3", 0), ("W-1", 1)]
    assert references("BAO VE DU LIEU") == ["W-3", "W-1"]  # case and diacritics do not matter
    assert references("bao ve du lieu ca nhan") == ["W-3"]


def test_only_the_last_word_may_be_unfinished(directive_factory):
    directive_factory(reference="P-1", title_vi="Đẩy mạnh thanh toán không dùng tiền mặt")
    assert references("thanh toan khong du") == ["P-1"]  # typing "dùng"
    assert references("thanh to khong dung") == []  # "to" is a finished word: no "toán"
    assert references("thanh toan khong du ") == []  # a trailing space finishes "du"
    assert references("đẩy") == references("day") == ["P-1"]  # đ folds to d


def test_relevance_exact_phrase_then_title_then_reference_then_full_text(directive_factory):
    directive_factory(
        reference="R-TEXT",
        title_vi="Nhiệm vụ khác",
        full_text="Cần số hóa hồ sơ, trong đó có dữ liệu về đất đai và các nguồn khác",
    )
    directive_factory(reference="R-REF-DU-LIEU-DAT-DAI", title_vi="Một nhiệm vụ")
    directive_factory(reference="R-TITLE", title_vi="Đất đai: chuẩn hóa dữ liệu")
    directive_factory(
        reference="R-PHRASE-TEXT", title_vi="Nhiệm vụ thứ hai", full_text="Xây dựng cơ sở dữ liệu đất đai quốc gia"
    )
    directive_factory(reference="R-PHRASE", title_vi="Hoàn thành cơ sở dữ liệu đất đai")
    found = search("dữ liệu đất đai")
    assert [d.reference for d in found] == ["R-PHRASE", "R-PHRASE-TEXT", "R-TITLE", "R-REF-DU-LIEU-DAT-DAI", "R-TEXT"]
    assert [d.search_rank for d in found] == [0, 0, 1, 2, 3]


def test_the_index_follows_every_kind_of_write(directive_factory, agency_factory):
    directive = directive_factory(reference="I-1", title_vi="Chuyển đổi số ngành y tế")
    directive.title_vi = "Chuyển đổi số ngành giáo dục"
    directive.save()
    assert references("y te") == [] and references("giao duc") == ["I-1"]
    Directive.objects.filter(pk=directive.pk).update(full_text="Học bạ số")  # no signal, no save()
    assert references("hoc ba so") == ["I-1"]
    lead = agency_factory()
    Directive.objects.bulk_create(
        [
            Directive(
                reference="I-2",
                title_vi="Điện toán đám mây",
                lead_agency=lead,
                assigned_on="2024-01-01",
                deadline_text="thường xuyên",
                deadline_precision="ongoing",
            )
        ]
    )
    assert references("dien toan dam may") == ["I-2"]
    Directive.objects.filter(reference="I-2").delete()
    assert references("dien toan") == []


def test_the_index_holds_the_very_words_a_query_is_cut_into(seed_data):
    expected = set()
    for directive in Directive.objects.all():
        expected |= words_of(directive)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"CREATE VIRTUAL TABLE temp.search_words USING fts5vocab(main, {FTS_TABLE}, 'row')")
            cursor.execute("SELECT term FROM temp.search_words")
        else:
            cursor.execute(f"SELECT word FROM ts_stat('SELECT search_vector FROM {DIRECTIVE_TABLE}')")
        indexed = {row[0] for row in cursor.fetchall()}
    assert indexed == expected
    assert set(query_words(" ".join(Directive.objects.values_list("title_vi", flat=True)) + " ").all) <= indexed


def test_a_lost_trigger_is_put_back_and_the_index_rebuilt_after_migrate(directive_factory):
    # SQLite rebuilds a table to alter it, which drops its triggers; on PostgreSQL this is also how a database
    # that has the first version's expression index gets the words column.
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for name in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER {name}")
        else:
            cursor.execute(f"DROP TRIGGER directive_search_row ON {DIRECTIVE_TABLE}")
    directive_factory(reference="L-1", title_vi="Chữ ký số công cộng")
    assert references("chu ky so") == []
    if connection.vendor == "postgresql":  # the test's own transaction: its deferred foreign-key checks now,
        with connection.cursor() as cursor:  # or PostgreSQL refuses to alter the table (a migrate has none)
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    assert install_search_index(connection) is True  # what the post_migrate handler calls
    assert references("chu ky so") == ["L-1"]
    assert install_search_index(connection) is False


def test_an_edited_title_is_found_by_its_new_words_only(directive_factory):
    directive = directive_factory(reference="E-1", title_vi="Chữ ký số công cộng")
    Directive.objects.filter(pk=directive.pk).update(title_vi="Định danh điện tử")
    assert references("chu ky so") == [] and references("dinh danh dien tu") == ["E-1"]


def test_queries_without_words_search_nothing_and_odd_characters_are_harmless(directive_factory):
    directive_factory(reference="Q-1", title_vi="Nền tảng định danh")
    everything = Directive.objects.count()
    assert search_directives(Directive.objects.all(), "  --  ").count() == everything
    for odd in ['"', "'", "AND", "NOT nen", "nen*", "(nen", "nen:*", "nen & tang", "nền_tảng", "%", "\\"]:
        search(odd)  # no syntax error reaches the database
    assert references("NOT nen tang") == []  # "not" is just a word here
    assert references("nền_tảng") == ["Q-1"]
