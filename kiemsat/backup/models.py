from django.db import models


class BackupKind(models.TextChoices):
    BACKUP = "backup", "Sao lưu"
    RESTORE = "restore", "Phục hồi"


class BackupEvent(models.Model):
    """One archive written, or one archive restored into this database."""

    at = models.DateTimeField("Thời điểm", auto_now_add=True)
    kind = models.CharField("Loại", max_length=10, choices=BackupKind.choices)
    archive = models.CharField("Tệp sao lưu", max_length=500)
    archive_sha256 = models.CharField("SHA-256 của tệp sao lưu", max_length=64)
    taken_at = models.DateTimeField("Thời điểm chụp dữ liệu")
    vendor = models.CharField("Hệ quản trị cơ sở dữ liệu", max_length=20)
    tables = models.PositiveIntegerField("Số bảng")
    rows = models.PositiveBigIntegerField("Số dòng")
    files = models.PositiveIntegerField("Số tệp đính kèm")
    size = models.PositiveBigIntegerField("Dung lượng (byte)")

    class Meta:
        verbose_name = "Lần sao lưu, phục hồi"
        verbose_name_plural = "Các lần sao lưu, phục hồi"
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["backup", "restore"]), name="backup_event_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.archive}"
