"""Two years of plausible interventions for the demo units (labelled demo data).

For each demo unit, the 24 months up to today (or up to the unit's last day, for units
that ended with the 2025 reform): recommendations to the police, courts, enforcement
offices and People's Committees, prevention recommendations around the unit's KN-02 quota,
appeals in criminal and civil cases decided by the provincial court, and a few requests.
Most are answered and accepted; the most recent ones are pending, some of them overdue.
Every entry goes through the services, so due dates and audit rows are the real ones.
Deterministic (seeded by the unit code) and idempotent (nothing is added once demo
entries exist).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from kiemsat.lib.periods import Month
from kiemsat.lib.validity import is_valid_on
from kiemsat.lib.workdays import WorkCalendar
from kiemsat.org.models import Partner, Unit
from kiemsat.org.selectors import work_calendar
from kiemsat.oversight import services
from kiemsat.oversight.models import (
    COURT_PROTESTS,
    DeadlineRule,
    Field,
    Intervention,
    Kind,
    Outcome,
    Source,
)


@dataclass(frozen=True)
class Profile:
    """One kind of entry a unit issues: to whom, under which rule, how often per month."""

    kind: str
    field: str
    partner: str
    rule: str | None
    symbol: str
    subjects: tuple[str, ...]
    per_month: float


POLICE_KN = (
    "Kiến nghị khắc phục vi phạm trong tiếp nhận, giải quyết nguồn tin về tội phạm",
    "Kiến nghị khắc phục vi phạm trong hoạt động điều tra vụ án hình sự",
    "Kiến nghị khắc phục vi phạm trong quản lý, giam giữ tại nhà tạm giữ",
)
COURT_KN = (
    "Kiến nghị khắc phục vi phạm trong giải quyết các vụ việc dân sự",
    "Kiến nghị khắc phục vi phạm về thời hạn gửi bản án, quyết định",
    "Kiến nghị khắc phục vi phạm trong giải quyết vụ việc hôn nhân và gia đình",
)
ENFORCEMENT_KN = (
    "Kiến nghị khắc phục vi phạm trong tổ chức thi hành án dân sự",
    "Kiến nghị khắc phục vi phạm trong xác minh điều kiện thi hành án",
)
PREVENTION = (
    "Kiến nghị phòng ngừa vi phạm pháp luật trong quản lý đất đai",
    "Kiến nghị phòng ngừa tội phạm trong khai thác tài nguyên, khoáng sản",
    "Kiến nghị phòng ngừa tội phạm ma túy trong thanh thiếu niên",
    "Kiến nghị phòng ngừa vi phạm trong quản lý trật tự an toàn giao thông",
)
APPEAL_HS = ("Kháng nghị phúc thẩm bản án hình sự sơ thẩm",)
APPEAL_DS = ("Kháng nghị phúc thẩm bản án dân sự sơ thẩm",)
REQUESTS = (
    "Yêu cầu kiểm tra, xác minh nguồn tin về tội phạm",
    "Yêu cầu khởi tố vụ án hình sự",
)
COMPLAINT_KN = ("Kháng nghị quyết định giải quyết khiếu nại trong hoạt động tư pháp",)

GENERAL = "tra-loi-kien-nghi-chung"
APPEAL_RULE = "phuc-tham-hs-it-nghiem-trong"
COMPLAINT_RULE = "tra-loi-khieu-nai-ttlt-02-2018"


def _profiles(
    police: str | None, court: str, appeal_court: str, others: dict[str, str]
) -> list[Profile]:
    rows = [
        Profile(Kind.RECOMMENDATION, Field.CIVIL, court, GENERAL, "KN-VKS", COURT_KN, 0.6),
        Profile(
            Kind.APPEAL, Field.CRIMINAL, appeal_court, APPEAL_RULE, "QĐ-VKS-HS", APPEAL_HS, 0.5
        ),
        Profile(Kind.APPEAL, Field.CIVIL, appeal_court, None, "QĐ-VKS-DS", APPEAL_DS, 0.25),
    ]
    if police:
        rows += [
            Profile(
                Kind.RECOMMENDATION, Field.CRIME_REPORTS, police, GENERAL, "KN-VKS", POLICE_KN, 1.0
            ),
            Profile(Kind.REQUEST, Field.INVESTIGATION, police, GENERAL, "YC-VKS", REQUESTS, 0.3),
        ]
    if "ubnd" in others:
        rows.append(
            Profile(
                Kind.PREVENTION, Field.OTHER, others["ubnd"], GENERAL, "KNPN-VKS", PREVENTION, 0.25
            )
        )
    if "thads" in others:
        rows.append(
            Profile(
                Kind.RECOMMENDATION,
                Field.CIVIL_ENFORCEMENT,
                others["thads"],
                GENERAL,
                "KN-VKS",
                ENFORCEMENT_KN,
                0.4,
            )
        )
        rows.append(
            Profile(
                Kind.COMPLAINT_PROTEST,
                Field.COMPLAINTS,
                others["thads"],
                COMPLAINT_RULE,
                "KN-VKS",
                COMPLAINT_KN,
                0.1,
            )
        )
    return rows


# Unit → (police, first-instance court, appeal court, others). Partners are the reference
# ones of org/data/partners.yaml; units without partners there get no demo entries.
PLAN: dict[str, tuple[str | None, str, str, dict[str, str]]] = {
    "QUANG-NINH": (
        "CA-QUANG-NINH",
        "TAND-QUANG-NINH",
        "TAND-QUANG-NINH",
        {"ubnd": "UBND-QUANG-NINH", "thads": "THADS-QUANG-NINH"},
    ),
    "QUANG-NINH-HA-LONG": (
        "CA-HA-LONG",
        "TAND-HA-LONG",
        "TAND-QUANG-NINH",
        {"ubnd": "UBND-HA-LONG"},
    ),
    "QUANG-NINH-KV3": ("CA-HA-LONG", "TAND-QUANG-NINH", "TAND-QUANG-NINH", {}),
    "HA-GIANG": (None, "TAND-HA-GIANG", "TAND-HA-GIANG", {}),
    "QUANG-TRI-2025": (None, "TAND-QUANG-TRI", "TAND-QUANG-TRI", {}),
}


def _window(unit: Unit, today: date) -> tuple[date, date] | None:
    """The last 24 months of the unit's life up to today (so that a whole work year under
    the catalogue in force is covered): units that ended in 2025 stop on their last day."""
    end = min(today, unit.valid_to) if unit.valid_to else today
    start = Month.of(end).shift(-23).first_day()
    if unit.valid_from and unit.valid_from > start:
        start = unit.valid_from
    return (start, end) if start <= end else None


@dataclass
class _Ctx:
    rng: random.Random
    today: date
    end: date
    calendar: WorkCalendar
    partners: dict[str, Partner]
    rules: dict[str, DeadlineRule]
    numbers: dict[int, int]


def _draw(rate: float, rng: random.Random) -> int:
    whole = int(rate)
    return whole + (1 if rng.random() < rate - whole else 0)


def _plan_dates(start: date, profile: Profile, ctx: _Ctx) -> list[date]:
    """Issue days in [start, end]: a drawn day off moves to the next working day, and is
    dropped when that day lies after the window (today, or the unit's last day)."""
    days: list[date] = []
    month = Month.of(start)
    while month.first_day() <= ctx.end:
        for _ in range(_draw(profile.per_month, ctx.rng)):
            day = month.first_day() + timedelta(days=ctx.rng.randint(0, 27))
            issued = _working(day, ctx)
            if start <= day and issued <= ctx.end:
                days.append(issued)
        month = month.shift(1)
    return days


def _working(day: date, ctx: _Ctx) -> date:
    return ctx.calendar.next_working_day(day)


def _answer(iv: Intervention, ctx: _Ctx) -> None:
    """Most answer in time; a recent one stays pending (overdue once its deadline passes)."""
    rng = ctx.rng
    base = iv.received_on or iv.issued_on
    age = (ctx.end - iv.issued_on).days
    if rng.random() < (0.6 if age < 45 else 0.03):
        return
    span = 60 if iv.kind in COURT_PROTESTS else 25
    answered = _working(base + timedelta(days=rng.randint(5, span)), ctx)
    if answered > ctx.end:
        return
    outcome = rng.choices(
        [Outcome.ACCEPTED, Outcome.PARTLY, Outcome.REJECTED], weights=[75, 12, 13]
    )[0]
    court = ""
    if iv.kind in COURT_PROTESTS:
        code = "HS-PT" if iv.field == Field.CRIMINAL else "DS-PT"
        kind_word = "hình sự" if iv.field == Field.CRIMINAL else "dân sự"
        court = f"Bản án {kind_word} phúc thẩm số {rng.randint(10, 250)}/{answered.year}/{code}"
    services.intervention_answer(
        actor=None, intervention=iv, answered_on=answered, outcome=outcome, court_decision=court
    )


def _issue(unit: Unit, profile: Profile, day: date, ctx: _Ctx) -> Intervention:
    issued = day
    received = issued + timedelta(days=ctx.rng.randint(1, 4))
    ctx.numbers[issued.year] = ctx.numbers.get(issued.year, 0) + 1
    subject = ctx.rng.choice(profile.subjects)
    if profile.kind == Kind.APPEAL:
        subject += f" số {ctx.rng.randint(5, 180)}/{issued.year}/{profile.symbol[-2:]}-ST"
    data = services.Registration(
        kind=profile.kind,
        field=profile.field,
        number=ctx.numbers[issued.year],
        symbol=profile.symbol,
        issued_on=issued,
        recipient=ctx.partners[profile.partner],
        subject=subject,
        rule=ctx.rules.get(profile.rule) if profile.rule else None,
        received_on=received if received <= ctx.end else None,
    )
    return services.intervention_register(
        actor=None, unit=unit, data=data, source=Source.DEMO, calendar=ctx.calendar
    )


def _build_unit(unit: Unit, ctx: _Ctx, start: date) -> int:
    police, court, appeal_court, others = PLAN[unit.code]
    planned = [
        (day, profile)
        for profile in _profiles(police, court, appeal_court, others)
        for day in _plan_dates(start, profile, ctx)
        if _partner_valid(ctx.partners[profile.partner], day)
    ]
    planned.sort(key=lambda item: item[0])
    for day, profile in planned:
        iv = _issue(unit, profile, day, ctx)
        _answer(iv, ctx)
    return len(planned)


def _partner_valid(partner: Partner, day: date) -> bool:
    return is_valid_on(partner, day) and is_valid_on(partner, day + timedelta(days=7))


def _showcase(ctx: _Ctx) -> None:
    """The demo's named story: Hạ Long's criminal appeal accepted by the provincial court."""
    unit = Unit.objects.get(code="QUANG-NINH-HA-LONG")
    issued = date(2025, 3, 12)
    if Intervention.objects.filter(unit=unit, year=issued.year, number=99).exists():
        return
    data = services.Registration(
        kind=Kind.APPEAL,
        field=Field.CRIMINAL,
        number=99,
        symbol="QĐ-VKS-HS",
        issued_on=issued,
        recipient=ctx.partners["TAND-QUANG-NINH"],
        subject=(
            "Kháng nghị phúc thẩm bản án hình sự sơ thẩm số 27/2025/HS-ST, đề nghị tăng hình phạt"
        ),
        basis="Điều 336, 337 Bộ luật Tố tụng hình sự 2015",
        rule=ctx.rules.get(APPEAL_RULE),
        received_on=date(2025, 3, 13),
    )
    iv = services.intervention_register(
        actor=None, unit=unit, data=data, source=Source.DEMO, calendar=ctx.calendar
    )
    services.intervention_answer(
        actor=None,
        intervention=iv,
        answered_on=date(2025, 4, 22),
        outcome=Outcome.ACCEPTED,
        summary="Tòa án cấp phúc thẩm chấp nhận kháng nghị, sửa bản án sơ thẩm, tăng hình phạt.",
        court_decision="Bản án hình sự phúc thẩm số 45/2025/HS-PT",
    )


@transaction.atomic
def build_demo(stdout: Any) -> None:
    """Idempotent: does nothing once demo interventions exist."""
    if Intervention.objects.filter(source=Source.DEMO).exists():
        return
    today = timezone.localdate()
    calendar = work_calendar()
    partners = {p.code: p for p in Partner.objects.all()}
    rules = {r.code: r for r in DeadlineRule.objects.all()}
    total = 0
    for unit in Unit.objects.filter(code__in=PLAN).order_by("code"):
        window = _window(unit, today)
        if window is None:
            continue
        ctx = _Ctx(
            random.Random(f"kiemsat-oversight-{unit.code}"),
            today,
            window[1],
            calendar,
            partners,
            rules,
            {},
        )
        total += _build_unit(unit, ctx, window[0])
    showcase_ready = today > date(2025, 4, 22) and "TAND-QUANG-NINH" in partners
    if showcase_ready and Unit.objects.filter(code="QUANG-NINH-HA-LONG").exists():
        _showcase(_Ctx(random.Random(0), today, today, calendar, partners, rules, {}))
        total += 1
    stdout.write(f"Kháng nghị, kiến nghị minh họa: {total} văn bản.")
