"""``python -m course_tools run|sync`` 명령 줄 진입점 (저장소 루트에서)."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    usage = "사용법: python -m course_tools run [--quick] [--only NN ...] [-p NAME=VALUE] | python -m course_tools sync [--check]"
    if not argv or argv[0] in ("-h", "--help"):
        print(usage)
        return 0
    command, rest = argv[0], argv[1:]
    if command == "run":
        from .runner import main as run_main

        return run_main(rest)
    if command == "sync":
        from .sync import sync

        check = "--check" in rest
        problems = sync(check=check)
        for p in problems:
            print(("어긋남: " if check else "고침: ") + p)
        if not problems:
            print("Colab 배지, 공통 설정 셀, colab_links.md, utils/_release.py 가 모두 설정과 같습니다.")
        return 1 if (check and problems) else 0
    print(f"알 수 없는 명령: {command}\n{usage}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
