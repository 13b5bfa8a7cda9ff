"""course_tools.runner: 매개변수 해석·검사, 노트북 선택, 진행 표시, 요약 표·보고서, 작은 노트북의 실제 실행."""

from __future__ import annotations

import argparse
import json
import re

import nbformat
import pytest

from course_tools import runner as R


@pytest.mark.parametrize(
    "text,expected",
    [
        ("EPOCHS=5", ("EPOCHS", 5)),
        ("QUICK=True", ("QUICK", True)),
        ("NAME=abc", ("NAME", "abc")),
        ("SIZES=[1, 2]", ("SIZES", [1, 2])),
    ],
)
def test_parse_parameter(text, expected):
    assert R.parse_parameter(text) == expected


@pytest.mark.parametrize("bad", ["EPOCHS", "1X=3", "=3"])
def test_parse_parameter_rejects(bad):
    with pytest.raises(argparse.ArgumentTypeError):
        R.parse_parameter(bad)


def test_select_notebooks_follows_the_course(tmp_path):
    from utils.course import COURSE

    assert [p.name for p in R.select_notebooks(None, tmp_path)] == [lesson.filename for lesson in COURSE]
    assert [p.name for p in R.select_notebooks(["07", "00"], tmp_path)] == [
        "00_getting_started.ipynb",
        "07_lung_cancer_survival.ipynb",
    ]
    with pytest.raises(SystemExit, match="99.*00, 01"):
        R.select_notebooks(["99"], tmp_path)


def test_format_table_marks_failures_and_budget():
    rows = [
        R.Result("00_a.ipynb", "ok", 12.3, 512.0, 60, {"정확도": "0.85"}),
        R.Result("01_b.ipynb", "FAILED", 99.0, None, 30, {}, "AssertionError: 작음"),
    ]
    table = R.format_table(rows)
    assert "| 00_a.ipynb | ok | 12.3 | 60 | 512 | 정확도 = 0.85 |" in table
    assert "99.0 ⚠" in table and "오류: AssertionError: 작음" in table and "1/2 성공" in table


def _notebook(path, code):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        nbformat.v4.new_code_cell("QUICK = False", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(code),
    ]
    nbformat.write(nb, path)


def test_run_notebook_records_metrics_and_failures(tmp_path):
    good, bad = tmp_path / "00_good.ipynb", tmp_path / "01_bad.ipynb"
    _notebook(good, "import utils\nutils.record('quick', QUICK)\nutils.record('n', 3)")
    _notebook(bad, "raise ValueError('일부러 실패')")
    out = tmp_path / "out"
    out.mkdir()
    ok = R.run_notebook(good, out, {"QUICK": True}, timeout=120, progress=False)
    assert ok.status == "ok" and ok.metrics == {"quick": "True", "n": "3"} and ok.seconds > 0
    assert (out / "00_good.ipynb").is_file()
    fail = R.run_notebook(bad, out, {}, timeout=120, progress=False)
    assert fail.status == "FAILED" and "일부러 실패" in fail.error
    assert json.loads((out / "00_good.metrics.json").read_text(encoding="utf-8"))["n"] == "3"


# ---------------------------------------------------------------- 매개변수 검사 (커널을 띄우기 전에)
def _course_notebooks(folder, cells_by_number):
    """``COURSE`` 의 파일 이름으로 작은 노트북을 만듭니다: {번호: parameters 셀 코드}."""
    from utils.course import lesson

    for number, params in cells_by_number.items():
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nb.cells = [
            nbformat.v4.new_code_cell(params, metadata={"tags": ["parameters"]}),
            nbformat.v4.new_code_cell("x = 1"),
        ]
        nbformat.write(nb, folder / lesson(number).filename)
    return folder


@pytest.fixture
def no_kernel(monkeypatch):
    """커널을 띄우면 실패: 검사가 실행보다 먼저임을 확인합니다."""
    started = []

    def boom(*a, **k):
        started.append(a)
        raise AssertionError("검사를 통과하지 못한 매개변수로 커널을 띄웠습니다")

    monkeypatch.setattr(R, "run_notebook", boom)
    return started


