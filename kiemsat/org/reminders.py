"""Due work collected from every app, for the Hôm nay page and the reminder emails.

An app registers a source ``(today) -> Iterable[Reminder]`` in its AppConfig.ready().
Each reminder names the unit it belongs to and the role needed to act on it; it is shown
to and emailed to the users holding that role on the unit (through the access gate).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db import IntegrityError, transaction

from kiemsat.lib.vn import person_name
from kiemsat.org.access import Access, AnyUser, access_for
from kiemsat.org.models import ReminderSent, Role


@dataclass(frozen=True)
class Reminder:
    key: str  # stable identity of what is due, e.g. "review:12:2027-01-15"
    unit_id: int
    title: str
    due: date
    overdue: bool
    url: str = ""
    kind: str = ""
    need: Role = Role.STAFF


ReminderSource = Callable[[date], Iterable[Reminder]]
SOURCES: list[ReminderSource] = []


def register(source: ReminderSource) -> ReminderSource:
    if source not in SOURCES:
        SOURCES.append(source)
    return source


def all_reminders(today: date) -> list[Reminder]:
    return [r for source in SOURCES for r in source(today)]


def reminders_for(user: AnyUser, today: date, kind: str = "") -> list[Reminder]:
    """The reminders of the user's units, overdue first then by due date."""
    access = access_for(user)
    items = [r for r in all_reminders(today) if (not kind or r.kind == kind) and _shown(access, r)]
    return sorted(items, key=lambda r: (not r.overdue, r.due, r.title))


def _shown(access: Access, reminder: Reminder) -> bool:
    """Work anyone in the unit may see, except tasks only a leader can do (approvals)."""
    if reminder.need == Role.STAFF:
        return access.can_read(reminder.unit_id)
    return access.has(reminder.unit_id, reminder.need)


def _recipients(reminders: list[Reminder]) -> dict[User, list[Reminder]]:
    """Users who hold the needed role on each reminder's unit (their own unit or above)."""
    by_user: dict[User, list[Reminder]] = defaultdict(list)
    users = get_user_model().objects.filter(is_active=True, memberships__isnull=False).distinct()
    for user in users.exclude(email=""):
        access = access_for(user)
        for reminder in reminders:
            if access.has(reminder.unit_id, reminder.need) and not access.sector_admin:
                by_user[user].append(reminder)
    return by_user


def send_due_reminders(today: date) -> int:
    """Email each user the reminders not yet sent to them; returns the number of emails."""
    sent = 0
    for user, items in _recipients(all_reminders(today)).items():
        fresh = [r for r in items if _claim(user, r)]
        if fresh:
            _email(user, fresh, today)
            sent += 1
    return sent


def _claim(user: User, reminder: Reminder) -> bool:
    """Record the reminder as sent; False when it already was (running twice sends once)."""
    key = f"{reminder.key}:{'overdue' if reminder.overdue else 'soon'}"
    try:
        with transaction.atomic():
            ReminderSent.objects.create(user=user, key=key[:200])
    except IntegrityError:
        return False
    return True


def _email(user: User, items: list[Reminder], today: date) -> None:
    from kiemsat.lib.vn import short_date

    lines = [f"Kính gửi {person_name(user)},", ""]
    lines.append(f"Các việc đến hạn của đơn vị (tính đến ngày {short_date(today)}):")
    for item in items:
        state = "QUÁ HẠN" if item.overdue else "sắp đến hạn"
        lines.append(f"- [{state}] {item.title} – hạn {short_date(item.due)}")
    lines += ["", "kiemsat – Hệ thống quản lý công tác Viện kiểm sát nhân dân"]
    overdue = sum(1 for i in items if i.overdue)
    subject = f"[kiemsat] {len(items)} việc đến hạn" + (f", {overdue} quá hạn" if overdue else "")
    send_mail(subject, "\n".join(lines), settings.DEFAULT_FROM_EMAIL, [user.email])
