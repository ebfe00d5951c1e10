"""Every write of emulation: atomic, validated before saving, audited in the transaction.

Terms follow two rules (DOMAIN §4): the leader rotates (no unit leads the same cluster two
years running) and a unit not considered for emulation the year before can be neither
leader nor deputy. Scores are written while the term is open: each member its own
self-assessment, the leader's unit an adjustment with its reason; the managing unit's
leaders approve and lock them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from kiemsat.agreements.models import Instrument, InstrumentKind
from kiemsat.audit.services import record
from kiemsat.emulation import selectors, titles
from kiemsat.emulation.models import (
    Criterion,
    EvidenceFile,
    Exclusion,
    Proposal,
    Score,
    TermRecord,
    TermStatus,
)
from kiemsat.emulation.scoring import parse_points
from kiemsat.indicators.services import reopen_reason
from kiemsat.lib.excel import check_upload
from kiemsat.lib.periods import MonthRange
from kiemsat.lib.uploads import delete_on_commit
from kiemsat.lib.vn import format_points, sort_key
from kiemsat.org.models import Cluster, ClusterTerm, Unit

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
EVIDENCE_SUFFIXES = (".pdf", ".jpg", ".jpeg", ".png")  # a scanned decision, report, certificate

# --- terms: rotation and eligibility ------------------------------------------------------


def _name(unit: Unit) -> str:
    return unit.short_name or unit.name


def officer_problems(
    cluster: Cluster, year: int, leader: Unit | None, deputy: Unit | None
) -> dict[str, str]:
    """Why ``leader``/``deputy`` cannot serve the cluster in ``year`` (field → message)."""
    errors: dict[str, str] = {}
    previous = ClusterTerm.objects.filter(cluster=cluster, year=year - 1).first()
    if leader is not None and previous is not None and previous.leader_id == leader.pk:
        errors["leader"] = (
            f"{_name(leader)} đã là cụm trưởng năm {year - 1}: cụm trưởng luân phiên, "
            "không đơn vị nào làm cụm trưởng hai năm liền."
        )
    left_out = set(Exclusion.objects.filter(term__year=year - 1).values_list("unit_id", flat=True))
    for field, unit, title in (("leader", leader, "cụm trưởng"), ("deputy", deputy, "cụm phó")):
        if unit is not None and unit.pk in left_out and field not in errors:
            errors[field] = (
                f"{_name(unit)} không được xét thi đua năm {year - 1} nên không thể làm {title} "
                f"năm {year}."
            )
    if leader is not None and deputy is not None and leader.pk == deputy.pk:
        errors["deputy"] = "Cụm phó phải khác cụm trưởng."
    return errors


def _require_approver(actor: Any, term: ClusterTerm) -> None:
    if actor is not None and not selectors.can_approve(actor, term):
        raise PermissionDenied("Chỉ lãnh đạo đơn vị quản lý cụm được thực hiện thao tác này.")


def _term_record(term: ClusterTerm) -> TermRecord:
    record_ = TermRecord.objects.select_for_update().filter(term=term).first()
    return record_ or TermRecord(term=term)


@transaction.atomic
def term_set_officers(
    *, actor: Any, term: ClusterTerm, leader: Unit | None, deputy: Unit | None
) -> ClusterTerm:
    """Name the year's leader and deputy, both members, under the two rules."""
    _require_approver(actor, term)
    members = {m.pk for m in term.members.all()}
    errors = officer_problems(term.cluster, term.year, leader, deputy)
    for field, unit in (("leader", leader), ("deputy", deputy)):
        if unit is not None and unit.pk not in members:
            errors[field] = f"{_name(unit)} không phải thành viên của cụm năm {term.year}."
    if errors:
        raise ValidationError(errors)
    old = {"leader": term.leader_id, "deputy": term.deputy_id}
    term.leader, term.deputy = leader, deputy
    term.full_clean()
    term.save(update_fields=["leader", "deputy"])
    new = {"leader": term.leader_id, "deputy": term.deputy_id}
    changes = {k: [old[k], new[k]] for k in old if old[k] != new[k]}
    record(actor=actor, action="emulation.term_set_officers", obj=term, changes=changes)
    return term


def proposed_leader(cluster: Cluster, year: int, members: Iterable[Unit]) -> Unit | None:
    """The next leader in rotation: the member after last year's leader in name order,
    skipping any unit the rules refuse."""
    ordered = sorted(members, key=lambda u: sort_key(_name(u)))
    previous = ClusterTerm.objects.filter(cluster=cluster, year=year - 1).first()
    start = 0
    if previous is not None and previous.leader_id is not None:
        codes = [u.pk for u in ordered]
        if previous.leader_id in codes:
            start = codes.index(previous.leader_id) + 1
    for unit in ordered[start:] + ordered[:start]:
        if not officer_problems(cluster, year, unit, None):
            return unit
    return None


