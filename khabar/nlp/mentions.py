"""Find every mention of a person, organization or place, and who it refers to.

Sources, in order of trust: the knowledge base (phrase matches on aliases), country
names, spaCy's NER, and patterns ("Name (ABBR)", "X, or Y", "Name district"). The
gazetteer and KB correct spaCy's labels: a country is a place even when the small model
calls it a person, and a proper noun followed by "oblast" is a province.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span

from khabar.nlp.dates import MONTHS, WEEKDAYS
from khabar.nlp.gazetteer import load_gazetteer
from khabar.nlp.kb import KnowledgeBase, load_kb
from khabar.nlp.pipeline import doc_text, matchers

__all__ = ["Mention", "find_mentions", "find_dateline", "DESIGNATOR_FEATURE"]

_DATELINE = re.compile(
    r"^\s*(?P<city>[A-Z][A-Z'.\-]+(?:\s+[A-Z][A-Z'.\-]+){0,3})(?:/[A-Z][A-Z'.\-]+)*"
    r"(?:\s*,\s*(?P<region>[A-Z][A-Za-z'.\-]+(?:\s+[A-Z][A-Za-z'.\-]+){0,3}))?"
    r"\s*(?:\([A-Za-z ]+\)\s*)?[\u2014\u2013-]{1,2}\s+")
_PLACE_PREPS = {"in", "at", "near", "outside", "from", "to", "into", "across", "around", "towards", "toward"}
_PLACE_NOUNS = {"cantonment", "village", "town", "city", "district", "province", "camp", "airport", "market",
                "region", "area", "outskirts", "border", "base", "barracks"}
# "the siege of Darayya", "the liberation of Sinjar", "the Damascus suburb of Darayya"
_PLACE_OF_NOUNS = {"siege", "liberation", "suburb", "suburbs", "neighbourhood", "neighborhood", "out"}


def find_dateline(text: str) -> list[tuple[int, int, str]]:
    """'BANNU, Pakistan — ...': the places of a dateline, as (start, end, kind)."""
    m = _DATELINE.match(text)
    if not m or len(m.group("city")) < 3:
        return []
    out = [(m.start("city"), m.end("city"), "city")]
    if m.group("region"):
        out.append((m.start("region"), m.end("region"), "region"))
    return out

DESIGNATOR_FEATURE = {
    "province": "province", "oblast": "province", "region": "province", "governorate": "province",
    "state": "province", "krai": "province", "kray": "province", "prefecture": "province",
    "department": "province", "district": "district", "county": "district", "municipality": "district",
    "raion": "district", "rayon": "district", "tehsil": "district", "subdistrict": "district",
}
_SETTLEMENT = {"city": "city", "town": "city", "village": "city", "capital": "city", "port": "city"}
_LABELS = {"PERSON": "person", "ORG": "organization", "GPE": "place", "LOC": "place", "FAC": "place",
           "NORP": "norp"}
_ACRONYM = re.compile(r"^[A-Z][A-Za-z0-9.\-]{1,11}$")
_NAME_GLUE = {"of", "and", "on", "for", "in", "al", "el", "ul", "e", "de", "la", "the", "-", "–", "—", "bin", "ibn"}


@dataclass
class Mention:
    start: int
    end: int
    text: str
    type: str  # person | organization | place | norp
    source: str  # kb | country | ner | pattern | fuzzy
    kb_id: str | None = None
    country: str | None = None
    feature: str | None = None
    same_as: list[int] = field(default_factory=list)  # indices of mentions naming the same thing

    def key(self) -> tuple[int, int]:
        return (self.start, self.end)


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _trim(span: Span) -> Span:
    """Drop a leading article or preposition ("Near Ar Raqqah" opening a sentence), a trailing
    possessive, and an unclosed parenthesis ("Commission of Inquiry (CoI") from a span."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end - 1 and (doc[start].lower_ in ("the", "a", "an") or (
            doc[start].lower_ in _PLACE_PREPS | {"on", "of"} and (doc[start].pos_ == "ADP" or doc[start].is_sent_start))):
        start += 1
    opened = next((k for k in range(start, end) if doc[k].text == "("), None)
    if opened is not None and opened > start and not any(doc[k].text == ")" for k in range(opened, end)):
        end = opened
    while end > start + 1 and doc[end - 1].text in ("'s", "\u2019s", "'", "\u2019"):
        end -= 1
    return doc[start:end]


def _strip_possessive_chars(doc: Doc, start: int, end: int) -> int:
    text = doc_text(doc)[start:end]
    for suffix in ("\u2019s", "'s"):
        if text.endswith(suffix) and len(text) > len(suffix) + 1:
            return end - len(suffix)
    return end


