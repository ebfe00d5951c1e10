"""Articles read into draft records, and the information register (thông tin – báo chí).

An article belongs to the unit of the person who uploaded it; it stays a draft until that
unit confirms its facts (then the draft records it gave are linked here) or discards it.
An information item is something the procuracy must provide or answer by a due date in
working days, counted by the services from the day it was received.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from kiemsat.agreements.models import Instrument
from kiemsat.lib.uploads import stored_name
from kiemsat.org.models import Unit


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", "Chờ xác nhận"
    CONFIRMED = "confirmed", "Đã xác nhận"
    DISCARDED = "discarded", "Đã hủy"


def _article_path(instance: Article, filename: str) -> str:
    """A random stored name: the file leaves only through the article's gate."""
    return stored_name("ingest", filename)


class Article(models.Model):
    unit = models.ForeignKey(
        Unit, verbose_name="Đơn vị", on_delete=models.PROTECT, related_name="+"
    )
    headline = models.CharField("Tiêu đề", max_length=500, blank=True)
    text = models.TextField("Nội dung")
    file = models.FileField("Tệp gốc", upload_to=_article_path, max_length=300, blank=True)
    file_name = models.CharField("Tên tệp", max_length=255, blank=True)
    source_url = models.URLField("Đường dẫn", max_length=500, blank=True)
    outlet = models.CharField("Báo, trang tin", max_length=200, blank=True)
    facts = models.JSONField("Dữ kiện", default=dict)
    status = models.CharField(
        "Tình trạng", max_length=10, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    instrument = models.ForeignKey(
        Instrument,
        verbose_name="Văn bản phối hợp tạo từ tin bài",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField("Tải lên lúc", auto_now_add=True)
    decided_at = models.DateTimeField("Xác nhận / hủy lúc", null=True, blank=True)

    class Meta:
        verbose_name = "Tin bài"
        verbose_name_plural = "Tin bài"
        ordering = ["-uploaded_at", "-pk"]
        indexes = [models.Index(fields=["unit", "status"], name="article_unit_status")]

    def __str__(self) -> str:
        return self.headline or f"Tin bài số {self.pk}"


class PressKind(models.TextChoices):
    REQUEST = "request", "Yêu cầu cung cấp thông tin về vụ án, vụ việc"
    FALSE_INFO = "false_info", "Tin sai sự thật, xuyên tạc về ngành"
    PUBLISH = "publish", "Tin bài cần đăng tải"


class Sensitivity(models.TextChoices):
    NORMAL = "normal", "Thông thường"
    SENSITIVE = "sensitive", "Nhạy cảm"
    CONFIDENTIAL = "confidential", "Mật"


class Action(models.TextChoices):
    NONE = "", "Chưa xử lý"
    PROVIDED = "provided", "Đã cung cấp thông tin"
    REBUTTED = "rebutted", "Đã đăng tin phản bác, cải chính"
    PUBLISHED = "published", "Đã đăng tải"


class PressItem(models.Model):
    """An item of the information register, with its due date in working days."""

    unit = models.ForeignKey(
        Unit, verbose_name="Đơn vị", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField("Loại", max_length=12, choices=PressKind.choices)
    subject = models.CharField("Vụ án, vụ việc, nội dung", max_length=500)
    subject_folded = models.CharField(max_length=500, editable=False, db_index=True)
    outlet = models.CharField("Báo, trang tin, nơi yêu cầu", max_length=200, blank=True)
    link = models.URLField("Đường dẫn", max_length=500, blank=True)
    source_on = models.DateField("Ngày đăng, ngày yêu cầu", null=True, blank=True)
    article = models.ForeignKey(
        Article,
        verbose_name="Tin bài đã tải lên",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="press_items",
    )
    sensitivity = models.CharField(
        "Mức độ", max_length=12, choices=Sensitivity.choices, default=Sensitivity.NORMAL
    )
    responsible_unit = models.ForeignKey(
        Unit, verbose_name="Đơn vị chủ trì", on_delete=models.PROTECT, related_name="+"
    )
    responsible_person = models.CharField("Người phụ trách", max_length=120, blank=True)
    received_on = models.DateField("Ngày nhận")
    working_days = models.PositiveSmallIntegerField("Thời hạn (ngày làm việc)")
    due_on = models.DateField("Hạn xử lý", editable=False)
    action = models.CharField(
        "Đã làm", max_length=10, choices=Action.choices, default=Action.NONE, blank=True
    )
    done_on = models.DateField("Ngày xử lý", null=True, blank=True)
    done_link = models.URLField("Đường dẫn tin đã đăng", max_length=500, blank=True)
    done_note = models.TextField("Nội dung đã cung cấp, đã đăng", blank=True)
    created_at = models.DateTimeField("Ngày tạo", auto_now_add=True)
    updated_at = models.DateTimeField("Ngày sửa", auto_now=True)

    class Meta:
        verbose_name = "Thông tin – báo chí"
        verbose_name_plural = "Thông tin – báo chí"
        ordering = ["-received_on", "-pk"]
        indexes = [
            models.Index(fields=["unit", "received_on"], name="press_unit_received"),
            models.Index(fields=["done_on", "due_on"], name="press_open_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(working_days__gte=1), name="press_working_days_positive"
            ),
            models.CheckConstraint(
                condition=Q(done_on__isnull=True) | Q(done_on__gte=F("received_on")),
                name="press_done_after_received",
            ),
            models.CheckConstraint(
                condition=(Q(done_on__isnull=True) & Q(action=""))
                | (Q(done_on__isnull=False) & ~Q(action="")),
                name="press_done_has_action",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject}"
