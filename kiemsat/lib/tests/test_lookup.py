"""Finding what a file's cell names, by code or by folded name. No database."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from kiemsat.lib.lookup import CodeOrName, NotFound


@dataclass(frozen=True)
class Org:
    code: str
    name: str
    short_name: str = ""


HA_LONG = Org("QUANG-NINH-HA-LONG", "VKSND thành phố Hạ Long", "VKS Hạ Long")
CA_QN = Org("CA-QUANG-NINH", "Công an tỉnh Quảng Ninh", "Công an tỉnh")
CA_HG = Org("CA-HA-GIANG", "Công an tỉnh Hà Giang", "Công an tỉnh")
CA_LC = Org("CA-LAO-CAI", "Công an tỉnh Lào Cai", "Công an tỉnh")


def finder(*items: Org, usable: set[str] | None = None) -> CodeOrName[Org]:
    return CodeOrName(
        items,
        what="cơ quan nhận",
        column="recipient_code",
        usable=None if usable is None else (lambda o: o.code in usable),
    )


def test_a_code_in_any_case_or_a_name_folded_finds_the_item() -> None:
    find = finder(HA_LONG, CA_QN).find
    assert find("QUANG-NINH-HA-LONG") is HA_LONG
    assert find("quang-ninh-ha-long") is HA_LONG
    assert find("vksnd  THANH PHO ha long") is HA_LONG
    assert find("VKS Hạ Long") is HA_LONG
    assert find("cong an tinh quang ninh") is CA_QN


def test_a_shared_name_is_refused_with_the_candidates_and_their_codes() -> None:
    with pytest.raises(NotFound) as missing:
        finder(HA_LONG, CA_QN, CA_HG).find("Công an tỉnh")
    assert str(missing.value) == (
        '"Công an tỉnh" khớp nhiều cơ quan nhận: Công an tỉnh Quảng Ninh (CA-QUANG-NINH), '
        "Công an tỉnh Hà Giang (CA-HA-GIANG); hãy ghi mã"
    )


def test_a_shared_name_is_taken_when_one_candidate_is_usable() -> None:
    assert finder(CA_QN, CA_HG, usable={"CA-HA-GIANG"}).find("cong an tinh") is CA_HG
    with pytest.raises(NotFound, match=r"CA-HA-GIANG.*CA-LAO-CAI"):
        finder(CA_QN, CA_HG, CA_LC, usable={"CA-HA-GIANG", "CA-LAO-CAI"}).find("Công an tỉnh")


def test_an_unknown_or_blank_cell_names_the_column() -> None:
    with pytest.raises(NotFound) as missing:
        finder(HA_LONG).find("Cẩm Phả")
    assert str(missing.value) == (
        "không có cơ quan nhận mã hoặc tên 'Cẩm Phả' (cột recipient_code)"
    )
    with pytest.raises(NotFound, match=r"thiếu cơ quan nhận \(cột recipient_code\)"):
        finder(HA_LONG).find("  ")