def find_mentions(doc: Doc, *, kb: KnowledgeBase | None = None, published: str | None = None,
                  original: str | None = None) -> list[Mention]:
    """All mentions in ``doc``; ``original`` is the text before its dateline was blanked."""
    kb = kb or load_kb()
    gaz = load_gazetteer()
    kb_matcher, country_matcher = matchers()
    vocab = doc.vocab
    spans: list[tuple[Span, str, str]] = []  # (span, kind, key)
    for match_id, s, e in kb_matcher(doc):
        spans.append((doc[s:e], "kb", vocab.strings[match_id]))
    for match_id, s, e in country_matcher(doc):
        spans.append((doc[s:e], "country", vocab.strings[match_id]))
    spans.sort(key=lambda t: (-(t[0].end - t[0].start), t[0].start, t[1] != "kb"))
    taken: list[tuple[int, int]] = []
    mentions: list[Mention] = []
    for span, kind, key in spans:
        rng = (span.start_char, span.end_char)
        if any(_overlaps(rng, t) for t in taken):
            continue
        if kind == "kb":
            entry = kb.entries[key]
            if entry.type != "place" and _inside_longer_proper_name(span):
                continue
            if span.end + 1 < len(doc) and doc[span.end].text == "-" and doc[span.end + 1].is_lower:
                continue  # "Mali's military-led government" is the government, not the army
            if published and entry.valid_until and entry.valid_until < published \
                    and not _sentence_dated_before(span, entry.valid_until):
                successor = (entry.relations.get("succeeded_by") or [None])[0]
                if successor is None or kb.get(successor) is None:
                    continue
                entry, key = kb.entries[successor], successor
            mentions.append(Mention(*rng, span.text, entry.type, "kb", kb_id=key,
                                    feature=entry.feature, country=entry.country))
        else:
            if _inside_longer_proper_name(span) and span.text.isupper() and len(span.text) <= 3:
                continue
            mentions.append(Mention(*rng, span.text, "place", "country", country=key, feature="country"))
        taken.append(rng)

    doc_countries = {m.country for m in mentions if m.country}
    for ent in doc.ents:
        label = _LABELS.get(ent.label_)
        if label is None:
            continue
        span = _trim(ent)
        rng = (span.start_char, _strip_possessive_chars(doc, span.start_char, span.end_char))
        if label == "organization" and len(span) >= 3:
            # "Kenya National Commission on Human Rights": the country is part of the name
            inner = [m for m in mentions if _overlaps(rng, (m.start, m.end))]
            if len(inner) == 1 and inner[0].source == "country" and inner[0].start == rng[0] \
                    and inner[0].end < rng[1] and not any(t.lower_ in ("and", ",", "or") for t in span):
                for m in inner:
                    m.type = "dropped"
                    taken.remove((m.start, m.end))
        if rng[1] <= rng[0] or any(_overlaps(rng, t) for t in taken):
            continue
        text = doc_text(doc)[rng[0]:rng[1]]
        split = _place_then_name(doc, span, gaz) if label in ("person", "organization") else None
        if split is not None:
            # "... resident of the town of Vahdat Rustam Nazarov": a place, then a person
            place_span, person_span = split
            mentions.append(Mention(place_span.start_char, place_span.end_char, place_span.text, "place", "ner"))
            mentions.append(Mention(person_span.start_char, person_span.end_char, person_span.text, "person", "ner"))
            taken.append(rng)
            continue
        if text[:1].islower() or not any(c.isalpha() for c in text):
            continue  # names are capitalised: "iftar" is not an organization
        if label in ("person", "organization") and all(t.pos_ in ("NOUN", "ADJ", "VERB", "ADV", "DET") for t in span):
            continue  # "Gunmen" opening a sentence is a common noun, not a name
        if label == "person" and any(c.isdigit() for c in text):
            continue  # "Finance Bill 2024" is not a person
        if _only_titles(text):
            continue  # "Air Commodore", "Defence Cabinet Secretary": a title, not a name
        if label in ("organization", "person") and gaz.country_of_demonym(text):
            label = "norp"
        if label in ("organization", "person") and _names_no_actor(span):
            continue  # "Operation Steel Curtain", "the Geneva Communique": an operation, a text
        if label == "norp" and not gaz.country_of_demonym(text) and kb.lookup(text) is None \
                and _known_place(doc, span, gaz, doc_countries):
            label = "place"  # "the situation in Aleppo" read as a nationality
        if label == "norp":
            code = gaz.country_of_demonym(text)
            mentions.append(Mention(*rng, text, "norp", "ner", country=code))
            taken.append(rng)
            continue
        last = text.split()[-1].lower()
        if label == "place" and len(span) > 1 and last in _MEETING_WORDS:
            label = "organization"
        if len(text.split()) > 1 and (label == "organization" and last in _FACILITY_HEADS
                                      or label == "person" and last in _FACILITY_NOT_SURNAME):
            mentions.append(Mention(*rng, text, "place", "ner", feature="facility"))
            taken.append(rng)
            continue
        if label == "organization" and _person_context(doc, span, text):
            label = "person"
        elif label == "place" and ent.label_ == "GPE" and len(span) <= 2 and not gaz.candidates(text) \
                and kb.lookup(text) is None and (_person_context(doc, span, text) or _human_subject(span)):
            label = "person"  # "Sadiq beamed", "Karim replied": a name the model took for a place
        if label in ("person", "organization") and _followed_by_designator(doc, span):
            label = "place"
        elif label in ("person", "organization") and _place_context(doc, span) and gaz.candidates(text):
            label = "place"
        elif label in ("person", "organization") and len(span) <= 3 and kb.lookup(text) is None \
                and _place_by_company(doc, span, gaz, mentions):
            label = "place"  # "Raqqah, Syria", "Mosul and Raqqah", "the liberation of Raqqah"
        elif label == "organization" and len(span) == 1 and kb.lookup(text) is None and any(
                p.feature == "city" and p.country in doc_countries for p in gaz.candidates(text)):
            label = "place"  # "the Nyanya bombing": a town the article's country holds
        mentions.append(Mention(*rng, text, label, "ner"))
        taken.append(rng)

    for start, end, _kind in find_dateline(original or doc_text(doc)):
        name = (original or doc_text(doc))[start:end]
        if not any(_overlaps((start, end), t) for t in taken):
            code = next((c for c, i in gaz.countries.items() if _is_country_name(gaz, i, name)), None)
            if code:
                mentions.append(Mention(start, end, name, "place", "dateline", country=code, feature="country"))
            else:
                mentions.append(Mention(start, end, name, "place", "dateline", feature="city" if _kind == "city" else None))
            taken.append((start, end))
    _demonym_forces(doc, mentions, kb)
    _extend_hyphenated(doc, mentions, taken)
    _alias_patterns(doc, mentions, kb, taken)
    _designated_proper_nouns(doc, mentions, taken)
    _extend_designators(doc, mentions)
    _fuzzy_kb(doc, mentions, taken, kb)
    _gazetteer_places(doc, mentions, taken)
    _appositive_persons(doc, mentions, taken)
    _unify_place_names(mentions)
    before = list(mentions)
    mentions[:] = sorted((m for m in mentions if m.type != "dropped"), key=lambda m: m.start)
    where = {id(m): i for i, m in enumerate(mentions)}
    for m in mentions:
        m.same_as = [where[id(before[j])] for j in m.same_as if id(before[j]) in where]
    return mentions


