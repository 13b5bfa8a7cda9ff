"""한글 글꼴과 코스 공통 그림 스타일.

matplotlib 기본 글꼴(DejaVu Sans)에는 한글이 없어 "Glyph … missing" 경고와 네모(□)가 나옵니다.
:func:`use_course_style` 는 한글 글꼴을 찾아 등록하고 공통 스타일을 적용합니다.

글꼴을 찾는 순서
1. ``koreanize-matplotlib`` 패키지에 들어 있는 나눔고딕(NanumGothic) 파일 — 패키지를 import 하지
   않고 글꼴 파일만 등록합니다(그 패키지는 import 할 때 DeprecationWarning 을 내고, Python 3.12+
   에서 사라진 ``distutils`` 를 씁니다).
2. 시스템에 설치된 한글 글꼴 (NanumGothic, Noto Sans CJK KR, Malgun Gothic, AppleGothic …)
"""

from __future__ import annotations

import importlib.util
import warnings
from pathlib import Path

import numpy as np

from . import checks

KOREAN_FONT_CANDIDATES = (
    "NanumGothic",
    "Noto Sans CJK KR",
    "Noto Sans KR",
    "Malgun Gothic",
    "AppleGothic",
    "Apple SD Gothic Neo",
    "UnDotum",
)

# 코스 공통 색 (색약 친화적인 tab10 계열)
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f")

_STATE: dict[str, str | None] = {"font": None}


def _bundled_font_files() -> list[Path]:
    spec = importlib.util.find_spec("koreanize_matplotlib")
    if spec is None or not spec.submodule_search_locations:
        return []
    files: list[Path] = []
    for loc in spec.submodule_search_locations:
        files += sorted((Path(loc) / "fonts").glob("*.ttf"))
    return files


def find_korean_font() -> str | None:
    """한글을 그릴 수 있는 글꼴 이름을 찾아(필요하면 등록해) 돌려줍니다. 없으면 None."""
    from matplotlib import font_manager

    for path in _bundled_font_files():
        font_manager.fontManager.addfont(str(path))
    available = {f.name for f in font_manager.fontManager.ttflist}
    for name in KOREAN_FONT_CANDIDATES:
        if name in available:
            return name
    return None


def _ensure_inline_in_notebook() -> None:
    """주피터 커널인데 백엔드가 Agg 면(예: 환경 변수 MPLBACKEND=Agg) 그림이 안 보이므로 inline 으로 바꿉니다."""
    import sys

    if "ipykernel" not in sys.modules:
        return
    import matplotlib as mpl

    if mpl.get_backend().lower() == "agg":
        try:
            from IPython import get_ipython

            shell = get_ipython()
            if shell is not None and type(shell).__name__ == "ZMQInteractiveShell":
                shell.run_line_magic("matplotlib", "inline")
        except Exception:
            pass


def use_course_style() -> str | None:
    """한글 글꼴과 공통 스타일을 적용하고, 쓰게 된 글꼴 이름을 돌려줍니다. 여러 번 불러도 안전."""
    import matplotlib as mpl

    _ensure_inline_in_notebook()

    font = _STATE["font"] or find_korean_font()
    _STATE["font"] = font
    if font is None:
        warnings.warn(
            "한글 글꼴을 찾지 못했습니다. 그림의 한글이 네모로 보일 수 있습니다. "
            "해결: pip install koreanize-matplotlib",
            RuntimeWarning,
            stacklevel=2,
        )
    mpl.rcParams.update(
        {
            # DejaVu Sans 가 먼저: 라틴 문자·숫자·기호(→, ³, −, ≤)를 그리고, 그 글꼴에 없는 한글만
            # 한글 글꼴이 그립니다(글자 단위 대체, matplotlib ≥ 3.6). 나눔고딕이 먼저면 화살표·위첨자가
            # 빈칸으로 그려집니다(경고 없이). tests/test_plots.py 가 실제로 그려서 확인합니다.
            "font.family": ["DejaVu Sans", font] if font else ["DejaVu Sans"],
            "axes.unicode_minus": True,
            "figure.figsize": (7.0, 4.2),
            "figure.dpi": 100,
            "savefig.dpi": 110,
            "savefig.bbox": "tight",
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.titlesize": 13,
            "axes.titleweight": "bold",
            "axes.labelsize": 11,
            "legend.frameon": False,
            "axes.prop_cycle": mpl.cycler(color=list(PALETTE)),
        }
    )
    return font