PARAMS_04 = "QUICK = False\nEPOCHS = 20\nSEEDS = [0, 1, 2]\nLR = 0.01\nNAME = 'lenet'\nSIZE = 2 ** 5\n"
PARAMS_07 = "QUICK = False\nCV_SPLITS = 10\nSEED = 0\n"


@pytest.mark.parametrize(
    "argv,expected",
    [
        (["-p", "EPOCHS=abc"], r"EPOCHS='abc' \(04_cnn_lenet.ipynb\): 정수여야 합니다 \(기본값 20"),
        (["-p", "EPOCHS=2.5"], r"정수여야 합니다"),
        (["-p", "QUICK=yes"], r"True나 False"),
        (["-p", "LR=fast"], r"LR='fast'.*유한한 수"),
        (["-p", "EPOCHS=-3"], r"음수일 수 없습니다"),
        (["-p", "CV_SPLITS=0"], r"1 이상"),
        (["-p", "SEEDS=[0, -1]"], r"목록의 원소 -1: .*음수"),
        (["-p", "SEEDS=[]"], r"비어 있으면 안 됩니다"),
        (["-p", "SEEDS=3"], r"목록이어야 합니다"),
        (["-p", "EPOCS=3"], r"알 수 없는 매개변수 EPOCS.*혹시 EPOCHS"),
    ],
)
def test_bad_parameters_fail_before_any_kernel(tmp_path, capsys, no_kernel, argv, expected):
    folder = _course_notebooks(tmp_path, {"04": PARAMS_04, "07": PARAMS_07})
    code = R.main(["--only", "04", "07", "--notebook-dir", str(folder), "--out", str(tmp_path / "out"), *argv])
    err = capsys.readouterr().err
    assert code == 2 and no_kernel == []
    assert "노트북을 하나도 실행하지 않았습니다" in err
    assert re.search(expected, err, re.DOTALL), err
    assert not (tmp_path / "out").exists()  # 결과 폴더도 만들지 않음


def test_unknown_parameter_lists_valid_names_per_notebook(tmp_path, capsys, no_kernel):
    folder = _course_notebooks(tmp_path, {"04": PARAMS_04, "07": PARAMS_07})
    assert R.main(["--only", "04", "07", "--notebook-dir", str(folder), "-p", "BATCH=8"]) == 2
    err = capsys.readouterr().err
    assert "04_cnn_lenet.ipynb: QUICK, EPOCHS, SEEDS, LR, NAME, SIZE" in err
    assert "07_lung_cancer_survival.ipynb: QUICK, CV_SPLITS, SEED" in err


