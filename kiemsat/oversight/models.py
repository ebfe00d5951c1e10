"""The register of protests, recommendations and requests, and the deadline rules behind it."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from kiemsat.lib.uploads import stored_name
from kiemsat.lib.vn import short_date
from kiemsat.org.models import Partner, Unit


class Event(models.TextChoices):
    """What a deadline is counted from (the day of the event itself is not counted)."""

    RECEIVED = "received", "Ngày cơ quan nhận được văn bản"
    ISSUED = "issued", "Ngày ban hành văn bản"
    DECISION_RECEIVED = "decision_received", "Ngày Viện kiểm sát nhận được bản án, quyết định"


ANSWER_EVENTS = (Event.RECEIVED, Event.ISSUED)


class DeadlineRule(models.Model):
    """A legal clock as data: legal basis → N calendar or working days after an event.

    Rules counted from an answer event (receipt, issue) give the recipient's answer deadline;
    rules counted from the procuracy's receipt of a judgment or decision give the time limit
    for issuing the protest itself.
    """

    code = models.SlugField("Mã", max_length=60, unique=True)
    name = models.CharField("Nội dung", max_length=300)
    legal_basis = models.CharField("Căn cứ pháp lý", max_length=300)
    days = models.PositiveSmallIntegerField("Số ngày")
    working_days = models.BooleanField(
        "Tính theo ngày làm việc", default=False, help_text="Bỏ chọn: tính theo ngày lịch."
    )
    event = models.CharField("Tính từ", max_length=20, choices=Event.choices)
    confirmed = models.BooleanField(
        "Đã xác minh", default=False, help_text="Đã đối chiếu với văn bản pháp luật gốc."
    )
    active = models.BooleanField("Đang áp dụng", default=True)
    note = models.TextField("Ghi chú", blank=True)

    class Meta:
        verbose_name = "Quy tắc thời hạn"
        verbose_name_plural = "Quy tắc thời hạn"
        ordering = ["legal_basis", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(days__gte=1), name="deadline_rule_days_positive"),
        ]

    def __str__(self) -> str:
        unit = "ngày làm việc" if self.working_days else "ngày"
        return f"{self.name} – {self.days} {unit} ({self.legal_basis})"

    @property
    def counts_answer(self) -> bool:
        return self.event in ANSWER_EVENTS


class Kind(models.TextChoices):
    APPEAL = "kn_phuc_tham", "Kháng nghị phúc thẩm"
    CASSATION = "kn_giam_doc_tham", "Kháng nghị giám đốc thẩm"
    REOPENING = "kn_tai_tham", "Kháng nghị tái thẩm"
    CUSTODY_PROTEST = "kn_tam_giu", "Kháng nghị trong tạm giữ, tạm giam, thi hành án hình sự"
    ENFORCEMENT_PROTEST = "kn_thi_hanh_an", "Kháng nghị trong thi hành án dân sự, hành chính"
    COMPLAINT_PROTEST = "kn_khieu_nai", "Kháng nghị trong giải quyết khiếu nại, tố cáo"
    RECOMMENDATION = "kien_nghi", "Kiến nghị"
    PREVENTION = "kien_nghi_phong_ngua", "Kiến nghị phòng ngừa"
    REQUEST = "yeu_cau", "Yêu cầu"


COURT_PROTESTS = (Kind.APPEAL, Kind.CASSATION, Kind.REOPENING)
PROTESTS = (*COURT_PROTESTS, Kind.CUSTODY_PROTEST, Kind.ENFORCEMENT_PROTEST, Kind.COMPLAINT_PROTEST)


class Field(models.TextChoices):
    CRIMINAL = "hinh_su", "Hình sự"
    CIVIL = "dan_su", "Dân sự"
    FAMILY = "hon_nhan_gia_dinh", "Hôn nhân và gia đình"
    BUSINESS = "kinh_doanh_thuong_mai", "Kinh doanh, thương mại"
    LABOUR = "lao_dong", "Lao động"
    ADMINISTRATIVE = "hanh_chinh", "Hành chính"
    CRIME_REPORTS = "tin_bao", "Tiếp nhận, giải quyết tố giác, tin báo về tội phạm"
    INVESTIGATION = "dieu_tra", "Điều tra"
    CUSTODY = "tam_giu", "Tạm giữ, tạm giam, thi hành án hình sự"
    CIVIL_ENFORCEMENT = "thi_hanh_an_dan_su", "Thi hành án dân sự, hành chính"
    COMPLAINTS = "khieu_nai", "Giải quyết khiếu nại, tố cáo trong hoạt động tư pháp"
    OTHER = "khac", "Khác"


# The fields of indicator XX-02 ("dân sự, hành chính" in the broad sense of the statistics).
CIVIL_FIELDS = (Field.CIVIL, Field.FAMILY, Field.BUSINESS, Field.LABOUR, Field.ADMINISTRATIVE)


class Outcome(models.TextChoices):
    PENDING = "chua_tra_loi", "Chưa trả lời"
    ACCEPTED = "chap_nhan", "Chấp nhận"
    PARTLY = "chap_nhan_mot_phan", "Chấp nhận một phần"
    REJECTED = "khong_chap_nhan", "Không chấp nhận"


ACCEPTED_OUTCOMES = (Outcome.ACCEPTED, Outcome.PARTLY)


class Source(models.TextChoices):
    ENTRY = "entry", "Nhập trên trang"
    IMPORT = "import", "Nhập từ tệp"
    DEMO = "demo", "Dữ liệu minh họa"


def _document_path(instance: Intervention, filename: str) -> str:
    """A random stored name: the signed document leaves only through the gated view."""
    return stored_name("oversight", filename)


class Intervention(models.Model):
    """A protest (kháng nghị), recommendation (kiến nghị) or request (yêu cầu) of a unit.

    ``due_on`` is computed by the services from ``rule`` and the rule's event with the work
    calendar (never typed); ``extended_to`` replaces it once the recipient notifies an
    extension. For court protests ``answered_on`` is the date of the court's decision.
    """

    unit = models.ForeignKey(
        Unit, verbose_name="Đơn vị ban hành", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("Loại", max_length=24, choices=Kind.choices)
    field = models.CharField("Lĩnh vực", max_length=24, choices=Field.choices)
    number = models.PositiveIntegerField("Số")
    symbol = models.CharField("Ký hiệu", max_length=40, help_text="Ví dụ: KN-VKS, QĐ-VKS-HS")
    year = models.PositiveSmallIntegerField("Năm", editable=False)
    issued_on = models.DateField("Ngày ban hành")
    recipient = models.ForeignKey(
        Partner, verbose_name="Cơ quan nhận", on_delete=models.PROTECT, related_name="+"
    )
    subject = models.CharField("Trích yếu", max_length=500)
    subject_folded = models.CharField(max_length=500, editable=False, db_index=True)
    content = models.TextField("Nội dung", blank=True)
    basis = models.CharField("Căn cứ ban hành", max_length=300, blank=True)
    rule = models.ForeignKey(
        DeadlineRule,
        verbose_name="Thời hạn trả lời (căn cứ pháp lý)",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="interventions",
    )
    protest_rule = models.ForeignKey(
        DeadlineRule,
        verbose_name="Thời hạn kháng nghị",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="protests",
    )
    decision_received_on = models.DateField(
        "Ngày VKS nhận bản án, quyết định bị kháng nghị", null=True, blank=True
    )
    received_on = models.DateField("Ngày cơ quan nhận", null=True, blank=True)
    due_on = models.DateField("Hạn trả lời", null=True, blank=True, editable=False)
    extension_notified_on = models.DateField("Ngày thông báo gia hạn", null=True, blank=True)
    extended_to = models.DateField("Gia hạn đến", null=True, blank=True)
    extension_reason = models.CharField("Lý do gia hạn", max_length=300, blank=True)
    answered_on = models.DateField("Ngày trả lời", null=True, blank=True)
    outcome = models.CharField(
        "Kết quả", max_length=20, choices=Outcome.choices, default=Outcome.PENDING
    )
    answer_summary = models.TextField("Nội dung trả lời", blank=True)
    court_decision = models.CharField("Bản án, quyết định của Tòa án", max_length=300, blank=True)
    document = models.FileField("Văn bản đã ký", upload_to=_document_path, blank=True)
    source = models.CharField(
        "Nguồn", max_length=10, choices=Source.choices, default=Source.ENTRY, editable=False
    )
    created_at = models.DateTimeField("Ngày tạo", auto_now_add=True)
    updated_at = models.DateTimeField("Ngày sửa", auto_now=True)

    class Meta:
        verbose_name = "Kháng nghị, kiến nghị"
        verbose_name_plural = "Kháng nghị, kiến nghị"
        ordering = ["-issued_on", "-number"]
        indexes = [
            models.Index(fields=["unit", "issued_on"], name="intervention_unit_issued"),
            models.Index(fields=["unit", "answered_on"], name="intervention_unit_answered"),
            models.Index(fields=["due_on"], name="intervention_due"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "number"], name="intervention_number_per_year"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="intervention_number_pos"),
            models.CheckConstraint(
                condition=Q(received_on__isnull=True) | Q(received_on__gte=F("issued_on")),
                name="intervention_received_after_issue",
            ),
            models.CheckConstraint(
                condition=Q(answered_on__isnull=True) | Q(answered_on__gte=F("issued_on")),
                name="intervention_answered_after_issue",
            ),
            models.CheckConstraint(
                condition=Q(answered_on__isnull=True)
                | Q(received_on__isnull=True)
                | Q(answered_on__gte=F("received_on")),
                name="intervention_answered_after_receipt",
            ),
            models.CheckConstraint(
                condition=(Q(answered_on__isnull=True) & Q(outcome="chua_tra_loi"))
                | (Q(answered_on__isnull=False) & ~Q(outcome="chua_tra_loi")),
                name="intervention_answer_has_outcome",
            ),
            models.CheckConstraint(
                condition=Q(extended_to__isnull=True)
                | (Q(due_on__isnull=False) & Q(extended_to__gt=F("due_on"))),
                name="intervention_extension_after_due",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display()} số {self.number_display} ngày {short_date(self.issued_on)}"
        )

    @property
    def number_display(self) -> str:
        """ "05/KN-VKS": numbers below 10 padded, as Nghị định 30 writes them."""
        return f"{self.number:02d}/{self.symbol}" if self.number else self.symbol

    @property
    def is_court_protest(self) -> bool:
        return self.kind in COURT_PROTESTS

    @property
    def deadline(self) -> date | None:
        """The date the answer is due: the notified extension, else the computed due date."""
        return self.extended_to or self.due_on

    @property
    def accepted(self) -> bool:
        return self.outcome in ACCEPTED_OUTCOMES

    def clean(self) -> None:
        """Invariants between dates (also held by the database constraints)."""
        errors: dict[str, str] = {}
        issued = self.issued_on
        if issued and self.received_on and self.received_on < issued:
            errors["received_on"] = "Ngày cơ quan nhận không được trước ngày ban hành."
        if issued and self.answered_on and self.answered_on < issued:
            errors["answered_on"] = "Ngày trả lời không được trước ngày ban hành."
        elif self.answered_on and self.received_on and self.answered_on < self.received_on:
            errors["answered_on"] = "Ngày trả lời không được trước ngày cơ quan nhận văn bản."
        if (self.answered_on is None) != (self.outcome == Outcome.PENDING):
            key = "outcome" if self.answered_on else "answered_on"
            errors[key] = "Ngày trả lời và kết quả phải được nhập cùng nhau."
        if self.decision_received_on and issued and self.decision_received_on > issued:
            errors["decision_received_on"] = (
                "Ngày nhận bản án, quyết định không được sau ngày ban hành kháng nghị."
            )
        if errors:
            raise ValidationError(errors)
