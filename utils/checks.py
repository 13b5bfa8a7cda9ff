"""입력 검사 — 모든 모듈이 같은 이름·같은 인자 순서·같은 한국어 문구로 씁니다.

각 함수는 ``(값, 이름, …)`` 순서로 받고, 문제가 있으면 무엇이 왜 틀렸는지와 받은 값을 담은
``ValueError`` 를 내며, 문제가 없으면 정리된 값을 돌려줍니다.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from numbers import Real

import numpy as np

__all__ = [
    "binary_labels",
    "both_classes",
    "count",
    "finite_array",
    "image_size",
    "images_uint8",
    "matrix",
    "point2",
    "positive",
    "same_length",
    "scores_for",
    "seeds",
]


def positive(value, name: str) -> float:
    """0보다 큰 유한한 수 (bool·문자열은 거부)."""
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name}는 0보다 큰 유한한 수여야 합니다 (받은 값: {value!r})")
    return value


def count(value, name: str, minimum: int = 1) -> int:
    """``minimum`` 이상의 정수 (bool 은 거부)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{name}는 {minimum} 이상의 정수여야 합니다 (받은 값: {value!r})")
    return int(value)


def finite_array(values, name: str, dtype=np.float64) -> np.ndarray:
    """숫자 배열로 바꾸고 NaN·무한대를 거부합니다."""
    try:
        arr = np.asarray(values, dtype=dtype)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{name}를 숫자 배열로 바꿀 수 없습니다: {err}") from None
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name}에 NaN이나 무한대(inf)가 있습니다")
    return arr


def matrix(X, name: str = "X", n_features: int | None = None, dtype=np.float64) -> np.ndarray:
    """비어 있지 않은 (샘플 수, 특징 수) 2차원 유한 배열."""
    try:
        arr = np.asarray(X, dtype=dtype)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{name}를 숫자 배열로 바꿀 수 없습니다: {err}") from None
    if arr.ndim != 2:
        raise ValueError(f"{name}는 (샘플 수, 특징 수) 모양의 2차원 배열이어야 합니다 (받은 모양: {arr.shape})")
    if arr.shape[0] == 0:
        raise ValueError(f"{name}에 샘플이 하나도 없습니다")
    if n_features is not None and arr.shape[1] != n_features:
        raise ValueError(f"{name}의 특징 수가 {arr.shape[1]}개입니다. 이 모델은 {n_features}개를 기대합니다")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name}에 NaN이나 무한대(inf)가 있습니다")
    return arr


def binary_labels(y, name: str = "y") -> np.ndarray:
    """0과 1로 된 (n,) 또는 (n, 1) 레이블을 (n,) 정수 배열로."""
    try:
        arr = np.asarray(y, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{name}를 숫자 배열로 바꿀 수 없습니다: {err}") from None
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise ValueError(f"{name}는 (n,) 또는 (n, 1) 모양의 1차원 레이블이어야 합니다 (받은 모양: {arr.shape})")
    if arr.size == 0:
        raise ValueError(f"{name}가 비어 있습니다")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name}에 NaN이나 무한대(inf)가 있습니다")
    bad = arr[(arr != 0) & (arr != 1)]
    if bad.size:
        raise ValueError(f"{name}는 0과 1만 가질 수 있습니다(이진 분류). 다른 값: {sorted(set(bad.tolist()))[:5]}")
    return arr.astype(int)


def both_classes(y, what: str) -> None:
    """레이블에 0과 1이 모두 있는지."""
    y = np.asarray(y)
    if y.size == 0 or y.min() == y.max():
        raise ValueError(f"{what}: 레이블에 한 클래스만 있습니다 (0과 1이 모두 있어야 합니다)")


def same_length(a, b, name_a: str = "X", name_b: str = "y") -> None:
    """두 배열의 샘플 수가 같은지."""
    if len(a) != len(b):
        raise ValueError(f"{name_a}는 {len(a)}개, {name_b}는 {len(b)}개입니다. 샘플 수가 같아야 합니다")


def seeds(values, name: str = "seeds") -> list[int]:
    """서로 다른 0 이상의 정수 시드 목록 (비어 있으면 안 됨)."""
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise ValueError(f"{name}는 정수 목록이어야 합니다 (받은 값: {values!r})")
    out = list(values)
    if not out:
        raise ValueError(f"{name}가 비어 있습니다. 시드를 하나 이상 주세요")
    for s in out:
        if isinstance(s, bool) or not isinstance(s, (int, np.integer)) or s < 0:
            raise ValueError(f"시드는 0 이상의 정수여야 합니다 (받은 값: {s!r})")
    if len(set(out)) != len(out):
        raise ValueError(f"{name}에 같은 값이 있습니다: {out}")
    return [int(s) for s in out]


def point2(point, name: str) -> tuple[float, float]:
    """유한한 두 수 (x, y)."""
    arr = np.array([np.nan]) if isinstance(point, str) else np.asarray(point, dtype=float)
    if arr.shape != (2,) or not np.all(np.isfinite(arr)):
        raise ValueError(f"{name}는 유한한 두 수 (x, y)여야 합니다 (받은 값: {point!r})")
    return float(arr[0]), float(arr[1])


def scores_for(y: np.ndarray, scores, name: str = "scores") -> np.ndarray:
    """레이블 ``y`` 와 같은 모양의 유한한 점수 배열."""
    arr = finite_array(scores, name)
    if arr.shape != np.shape(y):
        raise ValueError(f"{name}의 모양 {arr.shape}이 레이블의 모양 {np.shape(y)}과 다릅니다")
    return arr


def image_size(size, name: str = "size") -> tuple[int, int]:
    """정수 하나 또는 (가로, 세로) 두 양의 정수."""
    try:
        w, h = (int(size), int(size)) if np.isscalar(size) else (int(size[0]), int(size[1]))
    except (TypeError, ValueError, IndexError):
        raise ValueError(f"{name}는 정수 하나나 (가로, 세로) 두 정수여야 합니다 (받은 값: {size!r})") from None
    if w < 1 or h < 1:
        raise ValueError(f"{name}는 양수여야 합니다 (받은 값: {size!r})")
    return w, h


def images_uint8(X, name: str = "사진 배열") -> np.ndarray:
    """(N, H, W, 3) 모양의 비어 있지 않은 uint8 사진 배열."""
    arr = np.asarray(X)
    if arr.ndim != 4 or arr.shape[-1] != 3:
        raise ValueError(f"{name}은 (N, H, W, 3) 모양이어야 합니다 (받은 모양: {arr.shape})")
    if len(arr) == 0:
        raise ValueError(f"{name}이 비어 있습니다 (N=0)")
    if arr.dtype != np.uint8:
        raise ValueError(f"{name}은 0~255의 uint8이어야 합니다 (받은 dtype: {arr.dtype})")
    return arr
