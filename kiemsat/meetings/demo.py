"""Demo conferences: the five founding articles with their facts, and one recent conference
of Quảng Ninh whose tasks are under way.

Facts (dates, places, bridge points, people and titles, published results, themes) come
from the articles; the conclusions' tasks, and the recent conference, are labelled demo
data. Every date of the recent conference is counted back from the day the demo is built,
so nothing lies in the future. Idempotent: a conference already there is skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from kiemsat.agreements.models import Instrument
from kiemsat.lib.workdays import WorkCalendar
from kiemsat.meetings import services, task_services
from kiemsat.meetings.models import Conference, Kind, Measure, ParticipantRole, TaskStatus
from kiemsat.org.models import ClusterTerm, Partner, Unit
from kiemsat.org.selectors import work_calendar

DEMO = "Dữ liệu minh họa"
CHAIR, CO_CHAIR, GUEST, SPEAKER = (
    ParticipantRole.CHAIR,
    ParticipantRole.CO_CHAIR,
    ParticipantRole.GUEST,
    ParticipantRole.SPEAKER,
)


@dataclass
class TaskSpec:
    title: str
    unit: str
    due_on: date | None = None
    working_days: int | None = None
    done_after: int | None = None  # working days after the conference it was reported done
    progress_after: int | None = None  # … it was reported under way
    person: str = ""


@dataclass
class Spec:
    unit: str
    title: str
    kind: str
    held_on: date
    source: str
    fields: dict[str, Any] = field(default_factory=dict)
    co_units: tuple[str, ...] = ()
    partners: tuple[str, ...] = ()
    instruments_of: str = ""  # instruments owned by this unit, signed on or before the day
    people: tuple[tuple[str, str, str, str], ...] = ()  # (role, name, title, organisation)
    results: tuple[services.ResultData, ...] = ()
    conclusions: tuple[tuple[str, tuple[TaskSpec, ...]], ...] = ()


def _seed_specs() -> list[Spec]:
    cum6 = ClusterTerm.objects.filter(cluster__code="CUM-6", year=2020).first()
    return [
        Spec(
            unit="QUANG-NINH-HA-LONG",
            title="Hội nghị tổng kết công tác phối hợp năm 2021 và ký kết Chương trình phối hợp "
            "công tác năm 2022 với UBND thành phố Hạ Long",
            kind=Kind.REVIEW,
            held_on=date(2022, 1, 18),
            source="Bài viết nguồn 000",
            partners=("UBND-HA-LONG",),
            instruments_of="QUANG-NINH-HA-LONG",
            people=(
                (CO_CHAIR, "Nguyễn Tiến Dũng", "Chủ tịch UBND TP Hạ Long", "UBND TP Hạ Long"),
                (CO_CHAIR, "Vũ Thị Đoan", "Viện trưởng VKSND TP Hạ Long", "VKSND TP Hạ Long"),
            ),
            conclusions=(
                (
                    "Triển khai thực hiện thống nhất, đồng bộ nội dung Chương trình phối hợp "
                    "năm 2022 đã ký kết.",
                    (
                        TaskSpec(
                            "Xây dựng kế hoạch thực hiện Chương trình phối hợp năm 2022",
                            "QUANG-NINH-HA-LONG",
                            working_days=15,
                            done_after=12,
                        ),
                    ),
                ),
                (
                    "Tổng hợp vi phạm, tội phạm để kiến nghị UBND thành phố áp dụng biện pháp "
                    "phòng ngừa.",
                    (
                        TaskSpec(
                            "Báo cáo 6 tháng kết quả kiến nghị phòng ngừa gửi UBND thành phố",
                            "QUANG-NINH-HA-LONG",
                            due_on=date(2022, 7, 15),
                            done_after=130,
                        ),
                    ),
                ),
            ),
        ),
        Spec(
            unit="QUANG-TRI",
            title="Lễ ký kết chương trình phối hợp công tác thực thi pháp luật, giải quyết các "
            "vấn đề nổi cộm, nhân dân quan tâm giai đoạn 2021 - 2025",
            kind=Kind.SIGNING,
            held_on=date(2022, 2, 17),
            source="Bài viết nguồn 001",
            fields={
                "starts_at": time(14, 0),
                "online": True,
                "place": "Điểm cầu chính tại VKSND tỉnh",
            },
            partners=("BTG-QUANG-TRI",),
            instruments_of="QUANG-TRI",
            people=(
                (
                    GUEST,
                    "Nguyễn Tiến Thành",
                    "Phó Bí thư thường trực Tỉnh ủy, Chủ tịch HĐND tỉnh",
                    "Tỉnh ủy",
                ),
                (
                    GUEST,
                    "Phạm Đồng Thụy",
                    "Ủy viên Ban Thường vụ, Trưởng ban Tuyên giáo Tỉnh ủy",
                    "Ban Tuyên giáo Tỉnh ủy",
                ),
            ),
            conclusions=(
                (
                    "Sau hội nghị, hai ngành chỉ đạo cấp huyện ký kết chương trình phối hợp "
                    "theo chức năng, nhiệm vụ từng ngành.",
                    (
                        TaskSpec(
                            "Chỉ đạo VKSND cấp huyện ký kết chương trình phối hợp với ban "
                            "tuyên giáo huyện ủy, thành ủy",
                            "QUANG-TRI",
                            due_on=date(2022, 4, 30),
                            done_after=45,
                        ),
                    ),
                ),
                (
                    "Hằng năm xây dựng kế hoạch phối hợp có trọng tâm, trọng điểm; thường "
                    "xuyên sơ kết, tổng kết.",
                    (
                        TaskSpec(
                            "Xây dựng kế hoạch phối hợp năm 2022",
                            "QUANG-TRI",
                            working_days=20,
                            done_after=18,
                        ),
                    ),
                ),
            ),
        ),
        Spec(
            unit="HA-GIANG",
            title="Lễ ký kết Quy chế phối hợp giữa Ban cán sự Đảng VKSND tỉnh và Ban cán sự "
            "Đảng TAND tỉnh Hà Giang",
            kind=Kind.SIGNING,
            held_on=date(2022, 8, 9),
            source="Bài viết nguồn 002",
            fields={
                "starts_at": time(14, 0),
                "place": "Hội trường A, trụ sở VKSND tỉnh Hà Giang",
                "reports": "Quy chế phối hợp gồm 3 chương, 9 điều.",
            },
            partners=("TAND-HA-GIANG",),
            instruments_of="HA-GIANG",
            people=(
                (
                    CHAIR,
                    "Đặng Bình Giang",
                    "Tỉnh ủy viên, Bí thư Ban cán sự Đảng, Viện trưởng VKSND tỉnh Hà Giang",
                    "VKSND tỉnh Hà Giang",
                ),
                (
                    CO_CHAIR,
                    "Thân Quốc Hùng",
                    "Bí thư Ban cán sự Đảng, Chánh án TAND tỉnh Hà Giang",
                    "TAND tỉnh Hà Giang",
                ),
            ),
            conclusions=(
                (
                    "Cán bộ, công chức hai đơn vị thực hiện tốt Quy chế phối hợp trong thời "
                    "gian tới.",
                    (
                        TaskSpec(
                            "Phổ biến Quy chế phối hợp đến các phòng nghiệp vụ và VKSND cấp huyện",
                            "HA-GIANG",
                            working_days=10,
                            done_after=8,
                        ),
                        TaskSpec(
                            "Sơ kết một năm thực hiện Quy chế phối hợp",
                            "HA-GIANG",
                            due_on=date(2023, 8, 31),
                            done_after=270,
                        ),
                    ),
                ),
            ),
        ),
        Spec(
            unit="THANH-HOA",
            title="Hội nghị tổng kết hoạt động thi đua Cụm thi đua số 6 năm 2020, phát động và "
            "ký kết giao ước thi đua năm 2021",
            kind=Kind.CLUSTER,
            held_on=date(2020, 11, 30),
            source="Bài viết nguồn 003",
            fields={"starts_at": time(8, 0), "cluster_term": cum6, "work_year": 2020},
            co_units=("NGHE-AN", "HA-TINH", "QUANG-BINH", "QUANG-TRI", "THUA-THIEN-HUE"),
            partners=("BNC-THANH-HOA",),
            people=(
                (
                    GUEST,
                    "Nguyễn Ngọc Tiến",
                    "Ủy viên Ban Thường vụ, Trưởng ban Nội chính Tỉnh ủy",
                    "Tỉnh ủy Thanh Hóa",
                ),
            ),
            results=(
                services.ResultData(
                    measure=Measure.MET,
                    part=127,
                    whole=129,
                    printed_percent=Decimal("98.5"),
                    subject_cluster=cum6,
                    period_from="2019-12",
                    period_to="2020-11",
                    note="Số chỉ tiêu phát sinh đạt chung của cả cụm",
                ),
                services.ResultData(
                    measure=Measure.EXCEEDED,
                    part=59,
                    whole=60,
                    printed_percent=Decimal("98.3"),
                    subject_cluster=cum6,
                    period_from="2019-12",
                    period_to="2020-11",
                    note="Số chỉ tiêu vượt chung của cả cụm",
                ),
            ),
            conclusions=(
                (
                    "Tăng cường phối hợp để thực hiện tốt các mục tiêu cải cách tư pháp theo "
                    "Kết luận số 84-KL/TW của Bộ Chính trị.",
                    (
                        TaskSpec(
                            "Tổ chức ký kết giao ước thi đua năm 2021 giữa các đơn vị trong cụm",
                            "THANH-HOA",
                            working_days=5,
                            done_after=0,
                        ),
                        TaskSpec(
                            "Sơ kết 6 tháng đầu năm 2021 hoạt động thi đua của cụm",
                            "NGHE-AN",
                            due_on=date(2021, 7, 31),
                            done_after=160,
                        ),
                    ),
                ),
            ),
        ),
        Spec(
            unit="HAI-PHONG",
            title="Hội nghị Ban cán sự Đảng mở rộng năm 2020",
            kind=Kind.PARTY_CAUCUS,
            # The article does not give the day; the last working day of 2020 stands for it.
            held_on=date(2020, 12, 31),
            source="Bài viết nguồn 004 (bài không nêu ngày tổ chức)",
            fields={
                "speech_count": 13,
                "theme": "KỶ CƯƠNG – CHẤT LƯỢNG – ĐỔI MỚI",
                "breakthrough": "Chất lượng kháng nghị - kiến nghị",
                "work_year": 2020,
                "reports": "Báo cáo kết quả công tác kiểm sát năm 2020 của ngành Kiểm sát Hải "
                "Phòng.",
            },
            people=(
                (
                    CHAIR,
                    "Vũ Mạnh Hùng",
                    "Bí thư Ban cán sự Đảng, Viện trưởng VKSND thành phố",
                    "VKSND TP Hải Phòng",
                ),
                (
                    SPEAKER,
                    "Bùi Đăng Dung",
                    "Phó Viện trưởng, Ủy viên Ban cán sự Đảng VKSND thành phố",
                    "VKSND TP Hải Phòng",
                ),
            ),
            results=(
                services.ResultData(
                    measure=Measure.MET,
                    part=130,
                    whole=130,
                    subject_unit=Unit.objects.filter(code="HAI-PHONG").first(),
                    with_subordinates=True,
                    period_from="2019-12",
                    period_to="2020-11",
                    note="Chỉ tiêu nghiệp vụ dành cho VKSND cấp tỉnh",
                ),
                services.ResultData(
                    measure=Measure.EXCEEDED,
                    part=55,
                    whole=None,
                    note="Chỉ tiêu nghiệp vụ vượt kế hoạch đề ra (bài không nêu tổng số)",
                ),
            ),
            conclusions=(
                (
                    "Chú trọng kỷ cương công vụ, chấp hành nghiêm quy chế nghiệp vụ, chế độ "
                    "thông tin báo cáo; thực hiện quy chế dân chủ, phát huy đoàn kết nội bộ.",
                    (
                        TaskSpec(
                            "Ban hành kế hoạch công tác năm 2021 theo chủ đề “Kỷ cương – Chất "
                            "lượng – Đổi mới”",
                            "HAI-PHONG",
                            working_days=10,
                            done_after=7,
                        ),
                        TaskSpec(
                            "Rà soát chất lượng kháng nghị, kiến nghị quý I năm 2021 (khâu đột "
                            "phá)",
                            "HAI-PHONG",
                            due_on=date(2021, 4, 15),
                            done_after=75,
                        ),
                    ),
                ),
            ),
        ),
    ]


def _recent_spec(today: date, calendar: WorkCalendar) -> Spec:
    """A conference about six weeks ago: one task done, one under way, one overdue."""
    held = _working_days_back(today, 30, calendar)
    units = ["QUANG-NINH"]
    regional = Unit.objects.filter(code="QUANG-NINH-KV3").first()
    if regional is not None and regional.is_valid_on(held):
        units.append(regional.code)
    return Spec(
        unit="QUANG-NINH",
        title="Hội nghị triển khai công tác kiểm sát năm (minh họa)",
        kind=Kind.YEAR_LAUNCH,
        held_on=held,
        source=DEMO,
        fields={"starts_at": time(8, 0), "place": "Hội trường VKSND tỉnh Quảng Ninh"},
        conclusions=(
            (
                "Nâng cao chất lượng kiến nghị phòng ngừa; báo cáo đúng hạn.",
                (
                    TaskSpec(
                        "Xây dựng kế hoạch nâng cao chất lượng kiến nghị phòng ngừa",
                        units[-1],
                        working_days=10,
                        done_after=8,
                    ),
                    TaskSpec("Rà soát các kiến nghị chưa được trả lời", units[0], working_days=20),
                    TaskSpec(
                        "Tổng hợp kết quả phối hợp với cơ quan điều tra",
                        units[-1],
                        working_days=45,
                        progress_after=25,
                    ),
                ),
            ),
        ),
    )


def _working_days_back(today: date, n: int, calendar: WorkCalendar) -> date:
    day = today
    for _ in range(n):
        day -= timedelta(days=1)
        while not calendar.is_working_day(day):
            day -= timedelta(days=1)
    return day


def _build(spec: Spec, calendar: WorkCalendar, today: date) -> bool:
    unit = Unit.objects.get(code=spec.unit)
    if Conference.objects.filter(unit=unit, title=spec.title).exists():
        return False
    instruments: list[Instrument] = []
    if spec.instruments_of:
        started = Q(signed_on__lte=spec.held_on) | Q(
            signed_on__isnull=True, valid_from__lte=spec.held_on
        )
        instruments = list(Instrument.objects.filter(started, owner_unit__code=spec.instruments_of))
    data = services.ConferenceData(
        kind=spec.kind,
        title=spec.title,
        held_on=spec.held_on,
        source=spec.source,
        co_units=list(Unit.objects.filter(code__in=spec.co_units)),
        partners=list(Partner.objects.filter(code__in=spec.partners)),
        instruments=instruments,
        bridge_places=_bridge_places(spec),
        **spec.fields,
    )
    conference = services.conference_record(actor=None, unit=unit, data=data)
    for role, name, title, organisation in spec.people:
        services.participant_add(
            actor=None,
            conference=conference,
            role=role,
            name=name,
            title=title,
            organisation=organisation,
        )
    for result in spec.results:
        services.result_add(actor=None, conference=conference, data=result)
    for text, tasks in spec.conclusions:
        conclusion = services.conclusion_add(actor=None, conference=conference, text=text)
        for task in tasks:
            _task(conclusion, task, calendar, today)
    return True


def _bridge_places(spec: Spec) -> list[str]:
    if spec.source != "Bài viết nguồn 001":
        return []
    main = ["Điểm cầu chính: VKSND tỉnh Quảng Trị"]
    return main + [f"Điểm cầu VKSND cấp huyện số {n}" for n in range(1, 9)]


def _task(conclusion: Any, spec: TaskSpec, calendar: WorkCalendar, today: date) -> None:
    held = conclusion.conference.held_on
    data = task_services.TaskData(
        title=spec.title,
        unit=Unit.objects.get(code=spec.unit),
        due_on=spec.due_on,
        due_working_days=spec.working_days,
        person=spec.person,
    )
    task = task_services.task_add(actor=None, conclusion=conclusion, data=data, calendar=calendar)
    if spec.progress_after is not None:
        on = min(calendar.add_working_days(held, spec.progress_after), today)
        note = f"Đang tổng hợp ({DEMO.lower()})."
        task_services.task_report(
            actor=None, task=task, status=TaskStatus.IN_PROGRESS, note=note, reported_on=on
        )
    if spec.done_after is None:
        return  # not started, or under way: overdue once its day has passed
    done = calendar.add_working_days(held, spec.done_after) if spec.done_after else held
    if done > today:  # a report never lies in the future
        return
    note = f"Đã thực hiện ({DEMO.lower()})."
    task_services.task_report(
        actor=None, task=task, status=TaskStatus.DONE, note=note, reported_on=done
    )
    task_services.task_confirm(actor=None, task=task)


@transaction.atomic
def build_demo(stdout: Any) -> None:
    today = timezone.localdate()
    calendar = work_calendar()
    specs = [s for s in _seed_specs() if s.held_on <= today]
    specs.append(_recent_spec(today, calendar))
    made = sum(_build(spec, calendar, today) for spec in specs)
    stdout.write(f"Hội nghị minh họa: thêm {made}, đã có {len(specs) - made}.\n")
