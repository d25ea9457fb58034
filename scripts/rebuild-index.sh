#!/usr/bin/env bash
# Rebuilds pressarc's search index from the WARC archive (`pressarc reindex`),
# for example after an upgrade that changes text analysis or the index schema.
# Installed as bin/pressarc-rebuild-index.
#
# Usage: rebuild-index.sh [--data DIR] [--config FILE] [--wait SECONDS] [--pressarc BIN]
#   --data DIR       the data directory (passed to pressarc)
#   --config FILE    the config file (passed to pressarc)
#   --wait SECONDS   when another job (a crawl) holds the data directory's lock,
#                    retry until this many seconds have passed (default 0: give up at once)
#   --pressarc BIN   the pressarc binary (default: $PRESSARC_BIN, else the one next to
#                    this script, else pressarc on PATH)
#
# Logs what it does on stderr, one line each, with a UTC timestamp. Exit
# codes are pressarc's: 0 rebuilt; 1 the rebuild failed; 2 usage or config
# error; 75 the lock was still held when --wait ran out. Whenever it fails,
# the previous index stays live: reindex writes a new generation and only
# then swaps it in.
set -uo pipefail

log() { printf '%s rebuild-index: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*" >&2; }
usage() { sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; }

data="" config="" wait_s=0 bin="${PRESSARC_BIN:-}"
retry_s=${PRESSARC_REBUILD_RETRY_S:-5}
while (($#)); do
  case "$1" in
    --data | --config | --wait | --pressarc)
      if (($# < 2)); then
        log "$1 needs a value"
        exit 2
      fi
      case "$1" in
        --data) data=$2 ;;
        --config) config=$2 ;;
        --wait) wait_s=$2 ;;
        --pressarc) bin=$2 ;;
      esac
      shift 2
      ;;
    -h | --help)
      usage
      exit 0
      ;;
    *)
      log "unknown argument: $1 (try --help)"
      exit 2
      ;;
  esac
done
if ! [[ "$wait_s" =~ ^[0-9]+$ ]]; then
  log "--wait needs a whole number of seconds, got '$wait_s'"
  exit 2
fi
if ! [[ "$retry_s" =~ ^[0-9]+$ ]] || ((retry_s < 1)); then retry_s=5; fi

if [[ -z "$bin" ]]; then
  here=$(cd "$(dirname "$0")" && pwd)
  if [[ -x "$here/pressarc" ]]; then
    bin=$here/pressarc
  else
    bin=$(command -v pressarc || true)
  fi
fi
if [[ -z "$bin" || ! -x "$bin" ]]; then
  log "cannot find the pressarc binary (use --pressarc BIN or PRESSARC_BIN)"
  exit 1
fi

args=(reindex)
[[ -n "$data" ]] && args+=(--data "$data")
[[ -n "$config" ]] && args+=(--config "$config")

log "starting: $bin ${args[*]} (waiting up to ${wait_s}s for the lock)"
start=$SECONDS
attempt=0
while true; do
  attempt=$((attempt + 1))
  "$bin" "${args[@]}"
  rc=$?
  elapsed=$((SECONDS - start))
  if ((rc == 0)); then
    log "done: the new index is live (${elapsed}s, attempt $attempt)"
    exit 0
  fi
  if ((rc == 75)); then
    if ((elapsed < wait_s)); then
      pause=$((wait_s - elapsed < retry_s ? wait_s - elapsed : retry_s))
      log "the data directory is locked by another job; retrying in ${pause}s (${elapsed}s of ${wait_s}s)"
      sleep "$pause"
      continue
    fi
    log "gave up: the data directory is still locked after ${elapsed}s; the previous index stays live"
    exit 75
  fi
  log "failed with exit code $rc after ${elapsed}s; the previous index stays live"
  exit "$rc"
done
