"""utils.checks: 모든 모듈이 함께 쓰는 입력 검사 (같은 인자 순서, 같은 한국어 문구)."""

from __future__ import annotations

import numpy as np
import pytest

from utils import checks


@pytest.mark.parametrize("bad", [0, -1, float("nan"), float("inf"), True, "1", None])
def test_positive_rejects(bad):
    with pytest.raises(ValueError, match="lr는 0보다 큰"):
        checks.positive(bad, "lr")


def test_positive_and_count_accept():
    assert checks.positive(0.5, "lr") == 0.5
    assert checks.count(np.int64(3), "n") == 3 and isinstance(checks.count(3, "n"), int)


@pytest.mark.parametrize("bad", [0, -2, 1.5, True, "3"])
def test_count_rejects(bad):
    with pytest.raises(ValueError, match="epochs는 1 이상의 정수"):
        checks.count(bad, "epochs")


def test_matrix_shape_features_and_finiteness():
    assert checks.matrix([[1, 2], [3, 4]]).dtype == np.float64
    with pytest.raises(ValueError, match="2차원"):
        checks.matrix([1, 2, 3])
    with pytest.raises(ValueError, match="샘플이 하나도"):
        checks.matrix(np.zeros((0, 2)))
    with pytest.raises(ValueError, match="특징 수가 3개"):
        checks.matrix(np.zeros((2, 3)), n_features=2)
    with pytest.raises(ValueError, match="NaN"):
        checks.matrix([[1, np.nan]])
    with pytest.raises(ValueError, match="숫자 배열로"):
        checks.matrix([["a", "b"]])


def test_binary_labels_and_classes():
    assert checks.binary_labels([[0], [1], [1]]).tolist() == [0, 1, 1]
    with pytest.raises(ValueError, match="0과 1만"):
        checks.binary_labels([0, 2])
    with pytest.raises(ValueError, match="비어"):
        checks.binary_labels([])
    with pytest.raises(ValueError, match="한 클래스"):
        checks.both_classes(np.zeros(4), "교차 검증")
    with pytest.raises(ValueError, match="샘플 수가 같아야"):
        checks.same_length(np.zeros((3, 2)), np.zeros(2))


def test_seeds_points_scores_and_images():
    assert checks.seeds(range(3)) == [0, 1, 2]
    for bad, msg in [([], "비어"), ([1, 1], "같은 값"), ([-1], "0 이상"), ("12", "목록")]:
        with pytest.raises(ValueError, match=msg):
            checks.seeds(bad)
    assert checks.point2((1, 2), "start") == (1.0, 2.0)
    with pytest.raises(ValueError, match="start는 유한한 두 수"):
        checks.point2("ab", "start")
    with pytest.raises(ValueError, match="모양"):
        checks.scores_for(np.zeros(3), [0.1, 0.2])
    assert checks.image_size(32) == (32, 32)
    with pytest.raises(ValueError, match="양수"):
        checks.image_size((8, 0))
    with pytest.raises(ValueError, match="uint8"):
        checks.images_uint8(np.zeros((1, 4, 4, 3)))
