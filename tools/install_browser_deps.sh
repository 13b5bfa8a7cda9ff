#!/usr/bin/env bash
# 브라우저 테스트에 필요한 데비안 패키지: Chromium 과 한글 글꼴(HTML 의 한글 제목용).
# 이미 있으면 아무것도 하지 않습니다. root 가 아니면 sudo 를 씁니다.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
fc-list 2>/dev/null | grep -qi nanum || need+=(fonts-nanum)
[ ${#need[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "apt-get 이 없습니다. ${need[*]} 를 직접 설치하세요 (브라우저 테스트에 필요)." >&2
  exit 0
fi
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "설치: ${need[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
