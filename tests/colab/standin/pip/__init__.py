"""pip 대역(stand-in): Colab 과 같은 실행 계층에서 공통 설정 셀이 부르는 ``python -m pip`` 을 받습니다.

받은 명령을 ``DLCOURSE_PIP_LOG`` 파일에 한 줄(JSON)씩 기록하고, 인터넷 대신 이 계층이 만든 휠로 바꿔
진짜 pip 을 실행합니다: ``git+https://github.com/<저장소>@<ref>`` → ``DLCOURSE_STANDIN_WHEEL`` (방금 만든 휠),
그 밖의 이름은 ``DLCOURSE_STANDIN_WHEELHOUSE`` 에서만 찾습니다(``--no-index``).
"""
