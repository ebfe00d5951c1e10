from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q

from kiemsat.lib.validity import is_valid_on
from kiemsat.lib.validity import valid_on_q as valid_on_q  # older callers import it from here


class Level(models.TextChoices):
    SUPREME = "supreme", "Tối cao"
    APPELLATE = "appellate", "Cấp cao"
    PROVINCIAL = "provincial", "Cấp tỉnh"
    LOCAL = "local", "Cấp huyện / khu vực"


class Role(models.TextChoices):
    VIEWER = "viewer", "Xem"
    STAFF = "staff", "Cán bộ"
    LEADER = "leader", "Lãnh đạo"
    ADMIN = "admin", "Quản trị ngành"


ROLE_RANK = {Role.VIEWER: 1, Role.STAFF: 2, Role.LEADER: 3, Role.ADMIN: 4}


class Unit(models.Model):
    """A procuracy unit, with the interval in which it existed."""

    code = models.SlugField("Mã", max_length=40, unique=True)
    name = models.CharField("Tên", max_length=200)
    short_name = models.CharField("Tên viết tắt", max_length=80, blank=True)
    level = models.CharField("Cấp", max_length=12, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="Đơn vị cấp trên",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    province_code = models.PositiveSmallIntegerField("Mã tỉnh", null=True, blank=True)
    valid_from = models.DateField("Hiệu lực từ", null=True, blank=True)
    valid_to = models.DateField("Hiệu lực đến", null=True, blank=True)
    name_folded = models.CharField(max_length=200, editable=False, db_index=True)

    class Meta:
        verbose_name = "Đơn vị"
        verbose_name_plural = "Đơn vị"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_from__lte=models.F("valid_to")),
                name="unit_valid_range",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def is_valid_on(self, day: date) -> bool:
        return is_valid_on(self, day)

    def has_ended(self, day: date) -> bool:
        """The unit's last day lies before ``day`` (it ended in a reorganisation)."""
        return self.valid_to is not None and self.valid_to < day


class SuccessionKind(models.TextChoices):
    MERGE = "merge", "Hợp nhất / sáp nhập"
    RENAME = "rename", "Đổi tên"
    SPLIT = "split", "Chia tách"


class Succession(models.Model):
    """``successor`` took over ``predecessor`` (its records and open work) on ``date``."""

    predecessor = models.ForeignKey(
        Unit, verbose_name="Đơn vị trước", on_delete=models.CASCADE, related_name="successions"
    )
    successor = models.ForeignKey(
        Unit, verbose_name="Đơn vị kế thừa", on_delete=models.CASCADE, related_name="predecessions"
    )
    kind = models.CharField("Hình thức", max_length=10, choices=SuccessionKind.choices)
    date = models.DateField("Ngày")
    basis = models.CharField("Căn cứ", max_length=300, blank=True)

    class Meta:
        verbose_name = "Kế thừa đơn vị"
        verbose_name_plural = "Kế thừa đơn vị"
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="succession_unique"),
            models.CheckConstraint(
                condition=~Q(predecessor=models.F("successor")), name="succession_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor}"


class PartnerKind(models.TextChoices):
    COURT = "court", "Tòa án"
    POLICE = "police", "Công an / Cơ quan điều tra"
    PEOPLES_COMMITTEE = "peoples_committee", "Ủy ban nhân dân"
    PARTY_PROPAGANDA = "party_propaganda", "Ban Tuyên giáo"
    PARTY_INTERNAL_AFFAIRS = "party_internal_affairs", "Ban Nội chính"
    JUDGMENT_ENFORCEMENT = "judgment_enforcement", "Thi hành án dân sự"
    FATHERLAND_FRONT = "fatherland_front", "Mặt trận Tổ quốc"
    PRESS = "press", "Báo chí"
    OTHER_PROCURACY = "other_procuracy", "Viện kiểm sát khác"
    OTHER = "other", "Khác"


class Partner(models.Model):
    """An organisation the procuracy deals with; not a user."""

    code = models.SlugField("Mã", max_length=60, unique=True)
    name = models.CharField("Tên", max_length=200)
    short_name = models.CharField("Tên viết tắt", max_length=80, blank=True)
    kind = models.CharField("Loại", max_length=30, choices=PartnerKind.choices)
    province = models.CharField("Tỉnh / thành phố", max_length=80, blank=True)
    head_name = models.CharField("Người đứng đầu", max_length=120, blank=True)
    head_title = models.CharField("Chức danh", max_length=120, blank=True)
    valid_from = models.DateField("Hiệu lực từ", null=True, blank=True)
    valid_to = models.DateField("Hiệu lực đến", null=True, blank=True)
    name_folded = models.CharField(max_length=200, editable=False, db_index=True)

    class Meta:
        verbose_name = "Cơ quan phối hợp"
        verbose_name_plural = "Cơ quan phối hợp"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_from__lte=models.F("valid_to")),
                name="partner_valid_range",
            )
        ]

    def __str__(self) -> str:
        return self.name


