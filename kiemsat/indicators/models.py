from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from kiemsat.lib.periods import Month
from kiemsat.lib.validity import is_valid_on
from kiemsat.org.models import Unit


class Catalogue(models.Model):
    """A decision setting the sector's indicators (139/QĐ-VKSTC, 358/QĐ-VKSTC, …)."""

    code = models.SlugField("Mã", max_length=60, unique=True)
    name = models.CharField("Tên", max_length=300)
    basis = models.CharField("Căn cứ", max_length=300, blank=True)
    effective_from = models.DateField("Áp dụng từ")
    effective_to = models.DateField("Áp dụng đến", null=True, blank=True)

    class Meta:
        verbose_name = "Bộ chỉ tiêu"
        verbose_name_plural = "Bộ chỉ tiêu"
        ordering = ["-effective_from"]

    def __str__(self) -> str:
        return self.name


class Aggregation(models.TextChoices):
    SUM = "sum", "Cộng dồn các tháng"
    FIRST = "first", "Số đầu kỳ (tháng đầu)"
    LAST = "last", "Số cuối kỳ (tháng cuối)"


class Metric(models.Model):
    """A statistical count reported monthly (or derived from a register)."""

    code = models.SlugField("Mã", max_length=40, unique=True)
    name = models.CharField("Tên", max_length=300)
    aggregation = models.CharField("Cách cộng", max_length=5, choices=Aggregation.choices)
    derived = models.BooleanField(
        "Lấy từ sổ theo dõi", default=False, help_text="Không nhập tay, không nhập từ tệp."
    )

    class Meta:
        verbose_name = "Số liệu thống kê"
        verbose_name_plural = "Số liệu thống kê"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"


class Kind(models.TextChoices):
    RATIO = "ratio", "Tỷ lệ"
    COUNT = "count", "Số lượng"


class Op(models.TextChoices):
    GT = ">", "trên"
    GE = ">=", "từ … trở lên"
    EQ = "=", "bằng"
    LT = "<", "dưới"
    LE = "<=", "không quá"
    ZERO = "zero", "không để xảy ra"
    QUOTA = "quota", "đạt chỉ tiêu được giao"
    NONE = "none", "theo dõi, không có chỉ tiêu"


class Confidence(models.TextChoices):
    YES = "yes", "Đã xác minh"
    PARTIAL = "partial", "Xác minh một phần"
    NO = "no", "Chưa xác minh"


class Indicator(models.Model):
    """One version of an indicator, in force between its effective dates."""

    catalogue = models.ForeignKey(
        Catalogue, verbose_name="Bộ chỉ tiêu", on_delete=models.PROTECT, related_name="indicators"
    )
    code = models.CharField("Mã", max_length=20)
    field = models.CharField("Lĩnh vực", max_length=200)
    name = models.CharField("Tên chỉ tiêu", max_length=400)
    kind = models.CharField("Loại", max_length=5, choices=Kind.choices)
    numerator = models.CharField("Tử số", max_length=300, blank=True)
    denominator = models.CharField("Mẫu số", max_length=300, blank=True)
    count = models.CharField("Số đếm", max_length=300, blank=True)
    base = models.CharField("Cơ sở phát sinh", max_length=300, blank=True)
    op = models.CharField("Phép so sánh", max_length=5, choices=Op.choices)
    target = models.DecimalField(
        "Chỉ tiêu (%)", max_digits=7, decimal_places=3, null=True, blank=True
    )
    levels = models.JSONField("Cấp áp dụng", default=list)
    effective_from = models.DateField("Áp dụng từ")
    effective_to = models.DateField("Áp dụng đến", null=True, blank=True)
    source = models.CharField("Nguồn", max_length=300, blank=True)
    verified = models.CharField("Định nghĩa", max_length=7, choices=Confidence.choices)
    target_verified = models.CharField("Mức chỉ tiêu", max_length=7, choices=Confidence.choices)
    note = models.TextField("Ghi chú", blank=True)

    class Meta:
        verbose_name = "Chỉ tiêu"
        verbose_name_plural = "Chỉ tiêu"
        ordering = ["code", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["code", "effective_from"], name="indicator_version"),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_from__lte=F("effective_to")),
                name="indicator_effective_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"

    def in_force_on(self, day: date) -> bool:
        return is_valid_on(self, day, start="effective_from", end="effective_to")


