"""Follow-up questions: does a question lean on the turn before it, and its standalone form if so.

A question leans on the previous turn when it cannot be understood alone: it opens as a continuation
("En voor onderzoeksprojecten?", "What about tutors?"), it is a fragment of function words ("Waarom
niet?", "Voor wie?"), or it refers back with a word whose referent is not in the question itself ("Wie
moet er *dan* betrokken worden?", "Moet *dat* ook gedocumenteerd worden?", "Welke gegevens mogen we
*daarvoor* gebruiken?", "when we use *it*"). The same words are left alone where they do not refer
back: the article in "het cijferoverzicht", the conjunction in "Klopt het dat ...", the relative in
"data die studenten invoeren", the dummy subject in "Is het toegestaan om ...", the existential "Is
there ...", the comparative "langer dan", a "then" that answers an "if", and any pronoun in a clause
after a noun of the same question ("... voordat we *ze* verwijderen", "We hebben een dashboard. Mag
*dat*?").

The words are those of `assistant/data/lexicons/followup.yaml` (general vocabulary); the rules below
use only their word classes and positions.
"""

from __future__ import annotations

import re
from functools import cache

from assistant.lexicon import compile_terms, load_lexicon
from assistant.text import fold, split_sentences

__all__ = ["leans_on_history", "condense_deterministic"]

_TOKEN = re.compile(r"\w+(?:['’-]\w+)*|[,;:]")
_MAX_DEPTH = 3  # a chain of follow-ups is resolved over at most this many earlier turns
_FUNCTION_WORDS = (
    "question_words",
    "auxiliaries",
    "subject_pronouns",
    "determiners",
    "prepositions",
    "particles",
    "coordinators",
    "subordinators",
    "personal_pronouns",
    "relative_demonstratives",
    "demonstratives",
    "sameness",
    "then",
    "pro_adverbs",
    "er_compounds",
    "there",
)


@cache
def _groups() -> dict[str, re.Pattern]:
    return {name: compile_terms(g.terms) for name, g in load_lexicon("followup").groups.items()}


def _is(token: str | None, *groups: str) -> bool:
    """Whether `token` (folded, one word) is a term of one of `groups`."""
    if token is None:
        return False
    g = _groups()
    return any(g[name].fullmatch(token) for name in groups)


def _closed(token: str | None) -> bool:
    """A function word or punctuation: never the noun a pronoun could refer to."""
    return token is not None and (token in ",;:" or _is(token, *_FUNCTION_WORDS))


def _head(token: str | None) -> str | None:
    """The last part of a hyphenated compound ("la-beleid" -> "beleid")."""
    return token.rsplit("-", 1)[-1] if token else token


def _boundary(toks: list[str], j: int) -> bool:
    """Token j starts a new clause: a subordinator or coordinator, a comma, an embedded question word."""
    return (
        toks[j] in ",;:"
        or _is(toks[j], "subordinators", "coordinators")
        or (j > 0 and _is(toks[j], "question_words"))
        or (_is(toks[j], "then") and any(_is(x, "comparatives") for x in toks[max(0, j - 3) : j]))
    )


def _verb_slot(toks: list[str], i: int) -> bool:
    """Token i sits where a question puts its finite verb: first (a yes/no question: "Geldt dat ...")
    or second after a question word that is not a determiner ("Wat betekent dat ...")."""
    return i == 0 or (i == 1 and _is(toks[0], "question_words") and not _is(toks[0], "question_determiners"))


def _noun_before(toks: list[str], end: int) -> bool:
    """Some token before `end` looks like a noun: after a determiner or preposition, the subject of a
    yes/no question ("Moeten studenten ..."), a compound with a hyphen or a digit, or a content word
    followed by another content word ("studentgegevens bewaren", "use grades")."""
    for k in range(end):
        t = toks[k]
        if _closed(t) or _is(t, "comparatives", "dummy_predicates"):
            continue
        prev = toks[k - 1] if k else None
        nxt = toks[k + 1] if k + 1 < end else None
        if (
            _is(prev, "determiners", "prepositions")
            or (k == 1 and _is(prev, "auxiliaries"))
            or "-" in t
            or any(ch.isdigit() for ch in t)
            or (nxt is not None and not _closed(nxt))
        ):
            return True
    return False


def _referent_in_question(toks: list[str], i: int) -> bool:
    """The word at i stands in a later clause than a noun of the same question ("Moeten studenten
    toestemming geven voordat we ze analyseren?", "Can we collect grades and share them?"); a pronoun
    cannot refer to a noun of its own clause, so only earlier clauses count."""
    for j in range(i - 1, 0, -1):
        if _boundary(toks, j) or (_is(toks[j], "relative_demonstratives") and not _closed(toks[j - 1])):
            return _noun_before(toks, j)
    return False


