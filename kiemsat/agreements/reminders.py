"""Due reviews, duties and cascades, for "Hôm nay" and send_reminders (org.reminders).

Items are due within SOON_WORKING_DAYS working days, or overdue. Instruments replaced by a
newer one raise nothing; duties of an instrument no longer in force neither.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.db.models import Q
from django.urls import reverse

from kiemsat.agreements.models import Duty, Instrument, ReviewSchedule, Status
from kiemsat.agreements.selectors import cascade_coverage, with_status
from kiemsat.lib.vn import short_date
from kiemsat.lib.workdays import SOON_WORKING_DAYS, WorkCalendar
from kiemsat.org.models import Role
from kiemsat.org.reminders import Reminder
from kiemsat.org.selectors import work_calendar

REVIEW_KIND = "Sơ kết, tổng kết văn bản phối hợp"
DUTY_KIND = "Nhiệm vụ phối hợp"
CASCADE_KIND = "Ký kết văn bản phối hợp theo chỉ đạo cấp trên"


def agreement_reminders(today: date) -> Iterator[Reminder]:
    calendar = work_calendar()
    horizon = calendar.add_working_days(today, SOON_WORKING_DAYS)
    yield from _reviews(today, horizon, calendar)
    yield from _duties(today, horizon, calendar)
    yield from _cascades(today, horizon)


def _due_soon(today: date, due: date, calendar: WorkCalendar) -> bool:
    return due < today or calendar.working_days_between(today, due) <= SOON_WORKING_DAYS


def _url(instrument_id: int, anchor: str = "") -> str:
    return reverse("instrument_detail", args=[instrument_id]) + anchor


def _reviews(today: date, horizon: date, calendar: WorkCalendar) -> Iterator[Reminder]:
    due_now = with_status(Instrument.objects.filter(next_review_on__lte=horizon), today)
    for instrument in due_now.exclude(**{"status_now": Status.REPLACED}).select_related(
        "owner_unit"
    ):
        due = instrument.next_review_on
        assert due is not None
        if not _due_soon(today, due, calendar):
            continue
        final = instrument.valid_to is not None and due >= instrument.valid_to
        what = (
            "Tổng kết" if final or instrument.review_schedule == ReviewSchedule.NONE else "Sơ kết"
        )
        yield Reminder(
            key=f"agreements.review:{instrument.pk}:{due.isoformat()}",
            unit_id=instrument.owner_unit_id,
            title=f"{what} {instrument} – {instrument.owner_unit.name}",
            due=due,
            overdue=due < today,
            url=_url(instrument.pk, "#so-ket-tong-ket"),
            kind=REVIEW_KIND,
        )


def _duties(today: date, horizon: date, calendar: WorkCalendar) -> Iterator[Reminder]:
    live = Q(instrument__valid_to__isnull=True) | Q(instrument__valid_to__gte=today)
    duties = (
        Duty.objects.filter(live, done=False, next_due__lte=horizon)
        .select_related("instrument", "instrument__owner_unit")
        .prefetch_related("responsible")
    )
    for duty in duties:
        due = duty.next_due
        assert due is not None
        if not _due_soon(today, due, calendar):
            continue
        units = sorted({p.unit_id for p in duty.responsible.all() if p.unit_id})
        for unit_id in units or [duty.instrument.owner_unit_id]:
            yield Reminder(
                key=f"agreements.duty:{duty.pk}:{unit_id}:{due.isoformat()}",
                unit_id=unit_id,
                title=f"{duty.title} ({duty.instrument} – {duty.instrument.owner_unit.name})",
                due=due,
                overdue=due < today,
                url=_url(duty.instrument_id, "#nhiem-vu"),
                kind=DUTY_KIND,
            )


def _cascades(today: date, horizon: date) -> Iterator[Reminder]:
    """Subordinate units (still existing) that have not yet signed what they were told to."""
    directing = Instrument.objects.filter(cascade_due__lte=horizon).select_related("owner_unit")
    for instrument in directing:
        due = instrument.cascade_due
        assert due is not None
        for row in cascade_coverage(instrument, today):
            if row.instrument is not None or not row.unit.is_valid_on(today):
                continue
            yield Reminder(
                key=f"agreements.cascade:{instrument.pk}:{row.unit.pk}:{due.isoformat()}",
                unit_id=row.unit.pk,
                title=f"Ký văn bản thực hiện {instrument} của {instrument.owner_unit.name} "
                f"(hạn {short_date(due)})",
                due=due,
                overdue=due < today,
                url=reverse("instrument_create") + f"?cap_tren={instrument.pk}",
                kind=CASCADE_KIND,
                need=Role.STAFF,
            )
