#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: the normal build,
# then the AddressSanitizer + UndefinedBehaviorSanitizer build of the tests.
# Usage: scripts/test.sh [--no-sanitize]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
sanitize=1
[[ "${1:-}" == "--no-sanitize" ]] && sanitize=0

"$root/scripts/bootstrap.sh"
jobs=$(nproc 2>/dev/null || echo 2)

# The project's own independent WARC check (warcio from npm).
if [[ -f tests/warc-check/package.json && ! -d tests/warc-check/node_modules ]]; then
  (cd tests/warc-check && npm install --silent --no-audit --no-fund >/dev/null)
fi

# The browser test of `pressarc serve` (puppeteer-core from npm; Chromium from Debian).
if [[ -f tests/browser/package.json && ! -d tests/browser/node_modules ]]; then
  (cd tests/browser && npm ci --silent --no-audit --no-fund >/dev/null)
fi

echo "== build (RelWithDebInfo)"
"$root/scripts/build.sh" "$root/build"
echo "== tests (RelWithDebInfo)"
ctest --test-dir "$root/build" --output-on-failure -j "$jobs"

if ((sanitize)); then
  echo "== build (ASan + UBSan)"
  "$root/scripts/build.sh" "$root/build-asan" -DPRESSARC_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
  echo "== tests (ASan + UBSan)"
  # Leaks inside libraries (Xapian's error paths) are suppressed: tests/lsan.supp.
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 LSAN_OPTIONS="suppressions=$root/tests/lsan.supp" \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir "$root/build-asan" --output-on-failure -j "$jobs" -LE no_sanitize
fi
echo "== all tests passed"
