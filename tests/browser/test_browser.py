"""실제 브라우저로 보는 학습자의 화면: JupyterLab 과 HTML 로 렌더링한 노트북.

- JupyterLab 을 이 프로젝트의 환경에서 루프백(127.0.0.1)과 토큰으로 띄우고, 헤드리스 Chromium(데비안의
  ``chromium`` 패키지)을 Playwright 로 조종해 노트북 00 과 한글 그림이 있는 노트북 하나를 엽니다.
  오류 대화상자가 없는지, 커널이 시작되는지, 첫 코드 셀들이 실행되는지, 한글 제목이 글자로 있는지 확인합니다.
- 모든 노트북을 nbconvert 로 HTML 로 바꿔 브라우저로 열고, 제목과 그림(img, 크기 > 0)을 확인합니다.

화면 사진은 ``make screenshots`` 로 실행할 때(``DLCOURSE_SCREENSHOTS=1``) git 에서 제외된 ``screenshots/`` 에
저장됩니다. 사람이 직접 보고 그림의 한글이 네모(□)가 아닌지 확인하세요. 사진은 검사가 아니므로 ``make test`` 는
찍지 않습니다(긴 노트북의 전체 페이지 사진은 한 장에 몇 초). 브라우저를 시작할 수 없으면 건너뛰지 않고 이유와 함께 실패합니다.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from utils import course

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "screenshots"
TAKE_SHOTS = os.environ.get("DLCOURSE_SCREENSHOTS") == "1"  # make screenshots
NOTEBOOKS = [ROOT / "notebooks" / lesson.filename for lesson in course.COURSE]
CHROMIUM = os.environ.get("DLCOURSE_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
CHROME_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
PANEL = ".jp-NotebookPanel:visible"  # 지금 보이는 노트북 탭
TITLES = {lesson.filename: lesson.title for lesson in course.COURSE}

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.fail(
            "Chromium 을 찾지 못했습니다. 설치: sudo apt-get install chromium fonts-nanum "
            "(또는 bash tools/install_browser_deps.sh). 다른 위치라면 DLCOURSE_CHROMIUM 으로 지정하세요."
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("playwright 파이썬 패키지가 없습니다: pip install -e . (requirements.txt 에 있음)")
    if TAKE_SHOTS:
        SHOTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        try:
            b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROME_ARGS, headless=True)
        except Exception as exc:
            pytest.fail(f"Chromium({CHROMIUM})을 시작할 수 없습니다: {exc}")
        yield b
        b.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory):
    """노트북 사본이 있는 임시 폴더에서 JupyterLab 을 띄웁니다 (저장소의 노트북은 건드리지 않음)."""
    root = tmp_path_factory.mktemp("lab")
    for nb in NOTEBOOKS:
        shutil.copy(nb, root / nb.name)
    port, token = _free_port(), secrets.token_hex(16)
    log = open(root / "jupyterlab.log", "w")  # noqa: SIM115 - 서버가 끝날 때까지 열어 둠 (fixture 끝에서 닫음)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyter",
            "lab",
            "--no-browser",
            "--ip=127.0.0.1",
            f"--port={port}",
            f"--ServerApp.token={token}",
            f"--ServerApp.root_dir={root}",
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--ServerApp.allow_root=True",
            "--LabApp.extension_manager=readonly",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=root,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            time.sleep(0.5)
        if proc.poll() is not None:
            break
    else:
        proc.terminate()
        pytest.fail("JupyterLab 이 90초 안에 시작하지 않았습니다:\n" + (root / "jupyterlab.log").read_text()[-2000:])
    if proc.poll() is not None:
        pytest.fail("JupyterLab 이 종료되었습니다:\n" + (root / "jupyterlab.log").read_text()[-2000:])
    yield base, token
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


def _shot(page, name: str, **kwargs) -> None:
    if TAKE_SHOTS:
        page.screenshot(path=str(SHOTS / name), **kwargs)


def _korean_plot_notebook() -> str:
    for name in ("07_lung_cancer_survival.ipynb", "05_vanishing_gradient_relu.ipynb", "02_perceptron_xor.ipynb"):
        if (ROOT / "notebooks" / name).exists():
            return name
    return NOTEBOOKS[0].name


def _open_in_lab(browser, jupyterlab, name):
    base, token = jupyterlab
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # 노트북마다 새 작업 공간(workspace): 앞 테스트에서 연 탭이 복원되지 않게
    page.goto(
        f"{base}/lab/workspaces/{name[:2]}/tree/{name}?reset&token={token}",
        wait_until="domcontentloaded",
        timeout=120_000,
    )
    page.wait_for_selector(f"{PANEL} .jp-Cell", timeout=120_000)
    # 커널이 준비될 때까지 (상태 표시줄의 'Idle')
    page.wait_for_function(
        "() => [...document.querySelectorAll('.jp-StatusBar-TextItem, .jp-Toolbar-kernelStatus')]"
        ".some(e => /Idle/.test(e.textContent || e.getAttribute('title') || ''))",
        timeout=120_000,
    )
    return page, errors


def _assert_no_dialog(page, name):
    dialogs = page.locator(".jp-Dialog")
    if dialogs.count():
        pytest.fail(f"{name}: 오류 대화상자가 열렸습니다: {dialogs.first.inner_text()[:300]}")


def test_jupyterlab_opens_00_and_runs_first_cells(browser, jupyterlab):
    name = "00_getting_started.ipynb"
    page, errors = _open_in_lab(browser, jupyterlab, name)
    _assert_no_dialog(page, name)
    heading = page.locator(f"{PANEL} .jp-RenderedMarkdown h1").first
    assert TITLES[name] in heading.inner_text()
    # 첫 코드 셀(공통 설정 셀)부터 Shift+Enter 로 차례로 실행: 설정 → 설명 → 매개변수 → QUICK 셀
    page.locator(f"{PANEL} .jp-CodeCell").first.locator(".jp-InputArea-prompt").click()
    for _ in range(4):
        page.keyboard.press("Shift+Enter")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.jp-CodeCell .jp-OutputArea-output')]"
        ".some(e => e.textContent.includes('TensorFlow')) && "
        "[...document.querySelectorAll('.jp-CodeCell .jp-OutputArea-output')]"
        ".some(e => e.textContent.includes('행렬 크기'))",
        timeout=180_000,
    )
    prompts = page.locator(f"{PANEL} .jp-CodeCell .jp-InputArea-prompt").all_inner_texts()
    assert any("[1]" in p for p in prompts) and any("[2]" in p for p in prompts), prompts
    setup_out = page.locator(f"{PANEL} .jp-CodeCell").first.locator(".jp-OutputArea-output").all_inner_texts()
    assert any("장치(device)" in t for t in setup_out), setup_out
    assert not any("Error" in t for t in setup_out), setup_out
    _assert_no_dialog(page, name)
    _shot(page, "jupyterlab_00_getting_started.png")
    assert errors == [], errors
    page.close()


def test_jupyterlab_opens_a_notebook_with_korean_plots(browser, jupyterlab):
    name = _korean_plot_notebook()
    page, errors = _open_in_lab(browser, jupyterlab, name)
    _assert_no_dialog(page, name)
    assert TITLES[name] in page.locator(f"{PANEL} .jp-RenderedMarkdown h1").first.inner_text()
    text = page.locator(PANEL).inner_text()
    assert "역사적 배경" in text
    images = page.locator(f"{PANEL} .jp-OutputArea-output img")
    images.first.wait_for(timeout=60_000)
    assert images.count() >= 1
    _shot(page, f"jupyterlab_{name[:-6]}.png")
    assert errors == [], errors
    page.close()


@pytest.fixture(scope="module")
def html_dir(tmp_path_factory):
    from nbconvert import HTMLExporter

    out = tmp_path_factory.mktemp("html")
    exporter = HTMLExporter()
    for nb_path in NOTEBOOKS:
        body, _ = exporter.from_notebook_node(nbformat.read(nb_path, as_version=4))
        (out / f"{nb_path.stem}.html").write_text(body, encoding="utf-8")
    return out


@pytest.mark.parametrize("nb_path", NOTEBOOKS, ids=lambda p: p.stem)
def test_static_html_has_title_and_figures(browser, html_dir, nb_path):
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto((html_dir / f"{nb_path.stem}.html").as_uri(), wait_until="load", timeout=60_000)
    h1 = page.locator("h1").first.inner_text()
    assert TITLES[nb_path.name] in h1, h1
    sizes = page.eval_on_selector_all(
        "img",
        "els => els.filter(e => e.src.startsWith('data:')).map(e => [e.naturalWidth, e.naturalHeight, "
        "e.getBoundingClientRect().width])",
    )
    assert len(sizes) >= 2, f"{nb_path.name}: 그림이 {len(sizes)}개"
    assert all(w > 0 and h > 0 and shown > 0 for w, h, shown in sizes), sizes
    assert "역사적 배경" in page.locator("body").inner_text()
    _shot(page, f"html_{nb_path.stem}.png", full_page=True)
    page.close()
