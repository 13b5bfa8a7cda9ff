"""메인 작업(main job): 모든 노트북을 순서대로 papermill 로 실행하고 요약 표를 출력합니다.

    python -m course_tools run            # 전체 코스
    python -m course_tools run --quick    # 빠른 모드(에폭·표본 수를 줄임: 각 노트북의 QUICK 매개변수)
    python -m course_tools run --only 00 07 -p EPOCHS=5

* **매개변수 검사**: 커널을 하나라도 띄우기 전에 ``-p`` 값을 선택한 노트북의 ``parameters`` 셀과 맞춰 봅니다.
  없는 이름, 기본값과 다른 형(예: 정수 자리에 ``abc``), 음수 크기·개수, 없는 강의 번호(``--only 99``)는
  쓸 수 있는 이름·번호를 보여 주며 곧바로 끝납니다(종료 코드 2). 각 노트북에는 그 노트북이 선언한
  매개변수만 넘깁니다.
* **출력**: 터미널에서는 노트북마다 한 줄이 제자리에서 갱신되고(셀 진행, 경과 시간), 터미널이 아니면
  (CI 로그) 노트북이 끝날 때마다 깨끗한 한 줄만 씁니다(캐리지 리턴·진행 막대 없음).
* **보고서**: 결과 노트북과 ``report.md`` 는 git 에 올라가지 않는 ``runs/latest/`` 에 저장됩니다. 보고서에는
  요약 표, 5초가 넘은 셀의 표(papermill 이 기록한 셀별 시간), 실패한 노트북의 전체 오류와 실패한 셀의
  코드가 들어갑니다. 요약 표의 오류는 단어 단위로 줄이고 "…" 를 붙입니다.

하나라도 실패하면 종료 코드가 1 입니다.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import difflib
import json
import math
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from utils.course import COURSE, COURSE_BUDGET_S, lesson
from utils.report import METRICS_ENV

from . import NOTEBOOK_DIR, ROOT

DEFAULT_OUT = ROOT / "runs" / "latest"
SLOW_CELL_S = 5.0  # 보고서의 "오래 걸린 셀" 표에 넣을 기준(초)
ERROR_WIDTH = 80  # 요약 표에 보이는 오류 문구의 최대 길이(글자)
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")


@dataclass
class Result:
    notebook: str
    status: str = "not run"
    seconds: float = 0.0
    peak_mb: float | None = None
    budget_s: int | None = None
    metrics: dict = field(default_factory=dict)
    error: str = ""  # 한 줄 오류 (예: "AssertionError: …") — 요약 표에서는 줄여 씀
    error_detail: str = ""  # 전체 오류 메시지와 트레이스백 (보고서용)
    error_cell: str = ""  # 실패한 셀의 코드
    error_cell_number: int | None = None  # 실패한 셀의 번호 (노트북의 1부터 센 셀 위치)
    cell_times: list = field(default_factory=list)  # [(셀 번호, 초, 첫 줄)] — 코드 셀 전부


class _PeakMemory:
    """실행 중인 커널(자식 프로세스)들의 RSS 합계 최댓값을 0.2초마다 잽니다 (psutil 이 있을 때)."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        try:
            import psutil

            self._me = psutil.Process()
        except ImportError:  # pragma: no cover
            self._me = None
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            total = 0
            try:
                for child in self._me.children(recursive=True):
                    with contextlib.suppress(Exception):
                        total += child.memory_info().rss
            except Exception:
                pass
            self.peak = max(self.peak, total)
            self._stop.wait(0.2)

    def __enter__(self):
        if self._me is not None:
            self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    @property
    def megabytes(self) -> float | None:
        return self.peak / 2**20 if self._me is not None and self.peak else None


# ---------------------------------------------------------------------------
# 매개변수: 읽기와 검사 (커널을 띄우기 전에)
# ---------------------------------------------------------------------------
class _Any:
    """리터럴이 아닌 기본값 (예: ``SIZE = 2 ** 10``): 형을 검사하지 않음."""

    def __repr__(self) -> str:
        return "(식)"


ANY = _Any()


