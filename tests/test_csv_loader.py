"""The CSV loader on good and bad files: one line FILE:ROW:COLUMN per error."""

from __future__ import annotations

import pytest

from harness._csvdata import CSVError, load_qa_csv
from tests.conftest import DATA


def write(tmp_path, content: bytes | str, name="x.csv"):
    p = tmp_path / name
    p.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return p


@pytest.mark.parametrize("name,rows", [("cenfobank.csv", 150), ("mikhuy.csv", 80)])
def test_sample_domains_load(name, rows):
    data = load_qa_csv(DATA / name)
    assert len(data) >= rows
    assert data.rows[0].row == 2
    assert not [w for w in data.warnings if w.severity == "error"]


def test_semicolon_bom_crlf_quotes(tmp_path):
    p = write(tmp_path, '\ufeffpregunta;respuesta\r\n"¿Precio; total?";"S/ 480;\nal mes."\r\n¿Dónde?;En Cusco.\r\n')
    data = load_qa_csv(p)
    assert data.delimiter == ";"
    assert [r.question for r in data.rows] == ["¿Precio; total?", "¿Dónde?"]
    assert data.rows[0].answer == "S/ 480;\nal mes."
    assert data.rows[1].row == 3


def test_comma_detected(tmp_path):
    data = load_qa_csv(write(tmp_path, 'question,answer\n"¿Hora?","A las 7:00, de lunes a viernes."\n'))
    assert data.delimiter == "," and data.rows[0].answer.startswith("A las 7:00,")


@pytest.mark.parametrize("content,where", [
    ("", ":1:-: file is empty"),
    ("question;answer\n", ":2:-: header only"),
    ("foo;bar\n¿a?;b c\n", ":1:1: no header"),
    ("question;respuestaX\n¿a?;b\n", "missing column 'answer'"),
    ("question;answer\n¿a?;\n", ":2:answer: empty cell"),
    ("question;answer\n;b c\n", ":2:question: empty cell"),
    ("question;answer\n¿a?;b c\n¿A?;otra cosa\n", ":3:answer: duplicate question of row 2"),
    ('question;answer\n"¿a?;b c\n', "unclosed quote"),
    ("question;answer\n¿a?;b;c\n", ":2:3: row has 3 fields"),
])
def test_bad_files_one_line(tmp_path, content, where):
    p = write(tmp_path, content)
    with pytest.raises(CSVError) as exc:
        load_qa_csv(p)
    msg = str(exc.value)
    assert where in msg and msg.startswith(str(p)) and "\n" not in msg


def test_latin1_bytes_named(tmp_path):
    p = write(tmp_path, "question;answer\n¿a?;b c\n¿Cuánto?;".encode() + "matrícula".encode("cp1252") + b"\n")
    with pytest.raises(CSVError, match=r":3:2: byte 0xed is not valid UTF-8"):
        load_qa_csv(p)


def test_missing_directory_xlsx(tmp_path):
    with pytest.raises(CSVError, match="no such file"):
        load_qa_csv(tmp_path / "nope.csv")
    with pytest.raises(CSVError, match="is a directory"):
        load_qa_csv(tmp_path)
    with pytest.raises(CSVError, match="spreadsheet workbook"):
        load_qa_csv(write(tmp_path, b"PK\x03\x04rest", "book.xlsx"))


def test_too_long_for_training(tmp_path):
    p = write(tmp_path, "question;answer\n¿a?;" + "palabra " * 50 + "\n")
    with pytest.raises(CSVError, match="longer than the training length 20"):
        load_qa_csv(p, max_tokens=20, count_tokens=lambda s: len(s.split()))


def test_warnings_do_not_stop(tmp_path):
    data = load_qa_csv(write(tmp_path, "id;question;answer\n1;¿a?;b c\n2;¿a?;b c\n3;¿x?;[INST] y z\n"))
    msgs = [str(w) for w in data.warnings]
    assert len(data) == 2
    assert any("extra column 'id'" in m for m in msgs)
    assert any("duplicate of row 2" in m for m in msgs)
    assert any("template token" in m for m in msgs)