_FACILITY_HEADS = {"hotel", "hospital", "school", "mosque", "church", "temple", "shrine", "market", "airport",
                   "stadium", "prison", "jail", "camp", "station", "hall", "bridge", "embassy", "cantonment",
                   "compound", "barracks", "palace", "mall", "theatre", "theater", "cathedral", "synagogue",
                   "gurdwara", "madrassa", "seminary", "academy", "college", "base", "airbase", "port", "refinery",
                   "airfield", "museum", "dam", "barrage"}
# a meeting is not a place: "at the Manama Dialogue", "the G-20 Interfaith Conference"
_MEETING_WORDS = {"conference", "dialogue", "summit", "forum", "talks", "congress", "symposium", "convention"}
# facility heads that are never surnames: "Samarra Barrage" read as a person is still a facility
_FACILITY_NOT_SURNAME = {"dam", "barrage", "airport", "airbase", "mosque", "hospital", "stadium", "prison",
                         "refinery", "embassy", "barracks", "cathedral", "synagogue", "shrine"}
_FORCE_NOUNS = {"forces", "force", "troops", "soldiers", "army", "military", "jets", "warplanes", "aircraft",
                "navy", "gunboats", "artillery", "drones", "commandos", "servicemen", "paratroopers", "marines"}
_POLICE_NOUNS = {"police", "policemen", "officers"}
_FORCE_MODIFIERS = {"security", "special", "government", "armed", "federal", "border", "air", "naval", "ground",
                    "regular", "allied", "elite"}
