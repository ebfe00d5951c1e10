"""The month view's grid and the iCalendar feed (RFC 5545) phones and Outlook subscribe to.

The feed's address carries a private token instead of a session: the user's id and an HMAC
over it and the password hash, so changing the password revokes every old address.
"""

from __future__ import annotations

import calendar as _calendar
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.utils.crypto import constant_time_compare, salted_hmac

from kiemsat.meetings.models import Conference, Task

_SALT = "kiemsat.meetings.calendar-feed"
CONFERENCE_HOURS = 2  # a conference with a start time is shown this long


def feed_token(user: Any) -> str:
    digest = salted_hmac(_SALT, f"{user.pk}:{user.password}", algorithm="sha256").hexdigest()
    return f"{user.pk}-{digest[:40]}"


def user_for_token(token: str) -> Any | None:
    """The active user the token was made for; None for anything else."""
    pk, _, _ = token.partition("-")
    if not pk.isdigit():
        return None
    user = get_user_model().objects.filter(pk=int(pk), is_active=True).first()
    if user is None or not constant_time_compare(feed_token(user), token):
        return None
    return user


def month_weeks(year: int, month: int) -> list[list[date | None]]:
    """Weeks Monday to Sunday; days outside the month are None."""
    weeks = _calendar.Calendar(firstweekday=0).monthdayscalendar(year, month)
    return [[date(year, month, d) if d else None for d in week] for week in weeks]


# --- iCalendar -----------------------------------------------------------------------------


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> list[str]:
    """Lines of at most 75 octets, continuations starting with a space (RFC 5545 §3.1)."""
    out: list[str] = []
    current = ""
    for char in line:
        limit = 75 if not out else 74
        if len((current + char).encode()) > limit:
            out.append(current)
            current = ""
        current += char
    out.append(current)
    return [out[0], *(" " + part for part in out[1:])]


def _event(
    uid: str, stamp: str, span: tuple[str, str], summary: str, where: str, url: str
) -> list[str]:
    lines = ["BEGIN:VEVENT", f"UID:{uid}", f"DTSTAMP:{stamp}", *span]
    lines.append(f"SUMMARY:{_escape(summary)}")
    if where:
        lines.append(f"LOCATION:{_escape(where)}")
    if url:
        lines.append(f"URL:{url}")
    return [*lines, "END:VEVENT"]


def _days(day: date) -> tuple[str, str]:
    end = day + timedelta(days=1)
    return f"DTSTART;VALUE=DATE:{day:%Y%m%d}", f"DTEND;VALUE=DATE:{end:%Y%m%d}"


def _conference(c: Conference, stamp: str, host: str, base: str) -> list[str]:
    if c.starts_at:
        begin = datetime.combine(c.held_on, c.starts_at)
        end = begin + timedelta(hours=CONFERENCE_HOURS)
        tz = "TZID=Asia/Ho_Chi_Minh"
        span = (f"DTSTART;{tz}:{begin:%Y%m%dT%H%M%S}", f"DTEND;{tz}:{end:%Y%m%dT%H%M%S}")
    else:
        span = _days(c.held_on)
    url = f"{base}/hoi-nghi/{c.pk}/" if base else ""
    return _event(f"conference-{c.pk}@{host}", stamp, span, c.title, c.place, url)


def _task(t: Task, stamp: str, host: str, base: str) -> list[str]:
    url = f"{base}/hoi-nghi/nhiem-vu/{t.pk}/" if base else ""
    summary = f"Hạn nhiệm vụ: {t.title} ({t.unit.name})"
    return _event(f"task-{t.pk}@{host}", stamp, _days(t.due_on), summary, "", url)


def ics(
    conferences: Iterable[Conference], tasks: Iterable[Task], *, now: datetime, base: str = ""
) -> str:
    """The feed as text: CRLF line ends, folded lines, UTF-8."""
    host = base.split("//", 1)[-1] or "kiemsat"
    stamp = f"{now:%Y%m%dT%H%M%SZ}"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//kiemsat//Hoi nghi//VI",
        "CALSCALE:GREGORIAN",
        "X-WR-CALNAME:Hội nghị và nhiệm vụ – kiemsat",
        "X-WR-TIMEZONE:Asia/Ho_Chi_Minh",
    ]
    for c in conferences:
        lines += _conference(c, stamp, host, base)
    for t in tasks:
        lines += _task(t, stamp, host, base)
    lines.append("END:VCALENDAR")
    return "".join(part + "\r\n" for line in lines for part in _fold(line))
