"""Demo instruments from the founding articles (seeds 000 and 002, the Quảng Trị programme)
and one cascade labelled as demo data. Idempotent: an instrument already there is skipped.

Numbers and signing dates the articles do not give are left empty rather than invented.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction

from kiemsat.agreements.models import (
    ClauseKind,
    Decision,
    Instrument,
    InstrumentKind,
    Recurrence,
    ReviewKind,
    ReviewSchedule,
)
from kiemsat.agreements.services import instruments as instruments_services
from kiemsat.agreements.services import parties as parties_services
from kiemsat.agreements.services import reviews
from kiemsat.agreements.services.instruments import InstrumentData, PartyData
from kiemsat.agreements.services.parties import DutyData
from kiemsat.agreements.services.reviews import ReviewData
from kiemsat.org.models import Partner, Unit

HA_LONG = "QUANG-NINH-HA-LONG"
DEMO_NOTE = (
    "Dữ liệu minh họa: văn bản này không có trong các bài viết nguồn, dùng để minh họa "
    "việc chỉ đạo cấp dưới ký kết."
)


@dataclass
class Spec:
    owner: str
    data: InstrumentData
    parties: list[tuple[str, str, str, str, bool]]  # (kind, code, name, title, host)
    body_names: dict[str, str] = field(default_factory=dict)


def _party(kind: str, code: str, name: str, title: str, host: bool, body: str) -> PartyData:
    party = PartyData(signatory_name=name, signatory_title=title, is_host=host, body_name=body)
    if kind == "unit":
        party.unit = Unit.objects.get(code=code)
    else:
        party.partner = Partner.objects.get(code=code)
    return party


def _ensure(spec: Spec, **links: Instrument | None) -> tuple[Instrument, bool]:
    owner = Unit.objects.get(code=spec.owner)
    existing = Instrument.objects.filter(owner_unit=owner, title=spec.data.title).first()
    if existing is not None:
        return existing, False
    for name, value in links.items():
        setattr(spec.data, name, value)
    parties = [
        _party(kind, code, name, title, host, spec.body_names.get(code, ""))
        for kind, code, name, title, host in spec.parties
    ]
    return instruments_services.instrument_register(
        actor=None, data=spec.data, parties=parties
    ), True


def _quang_ninh_cascade() -> Spec:
    return Spec(
        owner="QUANG-NINH",
        data=InstrumentData(
            kind=InstrumentKind.PROGRAMME,
            title="Chương trình phối hợp công tác năm 2022",
            summary="Phối hợp giữa Viện kiểm sát nhân dân tỉnh Quảng Ninh và Ủy ban nhân dân "
            "tỉnh Quảng Ninh; Viện kiểm sát và Ủy ban nhân dân cấp huyện ký chương trình "
            "phối hợp của mình.",
            signed_on=date(2022, 1, 10),
            place="Quảng Ninh",
            valid_to=date(2022, 12, 31),
            cascade_due=date(2022, 3, 31),
            cascade_note="VKSND cấp huyện ký chương trình phối hợp năm 2022 với UBND cùng cấp",
            note=DEMO_NOTE,
        ),
        parties=[
            ("unit", "QUANG-NINH", "", "Viện trưởng", True),
            ("partner", "UBND-QUANG-NINH", "", "Chủ tịch", False),
        ],
    )


HA_LONG_PARTIES = [
    ("unit", HA_LONG, "Vũ Thị Đoan", "Viện trưởng", True),
    ("partner", "UBND-HA-LONG", "Nguyễn Tiến Dũng", "Chủ tịch Ủy ban nhân dân thành phố", False),
]
HA_LONG_2022_SUMMARY = (
    "Phối hợp trong giải quyết các vụ án hành chính, vụ, việc dân sự; tổng hợp vi phạm, tội "
    "phạm để kiến nghị Ủy ban nhân dân và các phòng, ban chuyên môn áp dụng biện pháp phòng "
    "ngừa; đẩy mạnh tuyên truyền, phổ biến, giáo dục pháp luật."
)


def _ha_long_2021() -> Spec:
    return Spec(
        owner=HA_LONG,
        data=InstrumentData(
            kind=InstrumentKind.PROGRAMME,
            title="Chương trình phối hợp công tác năm 2021",
            valid_from=date(2021, 1, 1),
            valid_to=date(2021, 12, 31),
            place="Hạ Long",
            note="Bài viết nguồn (seed 000) không nêu số và ngày ký chương trình năm 2021.",
        ),
        parties=HA_LONG_PARTIES,
    )


def _ha_long_2022() -> Spec:
    return Spec(
        owner=HA_LONG,
        data=InstrumentData(
            kind=InstrumentKind.PROGRAMME,
            title="Chương trình phối hợp công tác năm 2022",
            summary=HA_LONG_2022_SUMMARY,
            signed_on=date(2022, 1, 18),
            place="Hạ Long",
            venue="Hội nghị tổng kết công tác phối hợp năm 2021 và ký kết Chương trình phối "
            "hợp công tác năm 2022",
            valid_to=date(2022, 12, 31),
        ),
        parties=HA_LONG_PARTIES,
    )


HA_LONG_ITEMS = [
    (
        "Phối hợp giải quyết các vụ án hành chính, vụ, việc dân sự",
        "Phối hợp với các phòng, ban chuyên môn thuộc Ủy ban nhân dân thành phố triển khai "
        "thực hiện quy định của pháp luật trong quá trình giải quyết các vụ án hành chính, "
        "vụ, việc dân sự.",
    ),
    (
        "Phòng ngừa tội phạm và vi phạm pháp luật",
        "Tổng hợp các vi phạm, tội phạm để kiến nghị Ủy ban nhân dân, các phòng, ban chuyên "
        "môn áp dụng các biện pháp phòng ngừa; không để xảy ra điểm nóng, bảo đảm an ninh "
        "chính trị, trật tự an toàn xã hội.",
    ),
    (
        "Tuyên truyền, phổ biến, giáo dục pháp luật",
        "Đẩy mạnh công tác tuyên truyền, phổ biến, giáo dục pháp luật, đáp ứng yêu cầu cải "
        "cách tư pháp.",
    ),
]


def _ha_long_content(instrument: Instrument) -> None:
    articles = [
        parties_services.clause_add(
            actor=None,
            instrument=instrument,
            kind=ClauseKind.ARTICLE,
            number=n,
            title=title,
            text=text,
        )
        for n, (title, text) in enumerate(HA_LONG_ITEMS, start=1)
    ]
    procuracy, committee = list(instrument.parties.order_by("order"))
    parties_services.duty_add(
        actor=None,
        instrument=instrument,
        data=DutyData(
            title="Tổng hợp vi phạm, tội phạm, kiến nghị Ủy ban nhân dân thành phố áp dụng "
            "biện pháp phòng ngừa",
            recurrence=Recurrence.HALF_YEARLY,
            responsible=[procuracy],
            next_due=date(2022, 6, 30),
            clause=articles[1],
        ),
    )
    parties_services.duty_add(
        actor=None,
        instrument=instrument,
        data=DutyData(
            title="Phối hợp giải quyết vụ án hành chính, vụ, việc dân sự liên quan đến Ủy ban "
            "nhân dân thành phố",
            recurrence=Recurrence.PER_CASE,
            responsible=[procuracy, committee],
            clause=articles[0],
        ),
    )


def _ha_long_review(instrument: Instrument) -> None:
    reviews.review_record(
        actor=None,
        instrument=instrument,
        data=ReviewData(
            kind=ReviewKind.FINAL,
            held_on=date(2022, 1, 18),
            period_from=date(2021, 1, 1),
            period_to=date(2021, 12, 31),
            decision=Decision.REPLACE,
            assessment="Chủ tịch Ủy ban nhân dân thành phố đánh giá cao kết quả công tác phối "
            "hợp năm 2021 giữa Ủy ban nhân dân thành phố và Viện kiểm sát nhân dân thành phố.",
            results="Viện kiểm sát nhân dân thành phố đã tích cực phối hợp với các phòng, ban "
            "chuyên môn thuộc Ủy ban nhân dân thành phố trong giải quyết các vụ án hành chính, "
            "vụ, việc dân sự; tổng hợp các vi phạm, tội phạm để kiến nghị áp dụng các biện pháp "
            "phòng ngừa tội phạm và vi phạm pháp luật.",
            note="Ký kết Chương trình phối hợp công tác năm 2022 để thích ứng an toàn phòng, "
            "chống dịch trong tình hình mới.",
        ),
    )


HA_GIANG_BODIES = {
    "HA-GIANG": "Ban cán sự Đảng Viện kiểm sát nhân dân tỉnh Hà Giang",
    "TAND-HA-GIANG": "Ban cán sự Đảng Tòa án nhân dân tỉnh Hà Giang",
}
HA_GIANG_OUTLINE = [
    (
        "Quy định chung",
        [
            (
                "Phạm vi điều chỉnh",
                "Quy chế này quy định nguyên tắc, nội dung, phương thức "
                "phối hợp giữa hai Ban cán sự Đảng trong lãnh đạo, chỉ đạo thực hiện chức năng, "
                "nhiệm vụ.",
            ),
            (
                "Đối tượng áp dụng",
                "Lãnh đạo, Kiểm sát viên, Kiểm tra viên, Chuyên viên, Thẩm "
                "phán, Thẩm tra viên, Thư ký của Viện kiểm sát nhân dân và Tòa án nhân dân hai "
                "cấp tỉnh Hà Giang.",
            ),
            ("Nguyên tắc phối hợp", "(Khung điều khoản – nội dung chi tiết theo văn bản gốc.)"),
        ],
    ),
    (
        "Nội dung phối hợp",
        [
            (
                "Phối hợp trong chỉ đạo triển khai chủ trương, đường lối của Đảng, chính sách "
                "pháp luật của Nhà nước",
                "Phối hợp chỉ đạo triển khai chủ trương, đường lối của "
                "Đảng, chính sách pháp luật của Nhà nước, của Viện kiểm sát nhân dân tối cao, Tòa "
                "án nhân dân tối cao.",
            ),
            (
                "Phối hợp trong giải quyết vụ án",
                "Phối hợp xuyên suốt trong quá trình giải "
                "quyết vụ án từ giai đoạn thụ lý đến khi kết thúc.",
            ),
            (
                "Phối hợp tổ chức phiên tòa rút kinh nghiệm",
                "(Khung điều khoản – nội dung chi tiết theo văn bản gốc.)",
            ),
            (
                "Phối hợp giải quyết khó khăn, vướng mắc",
                "Phối hợp trong chỉ đạo giải quyết những khó khăn, vướng mắc phát sinh.",
            ),
        ],
    ),
    (
        "Tổ chức thực hiện",
        [
            ("Trách nhiệm thi hành", "(Khung điều khoản – nội dung chi tiết theo văn bản gốc.)"),
            ("Hiệu lực thi hành", "Quy chế có hiệu lực kể từ ngày ký."),
        ],
    ),
]


def _ha_giang() -> Spec:
    return Spec(
        owner="HA-GIANG",
        data=InstrumentData(
            kind=InstrumentKind.REGULATION,
            title="Quy chế phối hợp về việc tăng cường lãnh đạo, chỉ đạo thực hiện chức năng, "
            "nhiệm vụ",
            summary="Phối hợp giữa Ban cán sự Đảng Viện kiểm sát nhân dân tỉnh Hà Giang và Ban "
            "cán sự Đảng Tòa án nhân dân tỉnh Hà Giang; 3 chương, 9 điều.",
            signed_on=date(2022, 8, 9),
            place="Hà Giang",
            venue="Hội trường A, trụ sở Viện kiểm sát nhân dân tỉnh Hà Giang",
            note="Khung 3 chương, 9 điều theo bài viết nguồn (seed 002); số văn bản chưa rõ.",
        ),
        parties=[
            ("unit", "HA-GIANG", "Đặng Bình Giang", "Bí thư Ban cán sự Đảng, Viện trưởng", True),
            (
                "partner",
                "TAND-HA-GIANG",
                "Thân Quốc Hùng",
                "Bí thư Ban cán sự Đảng, Chánh án",
                False,
            ),
        ],
        body_names=HA_GIANG_BODIES,
    )


def _ha_giang_outline(instrument: Instrument) -> None:
    article = 0
    for chapter_number, (chapter_title, articles) in enumerate(HA_GIANG_OUTLINE, start=1):
        chapter = parties_services.clause_add(
            actor=None,
            instrument=instrument,
            kind=ClauseKind.CHAPTER,
            number=chapter_number,
            title=chapter_title,
        )
        for title, text in articles:
            article += 1
            parties_services.clause_add(
                actor=None,
                instrument=instrument,
                kind=ClauseKind.ARTICLE,
                number=article,
                title=title,
                text=text,
                chapter=chapter,
            )


def _quang_tri() -> Spec:
    return Spec(
        owner="QUANG-TRI",
        data=InstrumentData(
            kind=InstrumentKind.PROGRAMME,
            title="Chương trình phối hợp giai đoạn 2022 - 2025",
            summary="Phối hợp thực hiện Quyết định số 238-QĐ/TW ngày 30/9/2020 của Ban Bí "
            "thư giữa Ban Tuyên giáo Tỉnh ủy, Tòa án nhân dân tỉnh và Viện kiểm sát nhân dân "
            "tỉnh Quảng Trị.",
            signed_on=date(2022, 3, 16),
            place="Quảng Trị",
            valid_to=date(2025, 12, 31),
            legal_basis="Căn cứ Quyết định số 238-QĐ/TW ngày 30/9/2020 của Ban Bí thư.",
            review_schedule=ReviewSchedule.YEARLY,
            note="Người ký của các bên chưa rõ (bài viết trên cổng thông tin VKSND tỉnh Quảng "
            "Trị).",
        ),
        parties=[
            ("partner", "BTG-QUANG-TRI", "", "Trưởng ban", False),
            ("partner", "TAND-QUANG-TRI", "", "Chánh án", False),
            ("unit", "QUANG-TRI", "", "Viện trưởng", False),
        ],
    )


@transaction.atomic
def build(stdout: Any) -> None:
    cascade, _ = _ensure(_quang_ninh_cascade())
    old, made = _ensure(_ha_long_2021())
    if made:
        _ha_long_review(old)
    current, made = _ensure(_ha_long_2022(), replaces=old, parent=cascade)
    if made:
        _ha_long_content(current)
    regulation, made = _ensure(_ha_giang())
    if made:
        _ha_giang_outline(regulation)
    _ensure(_quang_tri())
    count = Instrument.objects.count()
    stdout.write(f"Văn bản phối hợp minh họa: {count} văn bản.")
