"""Batched generation with a transformers causal LM.

Prompts are questions; :class:`PromptFormat` turns each into chat messages
(with retrieved CSV rows when the format is grounded).  Batches are sorted by
length, left-padded, decoded greedily by default and stopped at end of turn.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any, Sequence

from ._prompt import PromptFormat

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class GenerationConfig:
    """Decoding settings.

    Attributes:
        max_new_tokens: cap on generated tokens per answer.
        batch_size: prompts per forward batch.
        do_sample: sample instead of greedy decoding.
        temperature: sampling temperature (only with ``do_sample``).
        repetition_penalty: 1.0 means none (the honest default: loops are
            detected and reported, not hidden).
        k: retrieved rows per grounded prompt.
    """

    max_new_tokens: int = 96
    batch_size: int = 32
    do_sample: bool = False
    temperature: float = 0.7
    repetition_penalty: float = 1.0
    k: int = 3


@dataclass
class HFGenerator:
    """A :class:`~harness._generator.Generator` over a transformers model."""

    model: Any
    tokenizer: Any
    fmt: PromptFormat
    config: GenerationConfig = field(default_factory=GenerationConfig)
    retriever: Any = None
    name: str = "hf"
    progress: Any = None  # optional callable(n_done) for progress bars

    def __post_init__(self) -> None:
        if self.fmt.grounded and self.retriever is None:
            raise ValueError("a grounded prompt format needs a retriever")
        self.tokenizer.padding_side = "left"
        if self.tokenizer.pad_token is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        self.model.eval()

    def _stop_ids(self) -> list[int]:
        ids = {self.tokenizer.eos_token_id}
        special = self.tokenizer.get_added_vocab()  # only real special tokens, not text like "</s>"
        for tok in ("<|im_end|>", "<end_of_turn>", "<eos>", "</s>", "<|eot_id|>"):
            if tok in special:
                ids.add(special[tok])
        return sorted(i for i in ids if i is not None)

    def render(self, question: str) -> str:
        """The exact text the model sees for ``question``."""
        context = ()
        if self.fmt.grounded:
            hits = self.retriever.search(question, k=self.config.k)
            context = [(h.question, h.answer) for h in hits]
        return self.tokenizer.apply_chat_template(
            self.fmt.messages(question, context), tokenize=False, add_generation_prompt=True)

    def batches(self, texts: Sequence[str]) -> list[list[int]]:
        """Indices of ``texts`` grouped into batches: sorted by token length, at
        most ``batch_size`` each, and a new batch wherever a prompt is more than
        twice as long as the batch's shortest (+32 tokens), so one very long
        prompt (a padded injection attack) does not make a whole batch pay for
        its padding."""
        lengths = [len(ids) for ids in self.tokenizer(list(texts), add_special_tokens=False)["input_ids"]] if texts else []
        out: list[list[int]] = []
        for i in sorted(range(len(texts)), key=lambda i: lengths[i]):
            cur = out[-1] if out else None
            if cur is None or len(cur) >= self.config.batch_size or lengths[i] > 2 * lengths[cur[0]] + 32:
                out.append([i])
            else:
                cur.append(i)
        return out

    def generate(self, prompts: Sequence[str]) -> list[str]:
        import torch

        texts = [self.render(p) for p in prompts]
        out: list[str] = [""] * len(texts)
        stop = self._stop_ids()
        cfg = self.config
        device = next(self.model.parameters()).device
        for idx in self.batches(texts):
            batch = self.tokenizer([texts[i] for i in idx], return_tensors="pt", padding=True,
                                   add_special_tokens=False).to(device)
            kwargs = dict(max_new_tokens=cfg.max_new_tokens, do_sample=cfg.do_sample,
                          eos_token_id=stop, pad_token_id=self.tokenizer.pad_token_id,
                          repetition_penalty=cfg.repetition_penalty)
            if cfg.do_sample:
                kwargs["temperature"] = cfg.temperature
            else:
                kwargs.update(temperature=None, top_p=None, top_k=None)
            t0 = time.perf_counter()
            with torch.inference_mode():
                gen = self.model.generate(**batch, **kwargs)
            new = gen[:, batch["input_ids"].shape[1]:]
            for j, i in enumerate(idx):
                out[i] = self.tokenizer.decode(new[j], skip_special_tokens=True).strip()
            log.debug("batch of %d in %.2fs", len(idx), time.perf_counter() - t0)
            if self.progress:
                self.progress(len(idx))
        return out
