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
        except Exception:  # noqa: BLE001 - 그림 표시는 돕는 기능일 뿐
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