def korean_font_name() -> str | None:
    """:func:`use_course_style` 가 고른 한글 글꼴 이름 (아직 부르지 않았으면 None)."""
    return _STATE["font"]


# ---------------------------------------------------------------------------
# 여러 노트북이 함께 쓰는 그림
# ---------------------------------------------------------------------------
#: 학습 곡선의 y축 이름 (Keras 지표 이름 → 한국어(영어)). 없는 이름은 그대로 씁니다.
METRIC_LABELS = {
    "loss": "손실(loss)",
    "accuracy": "정확도(accuracy)",
    "binary_accuracy": "정확도(accuracy)",
    "auc": "AUC",
    "mse": "평균 제곱 오차(MSE)",
    "mae": "평균 절대 오차(MAE)",
}


def metric_label(name: str) -> str:
    """Keras 지표 이름의 한국어 축 이름 (예: ``"loss"`` → ``"손실(loss)"``)."""
    return METRIC_LABELS.get(name, name)


def _history_dict(history) -> dict:
    data = getattr(history, "history", history)
    if not isinstance(data, dict) or not data:
        raise ValueError("history 는 keras History 또는 {'loss': [...], ...} 같은 비어 있지 않은 dict 여야 합니다")
    return data


def plot_history(histories, metrics=("loss",), ax=None, title: str | None = None, validation: bool = True):
    """학습 곡선(learning curve)을 그립니다.

    histories: ``model.fit`` 이 돌려준 History, ``{"loss": [...]}`` dict, 또는 ``{"이름": history, ...}``
    (여러 모델 비교). metrics: 그릴 지표 이름들 (예: ``("loss", "accuracy")``) — 지표마다 칸 하나.
    validation: ``val_`` 지표가 있으면 점선으로 함께 그림. 그린 Axes 목록을 돌려줍니다.
    """
    import matplotlib.pyplot as plt

    if isinstance(metrics, str):
        metrics = (metrics,)
    if (
        isinstance(histories, dict)
        and histories
        and all(hasattr(h, "history") or isinstance(h, dict) for h in histories.values())
    ):
        named = {str(k): _history_dict(v) for k, v in histories.items()}
    else:
        named = {"": _history_dict(histories)}
    for label, data in named.items():
        for m in metrics:
            if m not in data:
                raise ValueError(f"지표 {m!r} 가 history 에 없습니다{f' ({label})' if label else ''}: {sorted(data)}")
    if ax is None:
        _, axes = plt.subplots(1, len(metrics), figsize=(6.0 * len(metrics), 4.0), squeeze=False)
        axes = list(axes[0])
    else:
        axes = list(ax) if isinstance(ax, (list, tuple)) else [ax]
        if len(axes) != len(metrics):
            raise ValueError(f"ax 개수({len(axes)})와 metrics 개수({len(metrics)})가 다릅니다")
    for a, m in zip(axes, metrics):
        for i, (label, data) in enumerate(named.items()):
            color = PALETTE[i % len(PALETTE)]
            epochs = range(1, len(data[m]) + 1)
            a.plot(epochs, data[m], color=color, label=f"{label} 학습".strip() if label else "학습(train)")
            if validation and f"val_{m}" in data:
                a.plot(
                    epochs,
                    data[f"val_{m}"],
                    color=color,
                    ls="--",
                    label=f"{label} 검증".strip() if label else "검증(validation)",
                )
        a.set_xlabel("에폭(epoch)")
        a.set_ylabel(metric_label(m))
        a.xaxis.set_major_locator(plt.MaxNLocator(integer=True))  # 에폭은 정수 눈금만
        a.legend()
    if title:
        axes[0].figure.suptitle(title, fontweight="bold")
    return axes


def scatter_classes(ax, X, y) -> None:
    """2차원 점을 클래스 0(파란 원)과 1(빨간 네모)로 찍습니다. 결정 경계 그림들이 함께 씁니다."""
    import numpy as np

    X, y = np.asarray(X), np.asarray(y).ravel()
    for cls, marker in ((0, "o"), (1, "s")):
        pts = X[y == cls]
        ax.scatter(
            pts[:, 0],
            pts[:, 1],
            marker=marker,
            s=70,
            edgecolor="k",
            color=PALETTE[3] if cls else PALETTE[0],
            label=f"클래스 {cls}",
            zorder=3,
        )


