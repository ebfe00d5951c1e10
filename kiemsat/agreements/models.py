"""Coordination instruments (văn bản phối hợp): parties, clauses, duties, reviews, cascades.

An instrument belongs to the procuracy units among its parties; ``owner_unit`` (the host
unit, or the first unit party) is the one whose staff may change it. Its status is derived
from its dates and from whether a later instrument replaced it (see selectors.with_status).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from kiemsat.lib.uploads import stored_name
from kiemsat.org.models import Partner, Unit


class InstrumentKind(models.TextChoices):
    REGULATION = "regulation", "Quy chế phối hợp"
    PROGRAMME = "programme", "Chương trình phối hợp"
    PLAN = "plan", "Kế hoạch phối hợp"
    COVENANT = "covenant", "Giao ước thi đua"
    OTHER = "other", "Văn bản phối hợp khác"


class Status(models.TextChoices):
    DRAFT = "draft", "Dự thảo / chưa có hiệu lực"
    IN_FORCE = "in_force", "Đang có hiệu lực"
    EXPIRED = "expired", "Hết hiệu lực"
    REPLACED = "replaced", "Đã được thay thế"


class ReviewSchedule(models.TextChoices):
    NONE = "none", "Chỉ tổng kết khi kết thúc"
    QUARTERLY = "quarterly", "Hằng quý"
    HALF_YEARLY = "half_yearly", "6 tháng một lần"
    YEARLY = "yearly", "Hằng năm"


SCHEDULE_MONTHS = {
    ReviewSchedule.NONE: 0,
    ReviewSchedule.QUARTERLY: 3,
    ReviewSchedule.HALF_YEARLY: 6,
    ReviewSchedule.YEARLY: 12,
}


class Instrument(models.Model):
    kind = models.CharField("Loại văn bản", max_length=12, choices=InstrumentKind.choices)
    number = models.PositiveIntegerField("Số", null=True, blank=True)
    symbol = models.CharField("Ký hiệu", max_length=60, blank=True)
    year = models.PositiveSmallIntegerField("Năm của số văn bản", null=True, blank=True)
    title = models.CharField("Tên văn bản", max_length=500)
    summary = models.TextField("Trích yếu", blank=True)
    owner_unit = models.ForeignKey(
        Unit, verbose_name="Đơn vị chủ quản", on_delete=models.PROTECT, related_name="+"
    )
    signed_on = models.DateField("Ngày ký", null=True, blank=True)
    place = models.CharField("Địa danh", max_length=100, blank=True)
    venue = models.CharField("Nơi ký kết", max_length=300, blank=True)
    valid_from = models.DateField("Hiệu lực từ ngày", null=True, blank=True)
    valid_to = models.DateField("Hiệu lực đến ngày", null=True, blank=True)
    legal_basis = models.TextField("Căn cứ", blank=True)
    replaces = models.ForeignKey(
        "self",
        verbose_name="Thay thế văn bản",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaced_by",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name="Văn bản cấp trên chỉ đạo ký kết",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="derived",
    )
    cascade_due = models.DateField("Hạn cấp dưới ký kết", null=True, blank=True)
    cascade_note = models.CharField("Yêu cầu đối với cấp dưới", max_length=500, blank=True)
    review_schedule = models.CharField(
        "Sơ kết, tổng kết",
        max_length=12,
        choices=ReviewSchedule.choices,
        default=ReviewSchedule.YEARLY,
    )
    next_review_on = models.DateField("Kỳ sơ kết / tổng kết tới", null=True, blank=True)
    note = models.TextField("Ghi chú", blank=True)
    search_folded = models.TextField(editable=False, default="")
    created_at = models.DateTimeField("Tạo lúc", auto_now_add=True)
    updated_at = models.DateTimeField("Sửa lúc", auto_now=True)

    class Meta:
        verbose_name = "Văn bản phối hợp"
        verbose_name_plural = "Văn bản phối hợp"
        ordering = ["-signed_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_from__lte=F("valid_to")),
                name="instrument_valid_range",
                violation_error_message="Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực.",
            ),
            models.UniqueConstraint(
                fields=["owner_unit", "year", "number", "symbol"],
                condition=Q(number__isnull=False),
                name="instrument_number_unique",
                violation_error_message="Số, ký hiệu này đã được dùng trong năm.",
            ),
            models.CheckConstraint(
                condition=Q(number__isnull=True) | Q(year__isnull=False),
                name="instrument_number_has_year",
                violation_error_message="Văn bản có số phải có năm.",
            ),
        ]
        indexes = [models.Index(fields=["next_review_on"], name="instrument_next_review_idx")]

    def __str__(self) -> str:
        return f"{self.number_display} {self.title}".strip()

    @property
    def number_display(self) -> str:
        """ "56/QCPH-VKS-TA"; numbers below 10 padded (Nghị định 30)."""
        if self.number is None:
            return ""
        return f"{self.number:02d}/{self.symbol}" if self.symbol else f"{self.number:02d}"

    @property
    def start_on(self):  # type: ignore[no-untyped-def]
        return self.valid_from or self.signed_on

    @property
    def status(self) -> Status:
        """Annotated in SQL by selectors.with_status (the gate, every list, the API); an
        instrument read without it has no status rather than one query per row."""
        annotated = getattr(self, "status_now", None)
        if annotated is None:
            raise LookupError("Instrument.status needs selectors.with_status().")
        return Status(annotated)


class SignaturePrefix(models.TextChoices):
    NONE = "", "(không)"
    TM = "TM.", "TM. (thay mặt)"
    KT = "KT.", "KT. (ký thay)"
    Q = "Q.", "Q. (quyền)"
    TL = "TL.", "TL. (thừa lệnh)"
    TUQ = "TUQ.", "TUQ. (thừa ủy quyền)"


class Party(models.Model):
    """One signing party: one of our units or a partner organisation."""

    instrument = models.ForeignKey(
        Instrument, verbose_name="Văn bản", on_delete=models.CASCADE, related_name="parties"
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name="Đơn vị",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    partner = models.ForeignKey(
        Partner,
        verbose_name="Cơ quan phối hợp",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    body_name = models.CharField(
        "Tên cơ quan ký",
        max_length=300,
        blank=True,
        help_text="Nếu khác tên đơn vị, ví dụ: Ban cán sự Đảng Viện kiểm sát nhân dân tỉnh…",
    )
    signatory_name = models.CharField("Người ký", max_length=120, blank=True)
    signatory_title = models.CharField("Chức vụ người ký", max_length=200, blank=True)
    signature_prefix = models.CharField(
        "Thể thức ký", max_length=5, blank=True, choices=SignaturePrefix.choices, default="TM."
    )
    is_host = models.BooleanField("Chủ trì", default=False)
    order = models.PositiveSmallIntegerField("Thứ tự", default=0)

    class Meta:
        verbose_name = "Bên ký kết"
        verbose_name_plural = "Bên ký kết"
        ordering = ["instrument", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(unit__isnull=False) & Q(partner__isnull=True))
                | (Q(unit__isnull=True) & Q(partner__isnull=False)),
                name="party_unit_xor_partner",
                violation_error_message="Mỗi bên ký là một đơn vị hoặc một cơ quan phối hợp.",
            ),
            models.UniqueConstraint(
                fields=["instrument", "unit"],
                condition=Q(unit__isnull=False),
                name="party_unit_once",
                violation_error_message="Đơn vị này đã là một bên ký kết.",
            ),
            models.UniqueConstraint(
                fields=["instrument", "partner"],
                condition=Q(partner__isnull=False),
                name="party_partner_once",
                violation_error_message="Cơ quan này đã là một bên ký kết.",
            ),
            models.UniqueConstraint(
                fields=["instrument"],
                condition=Q(is_host=True),
                name="party_one_host",
                violation_error_message="Mỗi văn bản chỉ có một bên chủ trì.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def organisation_name(self) -> str:
        if self.unit is not None:
            return self.unit.name
        return self.partner.name if self.partner is not None else ""

    @property
    def name(self) -> str:
        return self.body_name or self.organisation_name


class ClauseKind(models.TextChoices):
    CHAPTER = "chapter", "Chương"
    ARTICLE = "article", "Điều"


ROMAN = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def roman(n: int) -> str:
    out = ""
    for value, letters in ROMAN:
        while n >= value:
            out += letters
            n -= value
    return out


class Clause(models.Model):
    """A chapter (Chương I) or an article (Điều 5); articles may sit in a chapter."""

    instrument = models.ForeignKey(
        Instrument, verbose_name="Văn bản", on_delete=models.CASCADE, related_name="clauses"
    )
    kind = models.CharField("Loại", max_length=8, choices=ClauseKind.choices)
    chapter = models.ForeignKey(
        "self",
        verbose_name="Thuộc chương",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="articles",
    )
    number = models.PositiveSmallIntegerField("Số")
    title = models.CharField("Tên", max_length=300, blank=True)
    text = models.TextField("Nội dung", blank=True)

    class Meta:
        verbose_name = "Chương, điều"
        verbose_name_plural = "Chương, điều"
        ordering = ["instrument", "kind", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "kind", "number"],
                name="clause_number_unique",
                violation_error_message="Số chương / điều này đã có trong văn bản.",
            ),
            models.CheckConstraint(
                condition=Q(kind="article") | Q(chapter__isnull=True),
                name="clause_chapter_not_nested",
                violation_error_message="Chương không thuộc chương khác.",
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1),
                name="clause_number_positive",
                violation_error_message="Số chương / điều từ 1 trở lên.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label}. {self.title}" if self.title else self.label

    @property
    def label(self) -> str:
        if self.kind == ClauseKind.CHAPTER:
            return f"Chương {roman(self.number)}"
        return f"Điều {self.number}"


class Recurrence(models.TextChoices):
    ONCE = "once", "Một lần"
    MONTHLY = "monthly", "Hằng tháng"
    QUARTERLY = "quarterly", "Hằng quý"
    HALF_YEARLY = "half_yearly", "6 tháng một lần"
    YEARLY = "yearly", "Hằng năm"
    PER_CASE = "per_case", "Theo từng vụ việc"


RECURRENCE_MONTHS = {
    Recurrence.MONTHLY: 1,
    Recurrence.QUARTERLY: 3,
    Recurrence.HALF_YEARLY: 6,
    Recurrence.YEARLY: 12,
}


class Duty(models.Model):
    """A duty drawn from the clauses, with who carries it out and when it is next due."""

    instrument = models.ForeignKey(
        Instrument, verbose_name="Văn bản", on_delete=models.CASCADE, related_name="duties"
    )
    clause = models.ForeignKey(
        Clause,
        verbose_name="Theo điều",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duties",
    )
    title = models.CharField("Nhiệm vụ", max_length=500)
    responsible = models.ManyToManyField(Party, verbose_name="Bên thực hiện", related_name="duties")
    recurrence = models.CharField("Định kỳ", max_length=12, choices=Recurrence.choices)
    next_due = models.DateField("Hạn tiếp theo", null=True, blank=True)
    done = models.BooleanField("Đã hoàn thành", default=False)
    last_done_on = models.DateField("Lần thực hiện gần nhất", null=True, blank=True)
    last_result = models.CharField("Kết quả gần nhất", max_length=500, blank=True)

    class Meta:
        verbose_name = "Nhiệm vụ phối hợp"
        verbose_name_plural = "Nhiệm vụ phối hợp"
        ordering = ["instrument", "done", "next_due", "pk"]
        indexes = [models.Index(fields=["done", "next_due"], name="duty_due_idx")]

    def __str__(self) -> str:
        return self.title


class DutyCompletion(models.Model):
    duty = models.ForeignKey(
        Duty, verbose_name="Nhiệm vụ", on_delete=models.CASCADE, related_name="completions"
    )
    done_on = models.DateField("Ngày thực hiện")
    due = models.DateField("Hạn của lần này", null=True, blank=True)
    result = models.CharField("Kết quả", max_length=500)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "Lần thực hiện nhiệm vụ"
        verbose_name_plural = "Lần thực hiện nhiệm vụ"
        ordering = ["duty", "-done_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.duty} – {self.done_on:%d/%m/%Y}"


class ReviewKind(models.TextChoices):
    MIDTERM = "midterm", "Sơ kết"
    FINAL = "final", "Tổng kết"
    YEARLY = "yearly", "Đánh giá hằng năm"


class Decision(models.TextChoices):
    CONTINUE = "continue", "Tiếp tục thực hiện"
    AMEND = "amend", "Sửa đổi, bổ sung"
    REPLACE = "replace", "Thay thế bằng văn bản mới"


class Review(models.Model):
    """A sơ kết / tổng kết / yearly review of one instrument."""

    instrument = models.ForeignKey(
        Instrument, verbose_name="Văn bản", on_delete=models.CASCADE, related_name="reviews"
    )
    kind = models.CharField("Hình thức", max_length=8, choices=ReviewKind.choices)
    held_on = models.DateField("Ngày tổ chức")
    period_from = models.DateField("Kỳ đánh giá từ ngày")
    period_to = models.DateField("Kỳ đánh giá đến ngày")
    assessment = models.TextField("Đánh giá chung", blank=True)
    results = models.TextField("Kết quả đạt được", blank=True)
    problems = models.TextField("Tồn tại, hạn chế", blank=True)
    decision = models.CharField("Quyết định", max_length=8, choices=Decision.choices)
    note = models.TextField("Phương hướng, ghi chú", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "Sơ kết, tổng kết"
        verbose_name_plural = "Sơ kết, tổng kết"
        ordering = ["instrument", "-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_from__lte=F("period_to")),
                name="review_period_range",
                violation_error_message="Ngày cuối kỳ đánh giá phải sau ngày đầu kỳ.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ngày {self.held_on:%d/%m/%Y}"


def _attachment_path(instance: Attachment, filename: str) -> str:
    return stored_name(f"agreements/{instance.instrument_id}", filename)


class Attachment(models.Model):
    """The signed scan (PDF, JPG, PNG); served only through the instrument's gate."""

    instrument = models.ForeignKey(
        Instrument, verbose_name="Văn bản", on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField("Tệp", upload_to=_attachment_path, max_length=300)
    name = models.CharField("Tên tệp", max_length=255)
    size = models.PositiveIntegerField("Dung lượng (byte)")
    content_type = models.CharField("Kiểu tệp", max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField("Tải lên lúc", auto_now_add=True)

    class Meta:
        verbose_name = "Tệp đính kèm"
        verbose_name_plural = "Tệp đính kèm"
        ordering = ["instrument", "-uploaded_at"]

    def __str__(self) -> str:
        return self.name
