# End-to-end: a run split with `ftkpi run --shard I/N` and put together
# with `ftkpi merge` publishes what one run publishes (docs/sharding.md):
# shards in any order, N = 1, more shards than tenants, rejects and row
# accounting with bad rows, the threshold on the merged counts, and the
# merges that must be refused (a shard of other inputs, missing, twice).
. tests/e2e/lib.sh

# same_set A B DESC: every output of B is A's byte for byte; run.json too,
# but for what a merge writes of its own (command, shards, timings)
same_set() {
    if diff -r -x run.json "$1" "$2" >"$T/diff.txt"; then ok; else
        not_ok "$3: outputs differ"
        head -20 "$T/diff.txt"
    fi
    grep -v -e '"command"' -e '"shards"' -e '"timings_ms"' "$1/run.json" >"$T/a.json"
    grep -v -e '"command"' -e '"shards"' -e '"timings_ms"' "$2/run.json" >"$T/b.json"
    if cmp -s "$T/a.json" "$T/b.json"; then ok; else
        not_ok "$3: run.json differs beyond command, shards and timings"
        diff "$T/a.json" "$T/b.json" | head -20
    fi
}

# shards SET N DEST ORDER...: runs the shards of ORDER of a split in N
# into DEST/sI
shards() {
    _set=$1
    _n=$2
    _dest=$3
    shift 3
    for _i in "$@"; do
        run_status 0 "shard $_i/$_n of $_set" run --in "$_set" --out "$_dest/s$_i" --shard "$_i/$_n"
    done
}

# samples/: three shards computed out of order, merged in another order
run_status 0 "single run on samples" run --in samples --out "$T/single"
shards samples 3 "$T/three" 2 0 1
run_status 0 "merge of 3 shards" merge --out "$T/three/out" "$T/three/s1" "$T/three/s2" "$T/three/s0"
same_set "$T/single" "$T/three/out" "3 shards"
contains "$T/three/out/run.json" '"command": "merge"' "merge's run.json says merge"
contains "$T/three/out/run.json" '"shards": 3' "merge's run.json counts the shards"

# every row accounted for by exactly one shard
for i in 0 1 2; do
    check "shard $i has a shard folder, no outputs" test -f "$T/three/s$i/shard.csv" -a ! -f "$T/three/s$i/run.json"
done
read_total=$(awk -F, 'FNR > 1 { r += $5; s += $8 } END { print r, s }' \
    "$T/three/s0/inputs.csv" "$T/three/s1/inputs.csv" "$T/three/s2/inputs.csv")
single_read=$(sed -n 's/.*"rows": {"read": \([0-9]*\).*/\1/p' "$T/single/run.json")
check "shards' rows read add up to the run's" test "${read_total% *}" = "$single_read"
check "each row skipped by the other two shards" test "${read_total#* }" = "$((2 * single_read))"

# N = 1 is a plain run
shards samples 1 "$T/one" 0
run_status 0 "merge of 1 shard" merge --out "$T/one/out" "$T/one/s0"
same_set "$T/single" "$T/one/out" "1 shard"

# more shards than tenants: most shards are empty
"$FTKPI" samples --tenants 5 --months 14 --seed 7 --out "$T/tiny" >/dev/null 2>&1
run_status 0 "single run on 5 tenants" run --in "$T/tiny" --out "$T/tiny-single"
shards "$T/tiny" 16 "$T/many" 15 3 0 1 2 4 5 6 7 8 9 10 11 12 13 14
empty=$(awk -F, 'FNR == 2 && $7 == 0' "$T"/many/s*/shard.csv | wc -l)
check "some of 16 shards of 5 tenants are empty" test "$empty" -ge 11
run_status 0 "merge of 16 shards" merge --out "$T/many/out" "$T"/many/s*
same_set "$T/tiny-single" "$T/many/out" "16 shards of 5 tenants"

# bad rows: rejects and their order, counts and examples as one run's;
# the usage file has tenant_id last, so that a row can be too short to
# have one (it goes to the shard of the empty tenant_id)
mkdir -p "$T/bad"
cp samples/entitlements.csv "$T/bad/"
{
    cat samples/customers.csv
    printf 'T-BADSEATS,Bad seats,NA,many,,,,,\n'
    printf 'T0000001,Duplicate,NA,1,,,,,\n'
} >"$T/bad/customers.csv"
{
    awk -F, 'NR == 1 { print "workload,date,active_users,tenant_id"; next }
        { print $2 "," $3 "," $4 "," $1 }' samples/usage.csv
    echo 'EXO,2026-10-31,12,T-BAD'
    echo 'Nope,2026-10-31,1,T0000001'
    echo 'EXO,2026-13-01,1,T0000003'
    echo 'EXO,2026-10-30'
    echo 'SPO,2026-10-30,x,T0000003'
} >"$T/bad/usage.csv"
run_status 0 "single run with bad rows" run --in "$T/bad" --out "$T/bad-single"
check "the single run rejected rows" test "$(wc -l <"$T/bad-single/rejects.csv")" -eq 8
shards "$T/bad" 4 "$T/bad4" 3 1 0 2
run_status 0 "merge of 4 shards with bad rows" merge --out "$T/bad4/out" "$T"/bad4/s*
same_set "$T/bad-single" "$T/bad4/out" "4 shards with bad rows"
contains "$T/err.txt" "rejected (within the threshold)" "merge reports the rejects"
short=$(grep -lF '"EXO,2026-10-30"' "$T"/bad4/s*/rejects.csv | wc -l)
check "the row too short for a tenant_id is in one shard only" test "$short" -eq 1

