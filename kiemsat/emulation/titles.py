"""The collective titles a cluster proposes, as data (``data/titles.yaml``), and the pure
rules that say whether a ranked member may be proposed for one."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from kiemsat.lib.vn import format_percent

TITLES = Path(__file__).resolve().parent / "data" / "titles.yaml"
KEYS = {"code", "name", "top_bands", "max_rank", "min_vote_percent", "requires"}


@dataclass(frozen=True)
class TitleRule:
    code: str
    name: str
    top_bands: int | None = None
    max_rank: int | None = None
    min_vote_percent: int | None = None
    requires: str = ""

    @property
    def needs_votes(self) -> bool:
        return self.min_vote_percent is not None


def parse_rules(data: Any) -> list[TitleRule]:
    """The rules from the YAML structure; ValueError naming the entry when malformed."""
    entries = data.get("titles") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise ValueError("thiếu danh sách titles")
    rules: list[TitleRule] = []
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or not entry.get("code") or not entry.get("name"):
            raise ValueError(f"danh hiệu thứ {number}: cần code và name")
        unknown = set(entry) - KEYS
        if unknown:
            raise ValueError(f"danh hiệu {entry['code']}: không rõ {', '.join(sorted(unknown))}")
        rules.append(TitleRule(**{k: entry[k] for k in KEYS if k in entry}))
    codes = [r.code for r in rules]
    for rule in rules:
        if rule.requires and rule.requires not in codes:
            raise ValueError(f"danh hiệu {rule.code}: requires '{rule.requires}' không có")
    if len(set(codes)) != len(codes):
        raise ValueError("mã danh hiệu bị trùng")
    return rules


@cache
def rules() -> tuple[TitleRule, ...]:
    return tuple(parse_rules(yaml.safe_load(TITLES.read_text(encoding="utf-8"))))


def rule_for(code: str) -> TitleRule | None:
    return next((r for r in rules() if r.code == code), None)


def standing_problems(rule: TitleRule, rank: int | None, band_position: int | None) -> list[str]:
    """Why a member with this rank and band (1 = highest band) may not be proposed."""
    problems = []
    if rank is None:
        return ["không được xếp hạng trong cụm"]
    if rule.top_bands is not None and (band_position is None or band_position > rule.top_bands):
        levels = (
            "mức xếp loại cao nhất" if rule.top_bands == 1 else f"{rule.top_bands} mức cao nhất"
        )
        problems.append(f"cần xếp loại thuộc {levels}")
    if rule.max_rank is not None and rank > rule.max_rank:
        problems.append(
            "cần dẫn đầu cụm" if rule.max_rank == 1 else f"cần xếp hạng từ 1 đến {rule.max_rank}"
        )
    return problems


def vote_problem(rule: TitleRule, votes_for: int | None, voters: int) -> str:
    """Why the votes do not carry the proposal ("" when they do or none are needed)."""
    if rule.min_vote_percent is None:
        return ""
    if votes_for is None:
        return f"{rule.name} cần ghi số phiếu đồng ý của các đơn vị trong cụm."
    if votes_for > voters:
        return f"Số phiếu đồng ý ({votes_for}) nhiều hơn số đơn vị của cụm ({voters})."
    if votes_for * 100 < rule.min_vote_percent * voters:
        return (
            f"{rule.name} cần ít nhất {rule.min_vote_percent}% số phiếu của cụm; "
            f"mới được {votes_for}/{voters} phiếu ({format_percent(votes_for, voters)})."
        )
    return ""
