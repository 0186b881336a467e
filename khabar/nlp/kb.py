"""The actor and place knowledge base: YAML files in ``khabar/kb/``, loaded once.

Each entry has a canonical name, aliases, a kind, a country and relations to other
entries. Names are matched through ``norm_name`` so that "IS-K", "ISIS-K" and
"Daesh–Khorasan" all land on one entry; short aliases (three characters or fewer) are
case-sensitive because "IS" and "is" are not the same word.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz import fuzz, process

from khabar.errors import KhabarError
from khabar.nlp.text import norm_name

__all__ = ["KBEntry", "KnowledgeBase", "load_kb", "read_yaml", "KB_DIR", "STATE_KINDS"]

# kinds of entries that act for a state: their arrests are official, their detainees are in their country
STATE_KINDS = frozenset({"government", "state_force", "police", "intelligence", "military"})

KB_DIR = Path(__file__).resolve().parent.parent / "kb"
ACTOR_FILES = ("armed_groups.yaml", "state_actors.yaml", "media.yaml")
PLACE_FILES = ("places.yaml",)
RELATION_KEYS = ("affiliate_of", "hostile_to", "allied_with", "linked_to", "part_of", "succeeded_by")


@dataclass
class KBEntry:
    id: str
    name: str
    type: str  # organization | place
    kind: str | None = None
    country: str | None = None
    aliases: list[str] = field(default_factory=list)
    qid: str | None = None
    relations: dict[str, list[str]] = field(default_factory=dict)
    periods: list[dict[str, Any]] = field(default_factory=list)
    valid_from: str | None = None
    valid_until: str | None = None
    feature: str | None = None
    admin1: str | None = None
    within: str | None = None
    lat: float | None = None
    lon: float | None = None

    def names(self) -> list[str]:
        return [self.name, *self.aliases]

    def at(self, date: str | None) -> tuple[str, str | None]:
        """(name, kind) in force on ``date`` (ISO prefix); the Taliban govern after 2021-08."""
        name, kind = self.name, self.kind
        if date:
            for p in self.periods:
                start = str(p.get("from") or "")
                end = str(p.get("to") or "9999")
                if start <= date <= end or (start[: len(date)] <= date and date <= end):
                    name = p.get("name", name)
                    kind = p.get("kind", kind)
        return name, kind


class KnowledgeBase:
    def __init__(self, entries: list[KBEntry]) -> None:
        self.entries = {e.id: e for e in entries}
        self._index: dict[str, list[str]] = {}
        self._exact: dict[str, list[str]] = {}
        for e in entries:
            for alias in e.names():
                if len(alias.strip()) <= 3:
                    self._exact.setdefault(alias.strip(), []).append(e.id)
                else:
                    key = norm_name(alias)
                    if key and e.id not in self._index.setdefault(key, []):
                        self._index[key].append(e.id)
        # "National Police Service (Kenya)" is also "National Police Service" when no other entry is
        stripped: dict[str, list[str]] = {}
        for e in entries:
            if e.name.endswith(")") and " (" in e.name:
                stripped.setdefault(e.name[: e.name.rindex(" (")], []).append(e.id)
        self.short_names: dict[str, str] = {}
        for name, ids in stripped.items():
            if len(ids) == 1 and norm_name(name) not in self._index:
                self._index[norm_name(name)] = ids
                self.short_names[ids[0]] = name
        self._fuzzy_keys = [k for k in self._index if len(k) >= 6]
        self._fuzzy_memo: dict[tuple[str, float], str | None] = {}

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, entry_id: str | None) -> KBEntry | None:
        return self.entries.get(entry_id or "")

    def lookup(self, name: str, *, type: str | None = None) -> KBEntry | None:
        """Exact lookup of a surface form (after normalisation)."""
        stripped = name.strip()
        ids = self._exact.get(stripped) if len(stripped) <= 3 else self._index.get(norm_name(name))
        if not ids and len(stripped) > 3:
            ids = self._exact.get(stripped)
        for i in ids or ():
            entry = self.entries[i]
            if type is None or entry.type == type:
                return entry
        return None

    def fuzzy(self, name: str, *, cutoff: float = 90.0, type: str | None = None) -> KBEntry | None:
        """Typo-tolerant lookup for longer names: 'Eursianet' finds 'Eurasianet'."""
        key = norm_name(name)
        if len(key) < 6:
            return None
        memo = (key, cutoff)
        if memo not in self._fuzzy_memo:  # names recur from article to article; the scan is the cost
            if len(self._fuzzy_memo) >= 50_000:
                self._fuzzy_memo.clear()
            hit = process.extractOne(key, self._fuzzy_keys, scorer=fuzz.ratio, score_cutoff=cutoff)
            self._fuzzy_memo[memo] = None if hit is None else hit[0]
        found = self._fuzzy_memo[memo]
        if found is None:
            return None
        for i in self._index[found]:
            entry = self.entries[i]
            if type is None or entry.type == type:
                return entry
        return None

    def state_force(self, country: str | None, *, kind: str = "state_force") -> KBEntry | None:
        """A country's armed forces (or police): what "Israeli forces" or "an American drone strike" names."""
        if not country:
            return None
        best: tuple[int, KBEntry] | None = None
        for e in self.entries.values():
            if e.country != country or e.kind != kind or e.valid_until:
                continue
            rank = 0 if e.id.endswith("armed_forces") else 1 if e.id.endswith(("_army", "_military")) else 2
            if best is None or rank < best[0]:
                best = (rank, e)
        return best[1] if best else None

    def surface_forms(self) -> list[tuple[str, str]]:
        """Every (alias, entry id) pair, for building phrase matchers."""
        forms = [(alias, e.id) for e in self.entries.values() for alias in e.names()]
        return forms + [(name, eid) for eid, name in self.short_names.items()]


