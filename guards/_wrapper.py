"""Guarded inference: input guard, generator, output guard, CSV fallback.

``GuardedModel.ask(question)`` refuses before generation when the input guard
says so (no generation happens), and after generation repairs or replaces the
answer: a loop is cut, stray tokens are removed, and an answer with an
unsupported fact (or any other blocking finding) is replaced by the closest
CSV answer.  So is an answer that passes every check but is about none of
the retrieved rows (finding ``ungrounded``): its e5 cosine to the closest of
their answers is below the retriever's ``support_threshold``, the median
cosine of a CSV answer to its nearest other answer.  Any error in a guard
refuses: fail closed.

A refusal by the topic model that was not far off (probability at least
:data:`SUGGEST_MIN_SCORE`) names the three closest CSV questions, so a user
whose legitimate question was refused ("Me robaron la mochila con mi carnet
adentro, ¿cómo saco otro?") can ask it the way the CSV does; safety and
injection refusals never suggest anything.
"""

from __future__ import annotations

import logging
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Sequence

from ._names import BREAKS, COMMON_ACRONYMS, CONNECTORS, TOKEN, WEB_HOSTS, WEB_NAME, is_name, plain
from ._requests import language_of
from ._types import Finding, OutputVerdict, Verdict

log = logging.getLogger(__name__)
SUGGEST_MIN_SCORE = 0.05
"""Topic refusals scoring at least this name the closest CSV questions (on the probe sets' tune
halves: all 11 paraphrase, hard-benign and odd-format prompts the topic model refused, and 26 of
its 182 off-topic refusals)."""

@dataclass(frozen=True)
class GuardedAnswer:
    """The result of one guarded question.

    Attributes:
        question: what was asked.
        answer: the text to show the user.
        action: ``refused`` (input guard), ``answered`` (as generated),
            ``cut`` (loop removed), ``cleaned`` (stray tokens removed),
            ``fallback`` (replaced by the closest CSV answer).
        input_verdict: the input guard's verdict.
        output_verdict: the output guard's verdict on the raw answer, if any.
        raw_answer: what the generator said ("" when refused).
        fallback_row: CSV row of the fallback answer, if one was used.
        latency_ms: wall time of the whole call.
        suggestions: CSV questions the refusal offers instead (topic refusals only).
    """

    question: str
    answer: str
    action: str
    input_verdict: Verdict
    output_verdict: OutputVerdict | None = None
    raw_answer: str = ""
    fallback_row: int | None = None
    latency_ms: float = 0.0
    suggestions: tuple[str, ...] = ()

    @property
    def findings(self) -> tuple[Finding, ...]:
        return self.output_verdict.findings if self.output_verdict else ()


_WHAT_IS = re.compile(r"^\W*(?i:qu[eé] es|what is)\s+(?:(?i:la|el|los|las|the)\s+)?(?P<name>[^?]+?)"
                      r"(?:\s+y\s+(?=[a-záéíóúñ¿])[^?]*)?\?")


def institution_name(rows: Sequence[Any]) -> str | None:
    """The institution's name: what an early «¿Qué es X?» row asks about; else the capitalised name that spells
    the CSV's most used mail or web name ("IEP Santa Rosa" for informes@iepsantarosa.edu.pe); else ``None``
    (say "the institution").  Never merely the most frequent capitalised word: a regulator the CSV cites often
    ("OSIPTEL", "SUNARP"), a town or a doctor is not the institution.  Cached per row tuple: every refusal
    asks for it, and the scan of a 150-row CSV takes a few milliseconds."""
    return _institution_name(tuple(rows))


@lru_cache(maxsize=8)
def _institution_name(rows: tuple) -> str | None:
    for r in rows[:5]:
        m = _WHAT_IS.match(r.question.strip())
        if m and m.group("name")[:1].isupper():
            return m.group("name").strip()
    web = Counter(w for r in rows for m in WEB_NAME.finditer(f"{r.question} {r.answer}")
                  if len(w := plain(m.group(1)).replace("-", "")) >= 5 and w not in WEB_HOSTS)
    counts: Counter = Counter()
    for r in rows:
        counts.update(set(_capital_runs(f"{r.question}. {r.answer}")))

    def spelled(name: str) -> int:  # how often the CSV's addresses spell it
        j = plain(name).replace("'", "")
        return sum(n for w, n in web.items() if len(j) >= 5 and j in w)

    pool = [n for n in counts if spelled(n) and plain(n) not in WEB_HOSTS | COMMON_ACRONYMS]
    return max(pool, key=lambda n: (spelled(n), counts[n], len(n))) if pool else None


