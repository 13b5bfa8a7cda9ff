"""utils.runner: 매개변수 해석, 노트북 선택, 요약 표, 그리고 작은 노트북의 실제 실행."""
from __future__ import annotations

import argparse
import json

import nbformat
import pytest

from course_tools import runner as R


@pytest.mark.parametrize("text,expected", [("EPOCHS=5", ("EPOCHS", 5)), ("QUICK=True", ("QUICK", True)),
                                           ("NAME=abc", ("NAME", "abc")), ("SIZES=[1, 2]", ("SIZES", [1, 2]))])
def test_parse_parameter(text, expected):
    assert R.parse_parameter(text) == expected


@pytest.mark.parametrize("bad", ["EPOCHS", "1X=3", "=3"])
def test_parse_parameter_rejects(bad):
    with pytest.raises(argparse.ArgumentTypeError):
        R.parse_parameter(bad)


def test_select_notebooks_follows_the_course(tmp_path):
    from utils.course import COURSE

    assert [p.name for p in R.select_notebooks(None, tmp_path)] == [lesson.filename for lesson in COURSE]
    assert [p.name for p in R.select_notebooks(["07", "00"], tmp_path)] == ["00_getting_started.ipynb",
                                                                         "07_lung_cancer_survival.ipynb"]
    with pytest.raises(SystemExit, match="99.*00, 01"):
        R.select_notebooks(["99"], tmp_path)


def test_format_table_marks_failures_and_budget():
    rows = [R.Result("00_a.ipynb", "ok", 12.3, 512.0, 60, {"정확도": "0.85"}),
            R.Result("01_b.ipynb", "FAILED", 99.0, None, 30, {}, "AssertionError: 작음")]
    table = R.format_table(rows)
    assert "| 00_a.ipynb | ok | 12.3 | 60 | 512 | 정확도 = 0.85 |" in table
    assert "99.0 ⚠" in table and "오류: AssertionError: 작음" in table and "1/2 성공" in table


def _notebook(path, code):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell("QUICK = False", metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell(code)]
    nbformat.write(nb, path)


def test_run_notebook_records_metrics_and_failures(tmp_path):
    good, bad = tmp_path / "00_good.ipynb", tmp_path / "01_bad.ipynb"
    _notebook(good, "import utils\nutils.record('quick', QUICK)\nutils.record('n', 3)")
    _notebook(bad, "raise ValueError('일부러 실패')")
    out = tmp_path / "out"
    out.mkdir()
    ok = R.run_notebook(good, out, {"QUICK": True}, timeout=120, progress=False)
    assert ok.status == "ok" and ok.metrics == {"quick": "True", "n": "3"} and ok.seconds > 0
    assert (out / "00_good.ipynb").is_file()
    fail = R.run_notebook(bad, out, {}, timeout=120, progress=False)
    assert fail.status == "FAILED" and "일부러 실패" in fail.error
    assert json.loads((out / "00_good.metrics.json").read_text(encoding="utf-8"))["n"] == "3"