def plot_decision_boundary(
    predict,
    X,
    y,
    ax=None,
    resolution: int = 200,
    padding: float = 0.5,
    title: str | None = None,
    threshold: float | None = 0.5,
):
    """2차원 입력의 결정 경계(decision boundary)를 그립니다.

    predict: (m, 2) 배열을 받아 (m,) 또는 (m, 1) 점수/확률을 돌려주는 함수. X: (n, 2) 점들,
    y: (n,) 레이블(0/1). threshold 가 있으면 그 값의 등고선을 굵은 선으로 그립니다.
    """
    import matplotlib.pyplot as plt
    import numpy as np

    X = np.asarray(X, dtype=float)
    y = np.asarray(y).ravel()
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X 는 (n, 2) 모양이어야 합니다 (받은 모양: {X.shape})")
    if len(y) != len(X):
        raise ValueError(f"X 는 {len(X)}개, y 는 {len(y)}개입니다. 개수가 같아야 합니다")
    if not np.all(np.isfinite(X)):
        raise ValueError("X 에 NaN 이나 무한대가 있습니다")
    if resolution < 2:
        raise ValueError("resolution 은 2 이상이어야 합니다")
    (x0, y0), (x1, y1) = X.min(axis=0) - padding, X.max(axis=0) + padding
    gx, gy = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    grid = np.c_[gx.ravel(), gy.ravel()]
    z = np.asarray(predict(grid), dtype=float).reshape(gx.shape)
    if ax is None:
        _, ax = plt.subplots(figsize=(4.5, 4.0))
    # 확률(0~1)이면 색 범위를 0~1 로 고정: 모든 점을 같은 값으로 예측해도 그 값에 맞는 색으로 칠함
    is_prob = z.min() >= 0 and z.max() <= 1
    shading = {"levels": np.linspace(0, 1, 21), "vmin": 0, "vmax": 1} if is_prob else {"levels": 20}
    ax.contourf(gx, gy, z, cmap="RdBu_r", alpha=0.35, **shading)
    if threshold is not None and z.min() < threshold < z.max():
        ax.contour(gx, gy, z, levels=[threshold], colors="k", linewidths=1.5)
    scatter_classes(ax, X, y)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.legend(loc="best")
    if title:
        ax.set_title(title)
    return ax


def plot_linear_classifier(
    w, b, X, y, ax=None, padding: float = 0.4, title: str | None = None, legend: bool = True, resolution: int = 200
):
    """선형 분류기 ``step(w·x + b)`` 가 1 로 예측하는 곳(빨강)과 0 인 곳(파랑), 경계 직선 w·x + b = 0 을 그립니다.

    :func:`plot_decision_boundary` 와 같은 색·표시(동그라미 = 클래스 0, 네모 = 클래스 1)를 쓰지만,
    영역 색이 예측값에 고정되어 있어 w = 0 처럼 모든 곳이 한 클래스인 경우도 올바른 색으로 그립니다.
    w: (2,), b: 숫자, X: (n, 2), y: 0/1 (n,). 그린 Axes 를 돌려줍니다.
    """
    import matplotlib.pyplot as plt

    X = checks.matrix(X, "X", n_features=2)
    y = checks.binary_labels(y, "y")
    checks.same_length(X, y)
    w = np.asarray(w, dtype=np.float64).ravel()
    if w.shape != (2,):
        raise ValueError(f"w 는 원소 2개여야 합니다 (받은 모양: {np.shape(w)})")
    b = float(np.asarray(b, dtype=np.float64).ravel()[0]) if np.ndim(b) else float(b)
    if not (np.all(np.isfinite(w)) and np.isfinite(b)):
        raise ValueError("w 와 b 에 NaN 이나 무한대가 있으면 안 됩니다")
    (x0, y0), (x1, y1) = X.min(axis=0) - padding, X.max(axis=0) + padding
    gx, gy = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    z = w[0] * gx + w[1] * gy + b
    if ax is None:
        _, ax = plt.subplots(figsize=(4.5, 4.0))
    ax.contourf(gx, gy, (z >= 0).astype(float), levels=[-0.5, 0.5, 1.5], colors=[PALETTE[0], PALETTE[3]], alpha=0.18)
    if z.min() < 0 < z.max():
        ax.contour(gx, gy, z, levels=[0.0], colors="k", linewidths=1.5)
    scatter_classes(ax, X, y)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    if legend:
        ax.legend(loc="best")
    if title:
        ax.set_title(title)
    return ax
