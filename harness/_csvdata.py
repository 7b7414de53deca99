"""Load and validate a question/answer CSV.

The file format is the one teams already have: a spreadsheet exported as CSV
with two columns, ``question`` and ``answer`` (or ``pregunta`` and
``respuesta``), ``;``-separated by default (``,`` is detected), UTF-8 with or
without BOM, quoted fields may hold ``;`` and newlines.

Rows are numbered as a spreadsheet numbers them: the header is row 1, the
first question is row 2.  Every problem is reported as one line
``FILE:ROW:COLUMN: what is wrong``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

QUESTION_NAMES = ("question", "pregunta", "preguntas", "questions")
ANSWER_NAMES = ("answer", "respuesta", "respuestas", "answers")
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_FIELD_CHARS = 20_000


@dataclass(frozen=True)
class QARow:
    """One question/answer pair.

    Attributes:
        row: spreadsheet row number (header = 1, first pair = 2).
        question: the question, stripped.
        answer: the answer, stripped.
    """

    row: int
    question: str
    answer: str


@dataclass(frozen=True)
class Problem:
    """One problem found in a CSV: an error stops loading, a warning does not."""

    path: str
    row: int
    column: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        # One line whatever the file is called: control characters in the
        # path (a newline in a file name) are escaped.
        path = "".join(c if c.isprintable() else ascii(c)[1:-1] for c in self.path)
        return f"{path}:{self.row}:{self.column}: {self.message}"


class CSVError(ValueError):
    """The CSV cannot be used; ``problem`` says where and why."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


@dataclass(frozen=True)
class QADataset:
    """A validated CSV.

    Attributes:
        path: the file it came from.
        rows: the pairs, in file order.
        sha256: hash of the file's bytes (runs record it).
        delimiter: the delimiter found.
        warnings: problems that did not stop loading.
    """

    path: str
    rows: tuple[QARow, ...]
    sha256: str
    delimiter: str
    warnings: tuple[Problem, ...] = field(default_factory=tuple)

    def __len__(self) -> int:
        return len(self.rows)

    def by_row(self, row: int) -> QARow:
        for r in self.rows:
            if r.row == row:
                return r
        raise KeyError(row)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join("".join(c if c.isalnum() else " " for c in text).split())


