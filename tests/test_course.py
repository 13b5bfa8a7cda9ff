"""utils.course: 코스 지도, Colab 배지·링크·설정 셀이 설정(pyproject)과 노트북 목록에 맞는지."""
from __future__ import annotations

import re

import nbformat
import pytest

from utils import course as C


def test_repository_config_is_valid():
    repo, ref = C.repository()
    assert re.fullmatch(r"[\w.-]+/[\w.-]+", repo) and ref


def test_course_map_is_ordered_ascii_and_unique():
    names = [lesson.filename for lesson in C.COURSE]
    assert names == sorted(names) and len(set(names)) == len(names)
    for n in names:
        assert re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", n), n
    assert [n[:2] for n in names] == [f"{i:02d}" for i in range(len(names))]


def test_every_notebook_is_in_the_course_map():
    known = {lesson.filename for lesson in C.COURSE}
    assert C.notebook_files() <= known
    assert "00_getting_started.ipynb" in C.notebook_files()


def test_repo_is_in_sync_badges_setup_cells_and_colab_links():
    problems = C.sync(check=True)
    assert problems == [], "`python -m utils sync` 를 실행하세요:\n" + "\n".join(problems)


def test_colab_links_list_every_notebook_with_its_url():
    text = C.COLAB_LINKS.read_text(encoding="utf-8")
    for name in C.notebook_files():
        assert C.colab_url(name) in text
    for lesson in C.COURSE:
        assert lesson.filename in text


def test_setup_cell_is_colab_guarded_and_rerun_safe():
    src = C.setup_cell_source()
    repo, ref = C.repository()
    assert f'"{repo}", "{ref}"' in src
    assert 'if "google.colab" in sys.modules:' in src
    assert "--no-deps" in src and "find_spec" in src  # 이미 있는 것은 설치하지 않음
    assert "!git clone" not in src and "sys.path" not in src
    compile(src, "setup", "exec")


def test_sync_fixes_a_drifted_notebook(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# 제목\n\n[![Colab에서 열기](https://x/badge.svg)](https://colab.research.google.com/github/old/repo/blob/main/notebooks/00_getting_started.ipynb)"),
        nbformat.v4.new_code_cell("import utils  # 옛 설정 셀", metadata={"tags": ["setup"]}),
    ]
    (tmp_path / "nbs").mkdir()
    path = tmp_path / "nbs" / "00_getting_started.ipynb"
    nbformat.write(nb, path)
    links = tmp_path / "colab_links.md"
    problems = C.sync(check=True, directory=tmp_path / "nbs", links_file=links)
    assert len(problems) == 3 and not links.exists()
    C.sync(directory=tmp_path / "nbs", links_file=links)
    assert C.sync(check=True, directory=tmp_path / "nbs", links_file=links) == []
    fixed = nbformat.read(path, as_version=4)
    assert C.badge("00_getting_started.ipynb") in fixed.cells[0].source
    assert fixed.cells[1].source == C.setup_cell_source()


def test_sync_reports_missing_setup_cell(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# 제목 " + C.badge("00_getting_started.ipynb"))]
    nbformat.write(nb, tmp_path / "00_getting_started.ipynb")
    problems = C.sync(check=True, directory=tmp_path, links_file=tmp_path / "l.md")
    assert any("setup" in p for p in problems)


def test_course_map_markdown_links_existing_notebooks():
    md = C.course_map_markdown()
    assert md.count("\n") == len(C.COURSE) + 1
    assert C.colab_url("00_getting_started.ipynb") in md


@pytest.mark.parametrize("text", ["owner", "a/b/c", ""])
def test_bad_repository_config_is_rejected(monkeypatch, text):
    monkeypatch.setattr(C, "_config", C._config)
    import tomllib

    real = tomllib.loads
    monkeypatch.setattr(tomllib, "loads", lambda s: {"tool": {"dlcourse": {"repository": text, "ref": "main"}}})
    try:
        with pytest.raises(ValueError, match="repository"):
            C.repository()
    finally:
        monkeypatch.setattr(tomllib, "loads", real)
