"""다시 실행해도 안전한지 (re-run safety): 각 노트북을 같은 커널에서 두 번 연달아 실행합니다.

학습자는 셀을 위에서부터 다시 실행하곤 합니다. 두 번째 실행도 오류 없이 끝나야 하고, 결정적인 출력
(``# NBVAL_CHECK_OUTPUT`` 셀)은 첫 번째와 같아야 합니다. 시간을 아끼려고 빠른 모드(QUICK=True)로 실행합니다.
'slow' 표시가 있지만 ``make test`` 와 CI 는 이 테스트도 실행합니다 (빼려면 ``-m "not slow"``).

두 *새* 커널 사이의 같음은 nbval 이 확인합니다(새로 실행한 출력 ↔ 커밋된 출력).
"""
from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from utils.course import COURSE

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = [ROOT / "notebooks" / lesson.filename for lesson in COURSE]
VOLATILE = re.compile(r"\d+(\.\d+)?\s?(ms|s|초)\b|0x[0-9a-f]+")


def _checked_outputs(nb) -> list[str]:
    texts = []
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.source.startswith("# NBVAL_CHECK_OUTPUT"):
            parts = []
            for out in cell.outputs:
                if out.get("name") == "stderr":
                    continue
                parts.append(out.get("text", "") or "".join(out.get("data", {}).get("text/plain", "")))
            texts.append(VOLATILE.sub("T", "".join(parts)))
    return texts


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_runs_twice_in_the_same_kernel(path, notebook_env):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    at = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    nb.cells.insert(at + 1, nbformat.v4.new_code_cell("QUICK = True  # 테스트: 빠른 모드"))
    client = NotebookClient(nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}})
    results = []
    with client.setup_kernel():
        for _ in range(2):
            for i, cell in enumerate(nb.cells):
                if cell.cell_type == "code":
                    cell.outputs = []
                    client.execute_cell(cell, i)
            results.append(_checked_outputs(nb))
    assert results[0] == results[1], f"{path.name}: 두 번째 실행의 확인 대상 출력이 첫 번째와 다릅니다"
