# ruff: noqa: E501 (the articles are prose, one paragraph a line as portals save them)
"""Each extraction rule on small articles written for the purpose."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from kiemsat.ingest.extraction import extract
from kiemsat.ingest.extraction.figures import Indicator, find_indicators, find_themes
from kiemsat.ingest.extraction.orgs import chains, find_orgs
from kiemsat.ingest.extraction.people import find_people, organisation_of
from kiemsat.ingest.extraction.text import parse

SIGNING = """Thứ 2, 05/06/2023, 09:10 [GMT+7]
VKSND tỉnh Lào Cai và Sở Tư pháp ký kết quy chế phối hợp
Thứ 4, 15/03/2023 | 10:00
Sáng 14/3, tại trụ sở Viện kiểm sát nhân dân tỉnh Lào Cai, Viện kiểm sát nhân dân (VKSND) tỉnh Lào Cai và Sở Tư pháp tỉnh Lào Cai đã tổ chức Lễ ký kết Quy chế phối hợp trong công tác phổ biến, giáo dục pháp luật giai đoạn 2023-2027.
Quang cảnh lễ ký kết.
Dự buổi lễ có đồng chí Thượng tá Nguyễn Văn Nam, Phó Trưởng Công an tỉnh; ông Hoàng Minh Đức - Phó Chủ tịch UBND tỉnh Lào Cai.
Quy chế gồm 04 chương và 15 điều, quy định nguyên tắc, nội dung và trách nhiệm phối hợp giữa hai cơ quan. Năm 2022, VKSND tỉnh đã giải quyết 215/220 tin báo, đạt 97,7%; kiểm sát 98% số vụ án. Toàn ngành đạt 30/30 chỉ tiêu, trong đó vượt 12 chỉ tiêu.
Phát biểu tại buổi lễ, đồng chí Trần Thị Hoa, Viện trưởng VKSND tỉnh Lào Cai nhấn mạnh tinh thần “Đoàn kết – Kỷ cương – Trách nhiệm” trong năm 2023, tránh để vụ việc “phức tạp” kéo dài.
Tin, ảnh: Lê Văn Bình
Phạm Thu Trang
Trưởng ban biên tập: Phó Viện trưởng Đỗ Minh Khoa
"""

REVIEW = """Hội nghị sơ kết 3 năm thực hiện Quy chế phối hợp liên ngành
Ngày đăng: 05/01/2024
Chiều 28/12, Công an, Tòa án và Viện kiểm sát huyện Yên Dũng đã tổ chức Hội nghị sơ kết 3 năm thực hiện Quy chế phối hợp số 01/QCPH ngày 10/3/2020 trong công tác điều tra, truy tố, xét xử. Đồng chí Đại tá Hoàng Văn Thái – Trưởng Công an huyện Yên Dũng chủ trì hội nghị.
Toàn cảnh hội nghị.
Theo báo cáo, các cơ quan tiến hành tố tụng đã phối hợp chặt chẽ, đạt và vượt hầu hết chỉ tiêu đề ra.
"""

COVENANT = """Cụm thi đua số 3 ký kết giao ước thi đua năm 2024
Sáng ngày 20/02/2024, VKSND các tỉnh: Lào Cai (Cụm trưởng), Yên Bái, Hà Giang và Tuyên Quang đã tổ chức Hội nghị ký kết giao ước thi đua năm 2024. Dự hội nghị có đồng chí Nguyễn Quang Dũng, Phó Viện trưởng VKSND tối cao.
Nguồn: VKSND tỉnh Lào Cai
"""


def test_a_day_and_month_take_the_year_of_the_date_line_not_of_the_page_header() -> None:
    assert extract(SIGNING).event_date == date(2023, 3, 14)


def test_a_december_day_reported_in_january_is_of_the_year_before() -> None:
    assert extract(REVIEW).event_date == date(2023, 12, 28)


def test_a_day_and_month_without_a_date_line_give_no_date() -> None:
    text = "Sáng 30-11, VKSND tỉnh Nghệ An và Sở Tư pháp tỉnh Nghệ An đã tổ chức ký kết Quy chế phối hợp về công tác pháp chế trong năm tới và những năm tiếp theo của hai ngành."
    assert extract(text).event_date is None


def test_a_page_header_alone_is_not_a_date_line() -> None:
    text = "Thứ 5, 23/03/2023, 21:43[GMT+7]\n" + REVIEW.split("\n", 2)[2]
    assert parse(text).published is None
    assert extract(text).event_date is None


def test_vua_qua_gives_no_date_and_a_document_date_is_not_the_event_date() -> None:
    text = "Ngày đăng: 10/05/2022\nVừa qua, VKSND huyện Tiên Yên tổ chức Hội nghị triển khai Chỉ thị số 01/CT-VKSTC ngày 17/12/2021 của Viện trưởng VKSND tối cao về công tác năm 2022 của toàn ngành kiểm sát nhân dân."
    assert extract(text).event_date is None


def test_a_full_date_in_words_is_read() -> None:
    text = "Ngày 15 tháng 3 năm 2023, VKSND thành phố Hạ Long và UBND thành phố Hạ Long đã ký kết Chương trình phối hợp công tác năm 2023 trong lĩnh vực hành chính, dân sự."
    assert extract(text).event_date == date(2023, 3, 15)


def test_a_province_list_is_distributed_and_glosses_dropped() -> None:
    facts = extract(COVENANT)
    assert facts.parties == [
        "VKSND tỉnh Lào Cai",
        "VKSND tỉnh Yên Bái",
        "VKSND tỉnh Hà Giang",
        "VKSND tỉnh Tuyên Quang",
    ]
    assert facts.event_type == "emulation_covenant_signing"
    assert (facts.instrument.period_start_year, facts.instrument.period_end_year) == (2024, 2024)


def test_a_shared_locative_goes_to_every_head_of_the_list() -> None:
    assert extract(REVIEW).parties == [
        "Công an huyện Yên Dũng",
        "Tòa án huyện Yên Dũng",
        "Viện kiểm sát huyện Yên Dũng",
    ]


def test_two_heads_and_a_list_of_districts_give_every_pair() -> None:
    text = "VKSND và UBND các huyện: Cô Tô, Vân Đồn tổ chức ký kết"
    names = [o.text for run in chains(text, find_orgs(text)) for o in run]
    assert names == [
        "VKSND huyện Cô Tô",
        "VKSND huyện Vân Đồn",
        "UBND huyện Cô Tô",
        "UBND huyện Vân Đồn",
    ]


def test_a_locative_appositive_is_dropped() -> None:
    text = "Ngày 02/3/2021, VKSND huyện Tiên Yên, tỉnh Quảng Ninh và Công an huyện Tiên Yên đã ký kết Quy chế phối hợp trong công tác giải quyết tin báo, tố giác tội phạm."
    assert extract(text).parties == ["VKSND huyện Tiên Yên", "Công an huyện Tiên Yên"]


def test_the_place_of_the_event_is_not_a_party_and_guests_are_not_parties() -> None:
    facts = extract(SIGNING)
    assert facts.parties == ["Viện kiểm sát nhân dân tỉnh Lào Cai", "Sở Tư pháp tỉnh Lào Cai"]
    assert facts.location == "trụ sở Viện kiểm sát nhân dân tỉnh Lào Cai"


def test_an_incomplete_name_takes_the_one_place_the_text_writes_for_it() -> None:
    text = "Ngày 18/1/2022, VKSND thành phố Cẩm Phả phối hợp với UBND thành phố tổ chức Hội nghị ký kết Chương trình phối hợp công tác năm 2022. Chủ tịch UBND TP Cẩm Phả phát biểu chỉ đạo tại hội nghị, đề nghị hai cơ quan tiếp tục phối hợp."
    assert extract(text).parties == ["VKSND thành phố Cẩm Phả", "UBND TP Cẩm Phả"]


def test_bylines_and_footer_names_are_not_people() -> None:
    names = [p.name for p in extract(SIGNING).people]
    assert names == ["Nguyễn Văn Nam", "Hoàng Minh Đức", "Trần Thị Hoa"]


def test_ranks_and_honorifics_are_stripped_and_titles_kept() -> None:
    people = {p.name: p for p in extract(SIGNING).people + extract(REVIEW).people}
    assert people["Nguyễn Văn Nam"].title == "Phó Trưởng Công an tỉnh"
    assert people["Hoàng Văn Thái"].title == "Trưởng Công an huyện Yên Dũng"
    assert people["Hoàng Minh Đức"].organisation == "UBND tỉnh Lào Cai"
    assert "Yên Dũng" not in people


def test_a_name_after_its_title_and_place_is_found() -> None:
    found = find_people(
        "Viện trưởng Viện kiểm sát nhân dân tỉnh Hà Giang Đặng Bình Giang phát biểu."
    )
    assert [(p.name, p.title) for p in found] == [
        ("Đặng Bình Giang", "Viện trưởng Viện kiểm sát nhân dân tỉnh Hà Giang")
    ]


def test_a_semicolon_list_of_officials_after_cac_dong_chi() -> None:
    found = find_people(
        "Dự có các đồng chí: Lê Văn Hải, Phó Chủ tịch UBND tỉnh; Vũ Thị Lan, Giám đốc Sở Tư pháp."
    )
    assert [p.name for p in found] == ["Lê Văn Hải", "Vũ Thị Lan"]


def test_the_organisation_is_the_first_state_post_without_memberships() -> None:
    assert organisation_of("Phó Bí thư thường trực Tỉnh ủy, Chủ tịch HĐND tỉnh") == "HĐND tỉnh"
    assert (
        organisation_of("Ủy viên Ban Thường vụ, Trưởng ban Tuyên giáo Tỉnh ủy")
        == "Ban Tuyên giáo Tỉnh ủy"
    )


def test_case_handling_rates_are_not_indicators() -> None:
    assert extract(SIGNING).indicators == [
        Indicator(30, 30, None, "met"),
        Indicator(12, None, None, "exceeded"),
    ]
    assert (
        find_indicators("Đã giải quyết 215/220 tin báo, đạt 97,7%; 12/12 vụ án được xét xử.") == []
    )
    assert extract(REVIEW).indicators == []


def test_counts_met_and_exceeded_with_their_bases_and_rates() -> None:
    found = find_indicators(
        "Số chỉ tiêu đạt là 44/46 chỉ tiêu, đạt tỷ lệ 95,7%; số chỉ tiêu vượt là 20/22 chỉ tiêu. "
        "Có 3 chỉ tiêu không đạt."
    )
    assert found == [
        Indicator(44, 46, Decimal("95.7"), "met"),
        Indicator(20, 22, None, "exceeded"),
    ]


def test_themes_are_quoted_slogans_not_scare_quotes_or_awards() -> None:
    assert extract(SIGNING).themes == ["Đoàn kết – Kỷ cương – Trách nhiệm"]
    assert find_themes("Đơn vị được tặng danh hiệu “Tập thể lao động xuất sắc”.") == []


@pytest.mark.parametrize(
    ("lead", "expected"),
    [
        (
            "tổ chức Hội nghị tổng kết công tác phối hợp năm 2023 và ký kết Chương trình phối hợp năm 2024",
            "coordination_review",
        ),
        (
            "tổ chức Lễ ký kết Quy chế phối hợp trong công tác thi hành án dân sự",
            "coordination_signing",
        ),
        (
            "tổ chức Hội nghị tổng kết công tác kiểm sát năm 2023, triển khai nhiệm vụ năm 2024",
            "work_conference",
        ),
        (
            "tổ chức Hội nghị tổng kết phong trào thi đua năm 2023 của Cụm thi đua số 2",
            "emulation_review",
        ),
        ("tổ chức lễ kết nghĩa giữa hai chi đoàn", "other"),
    ],
)
def test_the_event_type_follows_the_events_own_name(lead: str, expected: str) -> None:
    assert extract(f"Ngày 05/01/2024, VKSND tỉnh Hà Giang {lead}.").event_type == expected


def test_chapters_and_articles_in_digits_or_words_and_the_period() -> None:
    facts = extract(SIGNING)
    assert (facts.instrument.chapters, facts.instrument.articles) == (4, 15)
    assert (facts.instrument.period_start_year, facts.instrument.period_end_year) == (2023, 2027)
    text = "Ngày 3/3/2023, VKSND tỉnh Hà Giang và Công an tỉnh Hà Giang ký kết Quy chế phối hợp gồm ba chương, 12 điều."
    assert (extract(text).instrument.chapters, extract(text).instrument.articles) == (3, 12)


def test_a_reviewed_instrument_is_described_when_nothing_is_signed() -> None:
    instrument = extract(REVIEW).instrument
    assert instrument.kind == "quy_che_phoi_hop"
    assert instrument.title.startswith("Quy chế phối hợp số 01/QCPH")
    assert (instrument.period_start_year, instrument.chapters) == (None, None)


_ROOT = Path(__file__).resolve().parents[3]
DEV_SET = (
    next(
        (p for p in (_ROOT.parent / "shared", _ROOT.parent.parent / "shared") if p.is_dir()),
        _ROOT / "shared",
    )
    / "data"
    / "extraction"
)


def _scored(facts: dict) -> dict:  # type: ignore[type-arg]
    inst = facts["instrument"]
    return {
        "event": (facts["event_type"], facts["event_date"]),
        "instrument": (
            inst["kind"],
            inst["period_start_year"],
            inst["period_end_year"],
            inst["chapters"],
            inst["articles"],
        ),
        "parties": {find_orgs(p)[0].key for p in facts["parties"]},
        "people": {p["name"] for p in facts["people"]},
        "indicators": {(i["met"], i["total"], i["kind"]) for i in facts["indicators"]},
    }


@pytest.mark.skipif(not DEV_SET.is_dir(), reason="the development set lives beside the project")
@pytest.mark.parametrize("name", ["000", "001", "002", "003", "004"])
def test_the_development_set_matches_its_gold_on_every_scored_field(name: str) -> None:
    gold = json.loads((DEV_SET / "gold" / f"{name}.json").read_text(encoding="utf-8"))
    got = extract((DEV_SET / "articles" / f"{name}.txt").read_text(encoding="utf-8")).as_json()
    assert _scored(got) == _scored(gold)
