"""An uploaded import file kept between its preview and its confirmation.

Every web import is two steps: the upload is checked by reads only and its rows are shown
(the first ``PREVIEW_ROWS``); the file waits here until the person who uploaded it confirms
— the import then reads these very bytes through its service, checked again — or cancels.

The file is stored under a random name of ours (never the user's) in ``MEDIA_ROOT/imports``;
the session remembers, per kind of import, its token, name, digest, owner, page and time.
A confirmation is refused, and nothing is written, when no file waits, when the form's
token is not the waiting file's (another file was checked since), when the file belongs to
another person or page, is older than ``KEEP_SECONDS``, or its bytes changed on disk.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from kiemsat.lib.excel import ImportRefused

FOLDER = "imports"
KEEP_SECONDS = 2 * 3600  # a preview is read in minutes; well within a session (4 hours idle)
PREVIEW_ROWS = 50

NOTHING_WAITING = "Không có tệp nào đang chờ xác nhận; hãy tải tệp lên lại."
OTHER_FILE = (
    "Tệp đang chờ xác nhận không phải tệp của trang xem trước này (đã có tệp khác được kiểm "
    "tra sau đó); chưa ghi dòng nào, hãy xác nhận trên trang xem trước mới nhất."
)
FOREIGN = "Tệp đang chờ xác nhận không phải do bạn tải lên cho trang này; chưa ghi dòng nào."
EXPIRED = "Tệp đã chờ xác nhận quá 2 giờ nên đã bị hủy; chưa ghi dòng nào, hãy tải tệp lên lại."
CHANGED = (
    "Tệp chờ xác nhận đã bị thay đổi hoặc không còn sau khi xem trước; chưa ghi dòng nào, "
    "hãy tải tệp lên lại."
)
CANCELLED = "Đã hủy nhập tệp {name}; chưa ghi dòng nào."


class PendingRefused(Exception):
    """A confirmation that cannot go on; ``message`` says why, in Vietnamese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Pending:
    token: str
    name: str
    data: bytes


def path_of(token: str) -> Path:
    """Tokens are our own hex names with the checked suffix, never the user's file name."""
    return Path(settings.MEDIA_ROOT) / FOLDER / Path(token).name


def _key(kind: str) -> str:
    return f"pending_import:{kind}"


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _forget_stale(folder: Path) -> None:
    """Checked files never confirmed nor cancelled are removed after ``KEEP_SECONDS``."""
    limit = time.time() - KEEP_SECONDS
    for old in folder.iterdir():
        if old.is_file() and old.stat().st_mtime < limit:
            old.unlink(missing_ok=True)


def keep(request: HttpRequest, kind: str, *, name: str, data: bytes, scope: str = "") -> Pending:
    """Keep a checked file of ``kind`` for ``request.user`` on the page ``scope`` (e.g. a
    unit and year); it replaces the file of the same kind that was waiting, if any."""
    discard(request, kind)
    suffix = ".xlsx" if Path(name).suffix.lower() == ".xlsx" else ".csv"
    token = uuid.uuid4().hex + suffix
    path = path_of(token)
    path.parent.mkdir(parents=True, exist_ok=True)
    _forget_stale(path.parent)
    path.write_bytes(data)
    request.session[_key(kind)] = {
        "token": token,
        "name": name,
        "digest": _digest(data),
        "user": request.user.pk,
        "scope": scope,
        "at": time.time(),
    }
    return Pending(token, name, data)


def take(request: HttpRequest, kind: str, *, scope: str = "") -> Pending:
    """The file the confirmation form names (its ``token``), removed from the session and
    the disk; PendingRefused when it may not be written (see the module's doc)."""
    entry: dict[str, Any] | None = request.session.get(_key(kind))
    if not entry:
        raise PendingRefused(NOTHING_WAITING)
    if entry["user"] != request.user.pk or entry["scope"] != scope:
        raise PendingRefused(FOREIGN)
    if request.POST.get("token") != entry["token"]:
        raise PendingRefused(OTHER_FILE)  # the newer file keeps waiting for its own preview
    del request.session[_key(kind)]
    path = path_of(entry["token"])
    try:
        if time.time() - entry["at"] > KEEP_SECONDS:
            raise PendingRefused(EXPIRED)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise PendingRefused(CHANGED) from None
        if _digest(data) != entry["digest"]:
            raise PendingRefused(CHANGED)
    finally:
        path.unlink(missing_ok=True)
    return Pending(entry["token"], entry["name"], data)


def confirm(
    request: HttpRequest,
    kind: str,
    write: Callable[[Pending], str],
    *,
    back: str,
    done: str,
    refused: Callable[[list[str]], HttpResponse],
    scope: str = "",
) -> HttpResponse:
    """The "Xác nhận nhập" of every web import: the waiting file (``take``) is written by
    ``write`` through the import's own service (checked again, all or nothing), which gives
    the message of success, then to ``done``; a file refused now shows its row messages
    (``refused``); a confirmation that may not go on says why, back at the upload (``back``)."""
    try:
        pending = take(request, kind, scope=scope)
    except PendingRefused as refusal:
        messages.error(request, refusal.message)
        return redirect(back)
    try:
        message = write(pending)
    except ImportRefused as refusal:
        return refused(refusal.errors)
    messages.success(request, message)
    return redirect(done)


def preview_context(
    pending: Pending,
    rows: Sequence[Any],
    *,
    confirm: str,
    cancel: str,
    args: Sequence[Any] = (),
    count: int | None = None,
) -> dict[str, Any]:
    """What a preview page reads: the file, its first ``PREVIEW_ROWS`` rows (``sample``),
    how many rows in all (``count``, by default all ``rows``) and more (``rest``), and the
    addresses of its two buttons (``_import_confirm.html``)."""
    sample = list(rows[:PREVIEW_ROWS])
    count = len(rows) if count is None else count
    return {
        "pending": pending,
        "file_name": pending.name,
        "count": count,
        "sample": sample,
        "rest": count - len(sample),
        "confirm_url": reverse(confirm, args=args),
        "cancel_url": reverse(cancel, args=args),
    }


def discard(request: HttpRequest, kind: str, *, token: str | None = None) -> str | None:
    """Forget the file of ``kind`` waiting in this session (only if it is ``token``'s, when
    given); returns its name."""
    entry = request.session.get(_key(kind))
    if not entry or (token is not None and token != entry["token"]):
        return None
    del request.session[_key(kind)]
    path_of(entry["token"]).unlink(missing_ok=True)
    return str(entry["name"])


def cancel(request: HttpRequest, kind: str) -> None:
    """The "Hủy" button of a preview: the file named by the form's token is removed."""
    name = discard(request, kind, token=request.POST.get("token", ""))
    if name is None:
        messages.info(request, NOTHING_WAITING)
    else:
        messages.success(request, CANCELLED.format(name=name))
