"""설치된 패키지는 홀로 섭니다: 휠을 일회용 가상환경에 (편집 가능 설치가 아니라) 설치하고, 저장소 밖의 폴더에서
papermill·nbformat·course_tools 를 import 할 수 없게 막은 채 ``utils`` 와 모든 하위 모듈을 불러 봅니다.

코스 지도(모든 강의, 각자의 Colab 링크), 저장소 주소·ref, 코스 표식이 패키지 안의 값만으로 나와야 합니다.
일회용 환경은 의존성(numpy, TensorFlow …)만 개발 환경에서 빌려 씁니다(``.pth`` 한 줄). 이 테스트는 Python 3.13
없이도 돌아가므로, Colab 판 환경이 없는 기계에서도 자기충족성은 확인됩니다.
"""

from __future__ import annotations

import json
import subprocess
import sys
import sysconfig
from pathlib import Path

from colab_env import ROOT, run_checked

from course_tools.sync import config
from utils.course import COURSE

PROBE = r'''
import importlib, importlib.abc, json, pkgutil, sys

BLOCKED = {"papermill", "nbformat", "course_tools"}

class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"blocked for this test: {name}", name=name)
        return None

sys.meta_path.insert(0, Block())
import utils
from utils import course
names = [m.name for m in pkgutil.walk_packages(utils.__path__, "utils.")]
for name in names:
    importlib.import_module(name)
print(json.dumps({
    "file": utils.__file__, "modules": names, "course_id": utils.COURSE_ID, "release": utils.COURSE_RELEASE,
    "version": utils.__version__, "lessons": [lesson.filename for lesson in course.COURSE],
    "map": course.course_map_markdown(),
    "leaked": sorted(m for m in sys.modules if m.split(".")[0] in BLOCKED),
}))
'''


def test_installed_wheel_stands_on_its_own(tmp_path, course_wheel):
    wheel = course_wheel
    venv = tmp_path / "venv"
    run_checked([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    python = venv / "bin" / "python"
    run_checked(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "-q",
            "--no-deps",
            "--no-index",
            "--force-reinstall",
            str(wheel),
        ]
    )
    site = Path(
        run_checked([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip()
    )
    # 의존성만 빌려 옴: 개발 환경의 site-packages 를 맨 뒤에 (그 안의 편집 가능 설치 .pth 는 처리되지 않음)
    (site / "zz_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    outside = tmp_path / "somewhere"
    outside.mkdir()
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "TF_CPP_MIN_LOG_LEVEL": "3"}
    done = subprocess.run([str(python), "-c", PROBE], cwd=outside, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-4000:]
    info = json.loads(done.stdout.strip().splitlines()[-1])

    installed = Path(info["file"])
    assert installed.is_relative_to(site), installed  # 저장소의 utils/ 가 아니라 설치된 사본
    assert {"utils.course", "utils.data", "utils.env", "utils._release", "utils.lessons"} <= set(info["modules"])
    assert info["leaked"] == []
    cfg = config()
    assert (info["course_id"], info["version"]) == (cfg["course_id"], cfg["version"])
    assert info["release"] == f"{cfg['repository']}@{cfg['ref']}"
    assert info["lessons"] == [lesson.filename for lesson in COURSE]
    for lesson in COURSE:
        url = (
            f"https://colab.research.google.com/github/{cfg['repository']}/blob/{cfg['ref']}"
            f"/notebooks/{lesson.filename}"
        )
        assert url in info["map"], lesson.filename
        assert (ROOT / "notebooks" / lesson.filename).is_file()
    assert "준비 중" not in info["map"] and "0개" not in info["map"]


def test_wheel_ships_the_learner_package_only(course_wheel):
    import zipfile

    names = zipfile.ZipFile(course_wheel).namelist()
    tops = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert tops == {"utils"}, tops  # course_tools, tests, notebooks, dataset 은 휠에 없음
    assert "utils/_release.py" in names
