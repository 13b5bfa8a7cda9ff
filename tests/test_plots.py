"""utils.plots: 한글이 경고 없이 그려지는지 실제로 그림을 그려 확인합니다."""
from __future__ import annotations

import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from utils import plots  # noqa: E402


def test_korean_font_found_and_applied():
    font = plots.use_course_style()
    assert font in plots.KOREAN_FONT_CANDIDATES
    assert matplotlib.rcParams["font.family"][0] == font
    assert matplotlib.rcParams["axes.unicode_minus"] is False
    assert plots.korean_font_name() == font


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
    a = plots.use_course_style()
    b = plots.use_course_style()
    assert a == b
