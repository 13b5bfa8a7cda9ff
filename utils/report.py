"""노트북의 핵심 수치 기록(record).

노트북은 ``utils.record("정확도", 0.8511)`` 처럼 핵심 수치를 남깁니다. 화면에 한 줄로 보여
주고, 메인 작업(:mod:`utils.runner`)이 환경 변수 ``DLCOURSE_METRICS`` 로 파일을 지정했다면
그 JSON 파일에도 덧붙여 요약 표에 나오게 합니다.
"""

from __future__ import annotations

import json
import math
import os
from numbers import Number
from pathlib import Path

METRICS_ENV = "DLCOURSE_METRICS"


def record(name: str, value, fmt: str | None = None, show: bool = True) -> None:
    """핵심 수치 ``name = value`` 를 기록합니다 (노트북 출력이 지저분하지 않게 None 을 돌려줌)."""
    if not isinstance(name, str) or not name.strip():
        raise ValueError("record 의 name 은 비어 있지 않은 문자열이어야 합니다")
    if hasattr(value, "item") and callable(value.item):  # numpy 스칼라
        value = value.item()
    if not isinstance(value, (Number, str, bool)):
        raise TypeError(f"record 는 숫자나 문자열만 받습니다 (받은 형식: {type(value).__name__})")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{name}: 유한한 수가 아닙니다 ({value})")
    text = format(value, fmt) if fmt else (f"{value:.4g}" if isinstance(value, float) else str(value))
    if show:
        print(f"📌 {name} = {text}")
    path = os.environ.get(METRICS_ENV)
    if path:
        p = Path(path)
        data = json.loads(p.read_text(encoding="utf-8")) if p.is_file() else {}
        data[name] = text
        tmp = p.with_name(p.name + ".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, p)
