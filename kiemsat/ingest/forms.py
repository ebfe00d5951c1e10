"""Forms of the press desk; they validate input, the services decide."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone

from kiemsat.agreements.models import InstrumentKind, ReviewSchedule
from kiemsat.agreements.services.instruments import InstrumentData
from kiemsat.ingest import readers, selectors
from kiemsat.ingest.models import Action, Article, PressKind, Sensitivity
from kiemsat.ingest.report import EVENT_TYPES, INDICATOR_KINDS
from kiemsat.ingest.services import Confirmation, PartyDraft, PressData
from kiemsat.lib.vn import check_percent
from kiemsat.org.access import access_for
from kiemsat.org.forms import UnitChoiceField
from kiemsat.org.models import Partner, PartnerKind, Role, Unit
from kiemsat.oversight.forms import ANY, date_field

# The extraction's instrument kinds and the register's.
KINDS = {
    "quy_che_phoi_hop": InstrumentKind.REGULATION,
    "chuong_trinh_phoi_hop": InstrumentKind.PROGRAMME,
    "ke_hoach_phoi_hop": InstrumentKind.PLAN,
    "giao_uoc_thi_dua": InstrumentKind.COVENANT,
}
SIGNING_EVENTS = ("coordination_signing", "emulation_covenant_signing")
NEW, SKIP = "new", ""


def _staff_units(user: Any) -> Any:
    ids = access_for(user).unit_ids(Role.STAFF)
    return Unit.objects.filter(pk__in=ids).order_by("name_folded")


class ArticleForm(forms.Form):
    """An article pasted or uploaded; the file is read here, within the readers' limits."""

    unit = UnitChoiceField(
        label="Đơn vị",
        queryset=Unit.objects.none(),
        empty_label="— Chọn đơn vị —",
        error_messages={"invalid_choice": "Bạn không có quyền nhập tin bài cho đơn vị này."},
    )
    file = forms.FileField(
        label="Tệp tin bài (.txt, .html, .docx, .pdf)",
        required=False,
        help_text=f"Tối đa {readers.MAX_BYTES // (1024 * 1024)} MB.",
    )
    text = forms.CharField(
        label="Hoặc dán nội dung",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=readers.MAX_BYTES,
        error_messages={"max_length": "Nội dung dán vào quá dài (tối đa 5 MB)."},
    )
    source_url = forms.URLField(
        label="Đường dẫn bài gốc",
        required=False,
        max_length=500,
        error_messages={"invalid": "Đường dẫn không hợp lệ (bắt đầu bằng http:// hoặc https://)."},
    )
    outlet = forms.CharField(label="Báo, trang tin", required=False, max_length=200)

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        units = _staff_units(user)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        if len(units) == 1:
            self.fields["unit"].initial = units[0].pk
        self.read_name, self.read_bytes = "", b""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload, pasted = data.get("file"), (data.get("text") or "").strip()
        if upload and pasted:
            raise forms.ValidationError("Chọn tệp hoặc dán nội dung, không cả hai.")
        if upload:
            content = upload.read(readers.MAX_BYTES + 1)
            try:
                data["text"] = readers.read_bytes(upload.name, content)
            except readers.ReadRefused as refused:
                self.add_error("file", str(refused))
            else:
                self.read_name, self.read_bytes = upload.name, content
        elif not pasted and not self.errors:
            raise forms.ValidationError("Chưa có nội dung: chọn tệp hoặc dán văn bản tin bài.")
        return data


def _int(label: str, *, top: int = 9999) -> forms.IntegerField:
    return forms.IntegerField(label=label, required=False, min_value=0, max_value=top)


class FactsForm(forms.Form):
    """The article's facts as the reader corrects them."""

    event_type = forms.ChoiceField(label="Loại sự kiện", choices=list(EVENT_TYPES.items()))
    event_date = date_field("Ngày diễn ra", required=False)
    location = forms.CharField(label="Địa điểm", required=False, max_length=300)
    make_instrument = forms.BooleanField(
        label="Tạo văn bản phối hợp (bản nháp) từ tin bài", required=False
    )
    kind = forms.ChoiceField(
        label="Loại văn bản",
        choices=[("", "— Không có —"), *InstrumentKind.choices],
        required=False,
    )
    title = forms.CharField(label="Tên văn bản", required=False, max_length=500)
    period_start_year = _int("Giai đoạn từ năm", top=2100)
    period_end_year = _int("đến năm", top=2100)
    chapters = _int("Số chương", top=99)
    articles = _int("Số điều", top=999)
    themes = forms.CharField(
        label="Chủ đề, khẩu hiệu (mỗi dòng một)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_start_year"), data.get("period_end_year")
        if start and end and end < start:
            self.add_error("period_end_year", "Năm kết thúc trước năm bắt đầu.")
        day = data.get("event_date")
        if day and day > timezone.localdate():
            self.add_error("event_date", "Ngày diễn ra chưa tới.")
        if data.get("make_instrument") and not data.get("kind"):
            self.add_error("kind", "Chọn loại văn bản để tạo văn bản phối hợp.")
        return data


