"""``nlp.morph``: the same part of speech, tag, morphology, lemma and labels as the model's own
attribute ruler and lemmatizer, token by token, on real text and on the rules' corner cases."""

from __future__ import annotations

import spacy

from khabar.nlp.morph import NAME, install
from khabar.nlp.pipeline import MODEL, load_nlp
from tests.conftest import ROOT

TEXTS = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus" / "articles").glob("*.txt"))]
TEXTS += [p.read_text(encoding="utf-8") for p in sorted((ROOT / "tests" / "data").glob("probe-*.txt"))]
CORNERS = [
    # pronouns and possessives (rules with lemma and morphology), "n't" and "not", contractions,
    # "ai n't" (a two-token rule), auxiliaries, spaces and line breaks (space rules), "but" as adverb
    "I told them she'd left, but he said it wasn't hers: we ain't going, they're doin' nothin'.\n\n"
    "  It had been raining; being there was all but impossible.  You can't, won't, shan't.",
    "gunmen ambushed a patrol , killing two soldiers . the guerrillas set fire to the mayor 's office .",
    "THE ARMY SAID IT HAD DETAINED 12 SUSPECTS.\t\tA spokesman, who'd asked not to be named, ain't sure.",
]


def _rows(doc):
    return [(t.text, t.pos_, t.tag_, str(t.morph), t.lemma_, t.dep_, t.head.i, t.ent_iob_, t.ent_type_) for t in doc]


def test_the_same_annotations_as_spacys_components():
    reference = spacy.load(MODEL)
    ours = load_nlp()
    assert NAME in ours.pipe_names and "attribute_ruler" not in ours.pipe_names
    texts = TEXTS + CORNERS + [t.lower() for t in TEXTS[:3]]  # MUC-4 style lower-cased text too
    for ref_doc, doc in zip(reference.pipe(texts, batch_size=8), ours.pipe(texts, batch_size=8), strict=True):
        assert _rows(doc) == _rows(ref_doc)
    # one text at a time (nlp(text)) as well as batched
    assert _rows(ours(CORNERS[0])) == _rows(reference(CORNERS[0]))


def test_install_is_idempotent_and_keeps_the_components():
    nlp = spacy.load(MODEL)
    assert install(nlp) and install(nlp)
    assert nlp.pipe_names.count(NAME) == 1
    assert {"attribute_ruler", "lemmatizer"} <= set(nlp.component_names)  # disabled, their tables read
    assert nlp("").text == ""


def test_a_memo_that_starts_afresh_changes_nothing(monkeypatch):
    from khabar.nlp import morph

    reference = spacy.load(MODEL)
    monkeypatch.setattr(morph, "MEMO", 3)  # every table is cleared again and again
    ours = spacy.load(MODEL)
    assert install(ours)  # a fresh Morph, its tables empty
    for text in CORNERS + TEXTS[:2]:
        assert _rows(ours(text)) == _rows(reference(text))
    assert len(ours.get_pipe(NAME)._singles) <= 4
