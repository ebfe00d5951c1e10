"""Place names and surnames the rules lean on, built offline from kiemsat's own registers.

Places are the bare names of every unit the reference data knows through history (old and
new provinces, the district units, regional ones), of every legacy district in the
``vietnam-provinces`` package and of the partners' provinces; all folded with
:func:`kiemsat.lib.vn.fold`, so "Thừa Thiên Huế" and "thua thien hue" are the same key.
"""

from __future__ import annotations

import re
from functools import cache

from vietnam_provinces import Province
from vietnam_provinces.legacy import District
from vietnam_provinces.legacy import Province as LegacyProvince

from kiemsat.ingest.extraction.text import word_set
from kiemsat.lib.vn import fold
from kiemsat.org.reference import bare_name, load_data, unit_rows

# Division words that start a unit's or a place's name in the registers.
_DIVISION = re.compile(
    r"^(?:vksnd\s+)?(?:tỉnh|thành phố|huyện|quận|thị xã|khu vực \d+ –|cấp cao tại)\s+",
    re.IGNORECASE,
)

_NOT_PLACE = re.compile(r"^\d+$|vien kiem sat|cap cao|khu vuc")

# Common Vietnamese family names, and rarer ones of the sector's news.
SURNAMES = word_set(
    "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Đoàn "
    "Trịnh Lương Đào Mai Cao Lâm Tạ Chu Tô Quách Triệu Hà Kiều Khúc Âu Ấu Thân Đàm Đồng "
    "Lưu Lục Hứa Tăng Văn La Lò Lường Quan Nông Hoàng Mạc Nghiêm Phùng Vương Tống Từ "
    "Giang Kim Khổng Thái Thạch Châu Diệp Hầu Ninh Trương Hàn Lã Lạc Mã Doãn Bế Sầm "
    "Vi Tôn Tiêu Ông Cù Bạch Chung Đậu Ngọ Nhữ Phí Phó Quang Quản Thiều Trình Tiết Viên "
    "Yên Hàng Lục Mông Lạng Lại Long Cấn Khuất Đường Trầm Ưng Lữ Ma Kha Hồng"
)


@cache
def places() -> frozenset[str]:
    """Folded bare place names: provinces (old and new), districts and regional units."""
    names: set[str] = set()
    for row in unit_rows():
        names.add(fold(_DIVISION.sub("", row.name)))
        if row.short_name:
            names.add(fold(bare_name(row.short_name)))
    for legacy in LegacyProvince.iter_all():
        names.add(fold(bare_name(legacy.name)))
    for province in Province.iter_all():
        names.add(fold(bare_name(province.name)))
    for district in District.iter_all():
        names.add(fold(bare_name(district.name)))
    for partner in load_data("partners.yaml")["partners"]:
        if partner.get("province"):
            names.add(fold(partner["province"]))
    names.discard("")
    return frozenset(name for name in names if not _NOT_PLACE.search(name))


@cache
def longest_place_words() -> int:
    return max(len(name.split()) for name in places())


def place_prefix(words: list[str]) -> int:
    """How many of `words` (capitalised tokens) form the longest known place name, or 0."""
    for size in range(min(len(words), longest_place_words()), 0, -1):
        if fold(" ".join(words[:size])) in places():
            return size
    return 0


def is_surname(word: str) -> bool:
    return word.lower() in SURNAMES