def _dummy(toks: list[str], i: int) -> bool:
    """ "het" / "it" standing for a clause later in the question ("Is het toegestaan om ...", "How long
    does it take before ...", "Klopt het dat ...")."""
    if any(_is(t, "clause_complementizers") for t in toks[i + 2 : i + 4]):
        return True  # "How is it decided whether ...", "Is het zo dat ..."
    window = toks[max(0, i - 2) : i + 4]
    return any(_is(t, "dummy_predicates") for t in window) and any(
        _is(t, "complementizers") for t in toks[i + 1 :]
    )


def _het_is_pronoun(toks: list[str], i: int) -> bool:
    """An article pronoun ("het") as a pronoun, not the article of a noun: nothing or a function word follows ("Moeten we het
    ook melden?"), a predicate ("Is het verplicht?"), or only the final verb ("Mogen we het bewaren?",
    "Moet het gedocumenteerd worden?")."""
    rest = toks[i + 1 :]
    if not rest or _closed(rest[0]) or _is(rest[0], "dummy_predicates"):
        return True
    if len(rest) == 1:
        return rest[0].endswith("en")  # an infinitive; "het doel" is a noun
    if i and _is(toks[i - 1], "subject_pronouns") and rest[0].endswith("en"):
        return not _is(rest[1], "genitive")  # "Kunnen we het anonimiseren ...", not "het bewaren van ..."
    return len(rest) == 2 and _is(rest[1], "passive_auxiliaries")


def _demonstrative_refers(toks: list[str], i: int) -> bool:
    """dat / die / that as a demonstrative, not as a relative pronoun or a conjunction."""
    t, prev = toks[i], toks[i - 1] if i else None
    nxt = toks[i + 1] if i + 1 < len(toks) else None
    if nxt is None or prev is None:
        return not _is(_head(nxt), "situation_nouns")
    asked = _verb_slot(toks, i - 1) and _is(prev, "auxiliaries")  # "Is dat ...", "Does that ..."
    if (
        _is(t, "conjunction_demonstratives")
        and not asked
        and _is(nxt, "subject_pronouns", "determiners", "personal_pronouns")
    ):
        return False  # a clause follows: "Stel dat we ...", "Ik wil dat mijn studenten ..."
    if _verb_slot(toks, i - 1) or _is(prev, "auxiliaries"):
        return True  # "Geldt dat ook ...", "Wat betekent dat ...", "Is that the case ..."
    last = i + 2 == len(toks)
    subject = i == 2 or (i in (3, 4) and _is(toks[1], "determiners") and not any(map(_closed, toks[2:i])))
    if _is(t, "object_demonstratives") and subject and _is(toks[0], "auxiliaries"):  # after a yes/no subject
        after = toks[i + 2] if not last else None
        if _closed(nxt) and not _is(nxt, "determiners", "personal_pronouns", "subject_pronouns"):
            return True  # "Mogen docenten dat per student bekijken?"
        if last or _is(after, "particles", "prepositions"):
            return not _is(_head(nxt), "situation_nouns")  # "Mag de examencommissie die cijfers ook ..."
    if last:
        return not _is(_head(nxt), "situation_nouns")  # a determiner: "Who carries out that scan?"
    if not _is(prev, "subject_pronouns", "prepositions"):
        return False  # "data die studenten invoeren", "weten dat hun ...", "bevestig gewoon dat ..."
    return not _is(_head(nxt), "situation_nouns")  # "Mogen we die bewaren?", "voor dat project"


def _anaphor(toks: list[str], i: int) -> bool:
    """Whether token i is a word that refers back, in the use it has here."""
    t = toks[i]
    prev = toks[i - 1] if i else None
    nxt = toks[i + 1] if i + 1 < len(toks) else None
    if _is(t, "pro_adverbs"):
        return True
    if _is(t, "er_compounds"):  # "ervoor zorgen dat ...": points ahead
        return not any(_is(x, "complementizers") for x in toks[i + 1 : i + 4])
    if _is(t, "there"):  # "Is there ...", "there must be ...": existential
        return not (_is(prev, "auxiliaries") or _is(nxt, "auxiliaries"))
    if _is(t, "then"):
        if any(_is(x, "comparatives") for x in toks[max(0, i - 3) : i]):
            return False  # "langer dan"
        return not any(  # "Als we AI gebruiken, wie moet er dan ...": the "if" is in the question
            _is(toks[j], "conditionals") and (j > 0 or not _is(toks[j + 1], "auxiliaries")) for j in range(i)
        )
    if _is(t, "sameness"):  # "hetzelfde als informed consent"
        return not any(_is(x, "comparison_words") for x in toks[i + 1 : i + 4])
    if _is(t, "demonstratives"):
        return not _is(_head(nxt), "situation_nouns")  # "dit (LA-)beleid" is the policy itself
    if _is(t, "relative_demonstratives"):
        if _is(prev, "pro_adverbs", "er_compounds"):
            return False  # "ervoor ... dat": the conjunction of a pointing-ahead adverb
        return _demonstrative_refers(toks, i)
    if _is(t, "personal_pronouns"):
        if _is(t, "article_pronouns") and not _het_is_pronoun(toks, i):
            return False
        return not (_is(t, "dummy_subjects") and _dummy(toks, i))
    return False


