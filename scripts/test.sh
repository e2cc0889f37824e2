#!/usr/bin/env bash
# Runs PoisonCert's test suites and prints one closing line "N passed, N failed".
#
#   bash scripts/test.sh          fast suites: unit, property and Z3 proof tests (everything not marked Slow),
#                                 then the kernel tests again with AVX-512 and with all hardware intrinsics off
#   bash scripts/test.sh --slow   the suites marked [Trait("Category", "Slow")] (long soundness sweeps)
#
# Exit status is non-zero when any test fails, when a test host crashes, or when no test ran.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

mode="fast"
case "${1:-}" in
  "") ;;
  --slow) mode="slow" ;;
  *) echo "usage: bash scripts/test.sh [--slow]" >&2; exit 2 ;;
esac

bash scripts/install-system-deps.sh || { echo "0 passed, 1 failed"; exit 1; }

log_dir="$(mktemp -d)"
trap 'rm -rf "$log_dir"' EXIT
total_passed=0
total_failed=0
status=0

# Adds up dotnet test's per-assembly summary lines ("Passed!  - Failed: 0, Passed: 12, ...") from a log.
# A run that exits non-zero without reporting a failure (a crashed test host, a build error) counts one failure.
tally() {
  local log="$1" exit_code="$2" label="$3" passed failed
  read -r passed failed < <(awk '
    /^(Passed|Failed)! +- Failed: +[0-9]+, Passed: +[0-9]+/ {
      line = $0
      sub(/.*Failed: +/, "", line); f += line + 0
      line = $0
      sub(/.*Passed: +/, "", line); p += line + 0
    }
    END { print p + 0, f + 0 }' "$log")
  if [ "$exit_code" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
  if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ]; then
    echo "[$label] no test ran" >&2; failed=1
  fi
  echo "[$label] $passed passed, $failed failed"
  total_passed=$((total_passed + passed))
  total_failed=$((total_failed + failed))
  if [ "$failed" -ne 0 ]; then status=1; fi
}

run_suite() {
  local label="$1"; shift
  local log="$log_dir/$label.log" code
  echo "== $label"
  # A hard limit per suite: a solver query that ignores its own timeout must fail the run, not hang it.
  timeout -k 30 "${SUITE_TIMEOUT_SECONDS:-1500}" env "$@" 2>&1 | tee "$log"
  code=${PIPESTATUS[0]}
  if [ "$code" -eq 124 ] || [ "$code" -eq 137 ]; then echo "[$label] timed out after ${SUITE_TIMEOUT_SECONDS:-1500} s" >&2; fi
  tally "$log" "$code" "$label"
}

dotnet build PoisonCert.sln -c Release -nologo -clp:ErrorsOnly 2>&1 | tee "$log_dir/build.log"
if [ "${PIPESTATUS[0]}" -ne 0 ]; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

if [ "$mode" = "fast" ]; then
  run_suite all dotnet test PoisonCert.sln -c Release --no-build --nologo --filter "Category!=Slow"
  kernels="FullyQualifiedName~PoisonCert.Tests.Kernels&Category!=Slow"
  run_suite kernels-no-avx512 DOTNET_EnableAVX512F=0 DOTNET_EnableAVX512=0 \
    dotnet test tests/PoisonCert.Tests -c Release --no-build --nologo --filter "$kernels"
  run_suite kernels-no-avx2 DOTNET_EnableAVX512F=0 DOTNET_EnableAVX512=0 DOTNET_EnableAVX2=0 \
    dotnet test tests/PoisonCert.Tests -c Release --no-build --nologo --filter "$kernels"
  run_suite kernels-scalar DOTNET_EnableHWIntrinsic=0 \
    dotnet test tests/PoisonCert.Tests -c Release --no-build --nologo --filter "$kernels"
else
  run_suite slow dotnet test PoisonCert.sln -c Release --no-build --nologo --filter "Category=Slow"
fi

echo "$total_passed passed, $total_failed failed"
exit $status
