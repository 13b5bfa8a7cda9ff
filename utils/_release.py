# 이 파일은 `python -m course_tools sync` 가 pyproject.toml ([project], [tool.dlcourse]) 에서 만듭니다.
# 손으로 고치지 마세요. 공통 설정 셀은 이 값으로 찾은 utils 가 이 코스의 것(같은 저장소·ref)인지 확인합니다.
COURSE_ID = "dlcourse-ko"
VERSION = "0.1.0"
REPOSITORY = "dlcourse-ko/deep-learning-ko"
REF = "main"