def _tokens(sentence: str) -> list[str]:
    """Folded tokens of one sentence, fixed expressions left out; words written in capitals inside a
    sentence that is not ("DAN", "IT") are names and become a neutral placeholder."""
    capitals = set()
    if not sentence.isupper():
        capitals = {fold(w) for w in re.findall(r"\b[A-Z]{2,}\b", sentence)}
    folded = _groups()["fixed_expressions"].sub(" ", fold(sentence))
    return ["_name_" if t in capitals else t for t in _TOKEN.findall(folded)]


def _first_sentence(question: str) -> list[str]:
    """The tokens of the first sentence with two or more words: later sentences of a question may
    refer to its earlier ones ("We have a dashboard. May we keep it?")."""
    toks: list[str] = []
    for a, b in split_sentences(question):
        toks = _tokens(question[a:b])
        if len([t for t in toks if t not in ",;:"]) >= 2:
            return toks
    return toks


def leans_on_history(question: str) -> bool:
    """Whether `question` (Dutch or English) leans on the previous turn of a chat; see the module
    docstring for the rules and `lexicons/followup.yaml` for the words."""
    toks = _first_sentence(question.strip())
    words = [t for t in toks if t not in ",;:"]
    if not words:
        return False
    after_interjection = re.sub(r"^\W*\w+[.!,]+\s+", "", fold(question.strip()), count=1)  # "Ok. En ..."
    if any(_groups()["openers"].match(text) for text in (" ".join(words), after_interjection)):
        return True
    if len(words) <= 2 or (len(words) <= 3 and _is(words[0], "prepositions")):
        return any(_closed(w) for w in words)  # "Waarom niet?", "Voor wie?"; not "Retention period?"
    return any(_anaphor(toks, i) and not _referent_in_question(toks, i) for i in range(len(toks)))


_SHARED_HEAD = 5  # letters two words must end alike to name the same kind of thing ('...project')
_MODIFIERS = 2  # content words right before a replaced word that go with it ('langdurig LA-...project')


def _content(token: str) -> bool:
    return len(token) >= 3 and not _closed(token)


def _same_kind(a: str, b: str) -> bool:
    """Whether folded words `a` and `b` end alike in 5+ letters: the same word or compound head
    ('la-implementatieproject' / 'onderzoeksproject', 'projects' / 'projects')."""
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n >= _SHARED_HEAD


def _contrasted(question: str, previous: str) -> str:
    """`previous` without what a continuation (`question` opens with "En voor", "What about", ...) puts
    in its place: each word of `previous` of the same kind as a content word of `question`
    (`_same_kind`), with the content words right before it (its modifiers). "En bij een
    onderzoeksproject?" after "Welke grondslag geldt voor een langdurig LA-implementatieproject?"
    searches with "Welke grondslag geldt voor een ?", not for implementation projects again.
    Any other question: `previous` unchanged."""
    words = [t for t in _first_sentence(question.strip()) if t not in ",;:"]
    if not words or not _groups()["openers"].match(" ".join(words)):
        return previous
    new = [w for w in words if _content(w)]
    spans = [(m.start(), m.end(), fold(m.group(0))) for m in _TOKEN.finditer(previous)]
    drop: set[int] = set()
    for i, (_, _, tok) in enumerate(spans):
        if _content(tok) and any(_same_kind(tok, w) for w in new):
            drop.add(i)
            k = i - 1
            while k >= 0 and i - k <= _MODIFIERS and _content(spans[k][2]):
                drop.add(k)
                k -= 1
    if not drop:
        return previous
    kept, last = [], 0
    for i, (a, b, _) in enumerate(spans):
        if i in drop:
            kept.append(previous[last:a])
            last = b
    kept.append(previous[last:])
    return re.sub(r"\s{2,}", " ", "".join(kept)).strip()


def condense_deterministic(question: str, history: list[tuple[str, str]], depth: int = _MAX_DEPTH) -> str:
    """`question` with the previous question added when it leans on it ('En voor onderzoeksprojecten?
    (Welke grondslag geldt voor LA-implementatieprojecten?)'); a self-contained question unchanged.

    `history` holds (question, answer) pairs, oldest first. A previous question that was itself a
    follow-up is first condensed with the turns before it (up to `depth` turns back)."""
    if not history or not leans_on_history(question):
        return question
    previous = history[-1][0]
    if depth > 1:
        previous = condense_deterministic(previous, history[:-1], depth - 1)
    previous = _contrasted(question, previous)
    return f"{question} ({previous})"
