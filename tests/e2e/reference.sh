# End-to-end: the C program against tests/reference/ftkpi_ref.py, an
# independent implementation of the spec written from it alone with exact
# fractions (tests/reference). The CSV facts and the playbook CSVs must be
# byte-identical (cohort_candidates' free-text detail aside) on synthetic
# samples, on the
# hand-made edge cases of edge_cases.py and on random near-boundary inputs
# (fuzz.py); FUZZ_SEEDS raises the number of the last (default 10).
. tests/e2e/lib.sh

if ! command -v python3 >/dev/null 2>&1; then
    echo "SKIP: no python3"
    finish
    exit 0
fi
FUZZ_SEEDS=${FUZZ_SEEDS:-10} sh tests/reference/run_all.sh "$FTKPI" >"$T/log" 2>&1
status=$?
passed=$(grep -c '^ok ' "$T/log")
failed=$(grep -c '^DIFF ' "$T/log")
e2e_pass=$((e2e_pass + passed))
e2e_fail=$((e2e_fail + failed))
[ "$status" -eq 0 ] || [ "$failed" -gt 0 ] || not_ok "run_all.sh failed: $(tail -3 "$T/log")"
grep -A30 '^DIFF ' "$T/log" | head -60
finish
