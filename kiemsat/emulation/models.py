"""Emulation (thi đua): score sheets as versioned data, a cluster year's scores, its lock.

A cluster's year is `org.ClusterTerm` (members, leader, deputy); this app adds what the
emulation year needs around it: the covenant, the scores with their evidence, the units
not considered, and the parent's approval that locks the scores.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from kiemsat.lib.uploads import stored_name
from kiemsat.org.models import ClusterTerm, Level, Unit


def points_field(verbose_name: str, *, optional: bool = False) -> models.DecimalField:
    """Exact points, two decimals (99.999,99 at most)."""
    return models.DecimalField(
        verbose_name, max_digits=7, decimal_places=2, null=optional, blank=optional
    )


class Source(models.TextChoices):
    INDICATORS = "indicators", "Theo kết quả chỉ tiêu"
    MANUAL = "manual", "Chấm theo minh chứng"


class CriterionKind(models.TextChoices):
    NORMAL = "normal", "Tiêu chí"
    BONUS = "bonus", "Điểm thưởng"
    PENALTY = "penalty", "Điểm trừ"


class ScoreSheet(models.Model):
    """A criteria table (bảng tiêu chí chấm điểm) of one level, in force from a date."""

    code = models.SlugField("Mã", max_length=40)
    name = models.CharField("Tên", max_length=300)
    level = models.CharField("Cấp", max_length=12, choices=Level.choices)
    effective_from = models.DateField("Áp dụng từ")
    illustrative = models.BooleanField("Minh họa", default=False)
    note = models.TextField("Ghi chú", blank=True)
    content = models.JSONField("Nội dung đã nạp", default=dict, editable=False)

    class Meta:
        verbose_name = "Bảng tiêu chí chấm điểm thi đua"
        verbose_name_plural = "Bảng tiêu chí chấm điểm thi đua"
        ordering = ["level", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["code", "effective_from"], name="score_sheet_version"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (từ {self.effective_from:%d/%m/%Y})"


class Criterion(models.Model):
    """A node of the criteria tree; only leaves (with ``max_points``) carry points."""

    sheet = models.ForeignKey(
        ScoreSheet, verbose_name="Bảng", on_delete=models.CASCADE, related_name="criteria"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    code = models.CharField("Mã", max_length=40)
    name = models.CharField("Tên", max_length=500)
    order = models.PositiveIntegerField("Thứ tự", default=0)
    depth = models.PositiveSmallIntegerField("Cấp", default=0)
    max_points = points_field("Điểm tối đa", optional=True)
    source = models.CharField("Nguồn điểm", max_length=12, choices=Source.choices, blank=True)
    kind = models.CharField(
        "Loại", max_length=8, choices=CriterionKind.choices, default=CriterionKind.NORMAL
    )
    indicators = models.JSONField("Chỉ tiêu", default=list, blank=True)
    per_status = models.JSONField("Điểm theo kết quả", default=dict, blank=True)

    class Meta:
        verbose_name = "Tiêu chí"
        verbose_name_plural = "Tiêu chí"
        ordering = ["sheet", "order"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "code"], name="criterion_code_once"),
            models.CheckConstraint(
                condition=Q(max_points__isnull=True) | Q(max_points__gte=0),
                name="criterion_max_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"

    @property
    def is_leaf(self) -> bool:
        return self.max_points is not None

    @property
    def is_manual(self) -> bool:
        return self.is_leaf and self.source == Source.MANUAL


class Band(models.Model):
    """A classification by total (xếp loại), highest first."""

    sheet = models.ForeignKey(
        ScoreSheet, verbose_name="Bảng", on_delete=models.CASCADE, related_name="bands"
    )
    name = models.CharField("Xếp loại", max_length=200)
    min_points = points_field("Từ điểm")
    order = models.PositiveSmallIntegerField("Thứ tự", default=0)

    class Meta:
        verbose_name = "Xếp loại"
        verbose_name_plural = "Xếp loại"
        ordering = ["sheet", "order"]

    def __str__(self) -> str:
        return self.name


class TermStatus(models.TextChoices):
    OPEN = "open", "Đang chấm điểm"
    LOCKED = "locked", "Đã duyệt và khóa"


class TermRecord(models.Model):
    """The emulation side of a cluster's year: its covenant and the lock of its scores."""

    term = models.OneToOneField(
        ClusterTerm, verbose_name="Nhiệm kỳ", on_delete=models.CASCADE, related_name="emulation"
    )
    covenant = models.ForeignKey(
        "agreements.Instrument",
        verbose_name="Giao ước thi đua",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        "Trạng thái", max_length=8, choices=TermStatus.choices, default=TermStatus.OPEN
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField("Duyệt lúc", null=True, blank=True)
    reopen_reason = models.TextField("Lý do mở lại", blank=True)
    note = models.TextField("Ghi chú", blank=True)

    class Meta:
        verbose_name = "Thi đua của cụm trong năm"
        verbose_name_plural = "Thi đua của cụm trong năm"

    def __str__(self) -> str:
        return str(self.term)

    @property
    def locked(self) -> bool:
        return self.status == TermStatus.LOCKED


class Exclusion(models.Model):
    """A member not considered for emulation in the year (e.g. a corruption case)."""

    term = models.ForeignKey(
        ClusterTerm, verbose_name="Nhiệm kỳ", on_delete=models.CASCADE, related_name="exclusions"
    )
    unit = models.ForeignKey(
        Unit, verbose_name="Đơn vị", on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField("Lý do không xét thi đua", max_length=500)

    class Meta:
        verbose_name = "Đơn vị không xét thi đua"
        verbose_name_plural = "Đơn vị không xét thi đua"
        constraints = [
            models.UniqueConstraint(fields=["term", "unit"], name="exclusion_once"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} – {self.reason}"


class Score(models.Model):
    """A member's points on a manual leaf: its self-assessment and the leader's adjustment."""

    term = models.ForeignKey(
        ClusterTerm, verbose_name="Nhiệm kỳ", on_delete=models.CASCADE, related_name="scores"
    )
    unit = models.ForeignKey(
        Unit, verbose_name="Đơn vị", on_delete=models.PROTECT, related_name="+"
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name="Tiêu chí", on_delete=models.PROTECT, related_name="scores"
    )
    self_points = points_field("Điểm tự chấm", optional=True)
    evidence = models.TextField("Minh chứng", blank=True)
    adjusted_points = points_field("Điểm cụm trưởng chấm", optional=True)
    adjust_reason = models.TextField("Lý do điều chỉnh", blank=True)
    updated_at = models.DateTimeField("Cập nhật lúc", auto_now=True)

    class Meta:
        verbose_name = "Điểm thi đua"
        verbose_name_plural = "Điểm thi đua"
        constraints = [
            models.UniqueConstraint(fields=["term", "unit", "criterion"], name="score_once"),
            models.CheckConstraint(
                condition=Q(self_points__isnull=True) | Q(self_points__gte=0),
                name="score_self_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(adjusted_points__isnull=True) | Q(adjusted_points__gte=0),
                name="score_adjusted_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} – {self.criterion.code}"

    @property
    def points(self) -> Decimal:
        """What counts: the leader's adjustment when there is one, else the self-assessment."""
        if self.adjusted_points is not None:
            return self.adjusted_points
        return self.self_points if self.self_points is not None else Decimal(0)


def evidence_path(instance: EvidenceFile, filename: str) -> str:
    """A random stored name: evidence leaves only through the term's gate."""
    return stored_name(f"emulation/{instance.score.term.year}/{instance.score_id}", filename)


class EvidenceFile(models.Model):
    """A file backing a manual score (a decision, a report, a photo of a certificate)."""

    score = models.ForeignKey(
        Score, verbose_name="Điểm", on_delete=models.CASCADE, related_name="files"
    )
    file = models.FileField("Tệp", upload_to=evidence_path, max_length=300)
    name = models.CharField("Tên tệp", max_length=200)
    size = models.PositiveIntegerField("Dung lượng (byte)", default=0)
    content_type = models.CharField("Kiểu tệp", max_length=100, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField("Tải lên lúc", auto_now_add=True)

    class Meta:
        verbose_name = "Tệp minh chứng"
        verbose_name_plural = "Tệp minh chứng"
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name


class Proposal(models.Model):
    """A member proposed for a title (codes from ``data/titles.yaml``), with the cluster's
    votes where the title needs them."""

    term = models.ForeignKey(
        ClusterTerm, verbose_name="Nhiệm kỳ", on_delete=models.CASCADE, related_name="proposals"
    )
    unit = models.ForeignKey(
        Unit, verbose_name="Đơn vị", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField("Mã danh hiệu", max_length=40)
    title_name = models.CharField("Danh hiệu", max_length=200)
    votes_for = models.PositiveSmallIntegerField("Số phiếu đồng ý", null=True, blank=True)
    voters = models.PositiveSmallIntegerField("Số đơn vị biểu quyết", null=True, blank=True)
    note = models.TextField("Ghi chú", blank=True)

    class Meta:
        verbose_name = "Đề nghị danh hiệu thi đua"
        verbose_name_plural = "Đề nghị danh hiệu thi đua"
        ordering = ["term", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["term", "unit", "title"], name="proposal_once"),
            models.CheckConstraint(
                condition=Q(votes_for__isnull=True) | Q(votes_for__lte=models.F("voters")),
                name="proposal_votes_within_voters",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} – {self.title_name}"
