#!/usr/bin/env bash
# Lists the functions of a binary that contain instructions beyond the x86-64 baseline (SSE2): any VEX or EVEX
# encoded instruction (AVX, AVX2, FMA, AVX-512: mnemonics starting with v, or ymm/zmm registers) and BMI/LZCNT
# ones. In a portable build only the dispatched kernel clones (*_avx2, *_avx512) may appear. tzcnt is not listed:
# LLVM emits it for the baseline too, where only a non-zero input can reach it, because its encoding (rep bsf)
# runs as bsf, with the same result, on CPUs without BMI1.
# Usage: scripts/instructions-beyond-baseline.sh BINARY
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 BINARY" >&2; exit 2; }
objdump -d --no-show-raw-insn "$1" | awk '
    /^[0-9a-f]+ <.*>:$/ { name = $2; next }
    NF >= 2 {
        mnemonic = $2
        bmi = "^(andn|bextr|blsi|blsmsk|blsr|bzhi|lzcnt|pdep|pext|rorx|sarx|shlx|shrx|movbe)$"
        if (mnemonic ~ /^v/ || $0 ~ /%[yz]mm/ || mnemonic ~ bmi)
            count[name]++
    }
    END { for (f in count) printf "%6d %s\n", count[f], f }' | sort -k2
