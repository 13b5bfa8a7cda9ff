"""Colab 과 같은 방식으로 모든 노트북을 실행합니다 (표시 ``colab``; ``make test`` 와 ``.ci/run`` 이 실행).

Colab 에서 배지를 누른 학습자와 같은 조건: 휠로 설치한(편집 가능 설치가 아닌) utils, Colab 이 싣는 판의
라이브러리(``ci/colab-constraints.txt``, Python 3.13), 저장소 밖의 빈 작업 폴더(노트북마다 새로, Colab 의
``/content``), 미리 불러 둔 ``google.colab`` 대역, 설치 요청을 기록하는 pip 대역.

각 노트북을 빠른 모드(QUICK=True)로 **같은 커널에서 두 번** 실행합니다. 그래서 이 계층이 예전
``tests/notebooks/test_rerun.py`` (다시 실행해도 안전한지)도 맡습니다: 두 번째 실행도 오류 없이 끝나고,
결정적인 출력(``# NBVAL_CHECK_OUTPUT`` 셀)은 첫 번째와 같아야 합니다. 노트북의 assert(핵심 수치가 여유 안에
있는지)는 두 번 모두 통과해야 합니다.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import nbformat
import pytest
from colab_env import KERNEL_NAME, ROOT, pinned
from nbclient import NotebookClient

from utils.course import COURSE, colab_url, repository
from utils.data import REGISTRY, sha256_of

VOLATILE = re.compile(r"\d+(\.\d+)?\s?(ms|s|초)\b|0x[0-9a-f]+")
TIMES: dict[str, float] = {}


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


def _markdown_outputs(nb) -> str:
    return "\n".join(
        "".join(out.get("data", {}).get("text/markdown", ""))
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.outputs
    )


def _prepare(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    at = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", []))
    nb.cells.insert(at + 1, nbformat.v4.new_code_cell("QUICK = True  # Colab 계층 테스트: 빠른 모드"))
    return nb


def test_environment_has_colabs_versions_and_no_maintainer_tools(colab_env, tmp_path):
    code = (
        "import importlib.util, json, sys, tensorflow, keras, numpy, pandas, matplotlib, sklearn, skimage, ipykernel\n"
        "import utils\n"
        "print(json.dumps({'python': sys.version.split()[0], 'tensorflow': tensorflow.__version__,"
        " 'keras': keras.__version__, 'numpy': numpy.__version__, 'pandas': pandas.__version__,"
        " 'matplotlib': matplotlib.__version__, 'scikit-learn': sklearn.__version__,"
        " 'scikit-image': skimage.__version__, 'ipykernel': ipykernel.__version__,"
        " 'utils': utils.__file__, 'colab': 'google.colab' in sys.modules,"
        " 'missing': [m for m in ('papermill', 'nbformat', 'course_tools') if importlib.util.find_spec(m) is None]}))\n"
    )
    with colab_env.using():
        done = colab_env.run(code, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    info = json.loads(done.stdout.strip().splitlines()[-1])
    print(info)
    assert info["python"].startswith("3.13.")
    for name in ("tensorflow", "keras", "numpy", "pandas", "matplotlib", "scikit-learn", "scikit-image", "ipykernel"):
        assert info[name] == pinned(name), (name, info[name])
    installed = Path(info["utils"])  # 휠로 설치된 사본이지 저장소의 utils/ 가 아님 (편집 가능 설치 아님)
    assert installed.parent.parent.name == "site-packages" and not installed.is_relative_to(ROOT / "utils")
    assert info["colab"] is True
    assert info["missing"] == ["papermill", "nbformat", "course_tools"]


def test_setup_cell_installs_the_course_package_in_a_fresh_runtime(colab_env, tmp_path):
    """새 런타임(utils 없음)에서 공통 설정 셀만: pip 대역이 받은 요청과 설치 결과를 확인합니다."""
    from course_tools.sync import standard_setup_cell

    log = tmp_path / "pip.jsonl"
    subprocess_env = {"DLCOURSE_PIP_LOG": str(log)}
    # 병렬 실행: 설치를 지운 동안 다른 작업자가 이 환경에서 노트북을 실행하지 않게 (배타 잠금)
    with colab_env.changing():
        uninstall = colab_env.run(
            "import subprocess, sys; subprocess.run([sys.executable, '-m', 'pip', 'uninstall', '-y', "
            "'-q', 'dlcourse-ko'], check=True)",
            cwd=tmp_path,
            PYTHONPATH="",
        )
        try:
            assert uninstall.returncode == 0, uninstall.stderr
            cell = standard_setup_cell()
            # 같은 런타임에서 두 번 (Colab 에서 셀을 다시 실행하는 것과 같음): 사이에 pip 요청 수를 찍어 둠
            code = (
                cell
                + "\nprint('ok', utils.COURSE_RELEASE)\n"
                + "import os, pathlib\n"
                + "print('calls', len(pathlib.Path(os.environ['DLCOURSE_PIP_LOG']).read_text().splitlines()))\n"
                + cell
                + "\nprint('again', utils.COURSE_RELEASE)\n"
            )
            done = colab_env.run(code, cwd=tmp_path, **subprocess_env)
            assert done.returncode == 0, done.stderr[-3000:]
            repo, ref = repository()
            calls = [line for line in log.read_text(encoding="utf-8").splitlines() if line]
            assert len(calls) == 1 and f"git+https://github.com/{repo}@{ref}" in calls[0] and "--no-deps" in calls[0]
            assert f"ok {repo}@{ref}" in done.stdout and "calls 1" in done.stdout
            assert f"again {repo}@{ref}" in done.stdout  # 두 번째 실행: 설치 요청 없이 (위의 len(calls) == 1)
        finally:  # 다음 테스트를 위해 휠을 다시 설치 (pip 대역을 거치지 않고)
            colab_env.run(
                f"import subprocess, sys; subprocess.run([sys.executable, '-m', 'pip', 'install', '-q', "
                f"'--no-deps', '--force-reinstall', '--no-index', {str(colab_env.wheel)!r}], check=True)",
                cwd=tmp_path,
                PYTHONPATH="",
            )


@pytest.mark.parametrize("lesson", COURSE, ids=lambda lesson: lesson.stem)
def test_notebook_runs_twice_like_colab(lesson, colab_env, colab_kernel, tmp_path, monkeypatch, notebook_env, request):
    monkeypatch.setenv("JUPYTER_PATH", str(colab_kernel))
    content = tmp_path / "content"  # Colab 의 /content: 저장소 밖의 빈 작업 폴더
    content.mkdir()
    repo_dataset_before = sorted(p.name for p in (ROOT / "dataset").iterdir())
    calls_before = len(colab_env.pip_calls())
    nb = _prepare(ROOT / "notebooks" / lesson.filename)
    client = NotebookClient(nb, timeout=900, kernel_name=KERNEL_NAME, resources={"metadata": {"path": str(content)}})
    results, start, passes = [], time.perf_counter(), []
    kernel_log = (tmp_path / "kernel-stderr.log").open("w")  # ipykernel 6.17 이 종료 때 쓰는 잡음은 로그 파일로
    with (
        colab_env.using(),
        kernel_log,
        client.setup_kernel(env=colab_env.environ(PYDEVD_DISABLE_FILE_VALIDATION="1"), stderr=kernel_log),
    ):
        for _ in range(2):
            for i, cell in enumerate(nb.cells):
                if cell.cell_type == "code":
                    cell.outputs = []
                    client.execute_cell(cell, i)  # 오류(assert 실패 포함)면 CellExecutionError
            results.append((_checked_outputs(nb), _markdown_outputs(nb)))
            passes.append(time.perf_counter() - start - sum(passes))
    TIMES[lesson.number] = (time.perf_counter() - start, *passes)
    request.node.user_properties.append(("colab_times", (lesson.number, *TIMES[lesson.number])))  # 병렬: 요약용
    print(
        f"\n[colab] {lesson.filename}: 두 번 실행 {TIMES[lesson.number][0]:.1f} s "
        f"(첫 번째 {passes[0]:.1f} s: 커널 시작 포함, 두 번째 {passes[1]:.1f} s; 빠른 모드)"
    )

    assert results[0][0] == results[1][0], f"{lesson.filename}: 두 번째 실행의 확인 대상 출력이 첫 번째와 다릅니다"
    assert colab_env.pip_calls()[calls_before:] == [], "설치되어 있는데도 공통 설정 셀이 pip 을 불렀습니다"
    # 데이터는 작업 폴더의 ./dataset 에 (저장소의 dataset/ 은 그대로)
    assert sorted(p.name for p in (ROOT / "dataset").iterdir()) == repo_dataset_before
    source = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    for ds in REGISTRY.values():
        if f'"{ds.name}"' in source or (ds.name == "thoracic" and "thoracic" in source):
            landed = content / "dataset" / ds.filename
            assert landed.is_file(), f"{ds.filename} 가 작업 폴더의 ./dataset 에 없습니다"
            if ds.name == "thoracic":
                assert sha256_of(landed) == "b51f69e60765c0b724c356fc3b9c5777b213c920b75ebb75b37b1f4b3702c379"
    if lesson.number == "00":  # 코스 지도: 모든 강의가 Colab 링크와 함께
        course_map = results[1][1]
        repo, ref = repository()
        for item in COURSE:
            url = colab_url(item.filename)
            assert url in course_map, f"코스 지도에 {item.filename} 의 Colab 링크가 없습니다"
            assert url == f"https://colab.research.google.com/github/{repo}/blob/{ref}/notebooks/{item.filename}"
            assert (ROOT / "notebooks" / item.filename).is_file()  # 링크가 가리키는 파일이 저장소에 있음
        assert "준비 중" not in course_map