_MILITARY_ACTS = {"strike", "strikes", "airstrike", "airstrikes", "raid", "raids", "shelling", "bombardment",
                  "offensive", "operation", "incursion", "drone", "missile", "bombing", "bombings"}


def _demonym_forces(doc: Doc, mentions: list[Mention], kb: KnowledgeBase) -> None:
    """'Nigerian troops', 'an American drone strike': a demonym naming a state's forces."""
    by_char = {t.idx: t for t in doc}
    for m in mentions:
        if m.type != "norp" or not m.country:
            continue
        tok = by_char.get(m.start)
        if tok is None:
            continue
        last = doc[tok.i + len(m.text.split()) - 1] if tok.i + len(m.text.split()) - 1 < len(doc) else tok
        nxt = doc[last.i + 1] if last.i + 1 < len(doc) else None
        if nxt is None:
            continue
        word = nxt.lower_
        if word in _FORCE_MODIFIERS and nxt.i + 1 < len(doc) and doc[nxt.i + 1].lower_ in _FORCE_NOUNS | _POLICE_NOUNS:
            nxt = doc[nxt.i + 1]  # "Russian security forces", "Afghan special forces"
            word = nxt.lower_
        if word in _FORCE_NOUNS or word in _POLICE_NOUNS:
            entry = kb.state_force(m.country, kind="police" if word in _POLICE_NOUNS else "state_force")
            if entry is None and word in _POLICE_NOUNS:
                entry = kb.state_force(m.country)
            # without a KB entry "Kazakh police" is still an organization, named as the text names it
            m.type, m.kb_id, m.source = "organization", entry.id if entry else None, "demonym"
            m.end = nxt.idx + len(nxt.text)
            m.text = doc_text(doc)[m.start:m.end]
        elif word in _MILITARY_ACTS or (nxt.head.lower_ in _MILITARY_ACTS and nxt.dep_ in ("compound", "amod")):
            entry = kb.state_force(m.country)
            if entry is not None:
                m.type, m.kb_id, m.source = "organization", entry.id, "demonym"


def _sentence_dated_before(span: Span, until: str) -> bool:
    """True when the sentence names a year before ``until``: it talks about that time."""
    years = [int(y) for y in re.findall(r"\b(19\d\d|20\d\d)\b", span.sent.text)]
    return any(y <= int(until[:4]) for y in years)


def _is_country_name(gaz, idx: int, name: str) -> bool:
    from khabar.nlp.gazetteer import place_key

    return idx in gaz.index.get(place_key(name), ())


def _place_context(doc: Doc, span: Span) -> bool:
    """Words around a name that only places take: 'in Moura', 'village of Moura', 'Bannu cantonment'."""
    prev = doc[span.start - 1] if span.start > 0 else None
    prev2 = doc[span.start - 2] if span.start > 1 else None
    nxt = doc[span.end] if span.end < len(doc) else None
    if prev is not None and prev.lower_ in _PLACE_PREPS:
        return True
    if prev is not None and prev.lower_ == "of" and prev2 is not None and prev2.lower_ in (
            set(_SETTLEMENT) | _PLACE_NOUNS | _PLACE_OF_NOUNS):
        return True
    return nxt is not None and nxt.lower_ in _PLACE_NOUNS


_NOT_ACTOR_HEADS = {"communique", "communiqu\u00e9", "agreement", "accord", "accords", "treaty", "resolution",
                    "ceasefire", "truce", "declaration", "protocol", "cessation", "law", "charter", "memorandum"}
_HUMAN_VERBS = {"say", "tell", "reply", "insist", "explain", "ask", "add", "recall", "beam", "smile", "laugh", "sigh",
                "nod", "shrug", "grin", "weep", "cry", "whisper", "shout", "meet", "call", "draw", "stand", "sit",
                "walk", "play", "sing", "remember", "believe", "hope", "want", "decide", "continue", "represent"}
_BIG_CITY = 500_000


def _names_no_actor(span: Span) -> bool:
    """Names of operations and of texts are not persons or organizations: 'Operation Steel
    Curtain', 'the Geneva Communique', 'Cessation of Hostilities', 'Law of Armed Conflict'."""
    words = [t.lower_ for t in span]
    if len(words) >= 2 and words[0] == "operation" and span[1].is_title:
        return True
    words = [w for w in words if w.isalpha()]  # "UN Security Council Resolutions 2254"
    head = words[words.index("of") - 1] if "of" in words[1:] else words[-1] if words else ""
    return head in _NOT_ACTOR_HEADS or head.rstrip("s") in _NOT_ACTOR_HEADS


