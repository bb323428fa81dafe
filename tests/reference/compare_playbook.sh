#!/bin/sh
# compare_playbook.sh PLAYBOOK_CSV INPUT_DIR [--as-of YYYY-MM]
#
# Until `ftkpi run` publishes next_actions.csv and exec_summaries.csv
# (then compare.sh's list of files takes them over), this runs
# build/tools/playbook_csv (the C code behind them: ingest, facts,
# pipeline/playbook/) and the reference implementation on the same inputs
# and compares the two files byte for byte. Prints the first differing
# lines; exits 1 on any difference (or when the exit statuses differ), 0
# when they match (or both fail with the same status), 2 on a usage
# error.
set -u
if [ $# -lt 2 ]; then
    echo "usage: sh $0 PLAYBOOK_CSV INPUT_DIR [--as-of YYYY-MM]" >&2
    exit 2
fi
bin=$1
in=$2
shift 2
asof="$*" # only --as-of YYYY-MM: no spaces
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

set --
missing=0
for kind in customers entitlements usage; do
    list=$(LC_ALL=C ls -1 "$in" 2>/dev/null |
        LC_ALL=C grep -E "^$kind.*\.csv(\.gz)?\$" | LC_ALL=C sort)
    if [ -z "$list" ]; then
        missing=1
        continue
    fi
    while IFS= read -r f; do
        set -- "$@" "--$kind" "$in/$f"
    done <<LIST
$list
LIST
done

mkdir -p "$tmp/c" "$tmp/ref"
# shellcheck disable=SC2086
"$bin" --in "$in" --out "$tmp/c" $asof >"$tmp/c.log" 2>&1
crc=$?
if [ "$missing" -eq 1 ]; then
    rrc=66
else
    # shellcheck disable=SC2086
    python3 "$here/ftkpi_ref.py" "$@" --out "$tmp/ref" $asof >"$tmp/ref.log" 2>&1
    rrc=$?
fi
if [ "$crc" -ne "$rrc" ]; then
    echo "exit status differs: C $crc, reference $rrc"
    sed 's/^/  C: /' "$tmp/c.log" | head -5
    exit 1
fi
if [ "$crc" -ne 0 ]; then
    echo "both failed with exit status $crc"
    exit 0
fi
bad=0
for name in next_actions.csv exec_summaries.csv; do
    if cmp -s "$tmp/c/$name" "$tmp/ref/$name"; then
        echo "$name identical ($(wc -c <"$tmp/c/$name") bytes)"
    else
        bad=1
        echo "$name differs (< C, > reference):"
        diff "$tmp/c/$name" "$tmp/ref/$name" | head -20
    fi
done
exit $bad
