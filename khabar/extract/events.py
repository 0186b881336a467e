"""Events: triggers with their arguments, dates, places, counts, status and sources.

One pass per sentence: find triggers, fold a "killed" clause into the attack that did
the killing, collect arguments, attach the nearest date and casualty count inside the
trigger's own clause, then read status and attribution from the words that govern it
(claimed responsibility for, says, denied, planned to, allegedly). A separate pass
(``merge``) joins mentions of one event across sentences.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from spacy.tokens import Doc, Token

from khabar.extract.arguments import (
    _FEATURE_RANK,
    Args,
    DocIndex,
    clause_tokens,
    collect_args,
    entities_in,
    residence_of,
)
from khabar.extract.story import ATTACK_FAMILY, main_event
from khabar.extract.triggers import Trigger, find_triggers
from khabar.model import Count, DateValue, Entity, Event, Participant, Span
from khabar.nlp.dates import DateMention, find_dates
from khabar.nlp.kb import STATE_KINDS
from khabar.nlp.numbers import CountMention, find_counts
from khabar.nlp.pipeline import doc_text

__all__ = ["extract_events", "build_index", "EventMention"]


@dataclass
class EventMention:
    """One sentence's mention of an event, with what the merge step still needs to know.

    The ``Event`` is what gets published; the rest is working state that never leaves
    the extract stage: candidate places, whether the mention is generic or points back
    ("the attack"), whether it speaks of custody, and the dates a "respectively" list pairs.
    """

    event: Event
    places: list[tuple[str, Token]] = field(default_factory=list)
    generic: bool = False
    anaphoric: str | None = None  # "near" ("that attack") | "main" ("the attack") | None
    custody: bool = False
    all_dates: list[DateValue] = field(default_factory=list)

SAY = {"say", "tell", "report", "state", "announce", "disclose", "confirm", "add", "write", "post",
       "insist", "admit", "acknowledge", "quote", "allege", "assert"}
PLAN = {"plan", "plot", "intend", "prepare", "aim", "try", "attempt", "seek", "threaten", "vow", "conspire", "call"}
_ARMED_KINDS = {"armed_group", "criminal_group", "political_org"}
SPEECH_TYPES = {"accusation", "statement", "threat"}


def sentence_span(sent) -> Span:
    """The sentence as evidence: trimmed of surrounding whitespace, text from the original."""
    text = sent.doc.user_data.get("original", doc_text(sent.doc))
    start, end = sent.start_char, sent.end_char
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end, text[start:end])


def build_index(doc: Doc, mention_spans: list[tuple[int, int, str]], entities: list[Entity]) -> DocIndex:
    token_entity: dict[int, str] = {}
    starts: list[tuple[int, str]] = []
    for start, end, eid in mention_spans:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            continue
        for t in span:
            if not t.is_space:
                token_entity.setdefault(t.i, eid)
        starts.append((span.start, eid))
    info = {e.id: (e.type, e.kind, e.geo.feature if e.geo else None, e.geo.country if e.geo else None)
            for e in entities}
    return DocIndex(token_entity, info, sorted(starts))


def _subject_entities(verb: Token, idx: DocIndex) -> list[str]:
    out: list[str] = []
    for c in verb.children:
        if c.dep_ in ("nsubj", "nsubjpass"):
            out += [e for e, _ in entities_in(c, idx, types=("organization", "person", "place"), stop_at=set())]
        if c.dep_ == "agent":
            for p in c.children:
                out += [e for e, _ in entities_in(p, idx, types=("organization", "person"), stop_at=set())]
    return out


def _absorbed_by(trig: Trigger, by_token: dict[int, Trigger]) -> Trigger | None:
    """A 'killed'/'exploded' clause that only reports the outcome of another trigger."""
    tok = trig.token
    if trig.type not in ("killing", "bombing", "attack") or trig.pos != "verb":
        return None
    # "... were killed and three others wounded when armed men opened fire": look past the conjunct too
    kids = list(tok.children) + [g for c in tok.children if c.dep_ == "conj" and c.i not in by_token for g in c.children]
    for c in kids:
        if c.dep_ in ("nsubj",) and c.i in by_token and by_token[c.i].type in ATTACK_FAMILY:
            return by_token[c.i]
        # "85 people were killed when a drone struck ...": the killing is that strike's outcome
        if tok.lemma_ == "kill" and c.dep_ == "advcl" and c.i in by_token and by_token[c.i].type in ATTACK_FAMILY:
            return by_token[c.i]
        # "killed all 16 attackers in the exchange of fire"
        if tok.lemma_ == "kill" and c.dep_ == "prep" and c.lower_ in ("in", "during"):
            for p in c.children:
                if p.i in by_token and by_token[p.i].type in ATTACK_FAMILY:
                    return by_token[p.i]
    cur = tok
    while cur.head.i != cur.i and cur.dep_ in ("relcl", "acl", "advcl", "conj", "xcomp", "pcomp", "pobj", "prep"):
        cur = cur.head
        if cur.i in by_token and by_token[cur.i].type in ATTACK_FAMILY and by_token[cur.i] is not trig:
            if tok.lemma_ in ("kill", "explode", "detonate") or trig.type == by_token[cur.i].type:
                return by_token[cur.i]
    if tok.dep_ == "relcl" and tok.head.i in by_token:
        return by_token[tok.head.i]
    return None


def _status_and_sources(trig: Token, idx: DocIndex, participants: set[str]) -> tuple[str, list[str], list[str]]:
    """(status, source entity ids, claimant entity ids) from the words governing the trigger."""
    status = "reported"
    sources: list[str] = []
    claimants: list[str] = []
    for c in trig.children:
        if c.dep_ == "advmod" and c.lower_ in ("allegedly", "purportedly", "supposedly"):
            status = "alleged"
        if c.dep_ == "aux" and c.lower_ in ("will", "would", "shall", "'ll"):
            status = "planned"  # "Israel would attack Rafah soon"
        if c.dep_ == "neg":
            status = "denied"
    cur = trig
    hops = 0
    while cur.head.i != cur.i and hops < 6:
        child, cur = cur, cur.head
        hops += 1
        lemma = cur.lemma_.lower()
        if any(c.dep_ == "neg" for c in cur.children) or any(c.lower_ in ("no", "nobody") for c in cur.children if c.dep_ in ("nsubj", "det")) \
                or any(g.lower_ == "no" for c in cur.children if c.dep_ == "nsubj" for g in c.children):
            continue  # "No group has claimed ...": nothing was claimed
        if lemma == "claim":
            subj = _subject_entities(cur, idx)
            if any(c.lower_ == "responsibility" or c.lemma_ == "credit" for c in cur.children):
                claimants += subj
                status = "claimed" if status == "reported" else status
            else:
                sources += subj
                status = "claimed" if status == "reported" else status
        elif lemma in SAY and child.dep_ in ("ccomp", "xcomp", "advcl", "parataxis", "conj"):
            subj = _subject_entities(cur, idx)
            sources += subj
            if lemma == "allege":
                status = "alleged"
            elif (set(subj) & participants or _self_report(cur, child)) and status == "reported" \
                    and not any(idx.info[e][1] in STATE_KINDS for e in subj):
                status = "claimed"  # "he says he was recruited"; an authority announcing its own arrests reports
        elif lemma in ("deny", "disown"):
            sources += _subject_entities(cur, idx)
            status = "denied"
        elif lemma in PLAN and child.dep_ in ("xcomp", "ccomp"):
            status = "planned"
        elif lemma in ("plot", "plan", "conspiracy", "attempt", "bid") and child.dep_ in ("acl", "relcl", "xcomp"):
            status = "planned"  # "a plot by supporters of IS to attack a police station"
        elif lemma in ("accuse", "suspect", "charge") and child.dep_ in ("pcomp", "pobj", "prep"):
            status = "alleged"
        if cur.dep_ == "ROOT":
            break
    for t in trig.sent:
        if t.lower_ == "according" and t.i + 1 < len(trig.doc) and trig.doc[t.i + 1].lower_ == "to" \
                and trig.i in {a.i for a in t.ancestors}:
            for p in trig.doc[t.i + 1].children:
                        sources += [e for e, _ in entities_in(p, idx, types=("organization", "person"), stop_at=set())]
    return status, list(dict.fromkeys(sources)), list(dict.fromkeys(claimants))


def _self_report(say_verb: Token, clause_head: Token) -> bool:
    """'he says he was recruited': the speaker and the clause's subject are one person."""
    subj = next((c for c in say_verb.children if c.dep_ == "nsubj"), None)
    inner = next((c for c in clause_head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subj is None or inner is None:
        return False
    return inner.lower_ in ("he", "she", "they", "i", "we") and (
        subj.lower_ == inner.lower_ or subj.pos_ == "PROPN" or subj.lower_ in ("he", "she", "they"))


def _claims(sent, by_token: dict[int, Trigger], idx: DocIndex) -> dict[int, list[str]]:
    """Trigger token -> claimant entities, for 'X claimed responsibility for <event>'.

    A claim with no object ("X claimed responsibility.") is keyed -1: it belongs to the
    attack the article has just described.
    """
    out: dict[int, list[str]] = {}
    for tok in sent:
        if tok.lemma_.lower() not in ("claim", "accept", "take") or tok.pos_ != "VERB":
            continue
        kids = list(tok.children)
        has_resp = any(c.lower_ in ("responsibility", "credit") for c in kids if c.dep_ == "dobj")
        targets: list[Token] = []
        if has_resp:
            for c in kids:
                if c.dep_ == "dobj":
                    targets += [p for prep in c.children if prep.dep_ == "prep" and prep.lower_ == "for"
                                for p in prep.children]
                if c.dep_ == "prep" and c.lower_ == "for":
                    targets += list(c.children)
        elif tok.lemma_.lower() == "claim":
            targets = [c for c in kids if c.dep_ == "dobj" and c.i in by_token]
        if tok.lemma_.lower() == "claim" and tok.dep_ in ("acl", "relcl") and tok.head.i in by_token:
            targets = [tok.head]  # "That attack, claimed by ISIS-K, ..."
        subj = _subject_entities(tok, idx)
        if has_resp and not targets and not any(c.dep_ == "neg" for c in kids):
            out.setdefault(-1, []).extend(subj)
        for t in targets:
            for sub in t.subtree:
                if sub.i in by_token:
                    out.setdefault(sub.i, []).extend(subj)
                    break
    return out


def _pick_date(trig: Token, clause: list[Token], dates: list[DateMention], doc: Doc, speech: bool) -> DateMention | None:
    lo, hi = clause[0].idx, clause[-1].idx + len(clause[-1].text)
    text = doc_text(doc)
    inside = [d for d in dates if lo <= d.start < hi
              and not _REPORTING_DATE.search(text[max(0, d.start - 40):d.start])]
    if inside:
        return min(inside, key=lambda d: abs(d.start - trig.idx))
    if speech:
        cur = trig
        while cur.head.i != cur.i:
            cur = cur.head
            for c in cur.children:
                if c.dep_ in ("prep", "npadvmod", "advmod") and c.i not in [t.i for t in clause]:
                    sub = list(c.subtree)
                    clo, chi = sub[0].idx, sub[-1].idx + len(sub[-1].text)
                    hit = [d for d in dates if clo <= d.start < chi]
                    if hit:
                        return hit[0]
    return None


def extract_events(doc: Doc, idx: DocIndex, *, published: date | None, entities: list[Entity]) -> list[EventMention]:
    names = {e.id: e.name for e in entities}
    dates = [d for d in find_dates(doc_text(doc), published)
             if not doc_text(doc)[max(0, d.start - 6):d.start].lower().rstrip().endswith("since")]
    events: list[EventMention] = []
    doc.user_data["published"] = published
    for sent in doc.sents:
        triggers = find_triggers(sent)
        if not triggers:
            _trailing_counts(sent, events)
            continue
        by_token = {t.token.i: t for t in triggers}
        counts = find_counts(sent.text, offset=sent.start_char)
        claims = _claims(sent, by_token, idx)
        absorbed: dict[int, list[Trigger]] = {}
        kept: list[Trigger] = []
        for t in triggers:
            parent = _absorbed_by(t, by_token)
            if parent is not None and parent is not t:
                absorbed.setdefault(parent.token.i, []).append(t)
            else:
                kept.append(t)
        other = {t.token.i for t in kept}
        clauses = {t.token.i: {x.i for x in clause_tokens(t.token)} for t in kept}
        sent_events: list[tuple[Trigger, EventMention]] = []
        for t in kept:
            args = collect_args(t, idx, other_triggers=other)
            for sub in absorbed.get(t.token.i, []):
                sub_args = collect_args(sub, idx, other_triggers=other)
                args.victims += [v for v in sub_args.victims if v[0] not in [x for x, _ in args.victims]]
                args.places += [p for p in sub_args.places if p[0] not in [x for x, _ in args.places]]
                args.actors += [a for a in sub_args.actors if a[0] not in [x for x, _ in args.actors]]
            clause = clause_tokens(t.token)
            for sub in absorbed.get(t.token.i, []):
                clause = sorted(set(clause) | set(clause_tokens(sub.token)), key=lambda x: x.i)
            sent_events.append((t, _make_event(t, args, clause, dates, counts, doc, idx, names,
                                               claims.get(t.token.i, []))))
        _sentence_fallback(sent, sent_events, clauses, dates, idx, counts)
        _blamed_in_sentence(sent, sent_events, idx, names)
        events.extend(m for _, m in sent_events)
        if claims.get(-1):
            _attach_orphan_claim(events, claims[-1], names, sent)
    return events


def _blamed_in_sentence(sent, sent_events: list[tuple[Trigger, EventMention]], idx: DocIndex,
                        names: dict[str, str]) -> None:
    """'No group has claimed the abduction, but officials blamed Boko Haram': the blamed group is
    the alleged perpetrator of the attack the same sentence names."""
    for tok in sent:
        if tok.lemma_.lower() not in ("blame", "suspect") or tok.pos_ != "VERB":
            continue
        if any(c.dep_ == "prep" and c.lower_ in ("for", "on") for c in tok.children):
            continue
        accused = [e for c in tok.children if c.dep_ == "dobj"
                   for e, _ in entities_in(c, idx, types=("organization", "person"), stop_at=set())]
        for t, m in sent_events:
            ev = m.event
            if t.type in ATTACK_FAMILY and t.token.i != tok.i and not any(p.role == "actor" for p in ev.participants):
                for eid in accused:
                    ev.participants.append(Participant("actor", eid, names[eid], Span(tok.idx, tok.idx + len(tok.text), tok.text)))
                if accused and ev.status == "reported":
                    ev.status = "alleged"


def _trailing_counts(sent, events: list[EventMention]) -> None:
    """Counts in a sentence with no event of its own: 'More than 220 people were wounded.' right
    after an attack is that attack's; further on, they belong to the story's main attack (the
    first one dated within a fortnight of publication)."""
    live = [m.event for m in events if not m.generic and m.event.type in ATTACK_FAMILY]
    if not live:
        return
    last = live[-1]
    if sent.start_char - last.evidence[-1].end > 3:
        main = main_event(live, sent.doc.user_data.get("published"))
        if main is None:
            return
        last = main
    for c in find_counts(sent.text, offset=sent.start_char):
        span = Span(c.start, c.end, c.text)
        if c.outcome == "killed" and last.fatalities is None:
            last.fatalities = Count(c.min, c.max, c.text, span)
        elif c.outcome == "injured" and last.injuries is None:
            last.injuries = Count(c.min, c.max, c.text, span)


def _attach_orphan_claim(events: list[EventMention], claimants: list[str], names: dict[str, str], sent) -> None:
    """'X claimed responsibility.': X claims the story's main attack (the first dated within a
    fortnight of publication), else the latest specific attack reported before it."""
    live = [m.event for m in events if not m.generic]
    main = main_event(live, sent.doc.user_data.get("published"))
    for ev in [main] if main else list(reversed(live)):
        if ev.type in ATTACK_FAMILY:
            for eid in claimants:
                for role in ("claimant", "actor"):
                    if not any(p.role == role and p.entity == eid for p in ev.participants):
                        ev.participants.append(Participant(role, eid, names[eid], sentence_span(sent)))
            if ev.status == "reported":
                ev.status = "claimed"
            ev.evidence.append(sentence_span(sent))
            return


def _sentence_fallback(sent, sent_events: list[tuple[Trigger, EventMention]], clauses: dict[int, set[int]],
                       dates: list[DateMention], idx: DocIndex, counts: list[CountMention]) -> None:
    """Give an event the sentence's date or place when no other event in it could own them."""
    live = [(t, m) for t, m in sent_events if not m.generic]
    for t, m in live:
        ev = m.event
        if m.anaphoric:
            continue  # "the shooting" refers back: the sentence's other words are not about it
        others = set().union(*[clauses[o.token.i] for o, _ in live if o is not t]) if len(live) > 1 else set()
        if ev.date.start is None and ev.type not in SPEECH_TYPES and t.token.dep_ not in ("acl", "relcl", "amod", "advcl"):
            free = [d for d in dates if sent.start_char <= d.start < sent.end_char
                    and not any(x.idx <= d.start < x.idx + len(x.text) for x in sent if x.i in others)
                    and not _REPORTING_DATE.search(doc_text(sent.doc)[max(0, d.start - 40):d.start])
                    and not _REPORTED_AFTER.match(doc_text(sent.doc)[d.end:d.end + 80])]
            if any(p.role == "claimant" for p in ev.participants):
                # "In a video released on Saturday, X claimed the bombing": that date is the claim's
                free = [d for d in free if d.start > ev.trigger.start]
            if len(free) == 1:
                d = free[0]
                ev.date = DateValue(d.value, d.end_value, d.precision if d.value else "unknown", d.text,
                                    Span(d.start, d.end, d.text))
        for outcome, attr in (("killed", "fatalities"), ("injured", "injuries")):
            if getattr(ev, attr) is not None or ev.type not in ATTACK_FAMILY:
                continue
            free = [c for c in counts if c.outcome == outcome
                    and not any(x.idx <= c.start < x.idx + len(x.text) for x in sent if x.i in others)]
            if len(free) == 1:
                c = free[0]
                setattr(ev, attr, Count(c.min, c.max, c.text, Span(c.start, c.end, c.text)))
        if not m.places and ev.type in ATTACK_FAMILY:
            used = {p.entity for p in ev.participants}
            for x in sent:
                eid = idx.entity_of(x)
                if eid and idx.type_of(eid) == "place" and x.i not in others and eid not in used \
                        and not residence_of(x) and eid not in [e for e, _ in m.places]:
                    m.places.append((eid, x))
            m.places.sort(key=lambda p: (_FEATURE_RANK.get(idx.info[p[0]][2], 7), p[1].i))


def _count_in(clause: list[Token], counts: list[CountMention], outcome: str) -> CountMention | None:
    lo, hi = clause[0].idx, clause[-1].idx + len(clause[-1].text)
    hits = [c for c in counts if c.outcome == outcome and lo <= c.start and c.end <= hi]
    return hits[0] if hits else None


# "..., the agency said on Tuesday": the date of the report, not of the event
_REPORTING_DATE = re.compile(r"\b(said|says|told\s+\w+|announced|reported|added|stated|confirmed)\s+(?:on\s+|late\s+on\s+|early\s+on\s+)?$")
# "on Thursday Interior Minister Ahmad Vahidi said ...": the date of the saying
_REPORTED_AFTER = re.compile(r"\s*,?\s*(?:[A-Z][\w.\-]*\s+){1,6}(?:said|told|announced|reported|confirmed|stated)\b")
_WEEKDAYS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}


def _next_weekday(value: str, doc: Doc) -> str:
    from datetime import timedelta

    published = doc.user_data.get("published")
    d = date.fromisoformat(value)
    if published is not None and d <= published:
        d += timedelta(days=7)
    return d.isoformat()


def _make_event(t: Trigger, args: Args, clause: list[Token], dates: list[DateMention],
                counts: list[CountMention], doc: Doc, idx: DocIndex, names: dict[str, str],
                claimants: list[str]) -> EventMention:
    tok = t.token
    participants_ids = {e for e, _ in args.actors + args.targets + args.victims}
    status, sources, claim_subj = _status_and_sources(tok, idx, participants_ids)
    claimants = list(dict.fromkeys(claimants + claim_subj))
    if args.alleged and status == "reported":
        status = "alleged"
    if claimants:
        status = "claimed" if status in ("reported", "claimed") else status
    d = _pick_date(tok, clause, dates, doc, t.type in SPEECH_TYPES)
    killed = _count_in(clause, counts, "killed") if t.type not in ("arrest", "recruitment", "statement", "accusation", "threat", "founding") else None
    injured = _count_in(clause, counts, "injured") if killed is not None or t.type in ATTACK_FAMILY else None
    sent = tok.sent
    ev = Event(
        id="",
        type=t.type,
        subtype=t.subtype,
        trigger=Span(tok.idx, tok.idx + len(tok.text), tok.text),
        evidence=[sentence_span(sent)],
        status=status,
    )
    if d is not None:
        value = d.value
        if status == "planned" and value and d.precision == "day" and d.text.lower() in _WEEKDAYS:
            value = _next_weekday(value, doc)  # "marches on Thursday" that are planned lie ahead
        ev.date = DateValue(value, d.end_value, d.precision if value else "unknown", d.text,
                            Span(d.start, d.end, d.text))
    if killed is not None:
        ev.fatalities = Count(killed.min, killed.max, killed.text, Span(killed.start, killed.end, killed.text))
    if injured is not None:
        ev.injuries = Count(injured.min, injured.max, injured.text, Span(injured.start, injured.end, injured.text))

    def part(role: str, eid: str, tk: Token) -> None:
        if not any(p.role == role and p.entity == eid for p in ev.participants):
            ev.participants.append(Participant(role, eid, names[eid], Span(tk.idx, tk.idx + len(tk.text), tk.text)))

    for eid, tk in args.actors:
        part("actor", eid, tk)
    for eid in claimants:
        part("claimant", eid, tok)
        part("actor", eid, tok)
    for eid, tk in args.targets:
        part("target", eid, tk)
    for eid, tk in args.victims:
        part("victim", eid, tk)
    for eid in sources:
        if eid not in participants_ids:
            part("source", eid, tok)
    for _, tk in args.instruments:
        sub = [tk.left_edge, tk]  # the noun phrase up to its head: "a truck", not "a truck in New York"
        text = doc_text(doc)[sub[0].idx: sub[-1].idx + len(sub[-1].text)]
        ev.participants.append(Participant("instrument", None, text, Span(sub[0].idx, sub[0].idx + len(text), text)))
    m = EventMention(ev, places=args.places)
    if "respectively" in sent.text:
        lo, hi = clause[0].idx, clause[-1].idx + len(clause[-1].text)
        m.all_dates = [DateValue(x.value, x.end_value, x.precision if x.value else "unknown", x.text,
                                 Span(x.start, x.end, x.text)) for x in dates if lo <= x.start < hi]
    m.custody = any(x.lemma_.lower() in ("prison", "custody", "jail", "detention") for x in clause)
    m.generic = _is_generic(t, ev, args) or (
        # "Microsoft is recruiting engineers"
        t.type == "recruitment" and not any(idx.info[p.entity][1] in _ARMED_KINDS for p in ev.participants if p.entity))
    det = next((c.lower_ for c in tok.children if c.dep_ in ("det", "poss")), None)
    # "that attack" points back to the last one; "the attack" to the story's main one
    own = any(p.entity and p.role in ("target", "victim") for p in ev.participants) or args.places
    if t.pos == "noun" and ev.date.start is None and not (own and det == "the"):
        m.anaphoric = "near" if det in ("this", "that") else "main" if det in ("the", "its", "their") else None
    return m


_QUANTIFIERS = {"many", "numerous", "several", "multiple", "frequent", "repeated", "some", "various", "such", "any", "more"}


def _is_generic(t: Trigger, ev: Event, args: Args) -> bool:
    """Habitual or hypothetical mentions ('numerous attacks', 'an attack since 2011') are not events."""
    tok = t.token
    has_date = ev.date.start is not None
    has_count = ev.fatalities is not None or ev.injuries is not None
    named = [p for p in ev.participants if p.entity and p.role in ("actor", "target", "victim", "claimant")]
    if t.pos == "noun":
        plural = tok.tag_ in ("NNS", "NNPS")
        quant = any(c.lower_ in _QUANTIFIERS for c in tok.children)
        if (plural or quant) and not has_date and not has_count and t.type != "arrest":
            return True
        det = next((c.lower_ for c in tok.children if c.dep_ == "det"), None)
        if det in ("a", "an", "any", "no") and not has_date and not has_count and not named:
            return True
    if tok.dep_ in ("pcomp", "pobj") and tok.tag_ == "VBG" and not has_date and not has_count:
        return True
    vague = ev.fatalities is not None and ev.fatalities.max is None and (ev.fatalities.min or 0) >= 24 \
        and re.match(r"(?i)(dozens|scores|hundreds|thousands|many)", ev.fatalities.text or "")
    if vague and not has_date and any(c.dep_ == "aux" and c.lemma_ == "have" for c in tok.children):
        return True  # "whose insurgency has killed thousands": a tally over years, not an event
    if t.pos == "verb" and not has_date and not has_count and (
            tok.tag_ in ("VBZ", "VBP") or (tok.tag_ == "VBG" and tok.dep_ in ("acl", "relcl"))) \
            and not any(c.dep_ == "aux" for c in tok.children) and t.type != "statement":
        return True  # habitual present: "militants who attack Pakistan", "groups attacking Pakistan"
    numbered = any(c.dep_ in ("nsubjpass", "dobj") and (c.like_num or any(g.dep_ == "nummod" for g in c.children))
                   for c in tok.children)
    if numbered and t.type in ("arrest", "kidnapping"):
        return False  # "Three suspects were detained": a specific detention
    if not named and not has_date and not has_count and not args.places:
        return True
    if any(c.dep_ == "aux" and c.lower_ in ("could", "may", "might", "can") for c in tok.children) and not has_date:
        return True  # hypothetical: "militants could attack"
    if not named and not has_date and not has_count and t.type in ("threat", "statement", "accusation", "recruitment", "founding"):
        return True
    return False
