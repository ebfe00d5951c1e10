"""Conferences (hội nghị), what they announce and decide, and the tasks that follow.

A conference belongs to its host unit (đơn vị chủ trì); co-organising units read it too,
partners are named only. Conclusions turn into tasks with an owner unit and a due date;
"quá hạn" is computed from the due date on the day it is asked, never stored.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from kiemsat.agreements.models import Instrument
from kiemsat.lib.uploads import stored_name
from kiemsat.lib.vn import format_decimal, percent_value, round_half_up, short_date
from kiemsat.org.models import ClusterTerm, Partner, Unit


class Kind(models.TextChoices):
    SIGNING = "ky_ket", "Hội nghị ký kết"
    MIDTERM = "so_ket", "Hội nghị sơ kết"
    REVIEW = "tong_ket", "Hội nghị tổng kết"
    CLUSTER = "cum_thi_dua", "Hội nghị cụm thi đua"
    YEAR_LAUNCH = "trien_khai", "Hội nghị triển khai công tác năm"
    PARTY_CAUCUS = "ban_can_su", "Hội nghị Ban cán sự Đảng mở rộng"
    INTERAGENCY = "lien_nganh", "Họp liên ngành"
    OTHER = "khac", "Khác"


class Person(models.Model):
    """Someone who chairs, speaks at or attends conferences; kept once, reused by name."""

    name = models.CharField("Họ và tên", max_length=120)
    title = models.CharField("Chức vụ", max_length=300, blank=True)
    organisation = models.CharField("Cơ quan", max_length=200, blank=True)
    name_folded = models.CharField(max_length=120, editable=False, db_index=True)

    class Meta:
        verbose_name = "Đại biểu"
        verbose_name_plural = "Đại biểu"
        ordering = ["name_folded", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "title", "organisation"], name="meetings_person_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} – {self.title}" if self.title else self.name


class Conference(models.Model):
    kind = models.CharField("Loại hội nghị", max_length=16, choices=Kind.choices)
    title = models.CharField("Tên hội nghị", max_length=500)
    unit = models.ForeignKey(
        Unit, verbose_name="Đơn vị chủ trì", on_delete=models.PROTECT, related_name="+"
    )
    co_units = models.ManyToManyField(
        Unit, verbose_name="Đơn vị cùng tổ chức", blank=True, related_name="+"
    )
    partners = models.ManyToManyField(
        Partner, verbose_name="Cơ quan phối hợp tổ chức", blank=True, related_name="+"
    )
    held_on = models.DateField("Ngày tổ chức")
    starts_at = models.TimeField("Giờ bắt đầu", null=True, blank=True)
    place = models.CharField("Địa điểm", max_length=300, blank=True)
    online = models.BooleanField("Trực tuyến", default=False)
    agenda = models.TextField("Chương trình hội nghị", blank=True)
    reports = models.TextField("Báo cáo trình bày", blank=True)
    speeches = models.TextField("Ý kiến phát biểu", blank=True)
    speech_count = models.PositiveSmallIntegerField("Số ý kiến phát biểu", null=True, blank=True)
    theme = models.CharField("Chủ đề năm", max_length=300, blank=True)
    breakthrough = models.CharField("Khâu đột phá", max_length=300, blank=True)
    summary = models.TextField("Nội dung chính", blank=True)
    instruments = models.ManyToManyField(
        Instrument, verbose_name="Văn bản phối hợp ký kết, đánh giá", blank=True, related_name="+"
    )
    cluster_term = models.ForeignKey(
        ClusterTerm,
        verbose_name="Cụm thi đua (năm)",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    work_year = models.PositiveSmallIntegerField("Năm công tác", null=True, blank=True)
    source = models.CharField("Nguồn", max_length=300, blank=True)
    search_folded = models.TextField(editable=False, default="")
    created_at = models.DateTimeField("Tạo lúc", auto_now_add=True)
    updated_at = models.DateTimeField("Sửa lúc", auto_now=True)

    class Meta:
        verbose_name = "Hội nghị"
        verbose_name_plural = "Hội nghị"
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["unit", "held_on"], name="conference_unit_held")]

    def __str__(self) -> str:
        return f"{self.title} ({short_date(self.held_on)})"


class BridgePoint(models.Model):
    """An online bridge point (điểm cầu): a unit of the sector, or a place by name."""

    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="bridge_points"
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name="Đơn vị",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    place = models.CharField("Địa điểm", max_length=300, blank=True)

    class Meta:
        verbose_name = "Điểm cầu"
        verbose_name_plural = "Điểm cầu"
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit__isnull=False) | ~Q(place=""), name="bridge_point_unit_or_place"
            )
        ]

    def __str__(self) -> str:
        return self.unit.name if self.unit else self.place


def _document_path(instance: ConferenceDocument, filename: str) -> str:
    """A random stored name: documents leave only through the conference's gate."""
    return stored_name("meetings/documents", filename)