@transaction.atomic
def term_create(
    *,
    actor: Any,
    cluster: Cluster,
    year: int,
    members: Sequence[Unit],
    leader: Unit | None,
    deputy: Unit | None = None,
) -> ClusterTerm:
    """A cluster's term for ``year`` with its members and officers, under the two rules."""
    term = ClusterTerm(cluster=cluster, year=year, leader=leader, deputy=deputy)
    _require_approver(actor, term)
    if ClusterTerm.objects.filter(cluster=cluster, year=year).exists():
        raise ValidationError(f"Cụm đã có thành phần năm {year}.")
    errors = officer_problems(cluster, year, leader, deputy)
    codes = {u.pk for u in members}
    for field, unit in (("leader", leader), ("deputy", deputy)):
        if unit is not None and unit.pk not in codes and field not in errors:
            errors[field] = f"{_name(unit)} không phải thành viên của cụm năm {year}."
    if errors:
        raise ValidationError(errors)
    term.full_clean()
    term.save()
    term.members.set(members)
    changes = {"members": [u.code for u in members], "leader": term.leader_id}
    record(actor=actor, action="emulation.term_create", obj=term, changes=changes)
    return term


@transaction.atomic
def term_open(*, actor: Any, cluster: Cluster, year: int) -> ClusterTerm:
    """Open the cluster's term for ``year``: last year's members (those still existing),
    the next leader in rotation proposed."""
    previous = ClusterTerm.objects.filter(cluster=cluster, year=year - 1).first()
    if previous is None:
        raise ValidationError(f"Cụm chưa có thành phần năm {year - 1} để sao chép.")
    first_day = MonthRange.work_year(year).first_day()
    members = [u for u in previous.members.all() if u.valid_to is None or u.valid_to >= first_day]
    leader = proposed_leader(cluster, year, members)
    return term_create(actor=actor, cluster=cluster, year=year, members=members, leader=leader)


@transaction.atomic
def covenant_link(*, actor: Any, term: ClusterTerm, instrument: Instrument | None) -> TermRecord:
    """Link the year's covenant (a giao ước thi đua signed by members of the cluster)."""
    _require_approver(actor, term)
    if instrument is not None:
        if instrument.kind != InstrumentKind.COVENANT:
            raise ValidationError({"covenant": "Văn bản được chọn không phải giao ước thi đua."})
        members = {m.pk for m in term.members.all()}
        if not instrument.parties.filter(unit_id__in=members).exists():
            raise ValidationError({"covenant": "Giao ước không có bên ký nào là thành viên cụm."})
    rec = _term_record(term)
    old = rec.covenant_id
    rec.covenant = instrument
    rec.full_clean()
    rec.save()
    record(
        actor=actor,
        action="emulation.covenant_link",
        obj=term,
        changes={"covenant": [old, rec.covenant_id]},
    )
    return rec


@transaction.atomic
def exclusion_record(*, actor: Any, term: ClusterTerm, unit: Unit, reason: str) -> Exclusion:
    """Leave a member out of the year's emulation, with the reason (it is not ranked)."""
    _require_approver(actor, term)
    _require_open(term)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Cần ghi lý do không xét thi đua."})
    if not term.members.filter(pk=unit.pk).exists():
        raise ValidationError({"unit": f"{_name(unit)} không phải thành viên của cụm."})
    exclusion = Exclusion.objects.filter(term=term, unit=unit).first() or Exclusion(
        term=term, unit=unit
    )
    exclusion.reason = reason
    exclusion.full_clean()
    exclusion.save()
    record(
        actor=actor,
        action="emulation.exclusion_record",
        obj=term,
        unit_id=unit.pk,
        changes={"unit": unit.code, "reason": reason},
    )
    return exclusion


# --- scores --------------------------------------------------------------------------------


