"""utils.lessons.hardware: 행렬 곱 시간 재기. GPU 분기는 가짜 장치 목록과 가짜 시계로 끝까지 실행합니다."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from utils.lessons import hardware
from utils.lessons.hardware import device_kind, gpu_speedup, list_devices, matmul_benchmark, time_matmul


class FakeClock:
    """run() 이 부를 때마다 장치별로 정해진 시간만큼 흐르는 시계: CPU 는 n³·1e-9 초, GPU 는 그 1/20."""

    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    def runner(self, n, device):
        cost = n**3 * 1e-9 / (20.0 if device_kind(device) == "GPU" else 1.0)

        def run():
            self.now += cost

        return run


def fake_physical(*types):
    return [SimpleNamespace(device_type=t, name=f"/physical_device:{t}:{i}") for i, t in enumerate(types)]


def test_list_devices_with_and_without_gpu():
    assert list_devices(fake_physical("CPU")) == ["/CPU:0"]
    assert list_devices(fake_physical("CPU", "GPU")) == ["/CPU:0", "/GPU:0"]
    assert list_devices(fake_physical("CPU", "GPU", "GPU")) == ["/CPU:0", "/GPU:0", "/GPU:1"]


def test_device_kind():
    assert device_kind("/GPU:0") == "GPU" and device_kind("/job:localhost/device:CPU:0") == "CPU"
    with pytest.raises(ValueError, match="CPU"):
        device_kind("/TPU:0")


def test_time_matmul_warms_up_then_takes_the_minimum():
    ticks = iter([0.0, 5.0, 10.0, 12.0, 20.0, 23.0])  # 잰 구간: 5, 2, 3 → 최솟값 2
    calls = []
    best = time_matmul(8, "/CPU:0", repeats=3, runner=lambda n, d: lambda: calls.append(n), timer=lambda: next(ticks))
    assert best == 2.0 and len(calls) == 4  # 워밍업 1번 + 잰 3번


def test_gpu_branch_runs_end_to_end_with_a_stand_in_device():
    # GPU 가 없는 기계에서도 노트북 00 의 GPU 분기(장치 목록 → 표 → 속도비)가 끝까지 돌아가는지 확인
    clock = FakeClock()
    devices = list_devices(fake_physical("CPU", "GPU"))
    table = matmul_benchmark([64, 128], devices, repeats=2, runner=clock.runner, timer=clock)
    assert table["장치"].tolist() == ["CPU", "CPU", "GPU", "GPU"]
    np.testing.assert_allclose(table.loc[table["장치"] == "CPU", "GFLOP/s"], [2.0, 2.0])  # 2n³ / (n³·1e-9) / 1e9
    np.testing.assert_allclose(table.loc[table["장치"] == "GPU", "GFLOP/s"], [40.0, 40.0])
    assert gpu_speedup(table) == pytest.approx(20.0)


def test_cpu_only_has_no_speedup():
    clock = FakeClock()
    table = matmul_benchmark([64], ["/CPU:0"], repeats=1, runner=clock.runner, timer=clock)
    assert gpu_speedup(table) is None


def test_speedup_uses_largest_common_size():
    clock = FakeClock()
    table = matmul_benchmark([32, 64], ["/CPU:0"], repeats=1, runner=clock.runner, timer=clock)
    gpu = matmul_benchmark([32], ["/GPU:0"], repeats=1, runner=clock.runner, timer=clock)
    import pandas as pd

    assert gpu_speedup(pd.concat([table, gpu])) == pytest.approx(20.0)


def test_bad_arguments():
    clock = FakeClock()
    with pytest.raises(ValueError, match="n"):
        time_matmul(0, "/CPU:0", runner=clock.runner, timer=clock)
    with pytest.raises(ValueError, match="repeats"):
        time_matmul(8, "/CPU:0", repeats=0, runner=clock.runner, timer=clock)
    with pytest.raises(ValueError, match="0 이하"):
        time_matmul(8, "/CPU:0", runner=lambda n, d: lambda: None, timer=lambda: 1.0)
    with pytest.raises(ValueError, match="하나씩"):
        matmul_benchmark([], ["/CPU:0"], runner=clock.runner, timer=clock)
    with pytest.raises(ValueError, match="CPU 행"):
        gpu_speedup(matmul_benchmark([8], ["/GPU:0"], runner=clock.runner, timer=clock))


def test_real_tensorflow_runner_on_cpu():
    pytest.importorskip("tensorflow")
    seconds = time_matmul(64, "/CPU:0", repeats=2)
    assert 0 < seconds < 5
    assert hardware.list_devices()[0] == "/CPU:0"
