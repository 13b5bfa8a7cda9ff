"""utils.course (학습자용 코스 지도) 와 course_tools.sync (관리자용 동기화)."""

from __future__ import annotations

import re

import nbformat
import pytest

from course_tools import sync as S
from utils import course as C


def test_packaged_repository_matches_pyproject():
    cfg = S.config()
    assert C.repository() == (cfg["repository"], cfg["ref"])


def test_package_knows_its_own_identity_and_release():
    import utils

    cfg = S.config()
    assert utils.COURSE_ID == cfg["course_id"] == "dlcourse-ko"
    assert f"{cfg['repository']}@{cfg['ref']}" == utils.COURSE_RELEASE
    assert utils.__version__ == cfg["version"]


def test_course_map_is_ordered_ascii_and_unique():
    names = [lesson.filename for lesson in C.COURSE]
    assert names == sorted(names) and len(set(names)) == len(names)
    for n in names:
        assert re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", n), n
    assert [lesson.number for lesson in C.COURSE] == [f"{i:02d}" for i in range(len(names))]


def test_course_budget_is_the_sum_of_lesson_budgets():
    assert sum(lesson.budget_s for lesson in C.COURSE) == C.COURSE_BUDGET_S
    assert all(lesson.budget_s > 0 for lesson in C.COURSE)


@pytest.mark.parametrize("key", ["07", "07_lung_cancer_survival", "07_lung_cancer_survival.ipynb"])
def test_lesson_lookup(key):
    assert C.lesson(key).filename == "07_lung_cancer_survival.ipynb"


def test_lesson_lookup_lists_valid_numbers():
    with pytest.raises(KeyError, match="00, 01"):
        C.lesson("99")


def test_every_notebook_file_is_in_the_course_and_vice_versa():
    on_disk = {p.name for p in S.NOTEBOOK_DIR.glob("*.ipynb")}
    assert on_disk == {lesson.filename for lesson in C.COURSE}


def test_repo_is_in_sync_badges_setup_cells_links_and_release():
    problems = S.sync(check=True)
    assert problems == [], "`python -m course_tools sync` 를 실행하세요:\n" + "\n".join(problems)


def test_colab_links_list_every_notebook_with_its_url():
    text = S.COLAB_LINKS.read_text(encoding="utf-8")
    for lesson in C.COURSE:
        assert C.colab_url(lesson.filename) in text


def test_setup_cell_is_colab_guarded_and_rerun_safe():
    src = S.standard_setup_cell()
    repo, ref = C.repository()
    assert f'COURSE_ID, COURSE_RELEASE = "dlcourse-ko", "{repo}@{ref}"' in src
    assert 'if "google.colab" in sys.modules:' in src
    assert "--no-deps" in src
    assert "!git clone" not in src and "sys.path" not in src
    compile(src, "setup", "exec")


def test_setup_cell_follows_each_lessons_tensorflow_flag():
    """TF 를 쓰지 않는 강의의 설정 셀만 ``tensorflow=False`` 로 부르고, 나머지 줄은 모든 강의가 같습니다."""
    with_tf, without_tf = S.standard_setup_cell(), S.standard_setup_cell(lesson="02")
    assert with_tf.endswith(S.SETUP_CALL_TF) and "tensorflow=False" not in with_tf
    assert without_tf.endswith(S.SETUP_CALL_NO_TF) and "utils.setup(seed=42, tensorflow=False)" in without_tf
    assert with_tf.removesuffix(S.SETUP_CALL_TF) == without_tf.removesuffix(S.SETUP_CALL_NO_TF)
    compile(without_tf, "setup", "exec")
    for lesson in C.COURSE:
        want = S.SETUP_CALL_TF if lesson.tensorflow else S.SETUP_CALL_NO_TF
        assert S.standard_setup_cell(lesson=lesson).endswith(want)
        assert S.standard_setup_cell(lesson=lesson.number) == S.standard_setup_cell(lesson=lesson)
    assert C.lesson("02").tensorflow is False and C.lesson("00").tensorflow is True


def test_course_map_links_every_lesson_without_repository_files():
    md = C.course_map_markdown()
    assert md.count("\n") == len(C.COURSE) + 1
    for lesson in C.COURSE:
        assert C.colab_url(lesson.filename) in md
    assert "준비 중" not in md


def _drifted(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell(
            "# 제목\n\n[![Colab에서 열기](https://x/badge.svg)](https://colab.research.google.com/github/old/repo/blob/main/notebooks/00_getting_started.ipynb)"
        ),
        nbformat.v4.new_code_cell("import utils  # 옛 설정 셀", metadata={"tags": ["setup"]}),
    ]
    nbs = tmp_path / "nbs"
    nbs.mkdir()
    nbformat.write(nb, nbs / "00_getting_started.ipynb")
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.dlcourse]\nrepository = "me/fork"\nref = "v1.0"\n', encoding="utf-8")
    return nbs, pyproject


def test_sync_fixes_a_drifted_fork_in_one_pass(tmp_path):
    nbs, pyproject = _drifted(tmp_path)
    kw = dict(
        directory=nbs,
        links_file=tmp_path / "colab_links.md",
        release_file=tmp_path / "_release.py",
        pyproject=pyproject,
    )
    problems = S.sync(check=True, **kw)
    assert any("_release" in p for p in problems) and any("배지" in p for p in problems)
    assert any("설정 셀" in p for p in problems) and not (tmp_path / "colab_links.md").exists()
    S.sync(**kw)
    remaining = S.sync(check=True, **kw)
    # 파일이 없는 나머지 강의(01~08)만 남고, 있는 노트북·링크·_release 는 모두 맞춰짐
    assert all("노트북 파일이 없습니다" in p for p in remaining)
    fixed = nbformat.read(nbs / "00_getting_started.ipynb", as_version=4)
    assert C.badge("00_getting_started.ipynb", "me/fork", "v1.0") in fixed.cells[0].source
    assert fixed.cells[1].source == S.standard_setup_cell(pyproject)
    assert 'REPOSITORY = "me/fork"' in (tmp_path / "_release.py").read_text(encoding="utf-8")
    assert "blob/v1.0/notebooks/08_" in (tmp_path / "colab_links.md").read_text(encoding="utf-8")


def test_sync_reports_missing_setup_cell(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# 제목 " + C.badge("00_getting_started.ipynb"))]
    nbformat.write(nb, tmp_path / "00_getting_started.ipynb")
    problems = S.sync(check=True, directory=tmp_path, links_file=tmp_path / "l.md", release_file=tmp_path / "r.py")
    assert any("setup" in p for p in problems)


@pytest.mark.parametrize("text", ["owner", "a/b/c", "", "owner/name with space"])
def test_bad_repository_config_is_rejected(tmp_path, text):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(f'[tool.dlcourse]\nrepository = "{text}"\nref = "main"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="repository"):
        S.config(pyproject)