class Quota(models.Model):
    """The count assigned to a unit for a work year (phiên tòa rút kinh nghiệm ≥ Q)."""

    unit = models.ForeignKey(Unit, verbose_name="Đơn vị", on_delete=models.CASCADE)
    indicator_code = models.CharField("Chỉ tiêu", max_length=20)
    work_year = models.PositiveSmallIntegerField("Năm công tác")
    value = models.PositiveIntegerField("Chỉ tiêu được giao")

    class Meta:
        verbose_name = "Chỉ tiêu được giao"
        verbose_name_plural = "Chỉ tiêu được giao"
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "indicator_code", "work_year"], name="quota_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} – {self.indicator_code} – {self.work_year}: {self.value}"


class Source(models.TextChoices):
    ENTRY = "entry", "Nhập trên lưới"
    IMPORT = "import", "Nhập từ tệp"
    API = "api", "Qua API"
    DEMO = "demo", "Dữ liệu minh họa"


class Figure(models.Model):
    """One value per unit × month × metric; ``period`` is the month index (year·12 + month − 1)."""

    # The unique (unit, metric, period) index serves every read, which always names the
    # units; separate foreign-key indexes would only slow bulk imports down.
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", db_index=False)
    metric = models.ForeignKey(Metric, on_delete=models.PROTECT, related_name="+", db_index=False)
    period = models.PositiveIntegerField("Kỳ")
    value = models.PositiveBigIntegerField("Giá trị")
    source = models.CharField(max_length=6, choices=Source.choices, default=Source.ENTRY)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "Số liệu tháng"
        verbose_name_plural = "Số liệu tháng"
        constraints = [
            models.UniqueConstraint(fields=["unit", "metric", "period"], name="figure_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {Month.from_index(self.period)} {self.metric_id}={self.value}"

    @property
    def month(self) -> Month:
        return Month.from_index(self.period)


class SubmissionStatus(models.TextChoices):
    SUBMITTED = "submitted", "Đã gửi, chờ duyệt"
    APPROVED = "approved", "Đã duyệt (khóa)"
    REOPENED = "reopened", "Đã mở lại"
    RETURNED = "returned", "Bị trả lại"


class Decision(models.Model):
    """Who approved (locked), reopened or returned a thing, when, and why it was sent back
    (the reason of a reopening or of a return)."""

    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reopen_reason = models.TextField("Lý do mở lại", blank=True)

    class Meta:
        abstract = True


class Submission(Decision):
    """A unit's month: submitted, approved (locked), or sent back to the unit with a reason
    (returned before approval, reopened after)."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    period = models.PositiveIntegerField("Kỳ")
    status = models.CharField("Trạng thái", max_length=9, choices=SubmissionStatus.choices)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "Báo cáo tháng"
        verbose_name_plural = "Báo cáo tháng"
        constraints = [
            models.UniqueConstraint(fields=["unit", "period"], name="submission_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} – {Month.from_index(self.period).label}"

    @property
    def month(self) -> Month:
        return Month.from_index(self.period)

    @property
    def locked(self) -> bool:
        return self.status == SubmissionStatus.APPROVED


class QuotaLock(Decision):
    """A parent unit's quotas for a work year (those of the units directly below it):
    approved (locked) by its leader, or reopened with a reason."""

    unit = models.ForeignKey(
        Unit, verbose_name="Đơn vị giao", on_delete=models.PROTECT, related_name="+"
    )
    work_year = models.PositiveSmallIntegerField("Năm công tác")
    status = models.CharField(
        "Trạng thái",
        max_length=9,
        choices=[
            c
            for c in SubmissionStatus.choices
            if c[0] not in (SubmissionStatus.SUBMITTED, SubmissionStatus.RETURNED)
        ],
    )

    class Meta:
        verbose_name = "Duyệt chỉ tiêu giao"
        verbose_name_plural = "Duyệt chỉ tiêu giao"
        constraints = [
            models.UniqueConstraint(fields=["unit", "work_year"], name="quota_lock_unique"),
        ]

    def __str__(self) -> str:
        return f"Chỉ tiêu giao năm công tác {self.work_year} – {self.unit}"

    @property
    def locked(self) -> bool:
        return self.status == SubmissionStatus.APPROVED


class FigureBatch(models.Model):
    """One write of figures (an import, a grid save, an API call): what the audit points to."""

    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField("Nguồn", max_length=6, choices=Source.choices)
    file_name = models.CharField("Tệp", max_length=255, blank=True)
    rows = models.PositiveIntegerField("Số dòng")
    created = models.PositiveIntegerField("Thêm mới", default=0)
    updated = models.PositiveIntegerField("Cập nhật", default=0)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField("Thời điểm", auto_now_add=True)

    class Meta:
        verbose_name = "Lần nhập số liệu"
        verbose_name_plural = "Các lần nhập số liệu"
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.file_name} ({self.rows} dòng)"
