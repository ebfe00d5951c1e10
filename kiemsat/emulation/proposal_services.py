"""Writes of the titles a cluster proposes for its members (derived from the ranking or
chosen by the leader's unit). Atomic, validated before saving, audited in the transaction.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from kiemsat.audit.services import record
from kiemsat.emulation import selectors, titles
from kiemsat.emulation.models import Proposal
from kiemsat.emulation.term_services import _name, _require_open
from kiemsat.org.models import ClusterTerm, Unit


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
