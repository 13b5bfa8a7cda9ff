# 이 파일은 `python -m course_tools sync` 가 pyproject.toml [tool.dlcourse] 에서 만듭니다. 손으로 고치지 마세요.
REPOSITORY = "dlcourse-ko/deep-learning-ko"
REF = "main"
