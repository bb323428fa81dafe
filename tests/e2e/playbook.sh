# End-to-end: next_actions.csv and exec_summaries.csv (pipeline/playbook/,
# written by build/tools/playbook_csv until `ftkpi run` publishes them)
# against tests/reference/ftkpi_ref.py, byte for byte, on samples/, on
# the synthetic sets of run_all.sh, on the hand-made edge cases of
# edge_cases.py and on random near-boundary inputs (fuzz.py; FUZZ_SEEDS,
# default 10).
. tests/e2e/lib.sh

tool=$(dirname "$FTKPI")/tools/playbook_csv
if ! command -v python3 >/dev/null 2>&1; then
    echo "SKIP: no python3"
    finish
    exit 0
fi
if [ ! -x "$tool" ]; then
    not_ok "$tool is missing: make $tool"
    finish
    exit 1
fi

compare() { # compare LABEL DIR [--as-of M]
    _label=$1
    shift
    if sh tests/reference/compare_playbook.sh "$tool" "$@" >"$T/cmp" 2>&1; then
        ok
    else
        not_ok "playbook $_label"
        sed 's/^/  /' "$T/cmp"
    fi
}

# A rule the program cannot read stops any command that reads the
# configuration: exit 78, file and line, nothing published.
printf '[rule SPO_BVD]\nenabled = yes\nwhen = qe > 0 and au is 10\n' >"$T/bad.ini"
run_status 78 "unknown condition" run --in samples --config "$T/bad.ini" --out "$T/bad"
contains "$T/err.txt" "$T/bad.ini:3: unknown condition 'au is 10' in when" "unknown condition"
check "nothing published" test ! -e "$T/bad/workload_kpis.csv"
printf '[rule OM_BVD]\nalt_if = EMS qe > 0\n' >"$T/bad.ini"
run_status 78 "unknown workload" validate --in samples --config "$T/bad.ini"
contains "$T/err.txt" "$T/bad.ini:2: unknown workload 'EMS' in alt_if" "unknown workload"
printf '\n[rule REVIEW]\ncolour = red\n' >"$T/bad.ini"
run_status 78 "unknown key" run --in samples --config "$T/bad.ini" --out "$T/bad"
contains "$T/err.txt" "$T/bad.ini:3: unknown key 'colour' in [rule REVIEW]" "unknown key"
printf '[rule SPO_CANCEL]\naction = FM: mark it ; then stop\n' >"$T/bad.ini"
run_status 78 "inline comment" run --in samples --config "$T/bad.ini" --out "$T/bad"
contains "$T/err.txt" "$T/bad.ini:2: ';' after a space starts a comment" "inline comment"

compare "samples/" samples
compare "samples/ --as-of 2026-06" samples --as-of 2026-06
for spec in "300 20 7" "500 24 1" "50 6 3" "400 14 11 --gzip"; do
    # shellcheck disable=SC2086
    set -- $spec
    "$FTKPI" samples --tenants "$1" --months "$2" --seed "$3" ${4:-} \
        --out "$T/s$3" >/dev/null
    compare "samples $spec" "$T/s$3"
    compare "samples $spec --as-of 2026-06" "$T/s$3" --as-of 2026-06
done

python3 tests/reference/edge_cases.py "$T/edge" >"$T/edge.list"
while read -r name opts; do
    # shellcheck disable=SC2086
    compare "edge $name $opts" "$T/edge/$name" $opts
done <"$T/edge.list"

s=1
while [ "$s" -le "${FUZZ_SEEDS:-10}" ]; do
    opts=$(python3 tests/reference/fuzz.py "$s" "$T/fuzz")
    # shellcheck disable=SC2086
    compare "fuzz $s $opts" "$T/fuzz" $opts
    s=$((s + 1))
done
finish
