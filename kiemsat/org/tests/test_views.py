"""Every organisation page: it works, parents see children, outsiders get 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kiemsat.audit.models import AuditEntry
from kiemsat.org.models import Membership, Role

pytestmark = pytest.mark.django_db


def test_home_lists_own_units(client_for, units):
    response = client_for("halong.ksv").get(reverse("home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Hôm nay" in body
    assert units["QUANG-NINH-HA-LONG"].name in body


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_unit_tree_scoped_to_user(client_for, units):
    body = client_for("qn.xem").get(reverse("unit_tree"), {"on": "2025-01-01"}).content.decode()
    assert units["QUANG-NINH"].name in body
    assert units["QUANG-NINH-HA-LONG"].name in body
    assert units["HA-GIANG"].name not in body


def test_unit_tree_as_of_date_hides_units_not_yet_or_no_longer_valid(client_for, units):
    client = client_for("admin")
    before = client.get(reverse("unit_tree"), {"on": "2025-06-30"}).content.decode()
    after = client.get(reverse("unit_tree"), {"on": "2025-07-01"}).content.decode()
    assert units["HA-GIANG"].name in before
    assert f">{units['HA-GIANG'].name}<" not in after
    assert units["TUYEN-QUANG-2025"].name in after


def test_unit_tree_rejects_bad_date(client_for):
    response = client_for("qn.xem").get(reverse("unit_tree"), {"on": "31/02/2025"})
    assert response.status_code == 200
    assert "errors" in response.content.decode()


@pytest.mark.parametrize(
    ("username", "code", "status"),
    [
        ("halong.ksv", "QUANG-NINH-HA-LONG", 200),
        ("qn.vientruong", "QUANG-NINH-HA-LONG", 200),  # parent leader sees the child
        ("qn.xem", "QUANG-NINH-HA-LONG", 200),
        ("hagiang.ksv", "QUANG-NINH-HA-LONG", 404),  # outsider
        ("halong.ksv", "QUANG-NINH", 404),  # a child does not see its parent's page
        ("nguoingoai", "QUANG-NINH", 404),
        ("hagiang.ksv", "TUYEN-QUANG-2025", 404),  # the successor is not the predecessor's
        ("admin", "HA-GIANG", 200),
    ],
)
def test_unit_detail_gate(client_for, units, username, code, status):
    response = client_for(username).get(reverse("unit_detail", args=[units[code].pk]))
    assert response.status_code == status


def test_unit_detail_shows_successor_and_members(client_for, units):
    body = client_for("hagiang.ksv").get(reverse("unit_detail", args=[units["HA-GIANG"].pk]))
    text = body.content.decode()
    assert "VKSND tỉnh Tuyên Quang" in text
    assert "Lò Thị" in text or "Thảo" in text


def _add(client, unit, **data):
    return client.post(reverse("membership_add", args=[unit.pk]), data)


def test_leader_adds_member_to_child_unit_with_audit(client_for, units):
    unit = units["QUANG-NINH-HA-LONG"]
    response = _add(client_for("qn.vientruong"), unit, username="qn.xem", role="viewer", title="")
    assert response.status_code == 302
    membership = Membership.objects.get(user__username="qn.xem", unit=unit)
    assert membership.role == Role.VIEWER
    entry = AuditEntry.objects.get(action="org.membership_add", object_id=str(membership.pk))
    assert entry.actor.username == "qn.vientruong"
    assert entry.unit_id == unit.pk


@pytest.mark.parametrize(
    ("username", "code", "status"),
    [
        ("qn.xem", "QUANG-NINH", 403),  # viewer: read but not write
        ("halong.ksv", "QUANG-NINH-HA-LONG", 403),  # staff cannot manage members
        ("hagiang.ksv", "QUANG-NINH-HA-LONG", 404),  # outsider
        ("nguoingoai", "QUANG-NINH", 404),
    ],
)
def test_membership_add_refused(client_for, units, username, code, status):
    before = Membership.objects.count()
    response = _add(client_for(username), units[code], username="nguoingoai", role="staff")
    assert response.status_code == status
    assert Membership.objects.count() == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"username": "khong-ton-tai", "role": "staff"}, "Không có người dùng"),
        ({"username": "halong.ksv", "role": "staff"}, "đã là thành viên"),
        ({"username": "nguoingoai", "role": "admin"}, "Vai trò"),
        ({"username": "", "role": "staff"}, "Tên đăng nhập"),
    ],
)
def test_membership_add_bad_input(client_for, units, data, message):
    before = (Membership.objects.count(), AuditEntry.objects.count())
    response = _add(client_for("qn.vientruong"), units["QUANG-NINH-HA-LONG"], **data)
    assert response.status_code == 400
    assert message in response.content.decode() or "bắt buộc" in response.content.decode()
    assert (Membership.objects.count(), AuditEntry.objects.count()) == before


def test_membership_remove(client_for, units):
    membership = Membership.objects.get(user__username="halong.ksv")
    url = reverse("membership_remove", args=[membership.unit_id, membership.pk])
    assert client_for("qn.xem").post(url).status_code == 403
    assert client_for("qn.vientruong").post(url).status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert AuditEntry.objects.filter(action="org.membership_remove").count() == 1


def test_partners_list_search_folds_diacritics(client_for):
    body = client_for("halong.ksv").get(reverse("partner_list"), {"q": "ha long"}).content
    text = body.decode()
    assert "UBND thành phố Hạ Long" in text
    assert "Tòa án nhân dân tỉnh Hà Giang" not in text


def test_partner_detail_and_clusters(client_for):
    client = client_for("qn.xem")
    listing = client.get(reverse("cluster_list"), {"year": "2021"}).content.decode()
    assert "Cụm thi đua số 6" in listing
    assert "VKSND tỉnh Nghệ An" in listing
    assert client.get(reverse("partner_detail", args=[999999])).status_code == 404


def test_password_change(client_for, cast):
    client = client_for("halong.ksv")
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "kiemsat-demo",
            "new_password1": "Vien-kiem-sat-2026!",
            "new_password2": "Vien-kiem-sat-2026!",
        },
    )
    assert response.status_code == 302
    cast["halong.ksv"].refresh_from_db()
    assert cast["halong.ksv"].check_password("Vien-kiem-sat-2026!")


def test_unit_tree_takes_vietnamese_dates_and_points_to_an_ended_unit(client_for, units):
    client = client_for("halong.ksv")
    today = client.get(reverse("unit_tree"), {"on": "01/07/2025"}).content.decode()
    assert "Không có đơn vị nào" in today
    assert "xem cây đơn vị tại ngày 30/06/2025" in today
    before = client.get(reverse("unit_tree"), {"on": "30/06/2025"}).content.decode()
    assert units["QUANG-NINH-HA-LONG"].name in before
