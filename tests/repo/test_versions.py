"""판(version)의 범위는 시험한 것만 약속합니다: requirements.txt 의 하한은 Colab 계층이 시험하는 판
(ci/colab-constraints.txt)보다 낮지 않고, 그 판과 개발 환경(.venv)의 판은 범위 안에 있습니다."""

from __future__ import annotations

import sys
from importlib.metadata import version
from pathlib import Path

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]


def _lines(path: Path):
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            yield Requirement(line)


def _lower_bound(spec: SpecifierSet) -> Version | None:
    lows = [Version(s.version) for s in spec if s.operator in (">=", "==", "~=")]
    return max(lows) if lows else None


def test_lower_bounds_are_the_tested_colab_versions_and_both_environments_fit():
    reqs = {r.name.lower(): r.specifier for r in _lines(ROOT / "requirements.txt")}
    pins = {
        r.name.lower(): Version(next(iter(r.specifier)).version) for r in _lines(ROOT / "ci" / "colab-constraints.txt")
    }
    checked = 0
    for name, pin in pins.items():
        if name not in reqs:
            continue
        spec = reqs[name]
        low = _lower_bound(spec)
        assert low is not None, f"{name}: 하한이 없습니다"
        assert spec.contains(pin), f"{name}: Colab 판 {pin} 이 {spec} 밖입니다"
        assert (low.major, low.minor) == (pin.major, pin.minor), f"{name}: 하한 {low} 는 시험한 판 {pin} 과 다릅니다"
        assert spec.contains(version(name)), f"{name}: 개발 환경의 {version(name)} 이 {spec} 밖입니다"
        checked += 1
    assert checked >= 7  # tensorflow, keras, numpy, pandas, matplotlib, scikit-learn, scikit-image, …


def test_requires_python_is_what_is_tested():
    import tomllib

    spec = SpecifierSet(
        tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["requires-python"]
    )
    here = Version(".".join(map(str, sys.version_info[:3])))
    assert spec.contains(here) and spec.contains("3.13.0")  # 개발 환경(3.11)과 Colab 계층(3.13)
    assert not spec.contains("3.10.13")  # 시험하지 않는 판은 약속하지 않음
