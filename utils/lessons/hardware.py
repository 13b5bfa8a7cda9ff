"""왜 GPU 인가: 장치별 행렬 곱 시간을 재는 작은 도구 (노트북 00).

* :func:`list_devices`      — 재 볼 장치 이름 목록 (``"/CPU:0"``, GPU 가 있으면 ``"/GPU:0"`` …)
* :func:`time_matmul`       — 한 장치에서 n×n 행렬 곱 한 번의 시간(초): 여러 번 잰 값 중 최솟값
* :func:`matmul_benchmark`  — (장치 × 크기) 표: 시간(ms)과 GFLOP/s
* :func:`gpu_speedup`       — 가장 큰 n 에서 GPU 의 GFLOP/s ÷ CPU 의 GFLOP/s (GPU 행이 없으면 ``None``)

행렬 곱을 실제로 돌리는 부분(``runner``)과 시계(``timer``)는 인자로 바꿀 수 있습니다. 그래서 GPU 가 없는
기계의 단위 테스트도 가짜 장치 목록과 가짜 시계로 GPU 분기를 끝까지 실행합니다.
TensorFlow 는 기본 ``runner`` 나 ``list_devices()`` 를 쓸 때에만 불러옵니다.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from .. import checks

__all__ = ["device_kind", "gpu_speedup", "list_devices", "matmul_benchmark", "tf_matmul_runner", "time_matmul"]

Runner = Callable[[int, str], Callable[[], object]]


def device_kind(device: str) -> str:
    """장치 이름에서 종류("CPU" 또는 "GPU")를 뽑습니다. 예: ``"/GPU:0"`` → ``"GPU"``."""
    name = str(device).upper()
    if "GPU" in name:
        return "GPU"
    if "CPU" in name:
        return "CPU"
    raise ValueError(f"장치 이름에 CPU 나 GPU 가 없습니다: {device!r}")


def list_devices(physical: Iterable | None = None) -> list[str]:
    """행렬 곱을 재 볼 장치 이름: CPU 하나와 보이는 GPU 전부.

    physical: ``tf.config.list_physical_devices()`` 의 결과(또는 ``device_type`` 속성이 있는 가짜 목록).
    주지 않으면 TensorFlow 에 물어봅니다.
    """
    if physical is None:
        import tensorflow as tf

        physical = tf.config.list_physical_devices()
    gpus = [d for d in physical if str(getattr(d, "device_type", "")).upper() == "GPU"]
    return ["/CPU:0"] + [f"/GPU:{i}" for i in range(len(gpus))]


def tf_matmul_runner(n: int, device: str) -> Callable[[], object]:
    """TensorFlow 로 ``device`` 위에 n×n 행렬 두 개를 만들고, 곱 한 번을 끝까지 기다리는 함수를 돌려줍니다."""
    import tensorflow as tf

    with tf.device(device):
        a = tf.random.normal((n, n), seed=1)
        b = tf.random.normal((n, n), seed=2)

    def run():
        with tf.device(device):
            return tf.reduce_sum(tf.matmul(a, b)).numpy()  # .numpy() 가 계산이 끝날 때까지 기다림

    return run


def time_matmul(
    n: int,
    device: str,
    repeats: int = 5,
    *,
    runner: Runner | None = None,
    timer: Callable[[], float] = time.perf_counter,
) -> float:
    """``device`` 에서 n×n 행렬 곱 한 번에 걸리는 시간(초). 준비 실행(warm-up) 한 번 뒤 ``repeats`` 번 재서 최솟값.

    다른 프로그램이 CPU 를 잠깐 쓰면 측정은 느려질 뿐 빨라지지 않으므로 최솟값이 가장 덜 흔들립니다.
    """
    n = checks.count(n, "n")
    repeats = checks.count(repeats, "repeats")
    run = (runner or tf_matmul_runner)(n, device)
    run()  # 워밍업: 첫 실행은 커널 준비·메모리 할당이 섞임
    times = []
    for _ in range(repeats):
        start = timer()
        run()
        times.append(timer() - start)
    best = min(times)
    if not best > 0:
        raise ValueError(f"잰 시간이 0 이하입니다 ({best!r}). 시계(timer)를 확인하세요")
    return best


def matmul_benchmark(
    sizes, devices, repeats: int = 5, *, runner: Runner | None = None, timer: Callable[[], float] = time.perf_counter
):
    """장치마다, 크기마다 :func:`time_matmul` 을 불러 표(pandas DataFrame)로 돌려줍니다.

    열: 장치("CPU"/"GPU"), 장치 이름, n, 시간(ms), GFLOP/s (= 2n³ / 시간 / 10⁹).
    """
    import pandas as pd

    sizes = [checks.count(n, "n") for n in sizes]
    devices = list(devices)
    if not sizes or not devices:
        raise ValueError("sizes 와 devices 에 적어도 하나씩은 있어야 합니다")
    rows = []
    for device in devices:
        for n in sizes:
            seconds = time_matmul(n, device, repeats, runner=runner, timer=timer)
            rows.append(
                {
                    "장치": device_kind(device),
                    "장치 이름": device,
                    "n": n,
                    "시간(ms)": seconds * 1e3,
                    "GFLOP/s": 2 * n**3 / seconds / 1e9,
                }
            )
    return pd.DataFrame(rows)


def gpu_speedup(timings) -> float | None:
    """두 장치가 모두 잰 가장 큰 n 에서 (첫 GPU 의 GFLOP/s) ÷ (CPU 의 GFLOP/s). GPU 행이 없으면 ``None``."""
    cpu = timings[timings["장치"] == "CPU"]
    gpu = timings[timings["장치"] == "GPU"]
    if cpu.empty:
        raise ValueError("timings 에 CPU 행이 없습니다")
    if gpu.empty:
        return None
    gpu = gpu[gpu["장치 이름"] == gpu["장치 이름"].iloc[0]]
    common = sorted(set(cpu["n"]) & set(gpu["n"]))
    if not common:
        raise ValueError("CPU 와 GPU 가 함께 잰 크기 n 이 없습니다")
    n = common[-1]
    return float(gpu.loc[gpu["n"] == n, "GFLOP/s"].iloc[0] / cpu.loc[cpu["n"] == n, "GFLOP/s"].iloc[0])
