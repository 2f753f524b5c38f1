"""The register with a search: most relevant first unless another order is chosen."""

from .conftest import client_for


def refs(response) -> list[str]:
    return [d.reference for d in response.context["page"].object_list]


def test_a_search_lists_the_exact_phrase_first_and_a_chosen_sort_still_wins(world, directive_factory):
    directive_factory(
        lead=world.lead,
        reference="A-0",
        title_vi="Chuẩn hóa dữ liệu",
        full_text="Kết nối các hệ thống về dân cư",
        deadline_text="trong năm 2025",
    )
    directive_factory(
        lead=world.lead, reference="Z-9", title_vi="Cơ sở dữ liệu quốc gia về dân cư", deadline_text="trong năm 2031"
    )
    client = client_for(world.users["viewer"])
    relevant = client.get("/directives/", {"q": "du lieu dan cu"})
    assert refs(relevant) == ["Z-9", "A-0"]  # the phrase in the title, then the words spread out
    assert relevant.context["current_sort"] == "relevance"
    by_due = client.get("/directives/", {"q": "du lieu dan cu", "sort": "due"})
    assert refs(by_due) == ["A-0", "Z-9"]
    nothing_to_rank = client.get("/directives/", {"q": "--", "sort": "relevance"})
    assert nothing_to_rank.status_code == 200 and "UBQG-7/01" in refs(nothing_to_rank)
    assert client.get("/directives/", {"sort": "relevance"}).status_code == 200
