"""Seed and demo data read like the real thing: sources people cite, completions in the history."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from dxtasks.directives.models import Directive, State, StateChange

pytestmark = pytest.mark.django_db


def bootstrap():
    call_command("bootstrap", "--demo", verbosity=0)


def test_completed_seed_directives_have_their_dated_completion_in_the_history_once():
    bootstrap()
    bootstrap()  # a second run adds nothing
    completed = Directive.objects.filter(state=State.COMPLETED, reference__startswith=("UBQG"))
    assert completed.count() >= 5
    for directive in completed:
        changes = list(StateChange.objects.filter(directive=directive, share__isnull=True))
        assert len(changes) == 1, directive.reference
        change = changes[0]
        assert (change.old_state, change.new_state) == (State.OPEN, State.COMPLETED)
        assert timezone.localtime(change.changed_at).date() == directive.completed_on
    # A collective directive stays open while its agencies complete their shares one by one: those
    # completions are the shares' history, not the directive's.
    assert not StateChange.objects.filter(
        directive__state=State.OPEN, directive__reference__startswith="UBQG", share__isnull=True
    )
    assert StateChange.objects.filter(directive__state=State.OPEN, share__isnull=False).exists()


def test_the_completion_shows_on_the_directive_page(client):
    from dxtasks.accounts.models import User

    bootstrap()
    client.force_login(User.objects.get(username="viewer"))
    directive = Directive.objects.get(reference="UBQG-7/07")
    page = client.get(directive.get_absolute_url()).content.decode()
    assert f"{directive.completed_on:%d/%m/%Y}" in page and "Hoàn thành" in page


def test_no_developer_text_in_the_sources():
    bootstrap()
    for source in Directive.objects.values_list("source_ref", flat=True):
        assert "seeds/" not in source and "bootstrap" not in source and "minh họa" not in source, source
