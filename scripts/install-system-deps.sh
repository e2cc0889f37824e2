#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages PoisonCert needs at build and test time, only when missing:
#   libz3-dev (Z3 4.8.x shared library, used by the proofs project), gcc (builds the small libz3 shim).
set -euo pipefail
missing=()
command -v gcc >/dev/null 2>&1 || missing+=(gcc)
if ! ldconfig -p 2>/dev/null | grep -q 'libz3\.so\.4'; then missing+=(libz3-dev); fi
if [ "${#missing[@]}" -eq 0 ]; then exit 0; fi
echo "installing: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q "${missing[@]}"
