#!/usr/bin/env bash
# PoisonCert's soundness suite, for checking a build of your own: every Z3 proof in proofs/ (slow ones included),
# the end-to-end suite of real poisoned trainings against certified boxes and the sampled test-time checks
# (tests/), and a fixed audit set (poisoncert audit on every run file in examples/). A Z3 UNKNOWN or timeout
# counts as a failure. Prints one summary line per part and ends with "N passed, N failed"; exit status non-zero on
# any failure.
#
#   bash scripts/soundness.sh            everything (about 5 minutes on 2 cores)
#   AUDIT_RUNS=100 bash scripts/soundness.sh   more poisoned runs per audited run file (default 30)
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
runs="${AUDIT_RUNS:-30}"

bash scripts/install-system-deps.sh || { echo "0 passed, 1 failed"; exit 1; }
dotnet build PoisonCert.sln -c Release -nologo -clp:ErrorsOnly || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }

log_dir="$(mktemp -d)"
trap 'rm -rf "$log_dir"' EXIT
passed=0
failed=0

count_tests() { # label, log, exit code
  local p f
  p=$(grep -Eo 'Passed: +[0-9]+' "$2" | awk '{s += $2} END {print s + 0}')
  f=$(grep -Eo 'Failed: +[0-9]+' "$2" | awk '{s += $2} END {print s + 0}')
  if [ "$3" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  echo "[$1] $p passed, $f failed"
  passed=$((passed + p)); failed=$((failed + f))
}

dotnet test proofs/PoisonCert.Proofs -c Release --no-build --nologo > "$log_dir/proofs.log" 2>&1
count_tests "Z3 proofs (all, slow ones included)" "$log_dir/proofs.log" $?

dotnet test tests/PoisonCert.Tests -c Release --no-build --nologo \
  --filter "FullyQualifiedName~EndToEndSoundness|FullyQualifiedName~TestTimeCertifier|FullyQualifiedName~Training|FullyQualifiedName~Kernels" \
  > "$log_dir/sampling.log" 2>&1
count_tests "sampled soundness: kernels, transformers, end-to-end poisoned runs, test-time certificates" "$log_dir/sampling.log" $?

cli="src/PoisonCert.Cli/bin/Release/net10.0/PoisonCert.Cli.dll"
for run in examples/*.json; do
  name="$(basename "$run" .json)"
  if dotnet "$cli" audit "$run" --runs "$runs" --out "$log_dir/audit-$name" > "$log_dir/audit-$name.log" 2>&1; then
    echo "[audit $name] $runs poisoned runs inside the certified box: $(grep -m1 'Largest parameter movement' "$log_dir/audit-$name.log")"
    passed=$((passed + 1))
  else
    echo "[audit $name] FAILED:"; sed 's/^/    /' "$log_dir/audit-$name.log" | tail -15
    failed=$((failed + 1))
  fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
