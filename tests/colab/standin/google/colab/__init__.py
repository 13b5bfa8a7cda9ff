"""Colab 의 ``google.colab`` 모듈 대역(stand-in) — Colab 과 같은 실행 계층(tests/colab)에서만 씁니다.

진짜 Colab 커널은 시작할 때 ``google.colab`` 을 불러 두므로 ``"google.colab" in sys.modules`` 가 참입니다.
코스 코드는 그 사실만 씁니다. ``google`` 은 protobuf 와 함께 쓰는 이름 공간 패키지라서 ``google/__init__.py``
를 두지 않습니다.
"""

STANDIN = True
