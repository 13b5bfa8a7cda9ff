"""pytest 설정: nbval 이 노트북의 stderr 출력은 비교하지 않게 합니다.

TensorFlow 는 기계마다 다른 안내 문구를 stderr 로 내므로, 출력 비교는 stdout 과 결과에만 합니다.
"""


def pytest_collectstart(collector):
    path = str(getattr(collector, "path", getattr(collector, "fspath", "")))
    if path.endswith(".ipynb") and hasattr(collector, "skip_compare"):
        collector.skip_compare += ("stderr",)