class PartyForm(forms.Form):
    name = forms.CharField(label="Tên trong tin bài", max_length=300)
    match = forms.ChoiceField(label="Là", required=False)
    new_kind = forms.ChoiceField(
        label="Loại cơ quan (nếu thêm mới)",
        choices=[("", "— Chọn loại —"), *PartnerKind.choices],
        required=False,
    )
    signatory_name = forms.CharField(label="Người ký", required=False, max_length=120)
    signatory_title = forms.CharField(label="Chức vụ người ký", required=False, max_length=200)
    is_host = forms.BooleanField(label="Chủ trì", required=False)

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["match"].choices = choices  # type: ignore[attr-defined]


class PersonForm(forms.Form):
    name = forms.CharField(label="Họ tên", max_length=120)
    title = forms.CharField(label="Chức vụ", required=False, max_length=300)
    organisation = forms.CharField(label="Cơ quan", required=False, max_length=300)


class IndicatorForm(forms.Form):
    met = forms.IntegerField(label="Số chỉ tiêu", min_value=0, max_value=9999)
    total = _int("Trên tổng số")
    percent = forms.DecimalField(
        label="Tỷ lệ công bố (%)", required=False, min_value=0, max_value=100, decimal_places=2
    )
    kind = forms.ChoiceField(label="Loại", choices=list(INDICATOR_KINDS.items()))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        met, total = data.get("met"), data.get("total")
        if met is not None and total is not None and met > total:
            self.add_error("total", "Tổng số nhỏ hơn số chỉ tiêu.")
        return data


PartyFormSet = forms.formset_factory(PartyForm, extra=1, max_num=10, validate_max=True)
PersonFormSet = forms.formset_factory(PersonForm, extra=1, max_num=40, can_delete=True)
IndicatorFormSet = forms.formset_factory(IndicatorForm, extra=0, max_num=20, can_delete=True)


def party_choices(user: Any, matched: list[Any]) -> list[tuple[str, str]]:
    """What a name can be: a unit the user may read, a partner, a new partner, or nothing."""
    units = Unit.objects.filter(pk__in=access_for(user).unit_ids()).order_by("name_folded")
    choices = [(SKIP, "— Bỏ qua (không phải bên ký) —"), (NEW, "+ Thêm cơ quan phối hợp mới")]
    seen = {c for c, _ in choices}
    for m in matched:  # the matches first, so the reader sees them at the top
        if m.choice not in seen and m.choice != NEW:
            org = m.unit or m.partner
            choices.insert(len(seen), (m.choice, f"{org.name} (khớp tên)"))
            seen.add(m.choice)
    choices += [(f"unit:{u.pk}", u.name) for u in units if f"unit:{u.pk}" not in seen]
    partners = Partner.objects.order_by("name_folded")
    choices += [(f"partner:{p.pk}", p.name) for p in partners if f"partner:{p.pk}" not in seen]
    return choices


def _resolve(value: str, user: Any) -> tuple[Unit | None, Partner | None]:
    kind, _, pk = value.partition(":")
    if kind == "unit":  # a unit the user may read: the same rule the choices were made by
        return Unit.objects.filter(pk=int(pk), pk__in=access_for(user).unit_ids()).first(), None
    if kind == "partner":
        return None, Partner.objects.filter(pk=int(pk)).first()
    return None, None


def _year_range(start: int | None, end: int | None) -> tuple[date | None, date | None]:
    return (date(start, 1, 1) if start else None, date(end, 12, 31) if end else None)