def _known_place(doc: Doc, span: Span, gaz, countries: set) -> bool:
    """A town or province the gazetteer knows, and that is big, in the article's countries, or
    where the words around it put a place."""
    cands = [p for p in gaz.candidates(span.text) if p.feature in ("city", "province", "district")]
    return any(p.population >= 100_000 or p.country in countries for p in cands) or (
        bool(cands) and _place_context(doc, span))


def _human_subject(span: Span) -> bool:
    """The subject (or a coordinated subject) of a verb only people do: 'Sadiq beamed'."""
    root = span.root
    while root.dep_ == "conj" and root.head.i != root.i:
        root = root.head
    return root.dep_ == "nsubj" and root.head.lemma_.lower() in _HUMAN_VERBS


def _place_by_company(doc: Doc, span: Span, gaz, mentions: list[Mention]) -> bool:
    """A name the gazetteer knows as a town or province, that the model called a person or an
    organization, is a place when a country follows it ('Raqqah, Syria'), when it is coordinated
    with a place ('Mosul and Raqqah'), or when it is a city of half a million people or more that
    nothing in the sentence marks as a person ('the liberation of Raqqah')."""
    cands = [p for p in gaz.candidates(span.text) if p.feature in ("city", "province", "district")]
    if not cands:
        return False
    places = [(m.start, m.end) for m in mentions if m.type == "place"]

    def is_place(tok) -> bool:
        return tok.ent_type_ in ("GPE", "LOC") or any(a <= tok.idx < b for a, b in places)

    if span.end + 1 < len(doc) and doc[span.end].text == "," and any(
            m.feature == "country" and m.start == doc[span.end + 1].idx for m in mentions):
        return True
    root = span.root
    partners = [c for c in root.children if c.dep_ == "conj"] + ([root.head] if root.dep_ == "conj" else [])
    if any(is_place(t) for t in partners):
        return True
    prev = doc[span.start - 1] if span.start > 0 else None
    if prev is not None and (prev.lower_.rstrip(".") in _PERSON_CUES or prev.lower_.rstrip(".") in _TITLE_WORDS):
        return False
    nxt = doc[span.end] if span.end < len(doc) else None
    if nxt is not None and nxt.lemma_.lower() in _HUMAN_VERBS:
        return False
    return len(span) == 1 and any(p.population >= _BIG_CITY for p in cands) and not _person_context(doc, span, span.text)


_TITLE_WORDS = {"air", "commodore", "marshal", "general", "lieutenant", "colonel", "major", "captain", "admiral",
                "brigadier", "president", "minister", "secretary", "cabinet", "defence", "defense", "interior",
                "foreign", "prime", "deputy", "chief", "inspector", "governor", "commander", "spokesman",
                "spokesperson", "health", "supreme", "senior", "vice", "sergeant", "director", "-"}


_ORG_WORDS = {"front", "party", "group", "army", "ministry", "council", "agency", "service", "services", "force",
              "forces", "brigade", "brigades", "movement", "company", "bank", "university", "committee", "court",
              "office", "police", "commission", "union", "organisation", "organization", "association",
              "institute", "news", "times", "post", "tv", "radio", "network", "department", "state", "emirate",
              "republic", "corps", "guard", "command", "headquarters", "government", "assembly", "parliament"}
_PERSON_CUES = {"spokesman", "spokeswoman", "spokesperson", "journalist", "commander", "leader", "chief",
                "general", "gen.", "colonel", "president", "minister", "governor", "mr", "mrs", "ms", "dr",
                "founder", "son", "sons", "daughter", "brother", "father", "wife", "husband"}


def _person_context(doc: Doc, span: Span, text: str) -> bool:
    """An 'organization' that is a person: 'Fahim Dashti, a journalist', 'spokesman Zabihullah
    Mujahid', 'Dilovar, 25,'. Only for names without an organizational word."""
    if any(w.lower() in _ORG_WORDS for w in text.split()) or not 1 <= len(span) <= 4:
        return False
    after = doc_text(doc)[span.end_char:span.end_char + 24]
    if re.match(r",\s*\d{1,2}\s*,", after) or re.match(r",\s+(?:a|an|the)\s+(?:\w+\s+){0,3}?(?:journalist|"
                                                     r"man|woman|resident|spokesman|commander|leader|activist|student)\b", after):
        return True
    prev = doc[span.start - 1] if span.start > 0 else None
    return prev is not None and prev.lower_.rstrip(".") in _PERSON_CUES


def _only_titles(text: str) -> bool:
    words = [w for w in re.split(r"[\s\-]+", text.lower()) if w]
    return bool(words) and all(w in _TITLE_WORDS for w in words)


