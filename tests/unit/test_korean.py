"""course_tools.korean: 조사 붙여 쓰기와 용어집 검사."""

from __future__ import annotations

import json

import pytest

from course_tools import korean as K


@pytest.mark.parametrize(
    "before,after",
    [
        ("XOR 을 푼다", "XOR을 푼다"),
        ("Keras 3 에서 바뀜", "Keras 3에서 바뀜"),
        ("0.85 보다 크다", "0.85보다 크다"),
        ("`fit` 은 학습한다", "`fit`은 학습한다"),
        ("AlexNet(2012) 이 이겼다", "AlexNet(2012)이 이겼다"),
        ("f\"{acc:.3f} 로 끝\"", "f\"{acc:.3f}로 끝\""),
        ("CNN 입니다.", "CNN입니다."),
    ],
)
def test_particles_attach(before, after):
    assert K.fix_particles(before) == (after, 1)


@pytest.mark.parametrize("text", ["XOR 문제", "Keras 3 모델", "a = 1  # 값", "CNN 구조와 MLP 구조"])
def test_nouns_after_latin_words_keep_their_space(text):
    assert K.fix_particles(text) == (text, 0)


def test_code_blocks_are_left_alone():
    text = "설명 XOR 을\n```python\nprint('XOR 을')\n```\n끝"
    fixed, n = K.fix_particles(text)
    assert n == 1 and "print('XOR 을')" in fixed and fixed.startswith("설명 XOR을")


def test_notebook_fix_and_glossary(tmp_path):
    glossary = tmp_path / "glossary.md"
    glossary.write_text(
        "| 한국어 | English | 피할 표기 | 처음 |\n|---|---|---|---|\n| 과대적합 | overfitting | 과적합,오버피팅 | 06 |\n",
        encoding="utf-8",
    )
    nb = {
        "cells": [{"cell_type": "markdown", "source": ["ReLU 는 과적합을 막지 않습니다"], "metadata": {}}],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path = tmp_path / "00_x.ipynb"
    path.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    rules = K.load_glossary(glossary)
    assert rules == [("과대적합", ["과적합", "오버피팅"])]
    problems = K.notebook_problems(path, rules)
    assert len(problems) == 2 and any("과대적합" in p for p in problems)
    assert K.fix_notebook(path) == 1
    assert K.notebook_problems(path, rules) == [p for p in problems if "용어집" in p]
