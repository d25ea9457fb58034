#!/usr/bin/env bash
# Installs pressarc's build and test dependencies on Debian 12 (as root).
# Idempotent, and quiet when everything is already present.
#
#   scripts/bootstrap.sh            build, test and demo
#   scripts/bootstrap.sh --extras   also the peers and tools of bench/ and
#                                   fuzz/: omindex (xapian-omega), nginx,
#                                   wget, clang (libFuzzer), valgrind
#                                   (callgrind, for instruction counts),
#                                   wrk (bench/serve_bench.sh)
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config git ca-certificates
  libcurl4-openssl-dev libgumbo-dev libxapian-dev xapian-tools libicu-dev
  libsqlite3-dev libtomlplusplus-dev libcli11-dev nlohmann-json3-dev libssl-dev libdtl-dev
  zlib1g-dev libdeflate-dev libjemalloc-dev libbrotli-dev libxml2-dev libgtest-dev libgmock-dev
  libcpp-httplib-dev
  python3
  time   # GNU time: the peak RSS of a crawl alone (tests/e2e/test_hostile.py)
  chromium
  help2man systemd
)
if [[ "${1:-}" == "--extras" ]]; then
  PACKAGES+=(xapian-omega nginx-light wget clang valgrind wrk)
elif [[ -n "${1:-}" ]]; then
  echo "usage: scripts/bootstrap.sh [--extras]" >&2
  exit 2
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# Node.js and npm run the independent WARC check (warcio). Any install that
# provides the commands will do (Debian's packages, or a vendor's nodejs that
# bundles npm and conflicts with Debian's npm package).
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi

if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    echo "bootstrap: missing packages: ${missing[*]}" >&2
    echo "bootstrap: run as root (or: sudo apt-get install ${missing[*]})" >&2
    exit 1
  fi
  echo "bootstrap: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
