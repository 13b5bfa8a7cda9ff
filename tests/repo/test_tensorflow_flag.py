"""``Lesson.tensorflow`` 와 노트북이 맞는지: TF 를 쓰지 않는다고 표시한 강의는 정말 TF·Keras 를 쓰지 않아야 하고,
TF·Keras 를 쓰는 노트북은 ``tensorflow=True`` 여야 합니다 (공통 설정 셀이 TF 를 불러오고 시드를 고정하도록).

"쓴다"는 코드 셀이 ``keras``/``tensorflow`` 를 import 하거나, 그것을 import 하는 ``utils`` 모듈을 import 하는 것입니다.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from course_tools.sync import NOTEBOOK_DIR, ROOT
from utils import course

TF_IMPORT = re.compile(r"^\s*(?:import|from)\s+(?:keras|tensorflow)\b", re.M)
UTILS_IMPORT = re.compile(r"^\s*(?:from\s+(utils(?:\.\w+)*)\s+import\s+([\w, ()]+)|import\s+(utils(?:\.\w+)+))", re.M)


def _tf_modules() -> set[str]:
    """TF 나 Keras 를 import 하는 ``utils`` 모듈 이름 (``utils.lessons.cnn`` 처럼)."""
    found = set()
    for path in (ROOT / "utils").rglob("*.py"):
        if TF_IMPORT.search(path.read_text(encoding="utf-8")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            found.add(".".join(p for p in parts if p != "__init__"))
    return found


TF_MODULES = _tf_modules()


def tf_uses(source: str) -> list[str]:
    """코드에서 TF·Keras 를 쓰게 되는 import 줄들."""
    uses = [m.group(0).strip() for m in TF_IMPORT.finditer(source)]
    for m in UTILS_IMPORT.finditer(source):
        if m.group(3):
            names = [m.group(3)]
        else:
            names = [m.group(1)] + [f"{m.group(1)}.{n.strip()}" for n in m.group(2).strip("()").split(",") if n.strip()]
        uses += [name for name in names if name in TF_MODULES]
    return uses


def notebook_tf_uses(path: Path) -> list[str]:
    nb = nbformat.read(path, as_version=4)
    uses = []
    for cell in nb.cells:
        if cell.cell_type == "code" and "setup" not in cell.metadata.get("tags", []):
            uses += tf_uses(cell.source)
    return uses


def test_the_scan_sees_the_modules_that_import_tensorflow():
    assert {"utils.env", "utils.lessons.cnn", "utils.lessons.hardware"} <= TF_MODULES
    assert "utils.lessons.neurons" not in TF_MODULES and "utils.plots" not in TF_MODULES
    assert tf_uses("import keras\nfrom tensorflow import keras as k\n") == ["import keras", "from tensorflow"]
    assert tf_uses("from utils.lessons import hardware, neurons\n") == ["utils.lessons.hardware"]
    assert tf_uses("from utils.lessons.neurons import MLP\nimport numpy as np\n") == []


@pytest.mark.parametrize("lesson", course.COURSE, ids=lambda lesson: lesson.number)
def test_tensorflow_flag_matches_the_notebook(lesson):
    uses = notebook_tf_uses(NOTEBOOK_DIR / lesson.filename)
    if lesson.tensorflow:
        assert uses, f"{lesson.filename}: TF·Keras 를 쓰지 않으니 utils/course.py 에서 tensorflow=False 로 표시하세요"
    else:
        assert not uses, f"{lesson.filename}: tensorflow=False 인데 TF·Keras 를 씁니다: {uses}"
