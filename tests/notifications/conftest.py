"""A small world for workflow notifications: an agency with two focal points and a contact, the secretariat."""

import datetime
from dataclasses import dataclass

import pytest

from dxtasks.accounts.models import Role
from dxtasks.directives import events, services


@dataclass
class People:
    agency: object
    focal: object
    colleague: object
    secretariat: object
    second_secretary: object
    viewer: object


@pytest.fixture
def people(agency_factory, user_factory) -> People:
    agency = agency_factory(
        "MPS",
        name_vi="Bộ Công an",
        name_en="Ministry of Public Security",
        short_name_vi="BCA",
        contact_email="dau-moi@bca.example.gov.vn",
    )
    return People(
        agency=agency,
        focal=user_factory(
            Role.FOCAL_POINT,
            agency=agency,
            username="quan",
            email="quan@bca.example.gov.vn",
            first_name="Quân",
            last_name="Trần Minh",
        ),
        colleague=user_factory(Role.FOCAL_POINT, agency=agency, username="lan", email="lan@bca.example.gov.vn"),
        secretariat=user_factory(
            Role.SECRETARIAT, username="ha", email="ha@most.example.gov.vn", first_name="Hà", last_name="Nguyễn Thu"
        ),
        second_secretary=user_factory(
            Role.SECRETARIAT, username="minh", email="minh@most.example.gov.vn", language="en"
        ),
        viewer=user_factory(Role.VIEWER, username="xem"),
    )


@pytest.fixture
def directive(people, directive_factory):
    """Owned by the focal point; created quietly (the assignment is not what these tests are about)."""
    with events.muted():
        return directive_factory(
            lead=people.agency,
            owner=people.focal,
            reference="UBQG-7/01",
            title_vi="Xây dựng Luật Bảo vệ dữ liệu cá nhân",
            title_en="Draft the Personal Data Protection Law",
            deadline_text="31/12/2030",
        )


@pytest.fixture
def extension(people, directive):
    return services.request_extension(
        directive=directive, by=people.focal, proposed_due=datetime.date(2031, 6, 30), reason="Chờ ý kiến của các bộ"
    )


def addressees(messages) -> list[str]:
    return sorted(address for message in messages for address in message.to)


@pytest.fixture
def refusing_mail(settings):
    from tests.reminders import refusing_backend

    settings.EMAIL_BACKEND = "tests.reminders.refusing_backend.RefusingBackend"
    refusing_backend.REFUSED.clear()
    refusing_backend.DOWN["down"] = False
    yield refusing_backend
    refusing_backend.REFUSED.clear()
    refusing_backend.DOWN["down"] = False