def _place_then_name(doc: Doc, span: Span, gaz) -> tuple[Span, Span] | None:
    """Split an NER span glued after 'town of'/'in': a gazetteer place followed by a two- or
    three-word name."""
    if len(span) < 3 or span.start == 0 or doc[span.start - 1].lower_ not in ("of", "in", "from"):
        return None
    for cut in (1, 2):
        head, rest = span[:cut], span[cut:]
        if 2 <= len(rest) <= 3 and all(t.is_title for t in rest) and any(
                p.feature in ("city", "district", "province") for p in gaz.candidates(head.text)) \
                and not any(t.lower_ in _ORG_WORDS for t in rest):
            return head, rest
    return None


_HONORIFICS = {"mr", "mrs", "ms", "dr"}


def _appositive_persons(doc: Doc, mentions: list[Mention], taken: list[tuple[int, int]]) -> None:
    """Unlabelled two- or three-word names described as people: 'Rex Masai, a young man, ...',
    and one-word names after an honorific: 'Mr Alzoubi'."""
    for span in _proper_noun_runs(doc):
        if len(span) > 1 and span[0].lower_.rstrip(".") in _HONORIFICS:
            span = span[1:]  # "Mr Alzoubi": the honorific is not part of the name
        rng = (span.start_char, span.end_char)
        honorific = span.start > 0 and doc[span.start - 1].lower_.rstrip(".") in _HONORIFICS
        if not (2 <= len(span) <= 3 or honorific and len(span) == 1) or any(_overlaps(rng, t) for t in taken):
            continue
        if any(t.lower_ in _ORG_WORDS or t.ent_type_ in ("GPE", "LOC", "DATE") for t in span):
            continue
        if _person_context(doc, span, span.text):
            mentions.append(Mention(*rng, span.text, "person", "pattern"))
            taken.append(rng)


_HYPHEN_TAIL = re.compile(r"(?:-[a-z]{1,3})*-[A-Z][\w'\u2019]*")


def _extend_hyphenated(doc: Doc, mentions: list[Mention], taken: list[tuple[int, int]]) -> None:
    """'Mazar' is the start of 'Mazar-i-Sharif': a name runs to the end of its hyphenated word."""
    text = doc_text(doc)
    for m in mentions:
        if m.source != "ner" or m.type not in ("place", "person", "organization"):
            continue
        tail = _HYPHEN_TAIL.match(text, m.end)
        if tail is None:
            continue
        old = (m.start, m.end)
        if any(_overlaps((m.end, tail.end()), t) for t in taken if t != old):
            continue
        if old in taken:
            taken.remove(old)
        m.end = tail.end()
        m.text = text[m.start:m.end]
        taken.append((m.start, m.end))


def _unify_place_names(mentions: list[Mention]) -> None:
    """A name the article uses as a place is a place everywhere in it ('the Moura operation')."""
    places = {m.text for m in mentions if m.type == "place" and m.source in ("gazetteer", "ner", "country", "kb")}
    for m in mentions:
        if m.type in ("organization", "person") and m.source == "ner" and m.kb_id is None and m.text in places:
            m.type = "place"


def _proper_noun_runs(doc: Doc):
    """Maximal runs of capitalised proper nouns ('Vose', 'North Rhine-Westphalia')."""
    i = 0
    while i < len(doc):
        if doc[i].pos_ != "PROPN" or not doc[i].is_title:
            i += 1
            continue
        j = i
        while j + 1 < len(doc) and doc[j + 1].pos_ == "PROPN" and doc[j + 1].is_title:
            j += 1
        yield doc[i:j + 1]
        i = j + 1


def _gazetteer_places(doc: Doc, mentions: list[Mention], taken: list[tuple[int, int]]) -> None:
    """Capitalised words no model labelled, which the gazetteer knows and the context makes places."""
    gaz = load_gazetteer()
    countries = {m.country for m in mentions if m.country}
    for span in _proper_noun_runs(doc):
        rng = (span.start_char, span.end_char)
        if any(_overlaps(rng, t) for t in taken) or not _place_context(doc, span):
            continue
        if any(t.ent_type_ in ("PERSON", "NORP", "EVENT", "LAW", "WORK_OF_ART") for t in span):
            continue
        if any(t.lower_.rstrip(".") in MONTHS or t.lower_ in WEEKDAYS for t in span):
            continue  # "In May 2021": a month, whatever the gazetteer says
        cands = [p for p in gaz.candidates(span.text) if p.feature in ("city", "province", "district")]
        if any(p.country in countries or p.population >= 100_000 for p in cands):
            mentions.append(Mention(*rng, span.text, "place", "gazetteer"))
            taken.append(rng)