def test_only_unknown_lesson_lists_lessons(tmp_path, capsys, no_kernel):
    assert R.main(["--only", "99", "--notebook-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "'99'" in err and "00, 01, 02" in err and "08_activations_losses_optimizers" in err and no_kernel == []


@pytest.mark.parametrize(
    "value", ["EPOCHS=5", "SEEDS=[3]", "LR=1", "LR=0.5", "SEED=0", "NAME='x'", "SIZE=abc", "QUICK=True"]
)
def test_good_parameters_pass(value):
    declared = {"04_cnn_lenet.ipynb": R.notebook_parameters(_one(PARAMS_04 + "SEED = 4\n"))}
    assert R.validate_parameters(dict([R.parse_parameter(value)]), declared) == []


def _one(params):
    import tempfile
    from pathlib import Path

    folder = Path(tempfile.mkdtemp(prefix="rel-params-"))
    return _course_notebooks(folder, {"04": params}) / "04_cnn_lenet.ipynb"


def test_notebook_parameters_reads_literals_and_marks_expressions(tmp_path):
    params = R.notebook_parameters(_course_notebooks(tmp_path, {"04": PARAMS_04}) / "04_cnn_lenet.ipynb")
    assert params["EPOCHS"] == 20 and params["SEEDS"] == [0, 1, 2] and params["NAME"] == "lenet"
    assert params["SIZE"] is R.ANY


def test_real_course_parameter_cells_are_readable():
    """실제 노트북의 parameters 셀을 모두 읽을 수 있고, 기본값은 자기 검사를 통과합니다."""
    for path in R.select_notebooks(None):
        params = R.notebook_parameters(path)
        assert "QUICK" in params, path.name
        assert R.validate_parameters(params, {path.name: params}) == [], path.name


def test_each_notebook_gets_only_its_own_parameters(tmp_path, monkeypatch, capsys):
    folder = _course_notebooks(tmp_path, {"04": PARAMS_04, "07": PARAMS_07})
    seen = {}

    def fake(path, out, parameters, timeout, progress=False):
        seen[path.name] = parameters
        return R.Result(path.name, "ok", 0.1)

    monkeypatch.setattr(R, "run_notebook", fake)
    monkeypatch.setattr(R, "_DeviceProbe", lambda: type("P", (), {"device": lambda self: "CPU"})())
    code = R.main(
        [
            "--only",
            "04",
            "07",
            "--quick",
            "-p",
            "EPOCHS=3",
            "--notebook-dir",
            str(folder),
            "--out",
            str(tmp_path / "out"),
        ]
    )
    assert code == 0
    assert seen == {
        "04_cnn_lenet.ipynb": {"EPOCHS": 3, "QUICK": True},
        "07_lung_cancer_survival.ipynb": {"QUICK": True},
    }


# ---------------------------------------------------------------- 오류 줄이기, 보고서
def test_shorten_cuts_at_word_boundary_with_ellipsis():
    text = "AssertionError: CNN 의 검증 정확도 0.731 이 손으로 만든 특징 0.734 보다 3점 이상 높아야 합니다 (시드 0, 1, 2 평균)"
    short = R.shorten(text, 60)
    assert short.endswith("…") and len(short) <= 60
    assert text.startswith(short[:-1]) and text[len(short) - 1] == " "  # 단어 중간에서 자르지 않음
    assert R.shorten("짧은 오류", 60) == "짧은 오류"
    assert R.shorten("줄바꿈이\n  있는   오류", 60) == "줄바꿈이 있는 오류"
    assert R.shorten("x" * 100, 20) == "x" * 19 + "…"  # 공백이 없으면 그냥 자름


def test_table_shortens_error_and_report_keeps_full_message(tmp_path):
    long = "ValueError: " + " ".join(f"단어{i}" for i in range(60))
    r = R.Result(
        "01_b.ipynb",
        "FAILED",
        3.0,
        None,
        30,
        {},
        long,
        error_detail="Traceback ...\n" + long,
        error_cell="x = 1\nraise ValueError('...')",
        error_cell_number=7,
        cell_times=[(2, 0.5, "import utils"), (7, 12.25, "x = 1"), (9, 6.0, "fit(model) | 파이프")],
    )
    table = R.format_table([r])
    row = next(line for line in table.splitlines() if line.startswith("| 01_b"))
    assert "…" in row and long not in row and len(row) < 200
    report = tmp_path / "report.md"
    R.write_report(report, [r], {"QUICK": True}, "CPU")
    text = report.read_text(encoding="utf-8")
    assert long in text and "셀 7" in text and "raise ValueError('...')" in text and "```python" in text
    slow = text.split("## 오래 걸린 셀")[1].split("## 오류")[0]
    assert "| 01_b.ipynb | 7 | 12.2 |" in slow or "| 01_b.ipynb | 7 | 12.3 |" in slow
    assert "| 9 | 6.0 |" in slow and "import utils" not in slow  # 5초 이하는 빠짐
    assert slow.index("| 7 |") < slow.index("| 9 |")  # 오래 걸린 순
    assert "\\|" in slow  # 표 안의 | 는 이스케이프


def test_failed_notebook_report_has_full_message_and_cell(tmp_path):
    bad = tmp_path / "01_bad.ipynb"
    msg = "일부러 실패: " + " ".join(f"긴설명{i}" for i in range(40))
    _notebook(bad, f"import time\ntime.sleep(0.01)\nraise ValueError({msg!r})")
    out = tmp_path / "out"
    out.mkdir()
    fail = R.run_notebook(bad, out, {}, timeout=120, progress=False)
    assert fail.status == "FAILED" and fail.error == f"ValueError: {msg}"
    assert fail.error_cell_number == 2 and "raise ValueError" in fail.error_cell
    assert "Traceback" in fail.error_detail or "ValueError" in fail.error_detail
    assert "\x1b[" not in fail.error_detail  # 색 코드 없음
    assert [n for n, _, _ in fail.cell_times] == [1, 2] and all(s >= 0 for _, s, _ in fail.cell_times)
    R.write_report(out / "report.md", [fail], {}, "CPU")
    text = (out / "report.md").read_text(encoding="utf-8")
    assert msg in text and "time.sleep(0.01)" in text
    assert msg not in R.format_table([fail])


# ---------------------------------------------------------------- 진행 표시
def test_progress_line_not_a_terminal_is_one_clean_line():
    import io

    buf = io.StringIO()
    line = R.ProgressLine(2, 9, "01_ml_vs_dl.ipynb", 95, stream=buf, live=False).start()
    line.set_total(40)
    for _ in range(40):
        line.cell_done()
    line.finish(R.Result("01_ml_vs_dl.ipynb", "ok", 101.04, budget_s=95))
    assert buf.getvalue() == "[2/9] 01_ml_vs_dl.ipynb  ok  101.0초 / 목표 95초 ⚠ 목표 초과\n"


def test_progress_line_in_a_terminal_updates_in_place():
    import io

    buf = io.StringIO()
    line = R.ProgressLine(1, 2, "00_a.ipynb", 10, stream=buf, live=True, interval=0.01).start()
    line.set_total(3)
    line.cell_done()
    line.cell_done()
    line.finish(R.Result("00_a.ipynb", "FAILED", 1.0, budget_s=10, error="ValueError: " + "아주 " * 40))
    out = buf.getvalue()
    assert out.count("\n") == 1 and out.endswith("\x1b[K\n")  # 노트북 하나에 한 줄
    assert "셀 2/3" in out and out.count("\r") >= 3
    final = out.rsplit("\r", 1)[1]
    assert final.startswith("[1/2] 00_a.ipynb  FAILED  1.0초") and "…" in final


def _cli(out, folder):
    import sys

    cmd = [sys.executable, "-m", "course_tools", "run", "--only", "00", "07"]
    return [*cmd, "--notebook-dir", str(folder), "--out", str(out)]


@pytest.fixture(scope="module")
def cli_runs(tmp_path_factory):
    """실제 프로세스 두 개로 ``python -m course_tools run`` 을 **동시에** 실행합니다: 터미널(pty)과 파이프(CI 로그).

    돌려주는 값: {"tty" | "log": (종료 코드, 표준 출력, 결과 폴더)}. 둘 다 노트북 00(성공)과 07(실패)을 실행합니다.
    """
    import os
    import pty
    import subprocess
    import threading

    folder = tmp_path_factory.mktemp("nb")
    _course_notebooks(folder, {"00": "QUICK = False", "07": "QUICK = False"})
    nb = nbformat.read(folder / "07_lung_cancer_survival.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("import time\ntime.sleep(1.2)\nraise RuntimeError('일부러 실패 ' * 30)"))
    nbformat.write(nb, folder / "07_lung_cancer_survival.ipynb")
    env = {**os.environ, "TERM": "xterm", "COLUMNS": "120"}
    outs = {kind: tmp_path_factory.mktemp(f"out-{kind}") for kind in ("tty", "log")}
    log = subprocess.Popen(
        _cli(outs["log"], folder), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    piped = {}
    reader = threading.Thread(target=lambda: piped.update(out=log.communicate(timeout=300)[0]), daemon=True)
    reader.start()
    master, slave = pty.openpty()
    proc = subprocess.Popen(_cli(outs["tty"], folder), stdout=slave, stderr=subprocess.DEVNULL, env=env)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=300)
    os.close(master)
    reader.join(timeout=300)
    return {
        "tty": (proc.returncode, b"".join(chunks).decode("utf-8", "replace"), outs["tty"]),
        "log": (log.returncode, piped["out"], outs["log"]),
    }


def test_cli_output_in_ci_log_is_one_clean_line_per_notebook(cli_runs):
    code, out, folder = cli_runs["log"]
    assert code == 1
    assert "\r" not in out and "\x1b" not in out and "Executing" not in out and "cell/s" not in out
    lines = [ln for ln in out.splitlines() if ln.startswith("[")]
    assert len(lines) == 2, out
    assert lines[0].startswith("[1/2] 00_getting_started.ipynb  ok  ")
    assert lines[1].startswith("[2/2] 07_lung_cancer_survival.ipynb  FAILED  ") and lines[1].endswith("…")
    message = ("일부러 실패 " * 30).strip()
    assert message not in lines[1] and lines[1].split("RuntimeError: ")[1][:-1].rstrip() in message  # 단어 경계
    report = (folder / "report.md").read_text(encoding="utf-8")
    assert message in report and "time.sleep(1.2)" in report and "## 오래 걸린 셀" in report
    assert "셀 3" in report  # 실패한 셀의 위치 (parameters, x = 1, 실패한 셀)


def test_cli_output_in_a_terminal_is_a_live_line_per_notebook(cli_runs):
    code, out, _ = cli_runs["tty"]
    assert code == 1
    progress = out.split("실행합니다")[1].split("| 노트북")[0].replace("\r\n", "\n")  # pty 는 \n 을 \r\n 으로 씀
    finished = [seg.rsplit("\r", 1)[-1].replace("\x1b[K", "") for seg in progress.split("\n") if "[" in seg]
    assert len(finished) == 2, progress  # 노트북마다 줄 하나 (그 안에서 \r 로 갱신)
    assert "\r" in progress and "셀 " in progress
    assert finished[0].startswith("[1/2] 00_getting_started.ipynb  ok")
    assert finished[1].startswith("[2/2] 07_lung_cancer_survival.ipynb  FAILED") and finished[1].endswith("…")


# ---------------------------------------------------------------- 셀 시간 초과·커널 죽음
# papermill 에 request_save_on_cell_execute=False 를 넘기므로 결과 노트북은 끝날 때만 쓰입니다. 시간 초과와
# 커널 죽음은 papermill 이 결과를 쓰지 않고 예외를 던지는 경우라, 보고서가 실패한 셀을 가리키는지 따로 확인합니다.
@pytest.mark.parametrize(
    "code,kind",
    [
        ("import time\ntime.sleep(60)", "CellTimeoutError"),
        ("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)", "DeadKernelError"),
    ],
    ids=["timeout", "killed"],
)
def test_timed_out_or_killed_kernel_still_reports_the_failing_cell(tmp_path, code, kind):
    path = tmp_path / "05_stuck.ipynb"
    _notebook(path, "print('앞 셀의 출력')")
    nb = nbformat.read(path, as_version=4)
    nb.cells += [nbformat.v4.new_code_cell(code), nbformat.v4.new_code_cell("print('실행되면 안 됨')")]
    nbformat.write(nb, path)
    out = tmp_path / "out"
    out.mkdir()
    stale = nbformat.v4.new_notebook()  # 지난 실행의 결과: 이번 보고서에 섞이면 안 됨
    stale.cells = [nbformat.v4.new_code_cell("old()", metadata={"papermill": {"duration": 99.0}})]
    nbformat.write(stale, out / path.name)
    fail = R.run_notebook(path, out, {}, timeout=3, progress=False)
    assert fail.status == "FAILED" and fail.error.startswith(kind + ": "), fail.error
    assert fail.error_cell_number == 3 and code in fail.error_cell
    times = dict((n, s) for n, s, _ in fail.cell_times)
    assert sorted(times) == [1, 2, 3] and times[2] < 3  # 실행되지 않은 4번 셀은 시간이 없음, 지난 결과(99초)도 없음
    if kind == "CellTimeoutError":
        assert times[3] >= 3  # 시간 초과까지 걸린 시간
    executed = nbformat.read(out / path.name, as_version=4)
    assert "앞 셀의 출력" in executed.cells[1].outputs[0]["text"]  # 실패 전까지의 출력이 남음
    R.write_report(out / "report.md", [fail], {}, "CPU")
    text = (out / "report.md").read_text(encoding="utf-8")
    assert "### 05_stuck.ipynb (셀 3)" in text and code in text and kind in text
