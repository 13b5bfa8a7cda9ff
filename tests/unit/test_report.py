"""utils.report.record: 화면 출력과 메인 작업용 JSON 파일."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from utils.report import METRICS_ENV, record


def test_record_prints_and_returns(capsys):
    assert record("정확도", 0.851063) is None
    assert "📌 정확도 = 0.8511" in capsys.readouterr().out


def test_record_writes_metrics_file(monkeypatch, tmp_path):
    f = tmp_path / "m.json"
    monkeypatch.setenv(METRICS_ENV, str(f))
    record("acc", np.float32(0.5), show=False)
    record("n", 470, show=False)
    record("acc", 0.75, fmt=".2f", show=False)
    assert json.loads(f.read_text(encoding="utf-8")) == {"acc": "0.75", "n": "470"}


@pytest.mark.parametrize("name", ["", "   ", None])
def test_record_rejects_bad_name(name):
    with pytest.raises(ValueError):
        record(name, 1)


def test_record_rejects_non_scalar_and_nan():
    with pytest.raises(TypeError):
        record("x", [1, 2])
    with pytest.raises(ValueError, match="유한"):
        record("x", math.nan)
