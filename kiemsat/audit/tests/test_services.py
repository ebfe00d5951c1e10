"""A service's write ends the one way: validated, saved and recorded in its transaction."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction

from kiemsat.audit.models import AuditEntry
from kiemsat.audit.services import save_recorded, user_of
from kiemsat.org.models import Level, Partner, Unit

pytestmark = pytest.mark.django_db


def test_saved_and_recorded_against_itself_or_another(cast) -> None:  # type: ignore[no-untyped-def]
    actor = cast["halong.ksv"]
    with transaction.atomic():
        partner = Partner(code="UBND-THU", name="Ủy ban thử", kind="peoples_committee")
        entry = save_recorded(partner, actor=actor, action="org.partner_register")
    assert Partner.objects.filter(code="UBND-THU").exists()
    assert (entry.actor, entry.object_id, entry.action) == (
        actor,
        str(partner.pk),
        "org.partner_register",
    )
    unit = Unit.objects.create(code="THU", name="Đơn vị thử", level=Level.LOCAL)
    with transaction.atomic():
        partner.name = "Ủy ban thử mới"
        entry = save_recorded(
            partner, actor=None, action="x", on=unit, unit_id=unit.pk, update_fields=["name"]
        )
    assert (entry.object_type, entry.unit_id, entry.actor) == ("org.unit", unit.pk, None)
    assert Partner.objects.get(pk=partner.pk).name == "Ủy ban thử mới"


def test_an_invalid_row_is_neither_saved_nor_recorded(cast) -> None:  # type: ignore[no-untyped-def]
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError), transaction.atomic():
        save_recorded(Partner(code="", name=""), actor=None, action="x")
    assert (AuditEntry.objects.count(), Partner.objects.filter(code="").exists()) == (before, False)


def test_only_a_signed_in_user_is_stored(cast) -> None:  # type: ignore[no-untyped-def]
    assert user_of(cast["halong.ksv"]) == cast["halong.ksv"]
    assert user_of(AnonymousUser()) is None and user_of(None) is None