def parse_parameter(text: str) -> tuple[str, object]:
    """``NAME=VALUE`` 를 (이름, 파이썬 값)으로. 값은 리터럴로 읽히면 그 값, 아니면 문자열."""
    if "=" not in text:
        raise argparse.ArgumentTypeError(f"매개변수는 NAME=VALUE 꼴이어야 합니다: {text!r}")
    name, raw = text.split("=", 1)
    if not name.isidentifier():
        raise argparse.ArgumentTypeError(f"매개변수 이름이 올바르지 않습니다: {name!r}")
    try:
        value = ast.literal_eval(raw)
    except (ValueError, SyntaxError):
        value = raw
    return name, value


def notebook_parameters(path: Path) -> dict[str, object]:
    """노트북의 ``parameters`` 태그 셀에서 ``이름 = 기본값`` 을 읽습니다 (리터럴이 아니면 :data:`ANY`)."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    found: dict[str, object] = {}
    for cell in nb.cells:
        if cell.cell_type != "code" or "parameters" not in cell.get("metadata", {}).get("tags", []):
            continue
        source = "\n".join(ln for ln in cell.source.splitlines() if not ln.lstrip().startswith(("%", "!")))
        for node in ast.parse(source).body:
            if isinstance(node, ast.Assign):
                targets, value = node.targets, node.value
            elif isinstance(node, ast.AnnAssign) and node.value is not None:
                targets, value = [node.target], node.value
            else:
                continue
            for target in targets:
                if isinstance(target, ast.Name):
                    try:
                        found[target.id] = ast.literal_eval(value)
                    except (ValueError, SyntaxError, TypeError):
                        found[target.id] = ANY
    return found


_KIND = {bool: "True/False", int: "정수", float: "실수", str: "문자열", list: "목록", tuple: "튜플", dict: "사전"}


def _kind(value) -> str:
    return _KIND.get(type(value), type(value).__name__)


def _number_ok(name: str, value, default) -> str | None:
    """수 하나를 기본값에 맞춰 검사합니다. 문제가 있으면 한국어 설명."""
    if isinstance(default, bool):
        return None if isinstance(value, bool) else f"True나 False여야 합니다 (받은 값: {_kind(value)} {value!r})"
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            return f"정수여야 합니다 (기본값 {default!r}; 받은 값: {_kind(value)} {value!r})"
    elif isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            return f"유한한 수여야 합니다 (기본값 {default!r}; 받은 값: {_kind(value)} {value!r})"
    else:
        return None
    if default >= 0 and value < 0:
        return f"크기·개수·비율은 음수일 수 없습니다 (기본값 {default!r}; 받은 값 {value!r})"
    if isinstance(default, int) and default > 0 and value == 0 and "SEED" not in name.upper():
        return f"크기·개수는 1 이상이어야 합니다 (기본값 {default!r}; 받은 값 {value!r})"
    return None


def check_value(name: str, value, default) -> str | None:
    """``-p name=value`` 가 노트북의 기본값 ``default`` 와 맞는지. 맞으면 None, 아니면 설명."""
    if default is ANY or default is None:
        return None
    if isinstance(default, (bool, int, float)):
        return _number_ok(name, value, default)
    if isinstance(default, str):
        return None if isinstance(value, str) else f"문자열이어야 합니다 (받은 값: {_kind(value)} {value!r})"
    if isinstance(default, (list, tuple)):
        if not isinstance(value, (list, tuple)):
            return f"{_kind(default)}이어야 합니다 (예: {name}={list(default)!r}; 받은 값: {_kind(value)} {value!r})"
        if default and not value:
            return f"비어 있으면 안 됩니다 (기본값 {list(default)!r})"
        if default:
            for item in value:
                problem = (
                    check_value(name, item, default[0]) if isinstance(default[0], (bool, int, float, str)) else None
                )
                if problem:
                    return f"목록의 원소 {item!r}: {problem}"
        return None
    if isinstance(default, dict):
        return None if isinstance(value, dict) else f"사전이어야 합니다 (받은 값: {_kind(value)} {value!r})"
    return None


def validate_parameters(parameters: dict, declared: dict[str, dict]) -> list[str]:
    """``parameters`` 를 노트북별 선언(``declared[노트북 이름] = {이름: 기본값}``)과 맞춰 문제 목록을 돌려줍니다."""
    problems = []
    all_names = sorted({n for params in declared.values() for n in params})
    for name, value in parameters.items():
        owners = [(nb, params[name]) for nb, params in declared.items() if name in params]
        if not owners:
            close = difflib.get_close_matches(name, all_names, n=3)
            hint = f" 혹시 {', '.join(close)}?" if close else ""
            listing = "\n".join(
                f"      {nb}: {', '.join(params) or '(매개변수 없음)'}" for nb, params in declared.items()
            )
            problems.append(
                f"알 수 없는 매개변수 {name}: 선택한 노트북의 parameters 셀에 없습니다.{hint}\n"
                f"    쓸 수 있는 이름:\n{listing}"
            )
            continue
        for nb, default in owners:
            problem = check_value(name, value, default)
            if problem:
                problems.append(f"{name}={value!r} ({nb}): {problem}")
                break
    return problems


def select_notebooks(only: list[str] | None, directory: Path = NOTEBOOK_DIR) -> list[Path]:
    """실행할 노트북 경로 (``COURSE`` 순서). ``only`` 는 번호나 이름 목록. 없는 강의면 목록을 보여 주며 끝냄."""
    if not only:
        return [directory / item.filename for item in COURSE]
    chosen = []
    for key in only:
        try:
            chosen.append(lesson(key))
        except KeyError as exc:
            listing = "\n".join(f"  {item.number}  {item.stem}  {item.title}" for item in COURSE)
            raise SystemExit(f"{exc.args[0]}\n실행할 수 있는 강의 (--only에 번호나 이름):\n{listing}") from None
    return [directory / item.filename for item in COURSE if item in chosen]


# ---------------------------------------------------------------------------
# 진행 표시: 터미널이면 제자리에서 갱신되는 한 줄, 아니면 끝날 때 깨끗한 한 줄
# ---------------------------------------------------------------------------
def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _fit(text: str, columns: int) -> str:
    """화면 너비 ``columns`` 칸에 맞게 자릅니다 (한글은 두 칸). 줄이 넘치면 제자리 갱신이 깨지므로."""
    if _width(text) <= columns:
        return text
    out, used = [], 0
    for c in text:
        w = 2 if unicodedata.east_asian_width(c) in "WF" else 1
        if used + w > columns - 1:
            break
        out.append(c)
        used += w
    return "".join(out) + "…"


class ProgressLine:
    """노트북 하나의 진행 줄. ``live=True`` (터미널) 면 0.5초마다 ``\\r`` 로 같은 줄을 다시 씁니다."""

    def __init__(
        self,
        index: int,
        count: int,
        name: str,
        budget_s: int | None,
        *,
        stream: TextIO | None = None,
        live: bool = False,
        interval: float = 0.5,
    ) -> None:
        self.head = f"[{index}/{count}] {name}"
        self.budget_s = budget_s
        self.stream = stream or sys.stdout
        self.live = live
        self.interval = interval
        self.cells_done = 0
        self.cells_total: int | None = None
        self._start = time.perf_counter()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._tick, daemon=True) if live else None

    # papermill 엔진이 부르는 곳
    def set_total(self, n: int) -> None:
        self.cells_total = n

    def cell_done(self) -> None:
        self.cells_done += 1
        self._draw()

    def _budget(self) -> str:
        return f" / 목표 {self.budget_s}초" if self.budget_s else ""

    def _draw(self) -> None:
        if not self.live:
            return
        cells = f"  셀 {self.cells_done}/{self.cells_total}" if self.cells_total else ""
        text = f"{self.head}{cells}  {time.perf_counter() - self._start:.0f}초{self._budget()}"
        columns = shutil.get_terminal_size((100, 24)).columns
        with self._lock:
            self.stream.write("\r" + _fit(text, columns - 1) + "\x1b[K")
            self.stream.flush()

    def _tick(self) -> None:
        while not self._stop.wait(self.interval):
            self._draw()

    def start(self) -> ProgressLine:
        self._start = time.perf_counter()
        if self._thread is not None:
            self._draw()
            self._thread.start()
        return self

    def finish(self, result: Result) -> str:
        self._stop.set()
        if self._thread is not None and self._thread.is_alive():
            self._thread.join()
        over = " ⚠ 목표 초과" if result.budget_s and result.seconds > result.budget_s else ""
        text = f"{self.head}  {result.status}  {result.seconds:.1f}초{self._budget()}{over}"
        if result.error:
            text += f"  {shorten(result.error, ERROR_WIDTH)}"
        with self._lock:
            if self.live:
                self.stream.write("\r" + text + "\x1b[K\n")
            else:
                self.stream.write(text + "\n")
            self.stream.flush()
        return text


_ENGINE = "dlcourse-progress"


def _register_engine() -> None:
    """셀이 끝날 때마다 진행 줄에 알리는 papermill 엔진 (nbclient 엔진과 같고 알림만 더함)."""
    from papermill.engines import NBClientEngine, papermill_engines

    if _ENGINE in papermill_engines._engines:
        return

    class ProgressEngine(NBClientEngine):
        listener: ProgressLine | None = None
        # 마지막으로 실행한 노트북(메모리). 셀 시간 초과·커널 죽음이면 papermill 이 결과 노트북을 쓰지 않으므로
        # (request_save_on_cell_execute=False: 끝날 때 한 번만 씀) run_notebook 이 이것을 대신 씁니다.
        last_nb = None

        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):
            cls.last_nb = nb_man.nb
            listener = cls.listener
            running = [None]  # 지금 실행 중인 셀의 위치
            original_start, original_complete = nb_man.cell_start, nb_man.cell_complete

            def cell_start(cell, cell_index=None, **kw):
                running[0] = cell_index
                return original_start(cell, cell_index=cell_index, **kw)

            def cell_complete(cell, cell_index=None, **kw):
                out = original_complete(cell, cell_index=cell_index, **kw)
                if listener is not None:
                    listener.cell_done()
                return out

            nb_man.cell_start, nb_man.cell_complete = cell_start, cell_complete
            # papermill 은 셀마다 시작과 끝에 결과 노트북 전체(그림 포함)를 디스크에 다시 씁니다(07 이면 한 번에 ~27 ms,
            # 셀이 50개면 ~2.7 초). 실행하는 동안은 쓰지 않고, 끝나면(성공이든 실패든) papermill 의
            # notebook_complete 가 원래의 save 로 한 번 씁니다.
            original_save = nb_man.save
            nb_man.save = lambda **kw: None
            if listener is not None:
                listener.set_total(len(nb_man.nb.cells))
            try:
                return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)
            except BaseException:
                # 시간 초과(CellTimeoutError)·커널 죽음(DeadKernelError)은 CellExecutionError 가 아니어서 papermill 이
                # 그 셀을 '완료'로 적습니다. 실패한 셀로 고쳐 적어 보고서가 그 셀을 가리키게 합니다.
                if running[0] is not None:
                    meta = nb_man.nb.cells[running[0]].metadata.setdefault("papermill", {})
                    meta["status"], meta["exception"] = "failed", True
                raise
            finally:
                nb_man.save = original_save

    papermill_engines.register(_ENGINE, ProgressEngine)


def _engine_class():
    from papermill.engines import papermill_engines

    return papermill_engines.get_engine(_ENGINE)


# ---------------------------------------------------------------------------
# 실행
# ---------------------------------------------------------------------------
def shorten(text: str, width: int = ERROR_WIDTH) -> str:
    """한 줄로 모으고 ``width`` 글자를 넘으면 단어 경계에서 잘라 "…" 를 붙입니다."""
    text = " ".join(_ANSI.sub("", text).split())
    if len(text) <= width:
        return text
    cut = text[: width - 1]
    space = cut.rfind(" ")
    if space >= width // 2:  # 단어 경계가 너무 앞이 아니면 거기서 (아니면 긴 단어 하나: 그냥 자름)
        cut = cut[:space]
    return cut.rstrip(" ,.;:") + "…"


def _cell_report(executed: Path) -> tuple[list, tuple | None]:
    """실행된 노트북에서 (코드 셀 시간 목록, 실패한 셀 (번호, 코드)) 를 읽습니다.

    셀 번호는 원래 노트북에서 1부터 센 위치(마크다운 셀 포함)입니다.
    """
    import nbformat

    try:
        nb = nbformat.read(executed, as_version=4)
    except Exception:
        return [], None
    times, failed = [], None
    number = 0  # 원래 노트북에서의 셀 위치: papermill 이 넣은 셀(매개변수 주입, 오류 표시)은 세지 않음
    for cell in nb.cells:
        if set(cell.get("metadata", {}).get("tags", [])) & {"injected-parameters", "papermill-error-cell-tag"}:
            continue
        number += 1
        meta = cell.get("metadata", {}).get("papermill", {})
        if cell.cell_type != "code":
            continue
        first = next((ln.strip() for ln in cell.source.splitlines() if ln.strip()), "")
        duration = meta.get("duration")
        if duration is not None:
            times.append((number, float(duration), first))
        if failed is None and (meta.get("exception") or meta.get("status") in ("failed", "running")):
            failed = (number, cell.source)
    return times, failed


def run_notebook(
    path: Path, out_dir: Path, parameters: dict, timeout: int, progress: bool | ProgressLine = False
) -> Result:
    """노트북 하나를 papermill 로 실행합니다. ``progress`` 가 :class:`ProgressLine` 이면 셀마다 알립니다."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    budgets = {item.filename: item.budget_s for item in COURSE}
    result = Result(notebook=path.name, budget_s=budgets.get(path.name))
    metrics_file = out_dir / f"{path.stem}.metrics.json"
    metrics_file.unlink(missing_ok=True)
    executed = out_dir / path.name
    old = os.environ.get(METRICS_ENV)
    os.environ[METRICS_ENV] = str(metrics_file)
    listener = progress if isinstance(progress, ProgressLine) else None
    executed.unlink(missing_ok=True)  # 지난 실행의 결과 노트북을 이번 것으로 착각하지 않게
    _register_engine()
    _engine_class().listener = listener
    _engine_class().last_nb = None
    start = time.perf_counter()
    try:
        with _PeakMemory() as mem:
            pm.execute_notebook(
                str(path),
                str(executed),
                parameters=parameters,
                kernel_name="python3",
                cwd=str(path.parent),
                engine_name=_ENGINE,
                # 셀마다 출력 노트북을 디스크에 다시 쓰지 않음(그림이 많으면 노트북마다 몇 초): 끝날 때 한 번만 씀
                request_save_on_cell_execute=False,
                progress_bar=progress is True,
                log_output=False,
                execution_timeout=timeout,
                # 커널이 콘솔에 내는 안내(예: "Kernel is running over TCP without encryption")를 숨김.
                # 노트북 셀의 출력과 오류는 그대로 기록됩니다.
                extra_arguments=["--IPKernelApp.log_level=ERROR"],
                # 마지막 셀이 끝나면 커널을 바로 끝냄: TF 를 불러온 커널의 정상 종료는 2~3 초 걸리는데(학습자는 기다리지
                # 않는 시간) 노트북 시간에 들어가던 것. 출력·지표 파일은 셀 안에서 이미 다 썼습니다.
                shutdown_kernel="immediate",
            )
        result.status = "ok"
    except PapermillExecutionError as exc:
        result.status = "FAILED"
        result.error = f"{exc.ename}: {exc.evalue}".strip()
        result.error_detail = _ANSI.sub("", "\n".join(exc.traceback)).strip() or result.error
        result.error_cell = exc.source
    except Exception as exc:  # 셀 시간 초과, 커널 죽음, 커널을 띄우지 못함 등
        result.status = "FAILED"
        lines = [ln.strip() for ln in _ANSI.sub("", str(exc)).strip().splitlines() if ln.strip()]
        result.error = f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__
        result.error_detail = _ANSI.sub("", str(exc)).strip() or result.error
        partial = _engine_class().last_nb
        if partial is not None and not executed.is_file():  # 실패한 셀까지의 출력과 셀별 시간을 남김
            import nbformat

            with contextlib.suppress(Exception):
                nbformat.write(partial, executed)
    finally:
        _engine_class().listener = None
        _engine_class().last_nb = None
        if old is None:
            os.environ.pop(METRICS_ENV, None)
        else:
            os.environ[METRICS_ENV] = old
    result.seconds = time.perf_counter() - start
    result.peak_mb = mem.megabytes
    result.cell_times, failed = _cell_report(executed)
    if result.status == "FAILED" and failed is not None:
        result.error_cell_number = failed[0]
        result.error_cell = result.error_cell or failed[1]
    if metrics_file.is_file():
        result.metrics = json.loads(metrics_file.read_text(encoding="utf-8"))
    return result


