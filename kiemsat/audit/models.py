from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    """One change made by one person (or a command) to one object."""

    at = models.DateTimeField("Thời điểm", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="Người thực hiện",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField("Thao tác", max_length=60)
    object_type = models.CharField("Loại đối tượng", max_length=60)
    object_id = models.CharField("Mã đối tượng", max_length=64)
    object_repr = models.CharField("Đối tượng", max_length=300, blank=True)
    unit_id = models.BigIntegerField("Đơn vị", null=True, blank=True, db_index=True)
    changes = models.JSONField("Nội dung thay đổi", default=dict, blank=True)

    class Meta:
        verbose_name = "Nhật ký thay đổi"
        verbose_name_plural = "Nhật ký thay đổi"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.action} {self.object_repr}"


class DataRevision(models.Model):
    """One row counting committed audited transactions (bumped after each commit).

    With the highest audit id it tells caches that data changed: on PostgreSQL two
    transactions can commit out of id order, so an id alone could miss the earlier one.
    """

    number = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "Phiên bản dữ liệu"
        verbose_name_plural = "Phiên bản dữ liệu"

    def __str__(self) -> str:
        return str(self.number)
