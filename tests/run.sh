#!/bin/sh
# run.sh BUILD [unit|e2e]: runs the cmocka unit tests (BUILD/tests/test_*)
# and the end-to-end scripts (tests/e2e/*.sh) and ends with the line
# "N passed, N failed". Exits non-zero when anything failed.
# E2E_SKIP="a.sh b.sh" leaves those scripts out, each named in the output
# (the Makefile's ThreadSanitizer pass uses it).
set -u
build=$1
which=${2:-all}
passed=0
failed=0
failures=""
log=$(mktemp)
trap 'rm -f "$log"' EXIT

if [ "$which" != e2e ]; then
    for t in "$build"/tests/test_*; do
        [ -x "$t" ] || continue
        "$t" >"$log" 2>&1
        rc=$?
        p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
        f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
        p=${p:-0}
        f=${f:-0}
        if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
            f=1 # crashed or leaked before cmocka could count
        fi
        passed=$((passed + p))
        failed=$((failed + f))
        if [ "$rc" -ne 0 ]; then
            cat "$log"
            failures="$failures $(basename "$t")"
        fi
        echo "unit $(basename "$t"): $p passed, $f failed"
    done
fi

if [ "$which" != unit ]; then
    for t in tests/e2e/*.sh; do
        case $t in */lib.sh) continue ;; esac
        case " ${E2E_SKIP:-} " in
        *" $(basename "$t") "*)
            echo "e2e $(basename "$t"): skipped in this pass"
            continue
            ;;
        esac
        FTKPI=$build/ftkpi sh "$t" >"$log" 2>&1
        rc=$?
        p=$(sed -n 's/^e2e-result: \([0-9]*\) \([0-9]*\)$/\1/p' "$log" | tail -1)
        f=$(sed -n 's/^e2e-result: \([0-9]*\) \([0-9]*\)$/\2/p' "$log" | tail -1)
        p=${p:-0}
        f=${f:-0}
        if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
            f=1
        fi
        passed=$((passed + p))
        failed=$((failed + f))
        if [ "$rc" -ne 0 ]; then
            grep -v '^e2e-result' "$log"
            failures="$failures $(basename "$t")"
        fi
        echo "e2e $(basename "$t"): $p passed, $f failed"
    done
fi

[ -n "$failures" ] && echo "failing:$failures"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
