"""관리자(maintainer) 도구 — 학습자 패키지 ``utils`` 에 들어가지 않습니다(휠에 포함되지 않음).

* :mod:`course_tools.runner` — 모든 노트북을 papermill 로 실행하는 메인 작업(main job)
* :mod:`course_tools.sync`   — Colab 배지, 공통 설정 셀, ``colab_links.md``, ``utils/_release.py`` 맞추기

``utils`` 는 이 패키지를 import 하지 않습니다(테스트가 확인). 저장소 루트에서 ``python -m course_tools …`` 로 씁니다.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = ROOT / "notebooks"