# rejects over the threshold: every shard writes its folder, the merge
# applies the threshold to the sums and publishes nothing
mkdir -p "$T/over"
cp samples/customers.csv samples/entitlements.csv "$T/over/"
{ head -n 101 samples/usage.csv; for i in 1 2 3; do echo "T-NONE$i,EXO,2026-10-01,1"; done; } >"$T/over/usage.csv"
run_status 65 "single run over the threshold" run --in "$T/over" --out "$T/over-single"
shards "$T/over" 2 "$T/over2" 0 1
cp -r "$T/single" "$T/over-out"
run_status 65 "merge over the threshold" merge --out "$T/over-out" "$T/over2/s0" "$T/over2/s1"
contains "$T/err.txt" "nothing published" "merge over the threshold says so"
same_set "$T/single" "$T/over-out" "previous set untouched by the refused merge"

# refused merges: a shard of other inputs, one missing, one twice
cp -r "$T/single" "$T/keep"
refused() {
    _desc=$1
    _text=$2
    shift 2
    run_status 65 "$_desc" merge --out "$T/keep" "$@"
    contains "$T/err.txt" "$_text" "$_desc: the message names it"
    same_set "$T/single" "$T/keep" "$_desc: nothing published"
    check "$_desc: no temporary file left" sh -c "! ls -a '$T/keep' | grep -q '^.ftkpi-tmp'"
}
refused "a shard of other inputs" "$T/bad4/s1" "$T/three/s0" "$T/bad4/s1" "$T/three/s2"
refused "a missing shard" "shard 1/3 is missing" "$T/three/s0" "$T/three/s2"
refused "a shard twice" "shard 2/3 appears twice" "$T/three/s0" "$T/three/s2" "$T/three/s1" "$T/three/s2"
refused "a shard of another split" "split another way" "$T/three/s0" "$T/one/s0"
run_status 66 "a shard folder that does not exist" merge --out "$T/keep" "$T/three/s0" "$T/nowhere" "$T/three/s2"
run_status 65 "a folder that is no shard" merge --out "$T/keep" "$T/three/s0" "$T/single" "$T/three/s2"
contains "$T/err.txt" "not a complete shard folder" "a folder that is no shard is named"

# --shard auto and its usage errors
SLURM_ARRAY_TASK_ID=1 SLURM_ARRAY_TASK_COUNT=3 "$FTKPI" run --in samples --out "$T/auto" --shard auto -q
check "--shard auto takes Slurm's array task" cmp -s "$T/three/s1/workloads.csv" "$T/auto/workloads.csv"
env -u SLURM_ARRAY_TASK_ID JOB_COMPLETION_INDEX=2 FTKPI_SHARDS=3 "$FTKPI" run --in samples --out "$T/auto-k8s" --shard auto -q
check "--shard auto takes a Kubernetes completion index" cmp -s "$T/three/s2/workloads.csv" "$T/auto-k8s/workloads.csv"
(unset SLURM_ARRAY_TASK_ID JOB_COMPLETION_INDEX; "$FTKPI" run --in samples --out "$T/x" --shard auto) 2>"$T/err.txt"
check "--shard auto outside an array job: usage error" test $? -eq 64
contains "$T/err.txt" "neither SLURM_ARRAY_TASK_ID nor JOB_COMPLETION_INDEX" "--shard auto says what it looked for"
SLURM_ARRAY_TASK_ID=3 SLURM_ARRAY_TASK_COUNT=3 "$FTKPI" run --in samples --out "$T/x" --shard auto 2>"$T/err.txt"
check "--shard auto with an index past the count: usage error" test $? -eq 64
run_status 64 "--shard 3/3" run --in samples --out "$T/x" --shard 3/3
run_status 64 "--shard 1" run --in samples --out "$T/x" --shard 1
run_status 64 "merge without --out" merge "$T/three/s0"
run_status 0 "merge --help" merge --help

finish
