"""pytest 설정: nbval 이 노트북의 stderr 출력은 비교하지 않게 하고, 계층별 시간을 요약에 씁니다.

TensorFlow 는 기계마다 다른 안내 문구를 stderr 로 내므로, 출력 비교는 stdout 과 결과에만 합니다.
"""


def pytest_collectstart(collector):
    path = str(getattr(collector, "path", getattr(collector, "fspath", "")))
    if path.endswith(".ipynb") and hasattr(collector, "skip_compare"):
        collector.skip_compare += ("stderr",)


# 계층(tier)별 걸린 시간: CI 로그 끝에 한 줄로 (계층 표시는 tests/conftest.py 가 붙임)
_TIERS = ("unit", "repo", "notebooks", "browser", "colab")
_TIER_TIME: dict[str, list] = {}


def pytest_runtest_logreport(report):
    tier = next((t for t in _TIERS if t in report.keywords), "기타")
    seconds_count = _TIER_TIME.setdefault(tier, [0.0, set()])
    seconds_count[0] += report.duration
    seconds_count[1].add(report.nodeid)


def pytest_terminal_summary(terminalreporter):
    if not _TIER_TIME:
        return
    parts = [
        f"{tier} {_TIER_TIME[tier][0]:.1f} s ({len(_TIER_TIME[tier][1])}개)"
        for tier in (*_TIERS, "기타")
        if tier in _TIER_TIME
    ]
    total = sum(v[0] for v in _TIER_TIME.values())
    terminalreporter.write_line(f"계층별 시간: {' · '.join(parts)} · 합계 {total:.1f} s")
