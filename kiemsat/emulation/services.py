"""Writes of emulation scores: atomic, validated before saving, audited in the transaction.

Scores are written while the term is open: each member its own self-assessment, the
leader's unit an adjustment with its reason; the managing unit's leaders approve and lock
them. A cluster's year is written by ``term_services``, its title proposals by
``proposal_services``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from kiemsat.audit.services import record, save_recorded, user_of
from kiemsat.emulation import selectors
from kiemsat.emulation.models import Criterion, EvidenceFile, Score, TermRecord, TermStatus
from kiemsat.emulation.scoring import parse_points
from kiemsat.emulation.term_services import _name, _require_approver, _require_open, _term_record
from kiemsat.indicators.services import reopen_reason
from kiemsat.lib.excel import check_upload
from kiemsat.lib.uploads import delete_on_commit, upload_name
from kiemsat.lib.vn import format_points
from kiemsat.org.models import ClusterTerm, Unit

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
EVIDENCE_SUFFIXES = (".pdf", ".jpg", ".jpeg", ".png")  # a scanned decision, report, certificate


def manual_leaf(term: ClusterTerm, code: str) -> Criterion:
    """A manual leaf of the term's sheet, or a ValidationError saying why not."""
    sheet = selectors.sheet_for(term)
    if sheet is None:
        raise ValidationError(f"Chưa có bảng tiêu chí áp dụng cho năm {term.year}.")
    criterion = sheet.criteria.filter(code=code).first()
    if criterion is None:
        raise ValidationError(f"không có tiêu chí '{code}' trong bảng {sheet.code}")
    if not criterion.is_leaf:
        raise ValidationError(f"tiêu chí '{code}' là nhóm tiêu chí, không chấm điểm trực tiếp")
    if not criterion.is_manual:
        raise ValidationError(f"tiêu chí '{code}' tính theo kết quả chỉ tiêu, không nhập điểm được")
    return criterion


def check_points(criterion: Criterion, raw: Any) -> Decimal:
    """0 ≤ points ≤ max, at most two decimals; ValidationError naming the criterion."""
    try:
        points = parse_points(raw)
    except ValueError as exc:
        raise ValidationError(f"tiêu chí {criterion.code}: {exc}") from None
    assert criterion.max_points is not None
    if points > criterion.max_points:
        raise ValidationError(
            f"tiêu chí {criterion.code}: điểm {format_points(points)} vượt điểm tối đa "
            f"{format_points(criterion.max_points)}"
        )
    return points


@dataclass
class SelfEntry:
    points: Any  # as typed: "12,5", "" to leave the leaf unscored
    evidence: str = ""


def score_write(
    *, actor: Any, action: str, term: ClusterTerm, unit: Unit, criterion: Criterion, **fields: Any
) -> bool:
    """Set ``fields`` of the unit's score on the leaf (created when missing) and audit the
    change; False when nothing changed. Callers check permission, lock and values first."""
    score = Score.objects.filter(term=term, unit=unit, criterion=criterion).first()
    score = score or Score(term=term, unit=unit, criterion=criterion)
    changes: dict[str, Any] = {
        k: [getattr(score, k), v] for k, v in fields.items() if getattr(score, k) != v
    }
    if not changes:
        return False
    for key, value in fields.items():
        setattr(score, key, value)
    score.full_clean()
    score.save()
    changes["criterion"] = criterion.code
    record(actor=actor, action=action, obj=score, unit_id=unit.pk, changes=changes)
    return True


@transaction.atomic
def scores_self_assess(
    *, actor: Any, term: ClusterTerm, unit: Unit, entries: Mapping[str, SelfEntry]
) -> int:
    """A member's self-assessment of the manual leaves, all or nothing; returns how many
    leaves changed. A blank entry leaves its leaf as it was."""
    _require_member_writer(actor, term, unit)
    errors: list[str] = []
    checked: list[tuple[Criterion, Decimal, str]] = []
    for code, entry in entries.items():
        if entry.points in (None, "") and not entry.evidence.strip():
            continue
        try:
            criterion = manual_leaf(term, code)
            checked.append((criterion, check_points(criterion, entry.points), entry.evidence))
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    return sum(
        score_write(
            actor=actor,
            action="emulation.score_self_assess",
            term=term,
            unit=unit,
            criterion=criterion,
            self_points=points,
            evidence=evidence.strip(),
        )
        for criterion, points, evidence in checked
    )