def _inside_longer_proper_name(span: Span) -> bool:
    """True when a match is only part of a longer capitalised name ("Kabul Serena Hotel")."""
    doc = span.doc
    before = doc[span.start - 1] if span.start > 0 else None
    after = doc[span.end] if span.end < len(doc) else None
    return bool(
        (after is not None and after.pos_ == "PROPN" and after.is_title and after.ent_iob_ == "I")
        or (before is not None and before.pos_ == "PROPN" and before.is_title and before.ent_iob_ in ("B", "I")
            and span[0].ent_iob_ == "I")
    )


def _followed_by_designator(doc: Doc, span: Span) -> bool:
    return span.end < len(doc) and doc[span.end].lower_ in DESIGNATOR_FEATURE


def _designated_proper_nouns(doc: Doc, mentions: list[Mention], taken: list[tuple[int, int]]) -> None:
    """'Vose district', 'Panjshir province': a capitalised word before a designator is a place."""
    for tok in doc:
        if tok.lower_ not in DESIGNATOR_FEATURE or tok.i == 0:
            continue
        nxt = doc[tok.i + 1] if tok.i + 1 < len(doc) else None
        if nxt is not None and (nxt.text in ("-", "\u2013") or (nxt.is_title and nxt.pos_ == "PROPN") or nxt.like_num):
            continue  # part of a longer name: "Islamic State-Khorasan Province"
        j = tok.i - 1
        while j >= 0 and (doc[j].is_title or doc[j].text in ("-", "'")) and not doc[j].is_sent_start:
            j -= 1
        if j >= 0 and doc[j].is_sent_start and doc[j].is_title:
            j -= 1
        start = j + 1
        if start >= tok.i or any(doc[k].lower_ in DESIGNATOR_FEATURE for k in range(start, tok.i)):
            continue
        rng = (doc[start].idx, doc[tok.i - 1].idx + len(doc[tok.i - 1].text))
        if any(_overlaps(rng, t) for t in taken):
            continue
        if doc[start].lower_ in ("the", "this", "that", "a"):
            continue
        mentions.append(Mention(*rng, doc_text(doc)[rng[0]:rng[1]], "place", "pattern"))
        taken.append(rng)


def _extend_designators(doc: Doc, mentions: list[Mention]) -> None:
    """Fold a following designator into the mention and note the feature it implies."""
    by_char = {t.idx: t for t in doc}
    for m in mentions:
        if m.type != "place" or m.feature == "country":
            continue
        nxt = _token_after(doc, m.end, by_char)
        if nxt is not None and nxt.lower_ in DESIGNATOR_FEATURE:
            m.feature = DESIGNATOR_FEATURE[nxt.lower_]
            m.end = nxt.idx + len(nxt.text)
            m.text = doc_text(doc)[m.start:m.end]
            continue
        prev = _token_before(doc, m.start)
        if prev is not None and prev.lower_ == "of" and prev.i > 0 and doc[prev.i - 1].lower_ in _SETTLEMENT:
            m.feature = m.feature or "city"
        elif prev is not None and prev.lower_ in _SETTLEMENT:
            m.feature = m.feature or "city"


def _token_after(doc: Doc, end: int, by_char: dict[int, object]):
    """The token starting at ``end`` after optional whitespace, if any."""
    text = doc_text(doc)
    k = end
    while k < len(text) and text[k].isspace():
        k += 1
    return by_char.get(k)


def _token_before(doc: Doc, start: int):
    span = doc.char_span(start, start + 1, alignment_mode="expand") if start < len(doc_text(doc)) else None
    if span is None or span.start == 0:
        return None
    return doc[span.start - 1]


def _fuzzy_kb(doc: Doc, mentions: list[Mention], taken: list[tuple[int, int]], kb: KnowledgeBase) -> None:
    """Typo-tolerant KB matching for proper-noun runs the matchers missed ('Eursianet')."""
    for m in mentions:
        if m.kb_id is None and m.type in ("organization", "person") and m.source == "ner":
            entry = kb.lookup(m.text) or kb.fuzzy(m.text)
            if entry is not None and entry.type == "organization":
                m.kb_id, m.type, m.source = entry.id, "organization", "fuzzy"
    for span in _proper_noun_runs(doc):
        rng = (span.start_char, span.end_char)
        if any(_overlaps(rng, t) for t in taken) or len(span.text) < 6:
            continue
        entry = kb.fuzzy(span.text, cutoff=88)
        if entry is not None:
            mentions.append(Mention(*rng, span.text, entry.type, "fuzzy", kb_id=entry.id,
                                    feature=entry.feature, country=entry.country))
            taken.append(rng)