# ---------------------------------------------------------------------------
# 표와 보고서
# ---------------------------------------------------------------------------
def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def format_table(results: list[Result]) -> str:
    rows = ["| 노트북 | 상태 | 시간(초) | 목표(초) | 최대 메모리(MB) | 핵심 수치 |", "|---|---|---:|---:|---:|---|"]
    for r in results:
        metrics = "; ".join(f"{k} = {v}" for k, v in r.metrics.items())
        if r.error:
            metrics = (metrics + "; " if metrics else "") + f"오류: {shorten(r.error, ERROR_WIDTH)}"
        budget = "" if r.budget_s is None else str(r.budget_s)
        over = " ⚠" if r.budget_s and r.seconds > r.budget_s else ""
        mem = "" if r.peak_mb is None else f"{r.peak_mb:.0f}"
        rows.append(f"| {r.notebook} | {r.status} | {r.seconds:.1f}{over} | {budget} | {mem} | {_cell(metrics)} |")
    total = sum(r.seconds for r in results)
    rows.append(
        f"| **합계** | {sum(r.status == 'ok' for r in results)}/{len(results)} 성공 | {total:.1f} | {COURSE_BUDGET_S} | | |"
    )
    return "\n".join(rows)


def format_slow_cells(results: list[Result], threshold: float = SLOW_CELL_S) -> str:
    """``threshold`` 초가 넘은 셀의 표 (오래 걸린 순). papermill 이 셀 메타데이터에 기록한 시간입니다."""
    slow = [(r.notebook, n, s, first) for r in results for n, s, first in r.cell_times if s > threshold]
    if not slow:
        return f"{threshold:g}초가 넘은 셀이 없습니다."
    rows = ["| 노트북 | 셀 | 시간(초) | 셀의 첫 줄 |", "|---|---:|---:|---|"]
    for nb, n, s, first in sorted(slow, key=lambda row: -row[2]):
        rows.append(f"| {nb} | {n} | {s:.1f} | `{_cell(shorten(first, 60)).replace('`', '')}` |")
    return "\n".join(rows)