class ConferenceDocument(models.Model):
    """A paper of the conference: a report presented, a speech, a decision signed there."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField("Tên tài liệu", max_length=300)
    file = models.FileField("Tệp", upload_to=_document_path, max_length=300)
    name = models.CharField("Tên tệp", max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField("Tải lên lúc", auto_now_add=True)

    class Meta:
        verbose_name = "Tài liệu hội nghị"
        verbose_name_plural = "Tài liệu hội nghị"
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.title


class ParticipantRole(models.TextChoices):
    CHAIR = "chu_tri", "Chủ trì"
    CO_CHAIR = "dong_chu_tri", "Đồng chủ trì"
    GUEST = "dai_bieu", "Đại biểu dự"
    SPEAKER = "phat_bieu", "Phát biểu"


class Participant(models.Model):
    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="participants"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="participations")
    role = models.CharField("Vai trò", max_length=14, choices=ParticipantRole.choices)
    title = models.CharField("Chức vụ khi dự", max_length=300, blank=True)

    class Meta:
        verbose_name = "Người dự"
        verbose_name_plural = "Người dự"
        ordering = ["role", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "person", "role"], name="participant_once_per_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person.name} ({self.get_role_display()})"


class Measure(models.TextChoices):
    MET = "dat", "chỉ tiêu đạt"
    EXCEEDED = "vuot", "chỉ tiêu vượt"


class PublishedResult(models.Model):
    """A result as announced: "127/129 chỉ tiêu, đạt tỷ lệ 98,5%". The printed percentage is
    kept as printed; the correct one is computed from the counts (half up, one decimal)."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="results")
    measure = models.CharField("Loại kết quả", max_length=6, choices=Measure.choices)
    part = models.PositiveIntegerField("Số chỉ tiêu đạt (vượt)")
    whole = models.PositiveIntegerField(
        "Trên tổng số", null=True, blank=True, help_text="Để trống khi báo cáo không nêu."
    )
    printed_percent = models.DecimalField(
        "Tỷ lệ công bố (%)", max_digits=5, decimal_places=1, null=True, blank=True
    )
    subject_unit = models.ForeignKey(
        Unit,
        verbose_name="Của đơn vị",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    subject_cluster = models.ForeignKey(
        ClusterTerm,
        verbose_name="Của cụm thi đua",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    with_subordinates = models.BooleanField("Gồm cả cấp dưới (hai cấp)", default=False)
    period_from = models.CharField("Từ tháng", max_length=7, blank=True)
    period_to = models.CharField("Đến tháng", max_length=7, blank=True)
    note = models.CharField("Ghi chú", max_length=300, blank=True)

    class Meta:
        verbose_name = "Kết quả công bố"
        verbose_name_plural = "Kết quả công bố"
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(whole__isnull=True) | (Q(whole__gte=1) & Q(part__lte=F("whole"))),
                name="result_part_of_whole",
            ),
            models.CheckConstraint(
                condition=Q(subject_unit__isnull=True) | Q(subject_cluster__isnull=True),
                name="result_one_subject",
            ),
        ]

    def __str__(self) -> str:
        counts = f"{self.part}/{self.whole}" if self.whole else str(self.part)
        return f"{counts} {self.get_measure_display()}"

    @property
    def computed_percent(self) -> Decimal | None:
        """100·part/whole rounded once, half up, to one decimal (98,4496… → 98,4)."""
        if not self.whole:
            return None
        return round_half_up(percent_value(self.part, self.whole), 1)

    @property
    def printed_wrong(self) -> bool:
        computed = self.computed_percent
        return None not in (self.printed_percent, computed) and self.printed_percent != computed

    @property
    def printed_display(self) -> str:
        return (
            format_decimal(self.printed_percent) + "%" if self.printed_percent is not None else ""
        )


