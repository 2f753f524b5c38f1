"""The audit trail on the directive's page: who changed what, old → new, in Vietnamese and English."""

import datetime
import re

import pytest
from django.test import Client

from dxtasks.accounts.models import Role
from dxtasks.directives.models import Directive, DirectiveChange, Event

from .conftest import client_for

pytestmark = pytest.mark.django_db


def _edit_form(client: Client, directive: Directive) -> dict:
    """What the edit page's form holds, as the browser would send it back untouched."""
    form = client.get(f"{directive.get_absolute_url()}edit/").context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, datetime.date):
            value = f"{value:%d/%m/%Y}"
        data[name] = "" if value is None else value
    return data


def _timeline(page: str) -> str:
    return re.search(r'<ol class="timeline">(.*?)</ol>', page, re.S).group(1)


def test_editing_owner_and_title_shows_who_changed_what_on_the_page(world, user_factory):
    secretariat = world.users["secretariat"]
    secretariat.last_name, secretariat.first_name = "Lê Thị", "Hà"
    secretariat.save()
    new_owner = user_factory(
        Role.FOCAL_POINT, agency=world.lead, username="an", last_name="Nguyễn Văn", first_name="An"
    )
    client = client_for(secretariat)
    data = _edit_form(client, world.directive)
    data.update(owner=new_owner.pk, title_vi="Trình Luật Bảo vệ dữ liệu cá nhân")
    response = client.post(f"{world.directive.get_absolute_url()}edit/", data)
    assert response.status_code == 302, response.context["form"].errors

    entries = _timeline(client.get(world.directive.get_absolute_url()).content.decode())
    assert "Lê Thị Hà" in entries  # who (the user's name, as the page names people)
    assert "Người phụ trách: — → Nguyễn Văn An" in entries
    assert "Tên nhiệm vụ: “Xây dựng Luật Bảo vệ dữ liệu cá nhân” → “Trình Luật Bảo vệ dữ liệu cá nhân”" in entries

    english = Client()
    english.force_login(world.users["viewer"])
    english.cookies["django_language"] = "en"
    entries = _timeline(english.get(world.directive.get_absolute_url()).content.decode())
    assert "Edited: " in entries and "Owner: — → Nguyễn Văn An" in entries
    assert "Title: “Xây dựng Luật Bảo vệ dữ liệu cá nhân” → “Trình Luật Bảo vệ dữ liệu cá nhân”" in entries


def test_a_lead_agency_edit_is_one_entry_naming_both_agencies(world):
    client = client_for(world.users["secretariat"])
    data = _edit_form(client, world.directive)
    data.update(lead_agency=world.other.pk)
    assert client.post(f"{world.directive.get_absolute_url()}edit/", data).status_code == 302
    entries = _timeline(client.get(world.directive.get_absolute_url()).content.decode())
    assert entries.count("BCT1") == 1 and "Đơn vị chủ trì: BCT1 → BK" in entries


def test_saving_the_edit_form_unchanged_writes_nothing(world):
    client = client_for(world.users["secretariat"])
    before = Directive.objects.values("updated_at", "version").get(pk=world.directive.pk)
    events = Event.objects.count()
    response = client.post(f"{world.directive.get_absolute_url()}edit/", _edit_form(client, world.directive))
    assert response.status_code == 302, response.context["form"].errors
    assert Directive.objects.values("updated_at", "version").get(pk=world.directive.pk) == before
    assert not DirectiveChange.objects.filter(action=DirectiveChange.Action.EDITED).exists()
    assert Event.objects.count() == events
