"""노트북 위생 검사 (hygiene): 커밋된 노트북이 학습자에게 보여 줄 모습 그대로인지 확인합니다.

출력은 실제로 처음부터 끝까지 실행한 결과여야 하고, 오류·stderr 잡음·기계 경로가 없어야 하며,
STYLE 의 뼈대(제목·배지·배울 것 → 역사적 배경 → 공통 설정 → 매개변수 → 실험 → 정리 → 연습문제 → 참고 자료)를
따라야 합니다.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from course_tools.sync import notebook_paths, standard_setup_cell
from utils import course

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = notebook_paths()
MAX_BYTES = 3 * 2**20  # 노트북 파일 하나의 최대 크기 (그림 포함 3 MB)
MACHINE_PATH = re.compile(r"(/work/|/root/|/tmp/|/home/[a-z]|/Users/|[A-Z]:\\\\Users|site-packages|\.venv/)")
NOISE = re.compile(
    r"(Glyph \d+ .*missing|does not have a glyph|Traceback \(most recent call last\)|cpu_feature_guard|oneDNN custom operations"
    r"|cudart_stub|cuInit|absl::InitializeLog|\.py:\d+: \w*Warning|━━━━|^Epoch \d+/\d+)",
    re.M,
)
FORBIDDEN_CODE = re.compile(r"(^\s*[!%]\s*(pip|git|wget|curl)\b|sys\.path\.(append|insert))", re.M)
SECTIONS = ("## 역사적 배경", "## 0. 공통 설정", "## 정리", "## 연습문제", "## 참고 자료")


def _ids(p):
    return p.stem


@pytest.fixture(params=NOTEBOOKS, ids=_ids)
def notebook(request):
    path = request.param
    return path, nbformat.read(path, as_version=4)


def _text(output) -> str:
    if output.get("output_type") == "stream":
        return output.get("text", "")
    data = output.get("data", {})
    return "\n".join(str(v) if isinstance(v, str) else "".join(v) for k, v in data.items() if k.startswith("text/"))


def test_there_are_notebooks():
    assert NOTEBOOKS and NOTEBOOKS[0].name == "00_getting_started.ipynb"


def test_valid_nbformat_with_cell_ids_and_python3_kernel(notebook):
    _path, nb = notebook
    nbformat.validate(nb)
    assert (nb.nbformat, nb.nbformat_minor) >= (4, 5), "셀 id 가 있는 nbformat 4.5 이상이어야 합니다"
    assert all(c.get("id") for c in nb.cells)
    ks = nb.metadata.get("kernelspec", {})
    assert ks.get("name") == "python3" and ks.get("language") == "python", ks


def test_every_code_cell_executed_in_order(notebook):
    path, nb = notebook
    counts = [c.execution_count for c in nb.cells if c.cell_type == "code" and c.source.strip()]
    assert None not in counts, f"{path.name}: 실행되지 않은 셀이 있습니다. 처음부터 끝까지 실행해 저장하세요"
    assert counts == list(range(1, len(counts) + 1)), f"{path.name}: 실행 순서가 1..n 이 아닙니다: {counts}"


def test_outputs_have_no_errors_stderr_noise_or_machine_paths(notebook):
    path, nb = notebook
    problems = []
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                problems.append(f"셀 {i}: 오류 출력 {out.get('ename')}")
            if out.get("name") == "stderr":
                problems.append(f"셀 {i}: stderr 출력: {out.get('text', '')[:80]!r}")
            text = _text(out)
            for pattern in (MACHINE_PATH, NOISE):
                m = pattern.search(text)
                if m:
                    problems.append(f"셀 {i}: {m.group(0)!r} 가 출력에 있습니다")
    assert problems == [], f"{path.name}:\n" + "\n".join(problems)


def test_has_figures(notebook):
    path, nb = notebook
    images = sum("image/png" in out.get("data", {}) for c in nb.cells for out in c.get("outputs", []))
    assert images >= 2, f"{path.name}: 그림이 {images}개뿐입니다"


def test_skeleton_sections_badge_and_goals(notebook):
    path, nb = notebook
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith(f"# {path.name[:2]}.")
    assert course.badge(path.name) in first.source and "이 노트북에서 배울 것" in first.source
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    positions = [markdown.find(s) for s in SECTIONS]
    assert -1 not in positions, f"{path.name}: 빠진 절: {[s for s, p in zip(SECTIONS, positions) if p < 0]}"
    assert positions == sorted(positions), f"{path.name}: 절의 순서가 STYLE 과 다릅니다"
    assert re.search(r"[가-힣]", markdown)


def test_setup_then_parameters_cells(notebook):
    path, nb = notebook
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    assert "setup" in code_cells[0].metadata.get("tags", []), "첫 코드 셀은 공통 설정 셀이어야 합니다"
    want = standard_setup_cell(lesson=path.name)
    assert code_cells[0].source == want, "공통 설정 셀이 표준과 다릅니다 (make colab)"
    assert "parameters" in code_cells[1].metadata.get("tags", []), "둘째 코드 셀은 parameters 태그 셀이어야 합니다"
    assert re.search(r"^QUICK = False", code_cells[1].source, re.M)
    tagged = [
        c for c in code_cells if "setup" in c.metadata.get("tags", []) or "parameters" in c.metadata.get("tags", [])
    ]
    assert len(tagged) == 2


def test_no_shell_installs_or_path_hacks(notebook):
    path, nb = notebook
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        assert not FORBIDDEN_CODE.search(cell.source), (
            f"{path.name} 셀 {i}: {FORBIDDEN_CODE.search(cell.source).group(0)}"
        )
    # Keras 진행 막대(verbose=1)는 출력 검사(━━━━, 'Epoch n/m')가 잡습니다.


def test_file_size_limit(notebook):
    path, _ = notebook
    assert path.stat().st_size < MAX_BYTES, f"{path.name}: {path.stat().st_size / 2**20:.1f} MB"


def test_checked_cells_are_marked_properly(notebook):
    _path, nb = notebook
    for cell in nb.cells:
        if cell.cell_type == "code" and "NBVAL_CHECK_OUTPUT" in cell.source:
            assert cell.source.startswith("# NBVAL_CHECK_OUTPUT"), "표시는 셀의 첫 줄에 둡니다"
            assert cell.outputs, "확인할 출력이 없는 셀에 NBVAL_CHECK_OUTPUT 이 붙었습니다"


def _exercise_blocks(nb):
    """(번호, 연습문제 셀, 풀이 셀) 목록: '### 연습문제 N' 다음의 exercise·solution 태그 코드 셀."""
    blocks = []
    cells = nb.cells
    for i, cell in enumerate(cells):
        found = re.findall(r"^#{3,4} 연습문제 (\d+)", cell.source, re.M) if cell.cell_type == "markdown" else []
        if not found:
            continue
        m = re.match(r"(\d+)", found[-1])
        following = [c for c in cells[i + 1 : i + 4] if c.cell_type == "code"]
        ex = next((c for c in following if "exercise" in c.metadata.get("tags", [])), None)
        sol = next((c for c in following if "solution" in c.metadata.get("tags", [])), None)
        blocks.append((int(m.group(1)), ex, sol))
    return blocks


def test_exercises_run_and_check_themselves(notebook):
    """연습문제마다 채울 코드 셀과, 숨겨진(JupyterLab·Colab) 채로 CI 에서 실행되며 assert 로 스스로 확인하는 풀이 셀."""
    path, nb = notebook
    blocks = _exercise_blocks(nb)
    assert len(blocks) >= 2, f"{path.name}: 연습문제가 {len(blocks)}개뿐입니다"
    assert [n for n, _, _ in blocks] == list(range(1, len(blocks) + 1))
    for n, ex, sol in blocks:
        assert ex is not None, f"{path.name} 연습문제 {n}: 'exercise' 태그 코드 셀이 없습니다"
        assert sol is not None, f"{path.name} 연습문제 {n}: 'solution' 태그 풀이 셀이 없습니다"
        # Colab 의 양식(form) 셀 표시. ruff format 과 요즘 Colab 이 쓰는 '# @title' 꼴로 씁니다.
        assert sol.source.startswith(f"# @title 풀이 {n}"), f"{path.name} 풀이 {n}: 첫 줄은 '# @title 풀이 {n} …'"
        assert sol.metadata.get("jupyter", {}).get("source_hidden") is True, (
            f"{path.name} 풀이 {n}: JupyterLab 에서 숨김"
        )
        assert sol.metadata.get("cellView") == "form", f"{path.name} 풀이 {n}: Colab 에서 숨김(cellView: form)"
        assert re.search(r"^\s*assert ", sol.source, re.M), f"{path.name} 풀이 {n}: 답을 assert 로 확인해야 합니다"
        assert sol.get("execution_count"), f"{path.name} 풀이 {n}: 실행된 출력과 함께 저장해야 합니다"
        assert "assert " not in ex.source, f"{path.name} 연습문제 {n}: 채울 셀에는 답이 없어야 합니다"
