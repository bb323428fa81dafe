# End-to-end: `ftkpi run` - the hand-checked fixture (tests/fixtures/kpi,
# see its README), byte-identical reruns, all-or-nothing publishing, the
# lock, and the exit codes of docs/running.md.
. tests/e2e/lib.sh

fx=tests/fixtures/kpi
facts="workload_kpis.csv customer_kpis.csv portfolio.csv cohort_candidates.csv"

run_status 0 "fixture run for 2024-06" run --in "$fx" --out "$T/june" --as-of 2024-06
for f in $facts; do
    check "$f matches the hand-checked values (2024-06)" cmp -s "$fx/expected/$f" "$T/june/$f"
done
run_status 0 "fixture run, default month" run --in "$fx" --out "$T/default"
for f in $facts; do
    check "$f matches the hand-checked values (default month 2024-07)" cmp -s "$fx/expected-default/$f" "$T/default/$f"
done
contains "$T/default/run.json" '"as_of_month": "2024-07"' "default month is the latest usage month"
check "rejects.csv has only its header" test "$(cat "$T/june/rejects.csv")" = "file,line,column,error,message,raw"
contains "$T/june/run.json" '"rows": {"read": 29, "accepted": 29, "rejected": 0' "manifest counts"
contains "$T/june/run.json" '"name": "workload_kpis.csv", "bytes": ' "manifest outputs"

# reruns are byte-identical (run.json aside from its timings)
"$FTKPI" samples --tenants 60 --months 14 --seed 3 --gzip --out "$T/s" >/dev/null 2>&1
run_status 0 "samples run" run --in "$T/s" --out "$T/a"
run_status 0 "samples rerun" run --in "$T/s" --out "$T/b"
for f in $facts rejects.csv; do
    check "$f identical on rerun" cmp -s "$T/a/$f" "$T/b/$f"
done
sed '/timings_ms/d' "$T/a/run.json" >"$T/a.json"
sed '/timings_ms/d' "$T/b/run.json" >"$T/b.json"
check "run.json identical but for timings" cmp -s "$T/a.json" "$T/b.json"

# a run killed before publishing leaves the previous outputs untouched.
# strace kills it (SIGKILL, as the kernel or an operator would) at the
# switch, the second renameat2 (the first is the open's probe that the
# filesystem can exchange folders): every output written and synced in
# the staging folder beside DIR, none visible in DIR. tests/e2e/publish.sh
# does this at every step of the publish.
cp -r "$T/a" "$T/before"
strace -o /dev/null true 2>/dev/null ||
    not_ok "strace cannot run here: install it (scripts/deps.sh) and allow ptrace"
strace -f -o /dev/null -e trace=renameat2 \
    -e inject=renameat2:signal=SIGKILL:when=2 \
    "$FTKPI" run --in "$fx" --out "$T/a" --as-of 2024-06 2>/dev/null
check "killed run exits by signal" test $? -gt 128
for f in $facts rejects.csv run.json; do
    check "$f untouched by the killed run" cmp -s "$T/before/$f" "$T/a/$f"
done
check "no temporary file in DIR" sh -c "! ls -A '$T/a' | grep -q '^\.ftkpi'"
check "killed run had staged every output, run.json too" sh -c "ls '$T'/.a.ftkpi/new.*/run.json >/dev/null"
run_status 0 "next run after a crash" run --in "$fx" --out "$T/a" --as-of 2024-06
check "staged set of the killed run removed" test "$(ls -A "$T/.a.ftkpi")" = lock
check "next run published" cmp -s "$fx/expected/workload_kpis.csv" "$T/a/workload_kpis.csv"

# a failed run (rejects over the threshold) publishes nothing
mkdir -p "$T/bad"
cp "$fx"/customers.csv "$fx"/entitlements.csv "$T/bad/"
{ cat "$fx/usage.csv"; echo 'A1,EXO,2024-13-01,1'; } >"$T/bad/usage.csv"
cp -r "$T/a" "$T/before2"
run_status 65 "rejects over the threshold" run --in "$T/bad" --out "$T/a" --as-of 2024-06
contains "$T/err.txt" "1 of 18 rows rejected" "threshold names the file and counts"
contains "$T/err.txt" "nothing published" "says nothing was published"
for f in $facts rejects.csv run.json; do
    check "$f untouched by the failed run" cmp -s "$T/before2/$f" "$T/a/$f"
done
printf '[ingest]\nmax_reject_pct = 10\n' >"$T/lenient.ini"
run_status 0 "below the threshold it publishes" run --in "$T/bad" --out "$T/lenient" --as-of 2024-06 --config "$T/lenient.ini"
contains "$T/err.txt" "1 input row rejected (within" "says how many rows were rejected, in the singular for one"
contains "$T/lenient/rejects.csv" "usage.csv,19,date,bad_date," "reject written"

# another run holds the lock: exit 75 at once
if command -v flock >/dev/null 2>&1; then
    mkdir -p "$T/locked" "$T/.locked.ftkpi"
    flock "$T/.locked.ftkpi/lock" sleep 5 &
    sleep 0.5
    run_status 75 "second concurrent run" run --in "$fx" --out "$T/locked" --as-of 2024-06
    contains "$T/err.txt" "another ftkpi run is writing to this folder" "lock message"
    check "locked run published nothing" test ! -e "$T/locked/workload_kpis.csv"
    kill $! 2>/dev/null
    wait 2>/dev/null
fi

# no usage at all and no --as-of
mkdir -p "$T/nousage"
cp "$fx"/customers.csv "$fx"/entitlements.csv "$T/nousage/"
echo 'tenant_id,workload,date,active_users' >"$T/nousage/usage.csv"
run_status 65 "no usage and no --as-of" run --in "$T/nousage" --out "$T/n"
contains "$T/err.txt" "give --as-of YYYY-MM" "says what to do"
run_status 0 "no usage but --as-of given" run --in "$T/nousage" --out "$T/n" --as-of 2024-06
run_status 64 "no --out" run --in "$fx"
run_status 0 "help" run --help
contains "$T/out.txt" "usage: ftkpi run" "help text"

# the allocator: mimalloc takes malloc for the whole program, libraries
# included (docs/decisions.md); a sanitizer build keeps its own, so only
# the plain build is asked
if ! ldd "$FTKPI" | grep -q 'lib[at]san'; then
    MIMALLOC_VERBOSE=1 "$FTKPI" --version >/dev/null 2>"$T/malloc.txt"
    contains "$T/malloc.txt" "mimalloc: " "mimalloc is the program's allocator"
fi
finish