def _require_open(term: ClusterTerm) -> None:
    if selectors.is_locked(term):
        raise ValidationError(
            f"Điểm thi đua năm {term.year} của cụm đã được duyệt và khóa; không sửa được."
        )


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
        name=(upload.name or "")[-200:],
        size=upload.size or 0,
        content_type=content_type,
        uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    evidence.file.save(evidence.name, upload, save=False)
    try:
        evidence.full_clean()
        evidence.save()
        record(
            actor=actor,
            action="emulation.evidence_add",
            obj=score,
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
    rec.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    rec.decided_at = timezone.now()
    rec.full_clean()
    rec.save()
    record(actor=actor, action="emulation.scores_lock", obj=term)
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
    rec.full_clean()
    rec.save()
    record(actor=actor, action="emulation.scores_reopen", obj=term, changes={"reason": reason})
    return rec


# --- title proposals -----------------------------------------------------------------------


def _require_adjuster(actor: Any, term: ClusterTerm) -> None:
    if actor is not None and not selectors.can_adjust(actor, term):
        raise PermissionDenied("Chỉ lãnh đạo đơn vị cụm trưởng được lập danh sách đề nghị.")


def proposal_problems(
    term: ClusterTerm, member: selectors.MemberResult, rule: titles.TitleRule, votes: int | None
) -> dict[str, str]:
    """Why ``member`` cannot be proposed for ``rule`` this year (field → message)."""
    name = _name(member.unit)
    if member.excluded:
        return {"unit": f"{name} không được xét thi đua năm {term.year}: {member.excluded}."}
    problems = titles.standing_problems(rule, member.rank, member.band_position)
    if problems:
        where = f"hạng {member.rank}, {member.band or 'chưa xếp loại'}"
        return {"title": f"{name} ({where}) chưa đủ điều kiện {rule.name}: {'; '.join(problems)}."}
    voters = term.members.count()
    vote = titles.vote_problem(rule, votes, voters)
    if vote:
        return {"votes_for": vote}
    if (
        rule.requires
        and not Proposal.objects.filter(term=term, unit=member.unit, title=rule.requires).exists()
    ):
        needed = titles.rule_for(rule.requires)
        return {
            "title": f"{rule.name} cần {name} được đề nghị {needed.name if needed else ''} trước."
        }
    return {}


def _proposal_save(
    *,
    actor: Any,
    term: ClusterTerm,
    unit: Unit,
    rule: titles.TitleRule,
    votes: int | None,
    note: str,
) -> Proposal:
    proposal = Proposal.objects.filter(term=term, unit=unit, title=rule.code).first()
    proposal = proposal or Proposal(term=term, unit=unit, title=rule.code)
    old = {"votes_for": proposal.votes_for, "note": proposal.note} if proposal.pk else {}
    proposal.title_name = rule.name
    proposal.votes_for = votes
    proposal.voters = term.members.count() if votes is not None else None
    proposal.note = note.strip()
    proposal.full_clean()
    proposal.save()
    changes: dict[str, Any] = {"unit": unit.code, "title": rule.name}
    if votes is not None:
        changes["votes_for"] = [old.get("votes_for"), votes] if old else votes
        changes["voters"] = proposal.voters
    record(
        actor=actor, action="emulation.proposal_save", obj=term, unit_id=unit.pk, changes=changes
    )
    return proposal


@transaction.atomic
def proposal_save(
    *,
    actor: Any,
    term: ClusterTerm,
    unit: Unit,
    title: str,
    votes_for: int | None = None,
    note: str = "",
) -> Proposal:
    """Propose a member for a title (or update its votes): the title's rule must hold on
    the year's ranking, with at least the share of the cluster's votes it needs."""
    _require_adjuster(actor, term)
    _require_open(term)
    rule = titles.rule_for(title)
    if rule is None:
        raise ValidationError({"title": f"Không có danh hiệu mã '{title}'."})
    result = selectors.term_result(term)
    member = next((m for m in result.members if m.unit.pk == unit.pk), None)
    if member is None:
        raise ValidationError({"unit": f"{_name(unit)} không phải thành viên của cụm."})
    errors = proposal_problems(term, member, rule, votes_for)
    if errors:
        raise ValidationError(errors)
    return _proposal_save(actor=actor, term=term, unit=unit, rule=rule, votes=votes_for, note=note)


@transaction.atomic
def proposal_remove(*, actor: Any, proposal: Proposal) -> None:
    term = proposal.term
    _require_adjuster(actor, term)
    _require_open(term)
    above = [r.code for r in titles.rules() if r.requires == proposal.title]
    if Proposal.objects.filter(term=term, unit=proposal.unit, title__in=above).exists():
        raise ValidationError(
            f"Còn đề nghị danh hiệu cao hơn dựa trên {proposal.title_name}: xóa đề nghị đó trước."
        )
    changes = {"unit": proposal.unit.code, "title": proposal.title_name}
    proposal.delete()
    record(
        actor=actor,
        action="emulation.proposal_remove",
        obj=term,
        unit_id=proposal.unit_id,
        changes=changes,
    )


@transaction.atomic
def proposals_derive(*, actor: Any, term: ClusterTerm) -> int:
    """The list from the ranking: each ranked member is proposed for the highest title its
    rank and band allow among those needing no vote (the flags need the cluster's votes and
    are added one by one). Existing proposals stay; returns how many were added."""
    _require_adjuster(actor, term)
    _require_open(term)
    result = selectors.term_result(term)
    made = set(Proposal.objects.filter(term=term).values_list("unit_id", "title"))
    added = 0
    for member in result.members:
        fits = [
            rule
            for rule in titles.rules()
            if not rule.needs_votes
            and not rule.requires
            and not proposal_problems(term, member, rule, None)
        ]
        if fits and (member.unit.pk, fits[-1].code) not in made:
            _proposal_save(
                actor=actor, term=term, unit=member.unit, rule=fits[-1], votes=None, note=""
            )
            added += 1
    return added