def format_errors(results: list[Result]) -> str:
    parts = []
    for r in results:
        if r.status == "ok" or not (r.error or r.error_detail):
            continue
        where = f"셀 {r.error_cell_number}" if r.error_cell_number else "셀 위치 알 수 없음"
        parts.append(f"### {r.notebook} ({where})\n\n오류:\n\n```text\n{r.error}\n```\n")
        if r.error_cell:
            parts.append(f"실패한 셀의 코드:\n\n```python\n{r.error_cell.rstrip()}\n```\n")
        if r.error_detail and r.error_detail != r.error:
            parts.append(f"전체 메시지(트레이스백):\n\n```text\n{r.error_detail}\n```\n")
    return "\n".join(parts)


def write_report(path: Path, results: list[Result], parameters: dict, device: str) -> None:
    errors = format_errors(results)
    path.write_text(
        f"# 코스 실행 보고서\n\n실행 시각: {time.strftime('%Y-%m-%d %H:%M:%S')}  \n"
        f"매개변수: {parameters or '(기본값)'}  \n장치(device): {device}  \nCPU 코어: {os.cpu_count()}\n\n"
        f"시간 목표(초)는 2코어 CPU 기준이며 넘으면 ⚠ 로 표시합니다(테스트를 실패시키지 않음). "
        f"전체 코스 목표는 강의별 목표의 합인 {COURSE_BUDGET_S}초입니다.\n\n{format_table(results)}\n\n"
        f"## 오래 걸린 셀 ({SLOW_CELL_S:g}초 넘음)\n\n{format_slow_cells(results)}\n"
        + (f"\n## 오류\n\n{errors}" if errors else ""),
        encoding="utf-8",
    )


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"양의 정수여야 합니다: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"1 이상이어야 합니다: {value}")
    return value


