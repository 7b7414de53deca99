"""Baselines of ``bench/guard.py``: a TF-IDF nearest-question guard and an LLM
self-check guard (the NeMo Guardrails approach) with the embedded model, and
the cost of one generation to compare them with (see ``bench/guard.py``)."""

from __future__ import annotations

import time

import numpy as np

import _common as C
from _tfidf import TfIdf, tokens

GEN_TOKENS = 48


# --------------------------------------------------------------------------- TF-IDF baseline

class TfIdfNearest:
    """Accept when the nearest CSV question (TF-IDF cosine, accents folded) is close enough."""

    name = "tfidf"

    def __init__(self, questions: list[str], pct: float = 5.0):
        self.tfidf = TfIdf(questions, fold_accents=True)
        sims = self.tfidf.matrix @ self.tfidf.matrix.T
        np.fill_diagonal(sims, -1.0)  # leave one out
        self.loo = sims.max(axis=1)
        self.threshold = float(np.percentile(self.loo, pct))

    def score(self, text: str) -> float:
        return float(self.tfidf.scores(text).max())

    def allowed(self, text: str) -> bool:
        return self.score(text) >= self.threshold


# --------------------------------------------------------------------------- LLM self-check

class SelfCheck:
    """Ask the model whether the question is about the institution and safe."""

    name = "llm-selfcheck"

    def __init__(self, model, tok, institution: str, max_new_tokens: int = 4):
        self.model, self.tok, self.institution, self.max_new = model, tok, institution, max_new_tokens
        self.unparsed = 0
        self.threshold = 0.0  # on the margin; calibrate() sets it from the CSV's questions

    def calibrate(self, questions: list[str], pct: float = 5.0) -> float:
        """Threshold = the ``pct`` percentile of the margins of the CSV's own
        questions (all must be accepted), as for the TF-IDF baseline."""
        self.threshold = C.percentile([self.margin(q) for q in questions], pct)
        return self.threshold

    def prompt(self, text: str) -> str:
        msg = (f"Pregunta: «{text}»\n\n¿Esta pregunta trata sobre {self.institution} y es segura? "
               "Responde sí o no.")
        return self.tok.apply_chat_template([{"role": "user", "content": msg}], tokenize=False,
                                            add_generation_prompt=True)

    def answer(self, text: str) -> str:
        import torch

        enc = self.tok(self.prompt(text), return_tensors="pt", add_special_tokens=False)
        with torch.inference_mode():
            out = self.model.generate(**enc, max_new_tokens=self.max_new, do_sample=False, temperature=None,
                                      top_p=None, top_k=None, pad_token_id=self.tok.pad_token_id)
        return self.tok.decode(out[0, enc["input_ids"].shape[1]:], skip_special_tokens=True)

    def allowed(self, text: str) -> bool:
        """NeMo style: generate, then parse the first word."""
        first = (tokens(self.answer(text), fold_accents=True) or [""])[0]
        if first in ("si", "yes"):
            return True
        if first != "no":
            self.unparsed += 1
        return False

    def margin(self, text: str) -> float:
        """Constrained: log P(«Sí» | prompt) − log P(«No» | prompt), one
        forward pass over both continuations (never unparsed)."""
        import torch

        prompt = self.tok(self.prompt(text), add_special_tokens=False)["input_ids"]
        cands = [self.tok(c, add_special_tokens=False)["input_ids"] for c in ("Sí", "No")]
        width = len(prompt) + max(len(c) for c in cands)
        ids = torch.full((len(cands), width), self.tok.pad_token_id, dtype=torch.long)
        mask = torch.zeros_like(ids)
        for i, c in enumerate(cands):  # right padding: the prompt sits at the same positions in both rows
            ids[i, : len(prompt) + len(c)] = torch.tensor(prompt + c)
            mask[i, : len(prompt) + len(c)] = 1
        with torch.inference_mode():
            logp = self.model(input_ids=ids, attention_mask=mask).logits.float().log_softmax(-1)
        score = [sum(float(logp[i, len(prompt) - 1 + j, t]) for j, t in enumerate(c)) for i, c in enumerate(cands)]
        return score[0] - score[1]

    def allowed_logprob(self, text: str) -> bool:
        return self.margin(text) >= self.threshold


# --------------------------------------------------------------------------- one generation

def one_generation_ms(model, tok, repeats: int) -> float:
    """Median wall time of one answer of exactly GEN_TOKENS new tokens (batch 1)."""
    import torch

    from harness._generate import HFGenerator
    from harness._prompt import PromptFormat

    gen = HFGenerator(model, tok, PromptFormat())
    q = C.read_probe_prompts("cenfobank", "paraphrase")[0].prompt
    enc = tok(gen.render(q), return_tensors="pt", add_special_tokens=False)
    times, cpu = [], []
    for i in range(repeats + 1):
        c0, t0 = time.process_time(), time.perf_counter()
        with torch.inference_mode():
            model.generate(**enc, max_new_tokens=GEN_TOKENS, min_new_tokens=GEN_TOKENS, do_sample=False,
                           temperature=None, top_p=None, top_k=None, pad_token_id=tok.pad_token_id)
        if i:  # the first is a warm-up
            times.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
    return C.percentile(times, 50), C.percentile(cpu, 50)
