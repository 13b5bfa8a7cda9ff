"""학습 실험 도우미: 층별 기울기 크기, 층별 활성화 통계, 여러 시드 반복 실험.

노트북 05(기울기 소실·ReLU·가중치 초기화)와 06(드롭아웃)이 함께 씁니다. 가르치는 내용(어떤 모델을
어떻게 비교할지)은 노트북에 두고, 여기에는 되풀이되는 측정 코드만 둡니다.

예::

    from utils.lessons import training
    norms = training.gradient_norms(model, x, y)          # 층마다 ‖∂L/∂W‖ (tf.GradientTape)
    stats = training.activation_stats(model, x)           # 층마다 출력의 평균·표준편차·0 비율
    runs = training.run_seeds(experiment, seeds=[0, 1, 2], config=["기본", "드롭아웃"])
    training.summarize(runs, by="config", metrics=["gap"])  # 설정별 평균·표준편차

모든 함수는 잘못된 입력에 무엇이 문제인지 말하는 ``ValueError``를 냅니다.
TensorFlow/Keras는 함수 안에서 불러오므로 ``import utils.training`` 자체는 가볍습니다.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Sequence
from numbers import Number

import numpy as np

from .. import checks

__all__ = [
    "activation_stats",
    "gradient_norms",
    "layer_outputs",
    "run_seeds",
    "summarize",
]


# ---------------------------------------------------------------------------
# 입력 검사
# ---------------------------------------------------------------------------
def _check_model(model):
    layers = getattr(model, "layers", None)
    if layers is None or not callable(model):
        raise ValueError(f"model은 keras 모델이어야 합니다 (받은 값: {type(model).__name__})")
    if not getattr(model, "built", False) or not model.trainable_weights:
        raise ValueError(
            "model이 아직 만들어지지(build) 않았거나 학습할 가중치가 없습니다. "
            "keras.Input(shape=...)으로 입력 모양을 정해 주세요"
        )
    return layers


def _check_xy(x, y=None):
    """x: 비어 있지 않은 (표본 수, 특징 …) 유한 배열(float32). y가 있으면 x와 개수가 같아야 합니다."""
    x = checks.finite_array(x, "x", dtype="float32")
    if x.ndim < 2 or len(x) == 0:
        raise ValueError(f"x는 (표본 수, 특징 …) 모양의 비어 있지 않은 배열이어야 합니다 (받은 모양: {x.shape})")
    if y is not None:
        checks.same_length(x, y, "x", "y")
    return x, y


def _kernel_layers(model):
    """가중치 행렬(kernel)이 있는 층들 (Dense, Conv 등) — 입력 쪽부터 순서대로."""
    return [layer for layer in model.layers if getattr(layer, "kernel", None) is not None]


# ---------------------------------------------------------------------------
# 층별 기울기 크기
# ---------------------------------------------------------------------------
def gradient_norms(model, x, y, loss=None, training: bool = False):
    """층마다 손실의 가중치 기울기 크기 ‖∂L/∂W‖₂ (Frobenius 노름)를 잽니다.

    model: 만들어진(built) keras 모델. x, y: 한 배치(batch)의 입력과 정답.
    loss: ``loss(y_true, y_pred)``를 돌려주는 함수. None이면 ``model.compile``의 손실, 그것도 없으면
    ``SparseCategoricalCrossentropy``를 씁니다. training: 드롭아웃 같은 층을 학습 모드로 부를지.

    ``tf.GradientTape``로 한 번 순전파·역전파만 할 뿐 가중치는 바꾸지 않습니다.
    돌려주는 값: 층마다 한 줄인 DataFrame — ``layer``(1부터, 입력 쪽이 1), ``name``, ``units``
    (출력 개수), ``grad_norm``(kernel 기울기의 노름), ``weight_norm``(kernel 자체의 노름).
    """
    import keras
    import pandas as pd

    from ..env import load_tensorflow

    tf = load_tensorflow()
    _check_model(model)
    x, y = _check_xy(x, y)
    y = np.asarray(y)
    if loss is None:
        loss = getattr(model, "loss", None)
        if isinstance(loss, str):
            loss = keras.losses.get(loss)
        if loss is None:
            loss = keras.losses.SparseCategoricalCrossentropy()
    if not callable(loss):
        raise ValueError(f"loss는 loss(y_true, y_pred)를 계산하는 함수여야 합니다 (받은 값: {loss!r})")
    layers = _kernel_layers(model)
    if not layers:
        raise ValueError("model에 가중치 행렬(kernel)이 있는 층(Dense 등)이 없습니다")
    kernels = [layer.kernel for layer in layers]
    with tf.GradientTape() as tape:
        pred = model(x, training=training)
        value = tf.reduce_mean(loss(y, pred))  # 표본별 손실을 돌려주는 함수(문자열로 compile)도 평균으로
    grads = tape.gradient(value, kernels)
    rows = []
    for i, (layer, kernel, grad) in enumerate(zip(layers, kernels, grads), start=1):
        if grad is None:
            raise ValueError(f"층 {layer.name!r}의 기울기가 없습니다 (손실이 이 층에 연결되어 있지 않음)")
        rows.append(
            {
                "layer": i,
                "name": layer.name,
                "units": int(kernel.shape[-1]),
                "grad_norm": float(tf.norm(grad)),
                "weight_norm": float(tf.norm(kernel)),
            }
        )
    if not all(math.isfinite(r["grad_norm"]) for r in rows):
        raise ValueError("기울기에 NaN이나 무한대가 나왔습니다 (학습이 발산했을 수 있습니다)")
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------
# 층별 활성화
# ---------------------------------------------------------------------------
def layer_outputs(model, x, layers: Sequence | None = None, training: bool = False) -> list:
    """모델을 층 하나씩 통과시키며 각 층의 출력(NumPy 배열)을 모아 돌려줍니다.

    Sequential처럼 층이 한 줄로 이어진 모델용입니다. layers를 주면 그 층들의 출력만 모읍니다
    (층 객체 또는 이름). 드롭아웃처럼 학습 때만 다르게 움직이는 층은 ``training``으로 정합니다.
    """
    _check_model(model)
    x, _ = _check_xy(x)
    all_layers = list(model.layers)
    wanted = all_layers
    if layers is not None:
        by_name = {layer.name: layer for layer in all_layers}
        wanted = []
        for item in layers:
            layer = by_name.get(item) if isinstance(item, str) else item
            if layer is None or layer not in all_layers:
                raise ValueError(f"모델에 없는 층입니다: {item!r} (있는 층: {list(by_name)})")
            wanted.append(layer)
        if not wanted:
            raise ValueError("layers가 비어 있습니다")
    outputs = []
    h = x
    for layer in all_layers:
        h = layer(h, training=training)
        if any(layer is w for w in wanted):
            outputs.append(h.numpy() if hasattr(h, "numpy") else h)
    return outputs


def activation_stats(model, x, layers: Sequence | None = None, training: bool = False, zero_tol: float = 1e-6):
    """층마다 출력(활성화)의 요약 통계를 DataFrame으로 돌려줍니다.

    기본값은 가중치 행렬이 있는 층(Dense 등)만 봅니다. 열: ``layer``(1부터), ``name``, ``mean``,
    ``std``(모든 표본·유닛에 걸친 표준편차), ``zero_frac``(절댓값이 ``zero_tol`` 이하인 비율 — ReLU의
    '죽은' 출력), ``min``, ``max``.
    """
    import pandas as pd

    if not (isinstance(zero_tol, Number) and zero_tol >= 0):
        raise ValueError(f"zero_tol은 0 이상의 수여야 합니다 (받은 값: {zero_tol!r})")
    _check_model(model)
    chosen = list(layers) if layers is not None else _kernel_layers(model)
    if not chosen:
        raise ValueError("통계를 낼 층이 없습니다")
    outs = layer_outputs(model, x, layers=chosen, training=training)
    names = [c if isinstance(c, str) else c.name for c in chosen]
    rows = []
    for i, (name, out) in enumerate(zip(names, outs), start=1):
        a = np.asarray(out, dtype="float64")
        rows.append(
            {
                "layer": i,
                "name": name,
                "mean": a.mean(),
                "std": a.std(),
                "zero_frac": float(np.mean(np.abs(a) <= zero_tol)),
                "min": a.min(),
                "max": a.max(),
            }
        )
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------
# 여러 시드 반복 실험
# ---------------------------------------------------------------------------
def run_seeds(experiment: Callable[..., dict], seeds, reseed: bool = True, **grid):
    """``experiment(seed=..., **설정)``을 시드와 설정의 모든 조합으로 실행해 깔끔한(tidy) 표로 모읍니다.

    experiment: 키워드 인자 ``seed`` (와 grid의 이름들)를 받아 ``{"지표": 숫자, ...}`` dict를 돌려주는 함수.
    seeds: 서로 다른 0 이상 정수들. grid: ``이름=[값, ...]`` — 값마다 실험합니다(여러 개면 모든 조합).
    reseed: True면 실행마다 :func:`utils.seed_everything`으로 Python·NumPy·Keras 시드를 다시 고정합니다.

    돌려주는 값: 실행 하나가 한 줄인 DataFrame — grid의 열들, ``seed``, 그리고 지표 열들.
    """
    import pandas as pd

    if not callable(experiment):
        raise ValueError(f"experiment는 함수여야 합니다 (받은 값: {experiment!r})")
    seeds = checks.seeds(seeds)
    names = list(grid)
    for name, values in grid.items():
        if name == "seed":
            raise ValueError("grid에 'seed'는 쓸 수 없습니다. seeds 인자로 주세요")
        if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
            raise ValueError(f"grid의 {name!r}는 값의 목록이어야 합니다 (받은 값: {values!r})")
        grid[name] = list(values)
        if not grid[name]:
            raise ValueError(f"grid의 {name!r}가 비어 있습니다")
    rows = []
    for combo in itertools.product(*(grid[n] for n in names)):
        config = dict(zip(names, combo))
        for seed in seeds:
            if reseed:
                from ..env import seed_everything

                seed_everything(seed)
            result = experiment(seed=seed, **config)
            if not isinstance(result, dict) or not result:
                raise ValueError(
                    f"experiment는 비어 있지 않은 dict를 돌려줘야 합니다 "
                    f"(설정 {config}, 시드 {seed}에서 받은 값: {result!r})"
                )
            clash = set(result) & (set(names) | {"seed"})
            if clash:
                raise ValueError(f"experiment의 결과 이름이 설정 이름과 겹칩니다: {sorted(clash)}")
            rows.append({**config, "seed": seed, **result})
    return pd.DataFrame(rows)


def summarize(runs, by, metrics: Sequence[str] | str | None = None):
    """:func:`run_seeds`의 표를 설정별로 묶어 지표마다 평균(mean), 표준편차(std), 최소, 최대, 실행 수를 냅니다.

    by: 묶을 열 이름(또는 목록). metrics: 요약할 열 (None이면 by·seed를 뺀 모든 숫자 열).
    설정의 순서는 표에 처음 나온 순서를 따릅니다.
    """
    import pandas as pd

    if not isinstance(runs, pd.DataFrame) or runs.empty:
        raise ValueError("runs는 비어 있지 않은 DataFrame 이어야 합니다 (run_seeds의 결과)")
    by = [by] if isinstance(by, str) else list(by)
    missing = [c for c in by if c not in runs.columns]
    if not by or missing:
        raise ValueError(f"묶을 열이 표에 없습니다: {missing or by} (있는 열: {list(runs.columns)})")
    if metrics is None:
        metrics = [c for c in runs.columns if c not in by and c != "seed" and pd.api.types.is_numeric_dtype(runs[c])]
    elif isinstance(metrics, str):
        metrics = [metrics]
    metrics = list(metrics)
    bad = [m for m in metrics if m not in runs.columns]
    if not metrics or bad:
        raise ValueError(f"요약할 지표가 표에 없습니다: {bad or metrics} (있는 열: {list(runs.columns)})")
    non_numeric = [m for m in metrics if not pd.api.types.is_numeric_dtype(runs[m])]
    if non_numeric:
        raise ValueError(f"숫자가 아닌 열은 요약할 수 없습니다: {non_numeric}")
    table = runs.groupby(by, sort=False)[metrics].agg(["mean", "std", "min", "max", "count"])
    return table
