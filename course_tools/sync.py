"""동기화(sync): 설정(``pyproject.toml [tool.dlcourse]``)과 강의 목록(``utils.course.COURSE``)에서
Colab 배지, 공통 설정 셀, ``colab_links.md``, 패키지 안의 ``utils/_release.py`` 를 만듭니다.

포크(fork)로 다시 공개할 때는 ``[tool.dlcourse]`` 의 두 값을 바꾸고 ``python -m course_tools sync``
(또는 ``make colab``) 를 실행하세요. ``--check`` 는 바꾸지 않고 어긋난 곳만 알려 줍니다(테스트가 사용).
"""

from __future__ import annotations

import re
from pathlib import Path

from utils.course import COURSE, Lesson, badge
from utils.course import lesson as find_lesson

from . import NOTEBOOK_DIR, ROOT

COLAB_LINKS = ROOT / "colab_links.md"
RELEASE_FILE = ROOT / "utils" / "_release.py"
SETUP_TAG = "setup"
PARAMETERS_TAG = "parameters"
BADGE_RE = re.compile(r"\[!\[Colab에서 열기\]\([^)]*\)\]\([^)]*\)")


def _load_toml(pyproject: Path) -> dict:
    import tomllib  # requires-python >= 3.11 (pyproject.toml)

    return tomllib.loads(pyproject.read_text(encoding="utf-8"))


def config(pyproject: Path = ROOT / "pyproject.toml") -> dict:
    """``[tool.dlcourse]`` 의 repository 와 ref, 그리고 ``[project]`` 의 name(코스 표식)과 version.

    형식이 틀리면 ValueError. 포크용 테스트 설정처럼 ``[project]`` 가 없으면 이 저장소의 값을 씁니다.
    """
    data = _load_toml(pyproject)
    cfg = data.get("tool", {}).get("dlcourse", {})
    repo, ref = cfg.get("repository", ""), cfg.get("ref", "")
    if not re.fullmatch(r"[\w.-]+/[\w.-]+", repo) or not re.fullmatch(r"[\w./-]+", ref or ""):
        raise ValueError("pyproject.toml 의 [tool.dlcourse] 에 repository='owner/name' 과 ref 가 필요합니다")
    project = data.get("project") or _load_toml(ROOT / "pyproject.toml")["project"]
    return {"repository": repo, "ref": ref, "course_id": project["name"], "version": project["version"]}


def release_source(cfg: dict) -> str:
    """``utils/_release.py`` 의 내용: 코스 표식, 버전, 저장소, ref (설치된 패키지가 스스로 아는 값)."""
    return (
        "# 이 파일은 `python -m course_tools sync` 가 pyproject.toml ([project], [tool.dlcourse]) 에서 만듭니다.\n"
        "# 손으로 고치지 마세요. 공통 설정 셀은 이 값으로 찾은 utils 가 이 코스의 것(같은 저장소·ref)인지 확인합니다.\n"
        f"COURSE_ID = {cfg['course_id']!r}\n"
        f"VERSION = {cfg['version']!r}\n"
        f"REPOSITORY = {cfg['repository']!r}\n"
        f"REF = {cfg['ref']!r}\n"
    ).replace("'", '"')


def notebook_paths(directory: Path = NOTEBOOK_DIR) -> list[Path]:
    """``COURSE`` 순서대로의 노트북 경로 (파일이 없어도 목록에는 있음)."""
    return [directory / lesson.filename for lesson in COURSE]


SETUP_CELL_TEMPLATE = r'''# [공통 설정 셀] 모든 노트북에서 똑같습니다. 몇 번을 다시 실행해도 안전합니다.
# Colab에서만: 이 코스의 utils 패키지(아래 저장소·ref)와 한글 글꼴 패키지를 "없거나 다를 때만" 설치합니다.
# (TensorFlow·NumPy 등 Colab에 이미 있는 것은 건드리지 않도록 --no-deps로 설치합니다.)
import importlib
import importlib.util
import subprocess
import sys

COURSE_ID, COURSE_RELEASE = "<<COURSE_ID>>", "<<REPOSITORY>>@<<REF>>"


def course_utils():
    # 이 코스의 utils 모듈을 돌려줍니다(없으면 None). 이름만 같은 다른 utils가 가리고 있으면 멈춥니다.
    spec = importlib.util.find_spec("utils")
    if spec is None:
        return None
    try:
        module = importlib.import_module("utils")
    except Exception:  # 이름만 같은 다른 파일의 오류도 아래 안내로 보냅니다
        module = None
    if getattr(module, "COURSE_ID", None) == COURSE_ID:
        return module
    where = spec.origin or ", ".join(spec.submodule_search_locations or [])
    raise ImportError(
        f"이 코스의 utils 대신 이름만 같은 다른 'utils'가 먼저 보입니다: {where}\n"
        "고치는 법: 직접 만든 파일·폴더라면 이름을 바꾸거나(예: my_utils.py) 옮기고, 다른 패키지가 설치한 것이라면 "
        "그 패키지를 지운 뒤(pip uninstall), 런타임 → 세션 다시 시작을 누르고 이 셀을 다시 실행하세요."
    )


if "google.colab" in sys.modules:
    wanted = []
    if getattr(course_utils(), "COURSE_RELEASE", None) != COURSE_RELEASE:  # 없거나 다른 ref
        wanted.append("git+https://github.com/" + COURSE_RELEASE)
    if importlib.util.find_spec("koreanize_matplotlib") is None:
        wanted.append("koreanize-matplotlib")
    if wanted:
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", *wanted], check=True
        )
        for name in [m for m in sys.modules if m == "utils" or m.startswith("utils.")]:
            del sys.modules[name]  # 예전 판을 잊고 새로 설치한 판을 불러옵니다
        importlib.invalidate_caches()

found = course_utils()
if found is None or ("google.colab" in sys.modules and found.COURSE_RELEASE != COURSE_RELEASE):
    raise ImportError(f"이 코스의 utils({COURSE_RELEASE})를 찾지 못했습니다. README의 설치 방법을 보세요.")

import utils  # 코스 공통 도우미: 시드, 한글 글꼴, 데이터, 환경 확인

<<SETUP_CALL>>'''