@transaction.atomic
def score_adjust(
    *, actor: Any, term: ClusterTerm, unit: Unit, code: str, points: Any, reason: str
) -> Score:
    """The leader's unit sets a leaf's points with its reason; the self-assessment stays."""
    if actor is not None and not selectors.can_adjust(actor, term):
        raise PermissionDenied("Chỉ lãnh đạo đơn vị cụm trưởng được điều chỉnh điểm.")
    _require_open(term)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Cần ghi lý do điều chỉnh điểm."})
    criterion = manual_leaf(term, code)
    value = check_points(criterion, points)
    if not term.members.filter(pk=unit.pk).exists():
        raise ValidationError(f"{_name(unit)} không phải thành viên của cụm năm {term.year}.")
    score_write(
        actor=actor,
        action="emulation.score_adjust",
        term=term,
        unit=unit,
        criterion=criterion,
        adjusted_points=value,
        adjust_reason=reason,
    )
    return Score.objects.get(term=term, unit=unit, criterion=criterion)


def _require_member_writer(actor: Any, term: ClusterTerm, unit: Unit) -> None:
    if actor is not None and not selectors.can_score(actor, unit):
        raise PermissionDenied("Chỉ cán bộ của đơn vị được tự chấm điểm của đơn vị mình.")
    _require_open(term)
    if not term.members.filter(pk=unit.pk).exists():
        raise ValidationError(f"{_name(unit)} không phải thành viên của cụm năm {term.year}.")


@transaction.atomic
def evidence_add(
    *, actor: Any, term: ClusterTerm, unit: Unit, code: str, upload: UploadedFile
) -> EvidenceFile:
    """A member's evidence file for a manual leaf (its score row is made if missing)."""
    _require_member_writer(actor, term, unit)
    try:
        criterion = manual_leaf(term, code)
    except ValidationError as exc:
        raise ValidationError({"criterion": exc.messages}) from None
    content_type = check_upload(
        upload,
        field="file",
        suffixes=EVIDENCE_SUFFIXES,
        max_bytes=MAX_EVIDENCE_BYTES,
        what="bản quét PDF, JPG hoặc PNG",
    )
    score = Score.objects.filter(term=term, unit=unit, criterion=criterion).first()
    if score is None:
        score = Score(term=term, unit=unit, criterion=criterion)
        score.full_clean()
        score.save()
    evidence = EvidenceFile(
        score=score,
        name=upload_name(upload, max_length=200),
        size=upload.size or 0,
        content_type=content_type,
        uploaded_by=user_of(actor),
    )
    evidence.file.save(evidence.name, upload, save=False)
    try:
        save_recorded(
            evidence,
            actor=actor,
            action="emulation.evidence_add",
            on=score,
            unit_id=unit.pk,
            changes={"criterion": criterion.code, "file": evidence.name, "size": evidence.size},
        )
    except Exception:  # nothing half-written: the stored file goes with the refused row
        evidence.file.storage.delete(evidence.file.name or "")
        raise
    return evidence


@transaction.atomic
def evidence_delete(*, actor: Any, evidence: EvidenceFile) -> None:
    """Remove an evidence file: the row, then (once committed) the file on disk."""
    score = evidence.score
    _require_member_writer(actor, score.term, score.unit)
    name = evidence.name
    evidence.delete()
    delete_on_commit(evidence.file)
    record(
        actor=actor,
        action="emulation.evidence_delete",
        obj=score,
        unit_id=score.unit_id,
        changes={"criterion": score.criterion.code, "file": name},
    )


@transaction.atomic
def scores_lock(*, actor: Any, term: ClusterTerm) -> TermRecord:
    """The managing unit approves the cluster's scores for the year: nothing changes after."""
    _require_approver(actor, term)
    if selectors.sheet_for(term) is None:
        raise ValidationError(f"Chưa có bảng tiêu chí áp dụng cho năm {term.year}.")
    rec = _term_record(term)
    if rec.locked:
        raise ValidationError(f"Điểm thi đua năm {term.year} của cụm đã được duyệt và khóa.")
    rec.status = TermStatus.LOCKED
    rec.decided_by = user_of(actor)
    rec.decided_at = timezone.now()
    save_recorded(rec, actor=actor, action="emulation.scores_lock", on=term)
    return rec


@transaction.atomic
def scores_reopen(*, actor: Any, term: ClusterTerm, reason: str) -> TermRecord:
    """Unlock the year's scores with a reason (audited)."""
    _require_approver(actor, term)
    reason = reopen_reason(reason)
    rec = _term_record(term)
    if not rec.locked:
        raise ValidationError(f"Điểm thi đua năm {term.year} chưa được khóa.")
    rec.status = TermStatus.OPEN
    rec.reopen_reason = reason
    changes = {"reason": reason}
    save_recorded(rec, actor=actor, action="emulation.scores_reopen", on=term, changes=changes)
    return rec