def confirmation(
    facts: FactsForm, parties: Any, people: Any, indicators: Any, *, user: Any, article: Article
) -> Confirmation:
    """The corrected facts as JSON for the article, and the draft instrument to make."""
    d = facts.cleaned_data
    party_rows = [f.cleaned_data for f in parties.forms if f.cleaned_data.get("name")]
    person_rows = [
        {k: f.cleaned_data.get(k, "") for k in ("name", "title", "organisation")}
        for f in people.forms
        if f.cleaned_data.get("name") and not f.cleaned_data.get("DELETE")
    ]
    indicator_rows = [
        {
            "met": f.cleaned_data["met"],
            "total": f.cleaned_data.get("total"),
            "percent": float(f.cleaned_data["percent"])
            if f.cleaned_data.get("percent") is not None
            else None,
            "kind": f.cleaned_data["kind"],
        }
        for f in indicators.forms
        if f.cleaned_data.get("met") is not None and not f.cleaned_data.get("DELETE")
    ]
    kind_code = {v: k for k, v in KINDS.items()}.get(d["kind"]) if d["kind"] else None
    json = {
        **article.facts,
        "event_type": d["event_type"],
        "event_date": d["event_date"].isoformat() if d["event_date"] else None,
        "location": d["location"] or None,
        "instrument": {
            "kind": kind_code,
            "title": d["title"] or None,
            "period_start_year": d["period_start_year"],
            "period_end_year": d["period_end_year"],
            "chapters": d["chapters"],
            "articles": d["articles"],
        },
        "parties": [row["name"] for row in party_rows],
        "people": person_rows,
        "indicators": indicator_rows,
        "themes": [line.strip() for line in d["themes"].splitlines() if line.strip()],
    }
    drafts = []
    for row in party_rows:
        unit, partner = _resolve(row.get("match") or "", user)
        new_kind = row.get("new_kind") or PartnerKind.OTHER if row.get("match") == NEW else ""
        drafts.append(
            PartyDraft(
                name=row["name"],
                unit=unit,
                partner=partner,
                new_partner_kind=new_kind,
                signatory_name=row.get("signatory_name", ""),
                signatory_title=row.get("signatory_title", ""),
                is_host=bool(row.get("is_host")),
            )
        )
    instrument = _instrument(d, article) if d["make_instrument"] else None
    return Confirmation(facts=json, instrument=instrument, parties=drafts)


def _instrument(d: dict[str, Any], article: Article) -> InstrumentData:
    kind = InstrumentKind(d["kind"])
    signed = d["event_date"] if d["event_type"] in SIGNING_EVENTS else None
    _, valid_to = _year_range(d["period_start_year"], d["period_end_year"])
    counts = ", ".join(
        f"{n} {word}" for n, word in ((d["chapters"], "chương"), (d["articles"], "điều")) if n
    )
    source = " ".join(x for x in (article.outlet, article.source_url) if x) or "tin bài đã tải lên"
    note = f"Bản nháp ghi nhận từ tin bài ({source}); cần đối chiếu với văn bản gốc."
    return InstrumentData(
        kind=kind,
        title=d["title"] or f"{kind.label} (theo tin bài)",
        signed_on=signed,
        venue=d["location"] or "",
        valid_to=valid_to if valid_to and (signed is None or valid_to >= signed) else None,
        review_schedule=ReviewSchedule.YEARLY,
        summary=counts and f"Gồm {counts}.",
        note=note,
    )


def indicator_checks(rows: list[dict[str, Any]]) -> list[str]:
    """The published percentages that do not follow from their counts, in words."""
    out = []
    for row in rows:
        if row.get("total") and row.get("percent") is not None:
            found = check_percent(int(row["met"]), int(row["total"]), Decimal(str(row["percent"])))
            if found is not None and not found.matches:
                out.append(found.message)
    return out


# --- the information register --------------------------------------------------------------