def _read_bytes(path: Path) -> bytes:
    shown = str(path)
    try:
        if not path.exists():
            raise CSVError(Problem(shown, 0, "-", "no such file"))
        if path.is_dir():
            raise CSVError(Problem(shown, 0, "-", "is a directory, expected a CSV file"))
        if not path.is_file():  # a FIFO or a device would block or never end
            raise CSVError(Problem(shown, 0, "-", "not a regular file, expected a CSV file"))
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise CSVError(Problem(shown, 0, "-", f"file is {size} bytes; the limit is {MAX_FILE_BYTES}"))
        with open(path, "rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)  # the file may grow after stat
    except OSError as exc:  # too long a name, no permission, I/O error ...
        raise CSVError(Problem(shown, 0, "-", f"cannot read the file ({exc.strerror or exc})")) from None
    if len(data) > MAX_FILE_BYTES:
        raise CSVError(Problem(shown, 0, "-", f"file is over the limit of {MAX_FILE_BYTES} bytes"))
    if not data.strip():
        raise CSVError(Problem(shown, 1, "-", "file is empty; expected a header 'question;answer' and rows"))
    if data[:4] == b"PK\x03\x04":
        raise CSVError(Problem(shown, 1, "-", "this is a spreadsheet workbook (.xlsx/.ods), not CSV; export it as CSV UTF-8 with ';'"))
    return data


def _looks_utf16(data: bytes) -> bool:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return True
    head = data[:2000]  # no BOM: ASCII text as UTF-16 has a NUL in every other byte, and only there
    even, odd = head[0::2].count(0), head[1::2].count(0)
    return len(head) >= 8 and min(even, odd) == 0 and max(even, odd) > len(head) * 2 // 5


def _decode(data: bytes, shown: str) -> str:
    if _looks_utf16(data):
        raise CSVError(Problem(shown, 1, "-", "file is UTF-16 ('Unicode text'), not UTF-8; export it as CSV UTF-8 with ';'"))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        line = data.count(b"\n", 0, exc.start) + 1
        column = data.count(b";", line_start, exc.start) + 1
        hint = "looks like Latin-1/Windows-1252; re-save it as UTF-8" if data.count(b"\x00") == 0 else "looks like a binary file"
        raise CSVError(Problem(shown, line, str(column), f"byte 0x{data[exc.start]:02x} is not valid UTF-8 ({hint})")) from None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise CSVError(Problem(shown, line, "-", "NUL byte in the file (binary data, or UTF-16: re-save as UTF-8)"))
    return text


def _sniff_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ";"


def _header_columns(header: list[str], shown: str) -> tuple[int, int, list[Problem]]:
    names = [_fold(h) for h in header]
    q = next((i for i, n in enumerate(names) if n in QUESTION_NAMES), None)
    a = next((i for i, n in enumerate(names) if n in ANSWER_NAMES), None)
    if q is None and a is None:
        raise CSVError(Problem(shown, 1, "1", f"no header: expected 'question;answer' (or 'pregunta;respuesta'), found {';'.join(header)[:60]!r}"))
    if q is None:
        raise CSVError(Problem(shown, 1, "-", "missing column 'question' (or 'pregunta') in the header"))
    if a is None:
        raise CSVError(Problem(shown, 1, "-", "missing column 'answer' (or 'respuesta') in the header"))
    extra = [Problem(shown, 1, str(i + 1), f"extra column {h!r} is ignored", "warning")
             for i, h in enumerate(header) if i not in (q, a) and h.strip()]
    return q, a, extra


def load_qa_csv(
    path: str | os.PathLike,
    *,
    max_tokens: int | None = None,
    count_tokens: Callable[[str], int] | None = None,
) -> QADataset:
    """Read and validate ``path``; raise :class:`CSVError` on the first error.

    ``max_tokens`` with ``count_tokens`` rejects a pair longer than the
    training length (question + answer tokens).
    """
    p = Path(path)
    shown = str(path)
    data = _read_bytes(p)
    text = _decode(data, shown)
    first_line = text.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = _sniff_delimiter(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records: list[list[str]] = []
    try:
        for rec in reader:
            records.append(rec)
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise CSVError(Problem(shown, len(records) + 1, "-", f"a cell is longer than {csv.field_size_limit()} characters "
                                   f"(the limit is {MAX_FIELD_CHARS}), or an unclosed quote runs to the end of the file")) from None
        raise CSVError(Problem(shown, len(records) + 1, "-", f"malformed CSV ({exc}); check for an unclosed quote")) from None
    if not records:
        raise CSVError(Problem(shown, 1, "-", "file is empty; expected a header 'question;answer' and rows"))
    q_i, a_i, problems = _header_columns(records[0], shown)
    width = len(records[0])
    rows: list[QARow] = []
    seen: dict[str, QARow] = {}
    for idx, rec in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in rec):
            continue  # blank line
        if len(rec) < width:
            missing = "answer" if len(rec) <= a_i else "question"
            raise CSVError(Problem(shown, idx, missing, f"row has {len(rec)} field(s), expected {width} (wrong delimiter? this file uses {delimiter!r})"))
        if len(rec) > width and any(c.strip() for c in rec[width:]):
            raise CSVError(Problem(shown, idx, str(width + 1), f"row has {len(rec)} fields, expected {width}; quote a field that contains {delimiter!r}"))
        question, answer = rec[q_i].strip(), rec[a_i].strip()
        for col, value in (("question", question), ("answer", answer)):
            if not value:
                raise CSVError(Problem(shown, idx, col, "empty cell"))
            if len(value) > MAX_FIELD_CHARS:
                raise CSVError(Problem(shown, idx, col, f"cell is {len(value)} characters; the limit is {MAX_FIELD_CHARS}"))
        if max_tokens and count_tokens:
            n = count_tokens(question) + count_tokens(answer)
            if n > max_tokens:
                raise CSVError(Problem(shown, idx, "answer", f"pair is {n} tokens, longer than the training length {max_tokens}"))
        key = _fold(question)
        if key in seen:
            prev = seen[key]
            if _fold(prev.answer) != _fold(answer):
                raise CSVError(Problem(shown, idx, "answer", f"duplicate question of row {prev.row} with a different answer"))
            problems.append(Problem(shown, idx, "question", f"duplicate of row {prev.row} (same answer); it is kept once", "warning"))
            continue
        problems.extend(_suspicious(shown, idx, question, answer))
        row = QARow(idx, question, answer)
        seen[key] = row
        rows.append(row)
    if not rows:
        raise CSVError(Problem(shown, 2, "-", "header only: no question/answer rows"))
    return QADataset(shown, tuple(rows), hashlib.sha256(data).hexdigest(), delimiter, tuple(problems))


_FORMULA = re.compile(r"^=|^[+\-@][A-Za-z_][A-Za-z0-9_.]*\(")  # =X, +SUM(, -cmd(, @SUM(: Excel would run it
_HIDDEN = re.compile("[\u200b\u200c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\u00ad]")  # not \u200d (emoji)


def _suspicious(shown: str, idx: int, question: str, answer: str) -> list[Problem]:
    out = []
    for col, value in (("question", question), ("answer", answer)):
        if _FORMULA.match(value):
            out.append(Problem(shown, idx, col, f"cell starts like a spreadsheet formula ({value[:20]!r}); "
                                                "it is kept as text", "warning"))
        hidden = _HIDDEN.search(value)
        if hidden:
            out.append(Problem(shown, idx, col, f"invisible or bidirectional control character "
                                                f"U+{ord(hidden.group()):04X} in the text", "warning"))
    if _fold(question) == _fold(answer):
        out.append(Problem(shown, idx, "answer", "answer repeats the question", "warning"))
    if len(_fold(answer).split()) < 2:
        out.append(Problem(shown, idx, "answer", "very short answer (one word)", "warning"))
    for token in ("[INST]", "<<SYS>>", "</s>", "<|im_", "### "):
        if token in question or token in answer:
            out.append(Problem(shown, idx, "answer" if token in answer else "question", f"template token {token!r} in the text", "warning"))
    return out