def _name_before(doc: Doc, end_tok: int) -> Span | None:
    """The capitalised name that ends just before token ``end_tok`` ('... Province (IS-K)')."""
    j = end_tok - 1
    start = None
    while j >= 0:
        t = doc[j]
        if t.is_title or t.is_upper or (t.lower_ in _NAME_GLUE and start is not None):
            if t.is_title or t.is_upper:
                start = j
            j -= 1
            continue
        break
    if start is None:
        return None
    while start < end_tok and doc[start].lower_ in _NAME_GLUE:
        start += 1
    if start >= end_tok:
        return None
    return doc[start:end_tok]


def _alias_patterns(doc: Doc, mentions: list[Mention], kb: KnowledgeBase,
                    taken: list[tuple[int, int]]) -> None:
    """'Name (ABBR)', 'Name, or Other,', '(formerly known as X)': both names, one thing."""
    text = doc_text(doc)

    def mention_for(start: int, end: int, type_hint: str | None) -> int | None:
        for i, m in enumerate(mentions):
            if m.start <= start and end <= m.end or (start <= m.start and m.end <= end and m.end - m.start >= (end - start) * 0.6):
                return i
        if type_hint is None:
            return None
        inside = [m for m in mentions if _overlaps((start, end), (m.start, m.end))]
        if any(m.start < start or m.end > end or m.kb_id for m in inside):
            return None
        if any(_overlaps((start, end), t) for t in taken if not any((m.start, m.end) == t for m in inside)):
            return None
        for m in inside:  # "Kenya" inside "Kenya National Commission on Human Rights (KNCHR)"
            m.type = "dropped"
            taken.remove((m.start, m.end)) if (m.start, m.end) in taken else None
        mentions.append(Mention(start, end, text[start:end], type_hint, "pattern"))
        taken.append((start, end))
        return len(mentions) - 1

    for tok in doc:
        if tok.text != "(" or tok.i + 2 >= len(doc):
            continue
        close = next((t for t in doc[tok.i + 1: tok.i + 8] if t.text == ")"), None)
        if close is None:
            continue
        inner = doc[tok.i + 1: close.i]
        name = _name_before(doc, tok.i)
        if name is None or len(name) < 2:
            continue
        inner_text = inner.text
        lowered = inner_text.lower()
        for lead in ("formerly known as ", "also known as ", "known as ", "a.k.a. ", "aka "):
            if lowered.startswith(lead):
                inner_text = inner_text[len(lead):]
                break
        else:
            if not _ACRONYM.match(inner_text.replace(" ", "")):
                continue
        istart = inner.end_char - len(inner_text)
        a = mention_for(istart, inner.end_char, None)
        b = mention_for(name.start_char, name.end_char, None)
        type_hint = None
        if a is not None:
            type_hint = mentions[a].type
        elif b is not None:
            type_hint = mentions[b].type
        else:
            entry = kb.lookup(inner_text) or kb.lookup(name.text)
            type_hint = entry.type if entry else None
        if type_hint is None or type_hint == "norp":
            continue
        a = mention_for(istart, inner.end_char, type_hint)
        b = mention_for(name.start_char, name.end_char, type_hint)
        if a is not None and b is not None and a != b:
            mentions[a].same_as.append(b)
            mentions[b].same_as.append(a)
    for m in re.finditer(r"\b([A-Z][\w'\-]+(?:\s+[A-Z][\w'\-]+){0,3}),?\s+(?:alias|aka|a\.k\.a\.|also\s+known\s+as)\s+([A-Z][\w'\-]+(?:\s+[A-Z][\w'\-]+){0,3})", text):
        first = [i for i, x in enumerate(mentions) if x.start <= m.start(1) < x.end and x.type == "person"]
        if first:
            a = mention_for(m.start(2), m.end(2), "person")
            if a is not None and a != first[0]:
                mentions[a].same_as.append(first[0])
                mentions[first[0]].same_as.append(a)
    for m in re.finditer(r",\s+or\s+([A-Z][\w\u2019'\-\u2013\u2014]*(?:\s+[A-Z][\w\u2019'\-\u2013\u2014]*){0,4}),", text):
        alias_start, alias_end = m.span(1)
        prev = [i for i, x in enumerate(mentions) if x.end <= m.start() and m.start() - x.end <= 8 and x.type != "norp"]
        if not prev:
            continue
        b = prev[-1]
        a = mention_for(alias_start, alias_end, mentions[b].type)
        if a is not None and a != b:
            mentions[a].same_as.append(b)
            mentions[b].same_as.append(a)
