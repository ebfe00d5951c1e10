"""The sơ kết / tổng kết of an instrument; its next review date follows."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from kiemsat.agreements.models import Instrument, Review
from kiemsat.agreements.services.instruments import (
    _audit,
    _full_clean,
    _raise,
    _refresh_next_review,
)
from kiemsat.lib.vn import short_date


@dataclass
class ReviewData:
    kind: str
    held_on: date
    period_from: date
    period_to: date
    decision: str
    assessment: str = ""
    results: str = ""
    problems: str = ""
    note: str = ""


@transaction.atomic
def review_record(*, actor: Any, instrument: Instrument, data: ReviewData) -> Review:
    """Record a sơ kết / tổng kết; the instrument's next review date follows from it."""
    errors: dict[str, str] = {}
    if data.period_to < data.period_from:
        errors["period_to"] = "Ngày cuối kỳ đánh giá phải sau ngày đầu kỳ."
    if data.held_on > timezone.localdate():
        errors["held_on"] = "Ngày tổ chức không được sau hôm nay (ghi lại khi đã tổ chức)."
    elif instrument.start_on and data.held_on < instrument.start_on:
        errors["held_on"] = (
            f"Ngày tổ chức trước ngày văn bản có hiệu lực ({short_date(instrument.start_on)})."
        )
    _raise(errors)
    review = Review(instrument=instrument, **asdict(data))
    _full_clean(review)
    review.save()
    _refresh_next_review(instrument)
    _audit(
        actor,
        "agreements.review_record",
        instrument,
        {
            "review": str(review),
            "decision": data.decision,
            "next_review_on": instrument.next_review_on,
        },
    )
    return review
