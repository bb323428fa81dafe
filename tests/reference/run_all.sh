#!/bin/sh
# run_all.sh FTKPI_BINARY: cross-checks the C program against the reference
# implementation on synthetic samples (several seeds and sizes, gzip, an
# earlier --as-of), the hand-made edge cases of edge_cases.py and the random
# inputs of fuzz.py. First it runs the reference's own tests of the
# playbook outputs (test_playbook.py). Prints one
# line per check and the failing ones in full; exits 1 when any differs.
set -u
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
fuzz_seeds=${FUZZ_SEEDS:-100}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
runs=0

compare() { # compare LABEL DIR [--as-of M]
    label=$1
    shift
    runs=$((runs + 1))
    if sh "$here/compare.sh" "$bin" "$@" >"$tmp/out" 2>&1; then
        echo "ok    $label"
    else
        fails=$((fails + 1))
        echo "DIFF  $label"
        sed 's/^/      /' "$tmp/out"
    fi
}

# The reference's own tests (no C program involved).
runs=$((runs + 1))
if python3 "$here/test_playbook.py" >"$tmp/out" 2>&1; then
    echo "ok    reference self-test test_playbook.py"
else
    fails=$((fails + 1))
    echo "DIFF  reference self-test test_playbook.py"
    sed 's/^/      /' "$tmp/out"
fi

for spec in "300 20 7" "500 24 1" "50 6 3" "1000 30 42" "400 14 11 --gzip"; do
    # shellcheck disable=SC2086
    set -- $spec
    d=$tmp/samples_$3
    "$bin" samples --tenants "$1" --months "$2" --seed "$3" ${4:-} --out "$d" >/dev/null
    compare "samples $spec" "$d"
    compare "samples $spec --as-of 2026-06" "$d" --as-of 2026-06
done

python3 "$here/edge_cases.py" "$tmp/edge" >"$tmp/edge.list"
while read -r name opts; do
    # shellcheck disable=SC2086
    compare "edge $name $opts" "$tmp/edge/$name" $opts
done <"$tmp/edge.list"

s=1
while [ "$s" -le "$fuzz_seeds" ]; do
    opts=$(python3 "$here/fuzz.py" "$s" "$tmp/fuzz")
    # shellcheck disable=SC2086
    compare "fuzz $s $opts" "$tmp/fuzz" $opts
    s=$((s + 1))
done

echo "$runs comparisons, $fails with differences"
[ "$fails" -eq 0 ]