def _capital_runs(text: str) -> list[str]:
    """Capitalised names in ``text`` and their pieces of up to four words: several words, all capitals or an
    inner capital ("Santa Rosa", "TECSUR", "KotoshNet"), connectors kept inside."""
    names, run = [], []
    for tok in [*TOKEN.findall(text), "."]:
        if is_name(tok) and tok not in BREAKS and (run or plain(tok) not in CONNECTORS):
            run.append(tok)
        elif run and plain(tok) in CONNECTORS:
            run.append(tok)
        else:
            while run and plain(run[-1]) in CONNECTORS:
                run.pop()
            pieces = [run[i:j] for i in range(len(run)) for j in range(i + 1, min(len(run), i + 4) + 1)]
            names += [" ".join(p) for p in pieces if plain(p[0]) not in CONNECTORS and plain(p[-1]) not in CONNECTORS
                      and (len(p) > 1 or p[0].isupper() or any(c.isupper() for c in p[0][1:]))]
            run = []
    return names


def domain_blurb(rows: Sequence[Any], lang: str) -> str:
    """'CENFOBANK: sus servicios, precios, horarios ...'-style description from the CSV."""
    name = institution_name(rows) or ("la institución" if lang == "es" else "the institution")
    if lang == "en":
        return f"{name}: its services, prices, schedules, requirements and contacts"
    return f"{name}: sus servicios, precios, horarios, requisitos y contactos"


def _quoted(items: Sequence[str], lang: str) -> str:
    q = [f"«{t}»" if lang == "es" else f'"{t}"' for t in items]
    return q[0] if len(q) == 1 else f"{', '.join(q[:-1])} {'o' if lang == 'es' else 'or'} {q[-1]}"


def refusal_message(question: str, rows: Sequence[Any], suggestions: Sequence[str] = ()) -> str:
    """A polite refusal in the question's language that says what the assistant is for,
    and offers ``suggestions`` (CSV questions) when there are any."""
    lang = language_of(question)
    if lang == "en":
        text = f"Sorry, I can't help with that. I can only answer questions about {domain_blurb(rows, 'en')}."
        return text + (f" Perhaps you meant: {_quoted(suggestions, lang)}" if suggestions else "")
    text = f"Lo siento, no puedo ayudarte con eso. Solo puedo responder preguntas sobre {domain_blurb(rows, 'es')}."
    return text + (f" Quizás quieras preguntar: {_quoted(suggestions, lang)}" if suggestions else "")


def _cut_loop(answer: str, findings: Sequence[Finding]) -> str:
    first = min(f.start for f in findings if f.kind == "repetition")
    head = answer[:first].rstrip()
    return head if len(head.split()) >= 3 else ""


def _strip_tokens(answer: str, findings: Sequence[Finding]) -> str:
    for f in sorted((f for f in findings if f.kind == "stray_token"), key=lambda f: -f.start):
        answer = answer[:f.start] + answer[f.end:]
    return re.sub(r"[ \t]{2,}", " ", re.sub(r"\s+([.,;:!?])", r"\1", answer)).strip()