class Conclusion(models.Model):
    """A conclusion or directive (kết luận, chỉ đạo) of the conference."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="conclusions")
    text = models.TextField("Nội dung kết luận, chỉ đạo")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "Kết luận"
        verbose_name_plural = "Kết luận"
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.text[:80]


class TaskStatus(models.TextChoices):
    NOT_STARTED = "chua_thuc_hien", "Chưa thực hiện"
    IN_PROGRESS = "dang_thuc_hien", "Đang thực hiện"
    DONE = "hoan_thanh", "Hoàn thành"


class Task(models.Model):
    """A follow-up task: its owner unit reports progress and completion; a leader of the
    organising unit confirms the completion."""

    conclusion = models.ForeignKey(Conclusion, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField("Nhiệm vụ", max_length=500)
    unit = models.ForeignKey(
        Unit, verbose_name="Đơn vị chủ trì thực hiện", on_delete=models.PROTECT, related_name="+"
    )
    person = models.CharField("Người phụ trách", max_length=120, blank=True)
    participants = models.ManyToManyField(
        Unit, verbose_name="Đơn vị phối hợp", blank=True, related_name="+"
    )
    due_working_days = models.PositiveSmallIntegerField(
        "Số ngày làm việc kể từ hội nghị", null=True, blank=True
    )
    due_on = models.DateField("Hạn hoàn thành")
    status = models.CharField(
        "Tình trạng", max_length=16, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED
    )
    done_on = models.DateField("Ngày hoàn thành", null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="Lãnh đạo xác nhận",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    confirmed_on = models.DateField("Ngày xác nhận", null=True, blank=True)
    title_folded = models.CharField(max_length=500, editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "Nhiệm vụ sau hội nghị"
        verbose_name_plural = "Nhiệm vụ sau hội nghị"
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["unit", "due_on"], name="task_unit_due")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(status="hoan_thanh") & Q(done_on__isnull=False))
                | (~Q(status="hoan_thanh") & Q(done_on__isnull=True)),
                name="task_done_has_date",
            ),
            models.CheckConstraint(
                condition=Q(confirmed_on__isnull=True) | Q(status="hoan_thanh"),
                name="task_confirmed_only_done",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today: date) -> bool:
        return self.status != TaskStatus.DONE and self.due_on < today

    @property
    def late(self) -> bool:
        """Completed after its due date."""
        return self.done_on is not None and self.done_on > self.due_on


def _evidence_path(instance: ProgressReport, filename: str) -> str:
    """A random stored name: evidence leaves only through the gated view."""
    return stored_name("meetings", filename)


class ProgressReport(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reports")
    reported_on = models.DateField("Ngày báo cáo")
    status = models.CharField("Tình trạng", max_length=16, choices=TaskStatus.choices)
    note = models.TextField("Kết quả thực hiện")
    evidence = models.FileField("Tài liệu chứng minh", upload_to=_evidence_path, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "Báo cáo tiến độ"
        verbose_name_plural = "Báo cáo tiến độ"
        ordering = ["reported_on", "pk"]

    def __str__(self) -> str:
        return f"{short_date(self.reported_on)}: {self.get_status_display()}"