class ClusterKind(models.TextChoices):
    PROVINCIAL = "provincial", "Cụm thi đua VKSND cấp tỉnh"
    BLOCK = "block", "Khối thi đua VKSND tối cao"
    LOCAL = "local", "Cụm thi đua cấp huyện / khu vực"


class Cluster(models.Model):
    """An emulation cluster (cụm) or block (khối); its membership changes by term."""

    code = models.SlugField("Mã", max_length=40, unique=True)
    name = models.CharField("Tên", max_length=200)
    number = models.PositiveSmallIntegerField("Số", null=True, blank=True)
    kind = models.CharField("Loại", max_length=12, choices=ClusterKind.choices)
    owner_unit = models.ForeignKey(
        Unit,
        verbose_name="Đơn vị quản lý",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Với cụm cấp huyện: VKSND cấp tỉnh quản lý cụm.",
    )

    class Meta:
        verbose_name = "Cụm, khối thi đua"
        verbose_name_plural = "Cụm, khối thi đua"
        ordering = ["kind", "number", "code"]

    def __str__(self) -> str:
        return self.name


class ClusterTerm(models.Model):
    """A cluster in one work year: its members, leader (cụm trưởng) and deputy."""

    cluster = models.ForeignKey(
        Cluster, verbose_name="Cụm", on_delete=models.CASCADE, related_name="terms"
    )
    year = models.PositiveSmallIntegerField("Năm công tác")
    members = models.ManyToManyField(Unit, verbose_name="Thành viên", related_name="cluster_terms")
    leader = models.ForeignKey(
        Unit,
        verbose_name="Cụm trưởng",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    deputy = models.ForeignKey(
        Unit,
        verbose_name="Cụm phó",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = "Nhiệm kỳ cụm thi đua"
        verbose_name_plural = "Nhiệm kỳ cụm thi đua"
        ordering = ["cluster", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["cluster", "year"], name="cluster_term_unique"),
            models.CheckConstraint(
                condition=Q(leader__isnull=True) | ~Q(leader=models.F("deputy")),
                name="cluster_term_leader_not_deputy",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cluster} – năm {self.year}"


class Membership(models.Model):
    """A user's role in a unit; the root of every access decision."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="Người dùng",
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    unit = models.ForeignKey(
        Unit, verbose_name="Đơn vị", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField("Vai trò", max_length=10, choices=Role.choices)
    title = models.CharField("Chức danh", max_length=120, blank=True)

    class Meta:
        verbose_name = "Thành viên đơn vị"
        verbose_name_plural = "Thành viên đơn vị"
        constraints = [
            models.UniqueConstraint(fields=["user", "unit"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.unit} ({self.get_role_display()})"


class DayKind(models.TextChoices):
    DAY_OFF = "off", "Ngày nghỉ bổ sung"
    WORKING = "work", "Ngày làm việc bù"


class CalendarDay(models.Model):
    """An extra day off or a make-up working day decided by the government."""

    day = models.DateField("Ngày", unique=True)
    kind = models.CharField("Loại", max_length=4, choices=DayKind.choices)
    note = models.CharField("Ghi chú", max_length=200, blank=True)

    class Meta:
        verbose_name = "Ngày nghỉ / làm bù"
        verbose_name_plural = "Ngày nghỉ / làm bù"
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} – {self.get_kind_display()}"


class ReminderSent(models.Model):
    """A reminder already emailed, so that running send_reminders again sends nothing new."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "Nhắc việc đã gửi"
        verbose_name_plural = "Nhắc việc đã gửi"
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="reminder_sent_unique")]

    def __str__(self) -> str:
        return f"{self.user} {self.key}"
