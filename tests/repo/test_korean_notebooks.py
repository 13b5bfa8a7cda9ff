"""한국어 표기: 조사는 앞말에 붙이고(XOR을, Keras 3에서), 용어집(glossary.md)의 한 용어만 씁니다."""

from __future__ import annotations

from pathlib import Path

import pytest

from course_tools import korean
from course_tools.sync import notebook_paths

ROOT = Path(__file__).resolve().parents[2]
GLOSSARY = korean.load_glossary(ROOT / "glossary.md")


def test_glossary_has_terms_with_first_notebook():
    assert len(GLOSSARY) >= 25
    text = (ROOT / "glossary.md").read_text(encoding="utf-8")
    assert "| 한국어 | English | 피할 표기 | 처음 나오는 노트북 |" in text


@pytest.mark.parametrize("path", notebook_paths(), ids=lambda p: p.stem)
def test_particles_attached_and_glossary_spelling(path):
    problems = korean.notebook_problems(path, GLOSSARY)
    assert problems == [], "python -m course_tools.korean --fix 로 고치거나 용어를 바꾸세요:\n" + "\n".join(
        problems[:20]
    )
