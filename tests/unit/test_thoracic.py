"""utils.thoracic: 강의 배열, 이름 붙은 DataFrame, 코드북, 잘못된 파일."""
from __future__ import annotations

import numpy as np
import pytest

from utils import thoracic as T
from utils.data import DatasetError


def test_codebook_covers_all_18_columns():
    cb = T.codebook()
    assert list(cb["column"]) == T.COLUMNS and len(cb) == 18
    assert cb.loc[17, "column"] == "Risk1Yr" and "DIED" in cb.loc[17, "description_en"]
    assert "사망" in cb.loc[17, "name_ko"]
    assert cb.loc[0, "column"] == "id" and "not a medical feature" in cb.loc[0, "description_en"]
    assert T.FEATURES[0] == "DGN" and T.FEATURES[-1] == "AGE" and len(T.FEATURES) == 16


def test_load_thoracic_from_mirror(real_mirror, tmp_path):
    data = T.load_thoracic(data_dir=tmp_path)
    assert data.array.shape == (470, 18)
    assert data.X_lecture.shape == (470, 17) and data.y.shape == (470,)
    assert int(data.y.sum()) == 70  # 70명이 1년 안에 사망
    assert data.frame["Risk1Yr"].mean() == pytest.approx(70 / 470)
    assert data.frame["id"].is_unique and data.frame["id"].between(1, 470).all()
    assert data.frame.loc[0, "id"] == 293 and data.frame.loc[0, "AGE"] == 62
    assert data.frame["DGN"].dtype.kind == "i" and data.frame["PRE4"].dtype.kind == "f"


def _write(tmp_path, rows):
    p = tmp_path / "t.csv"
    p.write_text("\n".join(",".join(str(v) for v in r) for r in rows))
    return p


def test_parse_rejects_wrong_shape(tmp_path):
    with pytest.raises(DatasetError, match="모양"):
        T.parse_thoracic(_write(tmp_path, [[1] * 18] * 3))


def test_parse_rejects_non_binary_label(tmp_path):
    rows = [[1] * 17 + [0]] * 469 + [[1] * 17 + [2]]
    with pytest.raises(DatasetError, match="레이블"):
        T.parse_thoracic(_write(tmp_path, rows))


def test_parse_rejects_text(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text("<html>not found</html>\n")
    with pytest.raises(DatasetError, match="CSV"):
        T.parse_thoracic(p)


def test_parse_accepts_valid(tmp_path):
    rows = [[i] + [1] * 16 + [i % 2] for i in range(470)]
    arr = T.parse_thoracic(_write(tmp_path, rows))
    assert arr.shape == (470, 18) and np.array_equal(arr[:, 17] , np.arange(470) % 2)