class PressItemForm(forms.Form):
    unit = UnitChoiceField(
        label="Đơn vị",
        queryset=Unit.objects.none(),
        empty_label="— Chọn đơn vị —",
        error_messages={"invalid_choice": "Bạn không có quyền nhập cho đơn vị này."},
    )
    kind = forms.ChoiceField(label="Loại", choices=PressKind.choices)
    subject = forms.CharField(label="Vụ án, vụ việc, nội dung", max_length=500)
    outlet = forms.CharField(label="Báo, trang tin, nơi yêu cầu", required=False, max_length=200)
    link = forms.URLField(
        label="Đường dẫn",
        required=False,
        max_length=500,
        error_messages={"invalid": "Đường dẫn không hợp lệ (bắt đầu bằng http:// hoặc https://)."},
    )
    source_on = date_field("Ngày đăng, ngày yêu cầu", required=False)
    article = forms.ModelChoiceField(
        label="Tin bài đã tải lên",
        queryset=Article.objects.none(),
        required=False,
        empty_label="— Không —",
        error_messages={"invalid_choice": "Không có tin bài này trong phạm vi của bạn."},
    )
    sensitivity = forms.ChoiceField(label="Mức độ", choices=Sensitivity.choices)
    responsible_unit = UnitChoiceField(
        label="Đơn vị chủ trì",
        queryset=Unit.objects.none(),
        empty_label="— Chọn đơn vị —",
        error_messages={"invalid_choice": "Đơn vị chủ trì ngoài phạm vi đơn vị của bạn."},
    )
    responsible_person = forms.CharField(label="Người phụ trách", required=False, max_length=120)
    received_on = date_field("Ngày nhận")
    working_days = forms.IntegerField(
        label="Thời hạn (ngày làm việc)",
        min_value=1,
        max_value=60,
        error_messages={
            "min_value": "Thời hạn từ 1 ngày làm việc trở lên.",
            "max_value": "Thời hạn tối đa 60 ngày làm việc.",
            "invalid": "Thời hạn là số ngày làm việc (số nguyên).",
        },
        help_text="Hạn xử lý tính từ ngày nhận, không kể ngày nghỉ, lễ, Tết.",
    )

    def __init__(self, *args: Any, user: Any, fixed_unit: Unit | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        readable = Unit.objects.filter(pk__in=access_for(user).unit_ids()).order_by("name_folded")
        self.fields["responsible_unit"].queryset = readable  # type: ignore[attr-defined]
        unit_field = self.fields["unit"]
        if fixed_unit is not None:
            unit_field.queryset = Unit.objects.filter(pk=fixed_unit.pk)  # type: ignore[attr-defined]
            unit_field.initial, unit_field.disabled = fixed_unit.pk, True
        else:
            unit_field.queryset = _staff_units(user)  # type: ignore[attr-defined]
        self.fields["article"].queryset = selectors.visible_articles(user)  # type: ignore[attr-defined]

    def data_for_service(self) -> PressData:
        d = self.cleaned_data
        return PressData(
            kind=d["kind"],
            subject=d["subject"].strip(),
            responsible_unit=d["responsible_unit"],
            received_on=d["received_on"],
            working_days=d["working_days"],
            sensitivity=d["sensitivity"],
            outlet=d["outlet"].strip(),
            link=d["link"],
            source_on=d["source_on"],
            article=d["article"],
            responsible_person=d["responsible_person"].strip(),
        )


class DoneForm(forms.Form):
    action = forms.ChoiceField(
        label="Đã làm", choices=[("", "— Chọn —"), *(c for c in Action.choices if c[0])]
    )
    done_on = date_field("Ngày xử lý")
    link = forms.URLField(
        label="Đường dẫn tin đã đăng",
        required=False,
        max_length=500,
        error_messages={"invalid": "Đường dẫn không hợp lệ (bắt đầu bằng http:// hoặc https://)."},
    )
    note = forms.CharField(
        label="Nội dung", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PressFilterForm(forms.Form):
    q = forms.CharField(label="Tìm", required=False, max_length=100)
    kind = forms.ChoiceField(label="Loại", choices=ANY + PressKind.choices, required=False)
    sensitivity = forms.ChoiceField(
        label="Mức độ", choices=ANY + Sensitivity.choices, required=False
    )
    unit = UnitChoiceField(
        label="Đơn vị",
        queryset=Unit.objects.none(),
        required=False,
        empty_label="Tất cả",
        error_messages={"invalid_choice": "Không có đơn vị này trong phạm vi của bạn."},
    )
    status = forms.ChoiceField(
        label="Tình trạng", choices=ANY + selectors.STATUS_CHOICES, required=False
    )
    received_from = date_field("Nhận từ ngày", required=False)
    received_to = date_field("đến ngày", required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        ids = access_for(user).unit_ids()
        self.fields["unit"].queryset = Unit.objects.filter(pk__in=ids).order_by("name_folded")  # type: ignore[attr-defined]

    def filters(self) -> selectors.PressFilters:
        if not self.is_valid():
            return selectors.PressFilters()
        d = self.cleaned_data
        return selectors.PressFilters(
            q=d["q"].strip(),
            kind=d["kind"],
            sensitivity=d["sensitivity"],
            unit_id=d["unit"].pk if d["unit"] else None,
            status=d["status"],
            received_from=d["received_from"],
            received_to=d["received_to"],
        )
