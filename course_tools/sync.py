"""동기화(sync): 설정(``pyproject.toml [tool.dlcourse]``)과 강의 목록(``utils.course.COURSE``)에서
Colab 배지, 공통 설정 셀, ``colab_links.md``, 패키지 안의 ``utils/_release.py`` 를 만듭니다.

포크(fork)로 다시 공개할 때는 ``[tool.dlcourse]`` 의 두 값을 바꾸고 ``python -m course_tools sync``
(또는 ``make colab``) 를 실행하세요. ``--check`` 는 바꾸지 않고 어긋난 곳만 알려 줍니다(테스트가 사용).
"""
from __future__ import annotations

import re
from pathlib import Path

from utils.course import COURSE, badge

from . import NOTEBOOK_DIR, ROOT

COLAB_LINKS = ROOT / "colab_links.md"
RELEASE_FILE = ROOT / "utils" / "_release.py"
SETUP_TAG = "setup"
PARAMETERS_TAG = "parameters"
BADGE_RE = re.compile(r"\[!\[Colab에서 열기\]\([^)]*\)\]\([^)]*\)")


def config(pyproject: Path = ROOT / "pyproject.toml") -> dict:
    """``[tool.dlcourse]`` 의 repository 와 ref (형식이 틀리면 ValueError)."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    cfg = data.get("tool", {}).get("dlcourse", {})
    repo, ref = cfg.get("repository", ""), cfg.get("ref", "")
    if not re.fullmatch(r"[\w.-]+/[\w.-]+", repo) or not re.fullmatch(r"[\w./-]+", ref or ""):
        raise ValueError("pyproject.toml 의 [tool.dlcourse] 에 repository='owner/name' 과 ref 가 필요합니다")
    return {"repository": repo, "ref": ref}


def release_source(cfg: dict) -> str:
    """``utils/_release.py`` 의 내용."""
    return (
        "# 이 파일은 `python -m course_tools sync` 가 pyproject.toml [tool.dlcourse] 에서 만듭니다. 손으로 고치지 마세요.\n"
        f"REPOSITORY = {cfg['repository']!r}\n"
        f"REF = {cfg['ref']!r}\n"
    ).replace("'", '"')


def notebook_paths(directory: Path = NOTEBOOK_DIR) -> list[Path]:
    """``COURSE`` 순서대로의 노트북 경로 (파일이 없어도 목록에는 있음)."""
    return [directory / lesson.filename for lesson in COURSE]


def setup_cell_source(repo: str, ref: str) -> str:
    """모든 노트북의 공통 설정 셀 (태그 ``setup``). 다시 실행해도 안전합니다."""
    return f'''# [공통 설정 셀] 모든 노트북에서 똑같습니다. 몇 번을 다시 실행해도 안전합니다.
# Colab에서만: 이 코스의 utils 패키지와 한글 글꼴 패키지를 "없을 때만" 설치합니다.
# (TensorFlow·NumPy 등 Colab에 이미 있는 것은 건드리지 않도록 --no-deps로 설치합니다.)
import importlib
import importlib.util
import subprocess
import sys

COURSE_REPO, COURSE_REF = "{repo}", "{ref}"
if "google.colab" in sys.modules:
    wanted = {{"utils": f"git+https://github.com/{{COURSE_REPO}}@{{COURSE_REF}}",
              "koreanize_matplotlib": "koreanize-matplotlib"}}
    missing = [spec for module, spec in wanted.items() if importlib.util.find_spec(module) is None]
    if missing:
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", *missing], check=True)
        importlib.invalidate_caches()

import utils  # 코스 공통 도우미: 시드, 한글 글꼴, 데이터, 환경 확인

ENV = utils.setup(seed=42)  # 한글 글꼴 + 시드 고정 + 결정적 연산 + 버전·장치 출력'''


def colab_links_markdown(repo: str, ref: str) -> str:
    """``colab_links.md`` 의 내용 (코스 지도의 순서대로)."""
    lines = [
        "# Colab 링크",
        "",
        "<!-- 이 파일은 `python -m course_tools sync` 가 만듭니다. 손으로 고치지 마세요. -->",
        f"저장소 `{repo}`, ref `{ref}` 기준입니다. 포크에서 공개할 때는 README 의 'Colab 주소 바꾸기'를 보세요.",
        "",
        "| 노트북 | 주제 | Colab |",
        "|---|---|---|",
    ]
    for item in COURSE:
        lines.append(f"| [`{item.filename}`](notebooks/{item.filename}) | {item.title} | {badge(item.filename, repo, ref)} |")
    return "\n".join(lines) + "\n"


def _sync_notebook(nb, filename: str, setup_source: str, want_badge: str) -> list[str]:
    problems: list[str] = []
    cells = nb.cells
    if not cells or cells[0].cell_type != "markdown":
        return [f"{filename}: 첫 셀은 제목과 배지가 있는 Markdown 셀이어야 합니다"]
    first = cells[0].source
    found = BADGE_RE.search(first)
    if found is None:
        problems.append(f"{filename}: 첫 셀에 Colab 배지가 없습니다")
    elif found.group(0) != want_badge:
        problems.append(f"{filename}: Colab 배지 주소가 설정과 다릅니다")
        cells[0].source = BADGE_RE.sub(lambda _m: want_badge, first)
    setup_cells = [c for c in cells if c.cell_type == "code" and SETUP_TAG in c.metadata.get("tags", [])]
    if len(setup_cells) != 1:
        problems.append(f"{filename}: 'setup' 태그가 붙은 공통 설정 셀이 정확히 하나 있어야 합니다 ({len(setup_cells)}개)")
    elif setup_cells[0].source != setup_source:
        problems.append(f"{filename}: 공통 설정 셀이 표준과 다릅니다")
        setup_cells[0].source = setup_source
    return problems


def sync(check: bool = False, directory: Path = NOTEBOOK_DIR, links_file: Path = COLAB_LINKS,
         release_file: Path = RELEASE_FILE, pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    """배지·설정 셀·``colab_links.md``·``utils/_release.py`` 를 설정에 맞춥니다.

    ``check=True`` 면 고치지 않고 문제만 돌려줍니다.
    """
    import nbformat

    cfg = config(pyproject)
    repo, ref = cfg["repository"], cfg["ref"]
    problems: list[str] = []
    want_release = release_source(cfg)
    if not release_file.is_file() or release_file.read_text(encoding="utf-8") != want_release:
        problems.append(f"{release_file.name}: 패키지 안의 저장소 주소·ref 가 설정과 다릅니다")
        if not check:
            release_file.write_text(want_release, encoding="utf-8")
    setup_source = setup_cell_source(repo, ref)
    for path in notebook_paths(directory):
        if not path.is_file():
            problems.append(f"{path.name}: COURSE 에 있는 노트북 파일이 없습니다")
            continue
        nb = nbformat.read(path, as_version=4)
        found = _sync_notebook(nb, path.name, setup_source, badge(path.name, repo, ref))
        problems += found
        if found and not check:
            nbformat.write(nb, path)
    known = {lesson.filename for lesson in COURSE}
    for path in sorted(directory.glob("*.ipynb")):
        if path.name not in known:
            problems.append(f"{path.name}: utils/course.py 의 COURSE 에 없는 노트북입니다")
    want = colab_links_markdown(repo, ref)
    if not links_file.is_file() or links_file.read_text(encoding="utf-8") != want:
        problems.append(f"{links_file.name}: 노트북 목록·설정과 다릅니다")
        if not check:
            links_file.write_text(want, encoding="utf-8")
    return problems


def standard_setup_cell(pyproject: Path = ROOT / "pyproject.toml") -> str:
    """설정(``[tool.dlcourse]``)대로의 공통 설정 셀 — 테스트와 sync 가 비교하는 표준."""
    cfg = config(pyproject)
    return setup_cell_source(cfg["repository"], cfg["ref"])
