"""ROUGE-L for Spanish and English answers, as an ``evaluate`` metric module.

``evaluate``'s hub ``rouge`` metric cannot be fetched offline, and
``rouge_score``'s default tokenizer drops every non-ASCII letter ("matrícula"
becomes "matr cula").  This module keeps ``rouge_score``'s LCS scoring and
gives it an accent-folding, Unicode-aware tokenizer.  Load it with
``evaluate.load(path_to_this_file)``.
"""

import re
import unicodedata

import datasets
import evaluate
from rouge_score import rouge_scorer

_DESCRIPTION = "ROUGE-L F-measure with a Unicode, accent-folding tokenizer (Spanish-safe)."
_KWARGS = """
Args:
    predictions: list of generated answers.
    references: list of reference answers.
    use_aggregator: return the mean (True) or one score per pair (False).
Returns:
    rougeL: F-measure of the longest common subsequence of tokens.
"""
_WORD = re.compile(r"\w+", re.UNICODE)


class FoldingTokenizer:
    """Lower-case, strip accents, split on non-word characters."""

    def tokenize(self, text):
        text = unicodedata.normalize("NFKD", text.casefold())
        text = "".join(c for c in text if not unicodedata.combining(c))
        return _WORD.findall(text)


@evaluate.utils.file_utils.add_start_docstrings(_DESCRIPTION, _KWARGS)
class RougeL(evaluate.Metric):
    def _info(self):
        return evaluate.MetricInfo(
            description=_DESCRIPTION,
            citation="Lin, C.-Y. (2004). ROUGE: A Package for Automatic Evaluation of Summaries.",
            inputs_description=_KWARGS,
            features=datasets.Features({"predictions": datasets.Value("string"),
                                        "references": datasets.Value("string")}),
        )

    def _compute(self, predictions, references, use_aggregator=True):
        scorer = rouge_scorer.RougeScorer(["rougeL"], tokenizer=FoldingTokenizer())
        scores = [scorer.score(ref, pred)["rougeL"].fmeasure for pred, ref in zip(predictions, references)]
        if use_aggregator:
            return {"rougeL": sum(scores) / len(scores) if scores else 0.0}
        return {"rougeL": scores}