SETUP_CALL_TF = "ENV = utils.setup(seed=42)  # 한글 글꼴 + 시드 고정 + 결정적 연산 + 버전·장치 출력"
SETUP_CALL_NO_TF = (
    "# 이 노트북은 TensorFlow를 쓰지 않으므로 불러오지 않습니다(빠른 시작). 시드는 Python·NumPy만 고정합니다.\n"
    "ENV = utils.setup(seed=42, tensorflow=False)  # 한글 글꼴 + 시드 고정 + 버전 출력"
)


def setup_cell_source(repo: str, ref: str, course_id: str = "dlcourse-ko", tensorflow: bool = True) -> str:
    """모든 노트북의 공통 설정 셀 (태그 ``setup``). 다시 실행해도 안전하고, 두 번째부터는 설치 없이 조용합니다.

    찾은 ``utils`` 가 이 코스의 것(표식 ``utils.COURSE_ID``)이고 같은 저장소·ref(``utils.COURSE_RELEASE``)
    인지 확인합니다. Colab 에서 없거나 다른 ref 면 ``pip install --no-deps --force-reinstall`` 로 설치하고
    예전 모듈을 잊습니다. 이름만 같은 다른 ``utils``(학습자의 utils.py, 다른 패키지의 최상위 utils)가
    가리고 있으면 그 경로와 고치는 법을 한국어로 알려 주고 ImportError 로 멈춥니다(AttributeError 가 아니라).

    ``tensorflow=False``(강의의 ``Lesson.tensorflow``)면 마지막 줄이 ``utils.setup(seed=42, tensorflow=False)`` 가
    되어 TensorFlow 를 불러오지 않습니다. 그 밖의 줄은 모든 노트북에서 같습니다.
    """
    return (
        SETUP_CELL_TEMPLATE.replace("<<COURSE_ID>>", course_id)
        .replace("<<REPOSITORY>>", repo)
        .replace("<<REF>>", ref)
        .replace("<<SETUP_CALL>>", SETUP_CALL_TF if tensorflow else SETUP_CALL_NO_TF)
    )


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
        lines.append(
            f"| [`{item.filename}`](notebooks/{item.filename}) | {item.title} | {badge(item.filename, repo, ref)} |"
        )
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
        problems.append(
            f"{filename}: 'setup' 태그가 붙은 공통 설정 셀이 정확히 하나 있어야 합니다 ({len(setup_cells)}개)"
        )
    elif setup_cells[0].source != setup_source:
        problems.append(f"{filename}: 공통 설정 셀이 표준과 다릅니다")
        setup_cells[0].source = setup_source
    return problems


def sync(
    check: bool = False,
    directory: Path = NOTEBOOK_DIR,
    links_file: Path = COLAB_LINKS,
    release_file: Path = RELEASE_FILE,
    pyproject: Path = ROOT / "pyproject.toml",
) -> list[str]:
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
    for lesson, path in zip(COURSE, notebook_paths(directory)):
        if not path.is_file():
            problems.append(f"{path.name}: COURSE 에 있는 노트북 파일이 없습니다")
            continue
        setup_source = setup_cell_source(repo, ref, cfg["course_id"], tensorflow=lesson.tensorflow)
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


def standard_setup_cell(pyproject: Path = ROOT / "pyproject.toml", lesson: Lesson | str | None = None) -> str:
    """설정(``[tool.dlcourse]``)대로의 공통 설정 셀 — 테스트와 sync 가 비교하는 표준.

    ``lesson`` (강의, 번호 또는 파일 이름)을 주면 그 강의의 ``tensorflow`` 값을 따릅니다. 주지 않으면 TF 를 쓰는 판입니다.
    """
    cfg = config(pyproject)
    if isinstance(lesson, str):
        lesson = find_lesson(lesson)
    tensorflow = True if lesson is None else lesson.tensorflow
    return setup_cell_source(cfg["repository"], cfg["ref"], cfg["course_id"], tensorflow=tensorflow)