def _entry(raw: dict[str, Any], *, type: str, path: Path) -> KBEntry:
    if not isinstance(raw, dict) or "id" not in raw or "name" not in raw:
        raise KhabarError.make("E401", path=str(path), why=f"entry without id/name: {raw!r:.80}")
    relations = {k: list(raw.get(k) or []) for k in RELATION_KEYS if raw.get(k)}
    feature = raw.get("feature")
    return KBEntry(
        id=str(raw["id"]),
        name=str(raw["name"]),
        type=type,
        kind=raw.get("kind") or (feature if type == "place" else None),
        country=raw.get("country"),
        aliases=[str(a) for a in raw.get("aliases") or [] if str(a).strip()],
        qid=raw.get("qid"),
        relations=relations,
        periods=list(raw.get("periods") or []),
        valid_from=str(raw["founded"]) if raw.get("founded") else None,
        valid_until=str(raw.get("valid_until") or raw.get("dissolved") or "") or None,
        feature=feature,
        admin1=raw.get("admin1"),
        within=raw.get("within"),
        lat=raw.get("lat"),
        lon=raw.get("lon"),
    )


def read_yaml(path: Path) -> Any:
    """One YAML file, read with libyaml's C parser when PyYAML has it (ten times faster than
    the pure-Python one: 0.08 s against 0.7 s for the whole KB, paid by every worker)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # safe: no Python objects


@lru_cache(maxsize=4)
def load_kb(directory: str | None = None) -> KnowledgeBase:
    """Load every KB file once per process."""
    base = Path(directory) if directory else KB_DIR
    entries: list[KBEntry] = []
    for names, type_ in ((ACTOR_FILES, "organization"), (PLACE_FILES, "place")):
        for name in names:
            path = base / name
            if not path.exists():
                continue
            try:
                data = read_yaml(path) or []
            except yaml.YAMLError as exc:
                raise KhabarError.make("E401", path=str(path), why=str(exc).splitlines()[0]) from None
            entries.extend(_entry(raw, type=type_, path=path) for raw in data)
    return KnowledgeBase(entries)
