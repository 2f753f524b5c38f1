"""`services.edit_directive`: the edit form's whole save, one transaction, the stale-edit check once and first."""

import datetime

import pytest

from dxtasks.accounts.models import Role
from dxtasks.directives import services
from dxtasks.directives.models import DeadlineChange, Directive, DirectiveChange
from dxtasks.directives.refusals import Refusal

pytestmark = pytest.mark.django_db


@pytest.fixture
def sec(user_factory):
    return user_factory(role=Role.SECRETARIAT)


def _written(directive):
    row = Directive.objects.values("title_vi", "deadline_text", "due_date", "updated_at", "version").get(
        pk=directive.pk
    )
    edits = DirectiveChange.objects.filter(directive=directive, action="edited").count()
    return row, edits, DeadlineChange.objects.filter(directive=directive).count()


def test_fields_and_deadline_move_together(sec, directive_factory):
    directive = directive_factory(deadline_text="trong năm 2030")
    edited = services.edit_directive(
        directive=directive,
        by=sec,
        expected_updated_at=directive.updated_at,
        title_vi="Tên mới",
        deadline_text="quý II/2031",
        deadline_reason="Theo kết luận mới",
    )
    assert (edited.title_vi, edited.due_date) == ("Tên mới", datetime.date(2031, 6, 30))
    assert edited.version == directive.version + 2  # the title and the deadline, each a calendar change
    change = DeadlineChange.objects.get(directive=directive)
    assert (change.old_deadline_text, change.new_deadline_text, change.reason) == (
        "trong năm 2030",
        "quý II/2031",
        "Theo kết luận mới",
    )
    assert DirectiveChange.objects.get(directive=directive, action="edited").changes == {
        "title_vi": [directive.title_vi, "Tên mới"]
    }


def test_a_stale_edit_moves_no_deadline(sec, directive_factory):
    directive = directive_factory(deadline_text="trong năm 2030")
    seen = directive.updated_at
    services.record_progress(directive=directive, by=sec, percent=10, note="Người khác vừa báo cáo")
    before = _written(directive)
    with pytest.raises(services.StaleEdit):
        services.edit_directive(
            directive=directive, by=sec, expected_updated_at=seen, deadline_text="quý II/2031", deadline_reason="r"
        )
    assert _written(directive) == before


def test_a_refused_deadline_undoes_the_field_edit(sec, directive_factory):
    directive = directive_factory(deadline_text="trong năm 2030")
    before = _written(directive)
    with pytest.raises(services.DirectiveError) as refused:
        services.edit_directive(
            directive=directive, by=sec, title_vi="Tên mới", deadline_text="khi nào xong", deadline_reason="r"
        )
    assert refused.value.refusal == Refusal.DEADLINE_UNREADABLE
    assert _written(directive) == before


def test_a_deadline_move_needs_its_reason_and_an_unchanged_deadline_none(sec, directive_factory):
    directive = directive_factory(deadline_text="trong năm 2030")
    before = _written(directive)
    with pytest.raises(services.DirectiveError) as refused:
        services.edit_directive(directive=directive, by=sec, title_vi="Tên mới", deadline_text="quý II/2031")
    assert refused.value.refusal == Refusal.REASON_REQUIRED and "deadline_reason" in refused.value.message_dict
    assert _written(directive) == before
    # The same deadline sent back is no move (and an edit that changes nothing writes nothing).
    services.edit_directive(directive=directive, by=sec, title_vi=directive.title_vi, deadline_text="trong năm 2030")
    assert _written(directive) == before
