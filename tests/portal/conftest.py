"""Portal fixtures: one directive and a user in each position the permission rules distinguish."""

import datetime
from dataclasses import dataclass

import pytest
from django.core.management import call_command
from django.test import Client

from dxtasks.accounts.models import Role
from dxtasks.directives.models import (
    DeadlineChange,
    Directive,
    ExtensionRequest,
    ProgressUpdate,
    StateChange,
)

D = datetime.date


@pytest.fixture(autouse=True)
def cache_table(db):
    """Rate limits and cached figures use the database cache, as in production."""
    call_command("createcachetable", verbosity=0)
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def vietnamese(settings):
    settings.LANGUAGE_CODE = "vi"


@dataclass
class World:
    directive: Directive
    lead: object
    co: object
    other: object
    users: dict


@pytest.fixture
def world(agency_factory, user_factory, directive_factory) -> World:
    lead = agency_factory("LEAD", name_vi="Bộ Chủ Trì", short_name_vi="BCT1")
    co = agency_factory("COAG", name_vi="Bộ Phối Hợp", short_name_vi="BPH")
    other = agency_factory("OTHER", name_vi="Bộ Khác", short_name_vi="BK")
    users = {
        "secretariat": user_factory(Role.SECRETARIAT, username="sec"),
        "lead_focal": user_factory(Role.FOCAL_POINT, agency=lead, username="leadfp"),
        "co_focal": user_factory(Role.FOCAL_POINT, agency=co, username="cofp"),
        "other_focal": user_factory(Role.FOCAL_POINT, agency=other, username="otherfp"),
        "viewer": user_factory(Role.VIEWER, username="viewer"),
    }
    directive = directive_factory(
        lead=lead,
        co_agencies=[co],
        reference="UBQG-7/01",
        title_vi="Xây dựng Luật Bảo vệ dữ liệu cá nhân",
        title_en="Draft the Personal Data Protection Law",
        deadline_text="trong năm 2030",
        assigned_on=D(2024, 1, 1),
    )
    return World(directive=directive, lead=lead, co=co, other=other, users=users)


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def snapshot(directive: Directive) -> tuple:
    """Everything a refused action must leave as it was."""
    row = (
        Directive.objects.filter(pk=directive.pk)
        .values(
            "state", "due_date", "deadline_text", "version", "updated_at", "title_vi", "completed_on", "cancelled_on"
        )
        .first()
    )
    return (
        row,
        Directive.objects.count(),
        ProgressUpdate.objects.count(),
        list(ExtensionRequest.objects.values_list("pk", "decision").order_by("pk")),
        StateChange.objects.count(),
        DeadlineChange.objects.count(),
    )
