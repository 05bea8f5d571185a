#!/usr/bin/env bash
# Install the Debian packages the reports need, only where missing:
#   fonts-noto-cjk  Chinese (Simplified) glyphs for charts and PDFs
#   libpango        text layout for WeasyPrint (HTML -> PDF)
#   libharfbuzz-subset0  font subsetting, so PDFs embed only the glyphs they use
#   poppler-utils   pdffonts / pdftotext / pdftoppm, used by the tests to check PDFs
set -euo pipefail

missing=()
fc-list ':lang=zh-cn' family 2>/dev/null | grep -q 'Noto Sans CJK SC' || missing+=(fonts-noto-cjk)
ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so.0' || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
ldconfig -p 2>/dev/null | grep -q 'libharfbuzz-subset.so.0' || missing+=(libharfbuzz-subset0)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
command -v fc-list >/dev/null 2>&1 || missing+=(fontconfig)

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "安装系统软件包 / installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fc-cache -f >/dev/null 2>&1 || true
else
  echo "缺少系统软件包，请管理员安装 / missing system packages, please run: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
