"""메인 작업(main job): 모든 노트북을 순서대로 papermill 로 실행하고 요약 표를 출력합니다.

    python -m course_tools run            # 전체 코스
    python -m course_tools run --quick    # 빠른 모드(에폭·표본 수를 줄임: 각 노트북의 QUICK 매개변수)
    python -m course_tools run --only 00 07 -p EPOCHS=5

결과 노트북과 보고서(``report.md``)는 git 에 올라가지 않는 ``runs/latest/`` 에 저장됩니다.
하나라도 실패하면 종료 코드가 1 입니다.
"""
from __future__ import annotations

import argparse
import ast
import json
import os
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from utils.course import COURSE, COURSE_BUDGET_S, lesson
from utils.report import METRICS_ENV

from . import NOTEBOOK_DIR, ROOT

DEFAULT_OUT = ROOT / "runs" / "latest"


@dataclass
class Result:
    notebook: str
    status: str = "not run"
    seconds: float = 0.0
    peak_mb: float | None = None
    budget_s: int | None = None
    metrics: dict = field(default_factory=dict)
    error: str = ""


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
                    try:
                        total += child.memory_info().rss
                    except Exception:  # noqa: BLE001 - 사라진 프로세스
                        pass
            except Exception:  # noqa: BLE001
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


def select_notebooks(only: list[str] | None, directory: Path = NOTEBOOK_DIR) -> list[Path]:
    """실행할 노트북 경로 (``COURSE`` 순서). ``only`` 는 번호나 이름 목록."""
    if not only:
        return [directory / item.filename for item in COURSE]
    chosen = []
    for key in only:
        try:
            chosen.append(lesson(key))
        except KeyError as exc:
            raise SystemExit(str(exc.args[0])) from None
    return [directory / item.filename for item in COURSE if item in chosen]


def run_notebook(path: Path, out_dir: Path, parameters: dict, timeout: int, progress: bool) -> Result:
    import papermill as pm

    budgets = {item.filename: item.budget_s for item in COURSE}
    result = Result(notebook=path.name, budget_s=budgets.get(path.name))
    metrics_file = out_dir / f"{path.stem}.metrics.json"
    metrics_file.unlink(missing_ok=True)
    old = os.environ.get(METRICS_ENV)
    os.environ[METRICS_ENV] = str(metrics_file)
    start = time.perf_counter()
    try:
        with _PeakMemory() as mem:
            pm.execute_notebook(
                str(path),
                str(out_dir / path.name),
                parameters=parameters,
                kernel_name="python3",
                cwd=str(path.parent),
                progress_bar=progress,
                log_output=False,
                execution_timeout=timeout,
                # 커널이 콘솔에 내는 안내(예: "Kernel is running over TCP without encryption")를 숨김.
                # 노트북 셀의 출력과 오류는 그대로 기록됩니다.
                extra_arguments=["--IPKernelApp.log_level=ERROR"],
            )
        result.status = "ok"
    except Exception as exc:  # noqa: BLE001 - 실패도 표에 남기고 다음 노트북으로
        result.status = "FAILED"
        lines = [ln for ln in str(exc).strip().splitlines() if ln.strip()]
        result.error = lines[-1][:200] if lines else type(exc).__name__
    finally:
        if old is None:
            os.environ.pop(METRICS_ENV, None)
        else:
            os.environ[METRICS_ENV] = old
    result.seconds = time.perf_counter() - start
    result.peak_mb = mem.megabytes
    if metrics_file.is_file():
        result.metrics = json.loads(metrics_file.read_text(encoding="utf-8"))
    return result


def format_table(results: list[Result]) -> str:
    rows = ["| 노트북 | 상태 | 시간(초) | 목표(초) | 최대 메모리(MB) | 핵심 수치 |", "|---|---|---:|---:|---:|---|"]
    for r in results:
        metrics = "; ".join(f"{k} = {v}" for k, v in r.metrics.items())
        if r.error:
            metrics = (metrics + "; " if metrics else "") + f"오류: {r.error}"
        budget = "" if r.budget_s is None else str(r.budget_s)
        over = " ⚠" if r.budget_s and r.seconds > r.budget_s else ""
        mem = "" if r.peak_mb is None else f"{r.peak_mb:.0f}"
        rows.append(f"| {r.notebook} | {r.status} | {r.seconds:.1f}{over} | {budget} | {mem} | {metrics} |")
    total = sum(r.seconds for r in results)
    rows.append(f"| **합계** | {sum(r.status == 'ok' for r in results)}/{len(results)} 성공 | {total:.1f} | {COURSE_BUDGET_S} | | |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course_tools run", description="모든 노트북을 순서대로 실행합니다 (papermill).")
    parser.add_argument("--quick", action="store_true", help="빠른 모드: 각 노트북에 QUICK=True 를 넘깁니다")
    parser.add_argument("--only", nargs="+", metavar="NN", help="실행할 노트북 번호나 이름 (예: 00 07)")
    parser.add_argument("-p", "--parameter", action="append", type=parse_parameter, default=[], metavar="NAME=VALUE",
                        help="노트북 매개변수 (여러 번 쓸 수 있음)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="결과 폴더 (기본: runs/latest)")
    parser.add_argument("--timeout", type=int, default=1800, help="셀 하나의 최대 실행 시간(초)")
    parser.add_argument("--no-progress", action="store_true", help="셀 진행 막대를 숨깁니다")
    args = parser.parse_args(argv)

    notebooks = select_notebooks(args.only)
    parameters = dict(args.parameter)
    if args.quick:
        parameters["QUICK"] = True
    args.out.mkdir(parents=True, exist_ok=True)
    from utils.env import describe_environment

    device = describe_environment().device
    print(f"장치(device): {device}, CPU 코어 {os.cpu_count()}개")
    print(f"노트북 {len(notebooks)}개를 실행합니다 → {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    if parameters:
        print("매개변수:", ", ".join(f"{k}={v!r}" for k, v in parameters.items()))
    results = []
    for i, path in enumerate(notebooks, 1):
        print(f"[{i}/{len(notebooks)}] {path.name} ...", flush=True)
        result = run_notebook(path, args.out, parameters, args.timeout, progress=not args.no_progress)
        print(f"    → {result.status} ({result.seconds:.1f}초){'  ' + result.error if result.error else ''}", flush=True)
        results.append(result)
    table = format_table(results)
    print()
    print(table)
    report = args.out / "report.md"
    report.write_text(
        f"# 코스 실행 보고서\n\n실행 시각: {time.strftime('%Y-%m-%d %H:%M:%S')}  \n"
        f"매개변수: {parameters or '(기본값)'}  \n장치(device): {device}  \nCPU 코어: {os.cpu_count()}\n\n"
        f"시간 목표(초)는 2코어 CPU 기준이며 넘으면 ⚠ 로 표시합니다(테스트를 실패시키지 않음). "
        f"전체 코스 목표는 강의별 목표의 합인 {COURSE_BUDGET_S}초입니다.\n\n{table}\n",
        encoding="utf-8",
    )
    print(f"\n보고서: {report}")
    return 0 if all(r.status == "ok" for r in results) else 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
