"""강의 주제별 도우미 (lesson topic modules).

노트북은 가르치는 알고리즘을 본문에 짧게 직접 쓰고 실행한 뒤, 여기 있는 같은 알고리즘과 결과가
같은지 ``assert`` 로 확인하고 그다음부터 이 판을 씁니다 (d2l 의 방식).

* :mod:`utils.lessons.neurons`    — 맥컬록-피츠 뉴런, 퍼셉트론, NumPy MLP 와 역전파 (노트북 02, 03)
* :mod:`utils.lessons.images`     — 개·고양이 사진 읽기(캐시), HOG·색 히스토그램 특징 (노트북 01)
* :mod:`utils.lessons.training`   — 층별 기울기·활성화 측정과 여러 시드 반복 실험 (노트북 05, 06)
* :mod:`utils.lessons.evaluation` — 반복 층화 교차 검증, 부트스트랩 AUC 신뢰구간, 오버샘플링 (노트북 07)
* :mod:`utils.lessons.models`     — Keras 이진 분류기 (클래스 가중치, 조기 종료; 노트북 07), 컴파일한 모델 재사용
  ``reusable_model``·``build_training_state``, 시드별 탑 ``side_by_side`` (노트북 00, 01, 04, 07)
* :mod:`utils.lessons.optim`      — 2차원 손실 곡면과 옵티마이저 궤적 (노트북 08)
* :mod:`utils.lessons.hardware`   — CPU·GPU 행렬 곱 시간 재기 (노트북 00)
* :mod:`utils.lessons.cnn`        — 합성곱·풀링, MNIST 5,000장, 위치 이동, 목표 오류율까지의 걸음 수 (노트북 04)

공통 배관(환경, 데이터, 그림, 기록)은 이 폴더가 아니라 ``utils/`` 바로 아래에 있습니다.
"""