@dataclass
class GuardedModel:
    """A generator behind the input guard and the output guard.

    Attributes:
        generator: any ``Generator`` (``generate(prompts) -> list[str]``).
        guard: the input check (``check(text) -> Verdict``).
        output_guard: the answer checker (``check(question, answer, rows=...)``).
        retriever: the CSV index (closest answer for the fallback, rows for grounding).
        grounded: check numbers only against the retrieved rows (grounded prompts).
        k: rows retrieved for grounding.
    """

    generator: Any
    guard: Any
    output_guard: Any
    retriever: Any
    grounded: bool = True
    k: int = 3
    name: str = "guarded"
    _rows: tuple = field(default=(), repr=False)

    @classmethod
    def from_run(cls, run_dir: str, *, grounded: bool = True, **gen_kwargs) -> "GuardedModel":
        """The run's tuned model (adapter merged) behind the guards built from its CSV."""
        from harness._runs import load_run_generator

        gen, retriever, csv_path = load_run_generator(run_dir, grounded=grounded, **gen_kwargs)
        return cls.from_csv(csv_path, gen, retriever=retriever, grounded=grounded)

    @classmethod
    def from_csv(cls, csv_path: str, generator: Any, *, retriever: Any = None, grounded: bool = True) -> "GuardedModel":
        from harness import Retriever

        from ._chain import Guard
        from ._output import OutputGuard

        retriever = retriever or Retriever.from_csv(csv_path)
        return cls(generator, Guard.from_retriever(retriever), OutputGuard.from_csv(csv_path), retriever, grounded)

    def _ungrounded(self, text: str, raw: str, hits: Sequence[Any]) -> Finding | None:
        """An ``ungrounded`` finding when ``text`` is about none of the ``hits`` (see the module
        docstring); ``None`` when it is, or when the retriever cannot tell (no hits, no threshold)."""
        threshold = getattr(self.retriever, "support_threshold", None)
        if not hits or threshold is None or threshold <= -1.0:
            return None
        rows = [h.row for h in hits]
        try:
            support = float(self.retriever.answer_support(text, rows))
        except Exception as exc:  # fail closed: an answer that cannot be checked is not shown
            log.exception("grounding check failed")
            return Finding("ungrounded", 0, len(raw), raw, f"grounding check error ({type(exc).__name__})")
        if support >= threshold:
            return None
        return Finding("ungrounded", 0, len(raw), raw,
                       f"about none of the retrieved rows {rows}: cosine {support:.3f} to the closest of their "
                       f"answers, below {threshold:.3f} (the median cosine of a CSV answer to its nearest other one)")

    def _all_rows(self):
        if not self._rows:
            self._rows = tuple(self.retriever.rows)
        return self._rows

    def _suggestions(self, question: str, verdict: Verdict) -> tuple[str, ...]:
        """The closest CSV questions for a near-miss topic refusal (none on any error)."""
        if verdict.guard != "topic" or verdict.score < SUGGEST_MIN_SCORE:
            return ()
        try:
            return tuple(dict.fromkeys(h.question for h in self.retriever.search(question, k=3)))
        except Exception:  # a suggestion is a courtesy: the refusal stands without it
            log.exception("no suggestions for a refused question")
            return ()

    def screen(self, question: str) -> Verdict:
        try:
            verdict = self.guard.check(question)
            if not isinstance(verdict, Verdict):
                raise TypeError(f"guard returned {type(verdict).__name__}, not a Verdict")
            return verdict
        except Exception as exc:  # fail closed
            log.exception("input guard failed")
            return Verdict(False, "error", 0.0, f"guard error ({type(exc).__name__}): refused")

    def ask(self, question: str) -> GuardedAnswer:
        return self.ask_many([question])[0]

    def ask_many(self, questions: Sequence[str], answers: Sequence[str] | None = None) -> list[GuardedAnswer]:
        """Guarded answers for a batch; ``answers`` reuses raw answers already
        generated for exactly these questions (evaluation), else the generator runs
        on the accepted questions only."""
        t0 = time.perf_counter()
        verdicts = [self.screen(q) for q in questions]
        todo = [i for i, v in enumerate(verdicts) if v.allowed]
        raw = [""] * len(questions)
        if answers is not None:
            for i in todo:
                raw[i] = answers[i]
        elif todo:
            for i, a in zip(todo, self.generator.generate([questions[i] for i in todo])):
                raw[i] = a
        per = (time.perf_counter() - t0) * 1000 / max(1, len(questions))
        return [self._finish(q, v, raw[i], per) for i, (q, v) in enumerate(zip(questions, verdicts))]

    def _finish(self, question: str, verdict: Verdict, raw: str, latency: float) -> GuardedAnswer:
        if not verdict.allowed:
            tips = self._suggestions(question, verdict)
            return GuardedAnswer(question, refusal_message(question, self._all_rows(), tips), "refused", verdict,
                                 latency_ms=latency, suggestions=tips)
        try:
            hits = self.retriever.search(question, k=self.k)
            out = self.output_guard.check(question, raw, rows=hits if self.grounded else None)
        except Exception as exc:  # fail closed: never show an unchecked answer
            log.exception("output guard failed")
            out = OutputVerdict(False, (), f"output guard error ({type(exc).__name__})")
            hits = []
        kinds = out.kinds()
        text, action = raw, "answered"
        if not out.allowed and kinds <= {"repetition", "stray_token", "refusal"} and kinds:
            if "repetition" in kinds:
                text, action = _cut_loop(text, out.findings), "cut"
            if "stray_token" in kinds and text:
                text, action = _strip_tokens(text, [f for f in out.findings if f.end <= len(text)]), "cleaned" if action == "answered" else action
        elif not out.allowed:
            text = ""
        if text:
            off = None if "refusal" in kinds else self._ungrounded(text, raw, hits)  # a refusal is safe as it is
            if off is None:
                return GuardedAnswer(question, text, action, verdict, out, raw, latency_ms=latency)
            out = OutputVerdict(False, tuple(sorted((*out.findings, off), key=lambda f: (f.start, f.end, f.kind))),
                                f"blocked: ungrounded; {off.detail}")
        if hits:
            top = hits[0]
            return GuardedAnswer(question, top.answer, "fallback", verdict, out, raw, top.row, latency)
        return GuardedAnswer(question, refusal_message(question, self._all_rows()), "refused", verdict, out, raw,
                             latency_ms=latency)
