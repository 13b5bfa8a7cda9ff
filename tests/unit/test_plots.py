"""utils.plots: 한글이 경고 없이 그려지는지 실제로 그림을 그려 확인합니다."""

from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from utils import plots


def test_korean_font_found_and_applied():
    font = plots.use_course_style()
    assert font in plots.KOREAN_FONT_CANDIDATES
    assert matplotlib.rcParams["font.family"] == ["DejaVu Sans", font]
    assert plots.korean_font_name() == font


def _ink(text, family=None):
    """글자 하나를 그려 픽셀 배열로 돌려줍니다."""
    import numpy as np

    fig = plt.figure(figsize=(1, 1), dpi=60)
    fig.text(0.2, 0.3, text, fontsize=30, **({"family": family} if family else {}))
    fig.canvas.draw()
    pixels = np.asarray(fig.canvas.buffer_rgba())[..., 0].copy()
    plt.close(fig)
    return pixels


def test_hangul_and_symbols_really_render():
    import numpy as np

    plots.use_course_style()
    blank = _ink(" ")
    for ch in ("한", "→", "³", "−", "≤"):
        assert (_ink(ch) < 128).sum() > 20, f"{ch!r} 가 빈칸으로 그려집니다"
    # 한글 글꼴이 없을 때의 대체 상자(tofu)와 다른 모양이어야 진짜 한글입니다
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tofu = _ink("한", family="DejaVu Sans")
    assert not np.array_equal(_ink("한"), tofu) and not np.array_equal(_ink("한"), blank)


def test_hangul_renders_without_glyph_warnings(tmp_path):
    plots.use_course_style()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig, ax = plt.subplots()
        ax.plot([-1, 0, 1], [1, -2, 3], label="손실(loss) −1")
        ax.set_title("시그모이드의 기울기 소실")
        ax.set_xlabel("에폭(epoch)")
        ax.legend()
        fig.savefig(tmp_path / "k.png")
        plt.close(fig)
    glyph = [w for w in caught if "Glyph" in str(w.message) or "missing from font" in str(w.message)]
    assert glyph == [], [str(w.message) for w in glyph]
    assert (tmp_path / "k.png").stat().st_size > 1000


def test_style_is_idempotent():
    """두 번 불러도 글꼴뿐 아니라 바꾼 rcParams 전체가 같고, 글꼴 목록이 중복으로 쌓이지 않아야 합니다."""
    import matplotlib as mpl

    a = plots.use_course_style()
    first = {k: mpl.rcParams[k] for k in mpl.rcParams if not k.startswith("backend")}
    b = plots.use_course_style()
    second = {k: mpl.rcParams[k] for k in mpl.rcParams if not k.startswith("backend")}
    assert a == b
    assert first == second
    family = mpl.rcParams["font.sans-serif"]
    assert len(family) == len(set(family)), "글꼴 목록에 같은 이름이 두 번 들어갔습니다"


# ---------------------------------------------------------------- shared figures
import numpy as np  # noqa: E402
import pytest  # noqa: E402


def test_plot_history_single_and_compare():
    h = {"loss": [1.0, 0.5, 0.2], "val_loss": [1.1, 0.7, 0.6], "accuracy": [0.5, 0.7, 0.9]}
    axes = plots.plot_history(h, metrics=("loss", "accuracy"), title="곡선")
    assert len(axes) == 2 and len(axes[0].lines) == 2 and len(axes[1].lines) == 1
    plt.close("all")
    axes = plots.plot_history({"sigmoid": h, "relu": {"loss": [0.9, 0.1]}})
    assert len(axes[0].lines) == 3
    plt.close("all")


def test_plot_history_bad_input():
    with pytest.raises(ValueError, match="history"):
        plots.plot_history({})
    with pytest.raises(ValueError, match="accuracy"):
        plots.plot_history({"loss": [1, 2]}, metrics="accuracy")
    _fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="ax"):
        plots.plot_history({"loss": [1, 2], "acc": [1, 2]}, metrics=("loss", "acc"), ax=ax)
    plt.close("all")


def test_plot_decision_boundary_draws_threshold_line():
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    y = np.array([0, 1, 1, 1])
    ax = plots.plot_decision_boundary(lambda g: 1 / (1 + np.exp(-10 * (g.sum(axis=1) - 0.5))), X, y, resolution=50)
    assert len(ax.collections) >= 3  # 채운 등고선, 경계선, 점들
    plt.close("all")


@pytest.mark.parametrize(
    "X,y,msg",
    [
        (np.zeros((4, 3)), np.zeros(4), "모양"),
        (np.zeros((4, 2)), np.zeros(3), "개수"),
        (np.array([[0, np.nan]] * 4), np.zeros(4), "NaN"),
    ],
)
def test_plot_decision_boundary_bad_input(X, y, msg):
    with pytest.raises(ValueError, match=msg):
        plots.plot_decision_boundary(lambda g: g[:, 0], X, y)


def test_plot_history_labels_axes_in_korean_with_integer_epochs():
    import matplotlib.pyplot as plt

    axes = plots.plot_history(
        {"loss": [1.0, 0.5, 0.25], "val_loss": [1.1, 0.7, 0.6], "accuracy": [0.5, 0.7, 0.9]},
        metrics=("loss", "accuracy"),
    )
    assert [a.get_ylabel() for a in axes] == ["손실(loss)", "정확도(accuracy)"]
    ticks = [t for t in axes[0].get_xticks() if axes[0].get_xlim()[0] <= t <= axes[0].get_xlim()[1]]
    assert ticks and all(float(t).is_integer() for t in ticks)
    plt.close("all")
