"""From tagged phrases to role-filler entities and MUC-style templates.

Why: the tagger marks every phrase that fills a role, often the same participant several
times ("the guerrillas", "fmln guerrillas"); scorers and analysts want one entity per
participant and one template per incident. Phrases of a role are grouped when their
normalised texts are equal or share the head word (the last word: "guerrillas"); a group is
shown by its most frequent text (the longest on ties). A group's incident types are the mean
of its phrases' type probabilities; a template is made for every incident type some group
carries, holding the groups that carry it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from khabar.learn.roles import ROLES, TYPES, RoleSpan

__all__ = ["FillerGroup", "group_fillers", "to_role_fillers", "to_templates"]


@dataclass
class FillerGroup:
    role: str
    spans: list[RoleSpan] = field(default_factory=list)

    @property
    def score(self) -> float:
        return max(s.score for s in self.spans)

    @property
    def shown(self) -> RoleSpan:
        """The phrase that stands for the group: its most frequent text (the longest on ties), first seen."""
        counts = Counter(_norm(s.text) for s in self.spans)
        best = max(counts, key=lambda t: (counts[t], len(t)))
        return min((s for s in self.spans if _norm(s.text) == best), key=lambda s: s.start)

    @property
    def text(self) -> str:
        return self.shown.text

    def mention(self) -> list[Any]:
        """``[text, offset]``: a mention as MUC-4's files write it."""
        return [self.shown.text, self.shown.start]

    def types(self) -> dict[str, float]:
        return {t: sum(s.types.get(t, 0.0) for s in self.spans) / len(self.spans) for t in TYPES}


def _norm(text: str) -> str:
    words = [w for w in "".join(c if c.isalnum() else " " for c in text.lower()).split()
             if w not in ("a", "an", "the")]
    return " ".join(words)


def _head(text: str) -> str:
    words = _norm(text).split()
    return words[-1] if words else ""


def group_fillers(spans: Iterable[RoleSpan], *, min_score: float = 0.0) -> dict[str, list[FillerGroup]]:
    """Role -> groups of phrases naming one participant, best first."""
    by_role: dict[str, dict[str, FillerGroup]] = defaultdict(dict)
    for s in sorted(spans, key=lambda s: -s.score):
        key = _head(s.text)
        if not key:
            continue
        groups = by_role[s.role]
        if key not in groups:
            groups[key] = FillerGroup(s.role)
        groups[key].spans.append(s)
    return {role: [g for g in sorted(by_role[role].values(), key=lambda g: -g.score) if g.score >= min_score]
            for role in ROLES}


def to_role_fillers(groups: dict[str, list[FillerGroup]]) -> dict[str, list[list[list[Any]]]]:
    """Role -> entities, each one ``[text, offset]`` mention (the layout of MUC-4's files)."""
    return {role: [[g.mention()] for g in groups.get(role, [])] for role in ROLES}


def to_templates(groups: dict[str, list[FillerGroup]], *, type_threshold: float = 0.5) -> list[dict[str, Any]]:
    """One template per incident type that some group carries (its best type, or any above the threshold)."""
    members: dict[str, dict[str, list[list[str]]]] = {}
    for role in ROLES:
        for g in groups.get(role, []):
            probs = g.types()
            best = max(probs, key=probs.get)
            chosen = {t for t, p in probs.items() if p >= type_threshold} | {best}
            for t in chosen:
                members.setdefault(t, {r: [] for r in ROLES})[role].append([g.mention()])
    return [{"incident_type": t, **members[t]} for t in TYPES if t in members]