class _DeviceProbe:
    """``describe_environment().device`` 를 따로 띄운 프로세스에서 구합니다.

    마지막 노트북이 끝난 뒤에 띄웁니다: TensorFlow 를 불러오는 몇 초 동안 한 코어를 쓰므로, 노트북과 겹치면
    (예전처럼 첫 노트북과 함께 띄우면) 2코어 기계에서 그 노트북의 시간이 부풀려집니다. 프로세스라서 메인 작업이
    TensorFlow 를 메모리에 들고 있지 않습니다.
    """

    CODE = "from utils.env import describe_environment; print(describe_environment().device)"

    def __init__(self):
        self._proc = subprocess.Popen(
            [sys.executable, "-c", self.CODE],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": os.environ.get("TF_CPP_MIN_LOG_LEVEL", "3")},
        )

    def device(self) -> str:
        try:
            out, err = self._proc.communicate(timeout=600)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            return "알 수 없음 (장치 확인이 600초 안에 끝나지 않음)"
        lines = out.strip().splitlines()
        if self._proc.returncode != 0 or not lines:
            return f"알 수 없음 (장치 확인 실패: {(err.strip().splitlines() or ['?'])[-1]})"
        return lines[-1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m course_tools run", description="모든 노트북을 순서대로 실행합니다 (papermill)."
    )
    parser.add_argument("--quick", action="store_true", help="빠른 모드: 각 노트북에 QUICK=True 를 넘깁니다")
    parser.add_argument("--only", nargs="+", metavar="NN", help="실행할 노트북 번호나 이름 (예: 00 07)")
    parser.add_argument(
        "-p",
        "--parameter",
        action="append",
        type=parse_parameter,
        default=[],
        metavar="NAME=VALUE",
        help="노트북 매개변수 (여러 번 쓸 수 있음; 선언한 노트북에만 넘어감)",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="결과 폴더 (기본: runs/latest)")
    parser.add_argument("--timeout", type=_positive_int, default=1800, help="셀 하나의 최대 실행 시간(초)")
    parser.add_argument("--no-progress", action="store_true", help="제자리 진행 줄 대신 노트북마다 한 줄만 씁니다")
    parser.add_argument("--notebook-dir", type=Path, default=NOTEBOOK_DIR, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    try:
        notebooks = select_notebooks(args.only, args.notebook_dir)
    except SystemExit as exc:
        print(exc, file=sys.stderr)
        return 2
    parameters = dict(args.parameter)
    if args.quick:
        parameters["QUICK"] = True
    declared = {}
    for path in notebooks:
        try:
            declared[path.name] = notebook_parameters(path)
        except (OSError, SyntaxError, ValueError) as exc:
            print(f"노트북을 읽을 수 없습니다: {path} ({exc})", file=sys.stderr)
            return 2
    problems = validate_parameters(parameters, declared)
    if problems:
        print("매개변수가 올바르지 않아 노트북을 하나도 실행하지 않았습니다:", file=sys.stderr)
        for p in problems:
            print(f"  - {p}", file=sys.stderr)
        return 2

    args.out.mkdir(parents=True, exist_ok=True)
    live = sys.stdout.isatty() and not args.no_progress and os.environ.get("TERM") != "dumb"
    print(
        f"노트북 {len(notebooks)}개를 실행합니다 → {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}"
    )
    if parameters:
        print("매개변수:", ", ".join(f"{k}={v!r}" for k, v in parameters.items()))
    sys.stdout.flush()
    results = []
    budgets = {item.filename: item.budget_s for item in COURSE}
    for i, path in enumerate(notebooks, 1):
        mine = {k: v for k, v in parameters.items() if k in declared[path.name]}
        line = ProgressLine(i, len(notebooks), path.name, budgets.get(path.name), live=live).start()
        result = run_notebook(path, args.out, mine, args.timeout, progress=line)
        line.finish(result)
        results.append(result)
    print()
    # 장치(CPU/GPU) 확인은 TensorFlow 를 불러와야 해서 몇 초 걸립니다(한 코어). 노트북 시간을 재는 동안 코어를 뺏지
    # 않도록 모든 노트북이 끝난 뒤 따로 띄운 프로세스에서 하고(_DeviceProbe), 결과는 요약 표 바로 앞과 보고서에 씁니다.
    device = _DeviceProbe().device()
    print(f"장치(device): {device}, CPU 코어 {os.cpu_count()}개")
    print(format_table(results))
    report = args.out / "report.md"
    write_report(report, results, parameters, device)
    print(f"\n보고서: {report}")
    return 0 if all(r.status == "ok" for r in results) else 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
