"""Colab 과 같은 실행 계층의 커널 시작 코드: Colab 처럼 ``google.colab`` 을 미리 불러 둡니다.

이 폴더는 그 계층이 만든 커널의 PYTHONPATH 에만 있습니다(tests/colab/conftest.py).
"""

import google.colab  # noqa: F401
