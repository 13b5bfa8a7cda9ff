"""한국어 표기 검사·수정: 조사(particle)는 앞말에 붙여 씁니다 (한글 맞춤법 제41항).

라틴 문자·숫자·코드(`fit`)·괄호 뒤에 띄어 쓴 조사를 찾아 붙입니다: ``XOR 을`` → ``XOR을``,
``Keras 3 에서`` → ``Keras 3에서``, ``` `fit` 은``` → ``` `fit`은```, ``(2012) 에`` → ``(2012)에``.
Markdown 셀의 본문과 코드 셀의 주석·문자열(한글은 거기에만 있음)에 적용하고, Markdown 의 코드 블록
(```` ``` ````) 안은 건드리지 않습니다. 용어집(``glossary.md``)의 "피할 표기" 검사도 여기 있습니다.

    python -m course_tools.korean notebooks/*.ipynb          # 검사만 (고칠 곳이 있으면 종료 코드 1)
    python -m course_tools.korean --fix notebooks/*.ipynb    # 고쳐서 저장
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

# 긴 것부터 (에서는 → 에서 → 에). 뒤에 공백·문장 부호·줄 끝이 와야 조사로 봅니다.
PARTICLES = sorted(
    [
        "은",
        "는",
        "이",
        "가",
        "을",
        "를",
        "의",
        "에",
        "와",
        "과",
        "도",
        "만",
        "로",
        "으로",
        "에서",
        "에게",
        "보다",
        "까지",
        "부터",
        "처럼",
        "마다",
        "만큼",
        "이나",
        "나",
        "이며",
        "며",
        "이고",
        "고",
        "이라",
        "라",
        "이라는",
        "라는",
        "이라고",
        "라고",
        "이란",
        "란",
        "이다",
        "다",
        "입니다",
        "이에요",
        "예요",
        "이죠",
        "죠",
        "에는",
        "에서는",
        "에도",
        "에서도",
        "로는",
        "으로는",
        "로도",
        "으로도",
        "와는",
        "과는",
        "와도",
        "과도",
        "은요",
        "는요",
        "이면",
        "면",
        "이므로",
        "므로",
        "이지만",
        "지만",
        "으로서",
        "로서",
        "으로써",
        "로써",
        "에게서",
        "한테",
        "에서만",
        "에만",
        "로만",
        "으로만",
        "까지만",
        "보다는",
        "처럼은",
        "부터는",
        "까지는",
        "와의",
        "과의",
        "에서의",
        "로의",
        "으로의",
        "에의",
    ],
    key=len,
    reverse=True,
)
_BEFORE = r"[A-Za-z0-9)\]`%}'\"’”]"
_PARTICLE_RE = re.compile(rf"(?<={_BEFORE}) ({'|'.join(PARTICLES)})(?=[\s.,!?:;)\]…·/\"'’”*]|$)", re.M)
_FENCE_RE = re.compile(r"(^```.*?^```[^\n]*$)", re.M | re.S)


def fix_particles(text: str) -> tuple[str, int]:
    """띄어 쓴 조사를 붙인 글과 고친 곳의 수."""
    parts = _FENCE_RE.split(text)
    total = 0
    for i in range(0, len(parts), 2):  # 홀수 번째는 코드 블록
        parts[i], n = _PARTICLE_RE.subn(r"\1", parts[i])
        total += n
    return "".join(parts), total


def load_glossary(path: Path) -> list[tuple[str, list[str]]]:
    """``glossary.md`` 의 표에서 (고른 표기, [피할 표기, …]) 목록을 읽습니다."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 4 or not re.search(r"[가-힣]", cells[0]) or cells[0].startswith("한국어"):
            continue
        avoid = [a.strip() for a in cells[2].split(",") if a.strip() and a.strip() not in ("-", "—")]
        rows.append((cells[0], avoid))
    return rows


def _cell_text(cell) -> str:
    src = cell["source"]
    return "".join(src) if isinstance(src, list) else src


def notebook_problems(path: Path, glossary: list[tuple[str, list[str]]] | None = None) -> list[str]:
    """한 노트북의 조사 띄어쓰기와 피할 표기 목록 (사람이 읽는 문장)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    problems = []
    for i, cell in enumerate(nb["cells"]):
        text = _cell_text(cell)
        for m in _PARTICLE_RE.finditer(_FENCE_RE.sub("", text)):
            start = max(0, m.start() - 12)
            problems.append(f"{path.name} 셀 {i}: 조사를 붙여 쓰세요: …{text[start : m.end()]!s}…".replace("\n", " "))
        for chosen, avoid in glossary or []:
            for word in avoid:
                if re.search(rf"(?<![가-힣]){re.escape(word)}", text):
                    problems.append(f"{path.name} 셀 {i}: '{word}' 대신 용어집의 '{chosen}'을(를) 쓰세요")
    return problems


def fix_notebook(path: Path) -> int:
    """노트북의 조사 띄어쓰기를 고쳐 저장하고 고친 곳의 수를 돌려줍니다 (출력은 건드리지 않음)."""
    raw = path.read_text(encoding="utf-8")
    nb = json.loads(raw)
    total = 0
    for cell in nb["cells"]:
        text = _cell_text(cell)
        new, n = fix_particles(text)
        if n:
            total += n
            cell["source"] = new.splitlines(keepends=True)
    if total:
        path.write_text(json.dumps(nb, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course_tools.korean", description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--fix", action="store_true", help="조사 띄어쓰기를 고쳐 저장합니다")
    parser.add_argument("--glossary", type=Path, default=Path(__file__).resolve().parent.parent / "glossary.md")
    args = parser.parse_args(argv)
    glossary = load_glossary(args.glossary) if args.glossary.is_file() else []
    found = 0
    for path in args.notebooks:
        if args.fix:
            n = fix_notebook(path)
            print(f"{path.name}: 조사 {n}곳을 붙였습니다")
        problems = notebook_problems(path, glossary)
        found += len(problems)
        for p in problems:
            print(p)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
