"""utils.thoracic: 강의 배열, 이름 붙은 DataFrame, 코드북, 잘못된 파일, 있을 수 없는 값의 규칙, 전처리기."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from fakes import thoracic_frame

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
    assert data.y.shape == (470,) and T.COLUMNS[:17] == T.LECTURE_FEATURES
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
    assert arr.shape == (470, 18) and np.array_equal(arr[:, 17], np.arange(470) % 2)


def test_schema_partitions_the_16_features():
    groups = T.CONTINUOUS + T.ORDINAL + T.BINARY + [T.CATEGORICAL]
    assert sorted(groups) == sorted(T.FEATURES) and len(groups) == len(set(groups)) == 16


# --- 있을 수 없는 값 (규칙은 한 곳) ------------------------------------------------------
def test_impossible_rule_on_arrays():
    fvc = np.array([3.0, 3.0, 2.5, 12.0, np.nan])
    fev1 = np.array([2.0, 3.5, 72.8, 2.0, 1.0])
    bad_fvc, bad_fev1 = T.impossible_lung_values(fvc, fev1)
    assert bad_fvc.tolist() == [False, False, False, True, False]
    assert bad_fev1.tolist() == [False, True, True, False, False]


def test_impossible_mask_on_frame_and_missing_columns():
    f = thoracic_frame()
    f.loc[0, "PRE5"] = 72.8  # 리터일 수 없음
    f.loc[1, ["PRE4", "PRE5"]] = [3.0, 3.5]  # FEV1 > FVC
    assert T.impossible_mask(f).sum() == 2 and T.impossible_mask(f)[[0, 1]].all()
    with pytest.raises(ValueError, match="PRE4"):
        T.impossible_mask(pd.DataFrame({"a": [1.0]}))


def test_preprocessor_marks_the_same_rows_as_the_rule():
    f = thoracic_frame(50)
    f.loc[[2, 7], "PRE5"] = [72.8, 9.0]
    f.loc[9, "PRE4"] = 30.0
    A = T.ThoracicPreprocessor()._clean(f)
    assert np.isnan(A[:, 3]).tolist() == T.impossible_mask(f).tolist()  # 3 = PRE5 (강의 순서)
    assert np.isnan(A[:, 2]).sum() == 1 and np.isnan(A[9, 2])  # 2 = PRE4


# --- 전처리기 ----------------------------------------------------------------------
def test_preprocessor_learns_only_from_fit_data():
    f = thoracic_frame(80)
    train, test = f.iloc[:60], f.iloc[60:].copy()
    pre = T.thoracic_preprocessor().fit(train)
    Z = pre.transform(train)
    names = list(pre.get_feature_names_out())
    assert "id" not in names and "PRE4" in names and "DGN_rare" in names
    assert Z.shape == (60, len(names))
    # 학습 데이터에서 표준화된 열은 평균 0, 표준편차 1
    assert np.allclose(Z[:, names.index("AGE")].mean(), 0, atol=1e-9)
    assert np.allclose(Z[:, names.index("AGE")].std(), 1, atol=1e-9)
    # 시험 데이터를 바꿔도 배운 값(평균)은 변하지 않는다
    before = pre.mean_.copy()
    test["AGE"] = 1000
    pre.transform(test)
    assert np.array_equal(pre.mean_, before)


def test_preprocessor_imputes_impossible_with_train_median():
    f = thoracic_frame(40)
    f.loc[0, "PRE5"] = 70.0
    pre = T.thoracic_preprocessor(scale=False).fit(f)
    Z = pre.transform(f)
    col = list(pre.get_feature_names_out()).index("PRE5")
    assert Z[0, col] == pytest.approx(np.median(f["PRE5"].iloc[1:]))


def test_preprocessor_rare_and_unseen_dgn_go_to_rare_column():
    f = thoracic_frame(60)
    f.loc[0, "DGN"] = 8  # 한 명뿐 → 드묾
    pre = T.thoracic_preprocessor(min_frequency=3).fit(f)
    names = list(pre.get_feature_names_out())
    assert "DGN_8" not in names
    new = f.iloc[:2].copy()
    new["DGN"] = [6, 3]  # 6 은 처음 보는 코드
    Z = pre.transform(new)
    assert Z[0, names.index("DGN_rare")] == 1 and Z[1, names.index("DGN_3")] == 1
    assert np.allclose(Z[:, [i for i, n in enumerate(names) if n.startswith("DGN_")]].sum(axis=1), 1)


def test_preprocessor_lecture_array_and_keep_id():
    f = thoracic_frame(30)
    arr = f.to_numpy(dtype=float)[:, :17]
    pre = T.thoracic_preprocessor(drop_id=False, one_hot_dgn=False).fit(arr)
    names = list(pre.get_feature_names_out())
    assert "id" in names and "DGN" in names
    assert pre.transform(arr).shape == (30, len(names))


def test_preprocessor_same_result_for_frame_array_and_shuffled_columns():
    f = thoracic_frame(40, seed=2)
    X = f.drop(columns="Risk1Yr")
    expected = T.thoracic_preprocessor().fit(X).transform(X)
    arr = X[T.LECTURE_FEATURES].to_numpy(dtype=float)
    shuffled = X[list(reversed(X.columns))]  # 열 순서가 다르면 이름으로 찾는 길
    np.testing.assert_array_equal(T.thoracic_preprocessor().fit(arr).transform(arr), expected)
    np.testing.assert_array_equal(T.thoracic_preprocessor().fit(shuffled).transform(shuffled), expected)


def test_preprocessor_bad_input():
    with pytest.raises(ValueError, match="17열"):
        T.thoracic_preprocessor().fit(np.zeros((5, 3)))
    with pytest.raises(ValueError, match="열"):
        T.thoracic_preprocessor().fit(pd.DataFrame({"id": [1, 2]}))
    with pytest.raises(ValueError, match="min_frequency"):
        T.thoracic_preprocessor(min_frequency=0).fit(thoracic_frame())
    with pytest.raises(ValueError, match="fit"):
        T.thoracic_preprocessor().transform(thoracic_frame())
