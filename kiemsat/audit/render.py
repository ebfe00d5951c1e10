"""History in plain language: one renderer for the audit rows of every app.

An audit row keeps what the service recorded (``{"received_on": ["2025-02-03",
"2025-02-05"]}``); a person reads "Nguyễn Văn A đã sửa văn bản – Ngày nhận: 03/02/2025 →
05/02/2025". Field names come from the model's own labels, codes from its choices, ids of
related objects from their names; what a model does not describe (a party's name, a file)
is labelled here or by the app with ``register``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from kiemsat.audit.models import AuditEntry
from kiemsat.lib.vn import format_int, format_points, person_name, short_date

SEEDED = "Dữ liệu ban đầu"  # who wrote a row without a person: seeding, demo, commands
EMPTY = "(trống)"
LONG_LIST = 6

# "app.noun_verb": the verb says what was done, the noun to what.
VERBS = {
    "register": "vào sổ",
    "create": "tạo",
    "add": "thêm",
    "update": "sửa",
    "change": "sửa",
    "delete": "xóa",
    "remove": "bỏ",
    "clear": "xóa",
    "set": "đặt",
    "done": "ghi nhận hoàn thành",
    "record": "ghi",
    "answer": "ghi kết quả trả lời",
    "attach": "đính kèm văn bản vào",
    "extend": "gia hạn",
    "import": "nhập từ tệp",
    "recompute": "tính lại",
    "approve": "duyệt",
    "reopen": "mở lại",
    "submit": "gửi",
    "return": "trả lại",
    "confirm": "xác nhận",
    "discard": "hủy",
    "lock": "khóa",
    "assess": "chấm điểm",
    "adjust": "điều chỉnh",
    "report": "báo cáo tiến độ",
}
NOUNS = {
    "instrument": "văn bản phối hợp",
    "party": "bên ký",
    "clause": "điều khoản",
    "duty": "nhiệm vụ",
    "attachment": "bản quét",
    "review": "kết quả sơ kết, tổng kết",
    "intervention": "văn bản",
    "due": "hạn trả lời",
    "figures": "số liệu",
    "quota": "chỉ tiêu giao",
    "quotas": "chỉ tiêu giao",
    "submission": "số liệu tháng",
    "indicator": "chỉ tiêu",
    "metric": "chỉ số",
    "membership": "thành viên",
    "user": "tài khoản",
}
ACTIONS: dict[str, str] = {
    "seed": "nạp",
    "admin.create": "tạo trong trang quản trị",
    "admin.change": "sửa trong trang quản trị",
    "admin.delete": "xóa trong trang quản trị",
}
# Keys a service records that are not a field of the object's model.
FIELDS: dict[str, str] = {
    "parties": "Các bên ký",
    "party": "Bên ký",
    "signatory": "Người ký",
    "clause": "Điều khoản",
    "duty": "Nhiệm vụ",
    "review": "Sơ kết, tổng kết",
    "file": "Tệp",
    "size": "Dung lượng (byte)",
    "responsible": "Đơn vị chịu trách nhiệm",
    "rows": "Số dòng",
    "created": "Thêm mới",
    "updated": "Sửa",
    "unchanged": "Giữ nguyên",
    "cleared": "Xóa",
    "units": "Đơn vị",
    "periods": "Các tháng",
    "source": "Nguồn",
    "file_name": "Tên tệp",
    "reason": "Lý do",
    "work_year": "Năm công tác",
    "password": "Mật khẩu",
    "groups": "Nhóm quyền",
    "role": "Vai trò",
    "from": "Từ",
    "to": "Đến",
    "count": "Số lượng",
    "days": "Số ngày",
}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}")
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def register(
    *, actions: dict[str, str] | None = None, fields: dict[str, str] | None = None
) -> None:
    """An app names its own actions ("meetings.task_confirm": "xác nhận hoàn thành việc")
    and the keys its services record that its models do not label."""
    ACTIONS.update(actions or {})
    FIELDS.update(fields or {})


@dataclass
class HistoryLine:
    at: datetime
    who: str
    what: str
    details: list[str] = field(default_factory=list)

    @property
    def sentence(self) -> str:
        """ "Nguyễn Văn A đã sửa văn bản"; "Dữ liệu ban đầu: vào sổ văn bản"."""
        if self.who == SEEDED:
            return f"{SEEDED}: {self.what}"
        return f"{self.who} đã {self.what}"


def describe(entries: Iterable[AuditEntry]) -> list[HistoryLine]:
    return [_line(entry) for entry in entries]


def action_label(action: str) -> str:
    if action in ACTIONS:
        return ACTIONS[action]
    name = action.rpartition(".")[2]
    noun, _, verb = name.rpartition("_")
    if verb in VERBS:
        return f"{VERBS[verb]} {NOUNS.get(noun, noun.replace('_', ' '))}".strip()
    return "thay đổi"


def _who(entry: AuditEntry) -> str:
    actor = entry.actor
    if actor is None:
        return SEEDED
    return person_name(actor)


def _model(entry: AuditEntry) -> type[models.Model] | None:
    try:
        return apps.get_model(entry.object_type)
    except (LookupError, ValueError):
        return None


def _line(entry: AuditEntry) -> HistoryLine:
    model = _model(entry)
    noun = str(model._meta.verbose_name) if model is not None else ""
    what = action_label(entry.action)
    if (entry.action == "seed" or entry.action.startswith("admin.")) and noun:
        what = f"{what} ({noun})"
    changes = entry.changes if isinstance(entry.changes, dict) else {}
    details = [_detail(model, k, v) for k, v in changes.items() if not _derived(k)]
    return HistoryLine(at=entry.at, who=_who(entry), what=what, details=details)


def _derived(key: str) -> bool:
    """Columns kiemsat derives for search and sorting: not something a person changed."""
    return key.endswith("_folded")


def _field(model: type[models.Model] | None, key: str) -> Any:
    """The model's field of that name, else one of its app's other models: a service
    records a duty's or a review's fields against the instrument they belong to."""
    if model is None:
        return None
    others = [m for m in model._meta.app_config.get_models() if m is not model]
    for candidate in (model, *others):
        for name in (key, key.removesuffix("_id")):
            try:
                found = candidate._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if hasattr(found, "verbose_name"):  # a reverse relation has none: not a field
                return found
    return None


def field_label(model: type[models.Model] | None, key: str) -> str:
    """The object's own field label, else the app's label for the key, else the label of
    the field of that name in another model of the app."""
    own = _field(model, key)
    own_model = getattr(own, "model", None)
    if own is not None and (own_model is model or key not in FIELDS):
        return _capital(str(own.verbose_name))
    return FIELDS.get(key, _capital(key.replace("_", " ")))


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


# Keys holding a list of ids or codes of another model: shown by name.
NAMED_LISTS = {"units": "org.Unit", "members": "org.Unit"}


def _named(key: str, value: Any) -> Any:
    """Ids and codes of NAMED_LISTS replaced by names, in a list or an [old, new] pair."""
    if key not in NAMED_LISTS or not isinstance(value, list):
        return value
    if value and all(isinstance(v, list) for v in value):
        return [_named(key, v) for v in value]
    manager = apps.get_model(NAMED_LISTS[key])._default_manager
    ids = manager.in_bulk([v for v in value if isinstance(v, int)])
    codes = manager.in_bulk([v for v in value if isinstance(v, str)], field_name="code")
    return [str(ids.get(v) or codes.get(v) or v) for v in value]


def _detail(model: type[models.Model] | None, key: str, value: Any) -> str:
    found = _field(model, key)
    value = _named(key, value)
    label = field_label(model, key)
    pair = len(value) == 2 if isinstance(value, list) else False
    if pair and (key not in FIELDS or all(isinstance(v, list) for v in value)):
        old, new = (_value(found, v) for v in value)
        return f"{label}: {old} → {new}"
    return f"{label}: {_value(found, value)}"


def _value(found: Any, value: Any) -> str:
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, list):
        shown = [_value(found, v) for v in value]
        if len(shown) > LONG_LIST:
            return f"{', '.join(shown[:3])}, … {shown[-1]} ({format_int(len(shown))} mục)"
        return ", ".join(shown)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_value(None, v)}" for k, v in value.items())
    if isinstance(found, models.DecimalField) and isinstance(value, str | int):
        return format_points(Decimal(value))
    choices = dict(getattr(found, "flatchoices", None) or ())
    if value in choices:
        return str(choices[value])
    if isinstance(value, int):  # below 10.000 plainly, so a year never reads "2.025"
        return _related(found, value) or (str(value) if abs(value) < 10_000 else format_int(value))
    if isinstance(value, str):
        return _text(value)
    return str(value)


def _related(found: Any, pk: int) -> str | None:
    target = getattr(found, "related_model", None)
    if target is None or not getattr(found, "many_to_one", False):
        return None
    obj = target._default_manager.filter(pk=pk).first()
    return str(obj) if obj is not None else f"(đã xóa, mã {pk})"


def _text(value: str) -> str:
    if _ISO_DATE.match(value):
        return short_date(date.fromisoformat(value))
    if _ISO_DATETIME.match(value):
        moment = datetime.fromisoformat(value)
        return f"{moment:%H:%M} {short_date(moment.date())}"
    if month := _ISO_MONTH.match(value):
        return f"{month.group(2)}/{month.group(1)}"
    return value
