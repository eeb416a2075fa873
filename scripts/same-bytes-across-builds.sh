#!/usr/bin/env bash
# The portable build and the host-tuned build (make build NATIVE=1) must write the same bytes: runs a quilting
# synthesis, a quilting transfer and an image analogy (FLANN search included) with each binary and compares every
# output file. Usage: scripts/same-bytes-across-builds.sh PORTABLE_STYLELAB NATIVE_STYLELAB
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 PORTABLE_STYLELAB NATIVE_STYLELAB" >&2; exit 2; }
cd "$(dirname "$0")/.."
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
embedded=datasets/embedded
for build in portable native; do
    if [ $build = portable ]; then stylelab=$1; else stylelab=$2; fi
    mkdir -p "$out/$build"
    "$stylelab" quilt synthesize --texture $embedded/gravel.png --size 320x320 --block 32 --quiet \
        -o "$out/$build/synthesis.png"
    "$stylelab" quilt transfer --texture $embedded/coffee.png --target $embedded/chelsea.png --quiet \
        -o "$out/$build/transfer.png"
    "$stylelab" analogy --a $embedded/coffee.png --a-prime $embedded/coffee.png --b $embedded/chelsea.png \
        --preset texture-transfer --search flann --quiet -o "$out/$build/analogy.png"
done
status=0
for file in synthesis.png transfer.png analogy.png; do
    if cmp -s "$out/portable/$file" "$out/native/$file"; then
        echo "same bytes: $file ($(sha256sum < "$out/portable/$file" | cut -c1-16))"
    else
        echo "DIFFERENT: $file" >&2; status=1
    fi
done
exit $status
