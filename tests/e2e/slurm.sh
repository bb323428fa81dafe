# End-to-end: the project's Slurm scripts (contrib/slurm/) on a real
# one-node Slurm started here (tests/tools/slurm_cluster.sh): a 4-shard
# job array and the merge that depends on it publish what a single run
# publishes; when one shard fails, the merge never runs
# (DependencyNeverSatisfied) and nothing is published. Every daemon
# started is stopped by PID, also when a check fails. If Slurm cannot
# start, this fails with the daemons' logs: it never skips.
. tests/e2e/lib.sh
. tests/tools/slurm_cluster.sh

cluster=$T/slurm
trap 'slurm_stop "$cluster"; rm -rf "$T"' EXIT
trap 'exit 1' INT TERM HUP

if ! slurm_start "$cluster"; then
    not_ok "Slurm did not start (logs above)"
    finish
    exit 1
fi

# the jobs start in the submit folder: the inputs are named from there
# as in the single run
work=$T/work
mkdir -p "$work"
ln -s "$ROOT/samples" "$work/samples"
cd "$work" || exit 1
export FTKPI
# each task asks for little memory, so that tasks run side by side
export FTKPI_SBATCH_SHARD="--mem=400M"
export FTKPI_SBATCH_MERGE="--mem=400M"
submit=$ROOT/contrib/slurm/submit.sh

run_status 0 "single run on samples" run --in samples --out single

# state JOB: the job's state (one line per array task)
state() {
    squeue -h -j "$1" -o '%T %r' 2>/dev/null
}

# 4 shards and the merge
ids=$(sh "$submit" 4 samples shards out 2>"$T/err.txt")
check "submit.sh submitted the array and the merge" test -n "${ids#* }"
array=${ids% *}
merge=${ids#* }
check "array and merge finished within 60 s" slurm_wait_job "$merge" 60
check "merge waited for the array" sh -c "! squeue -h -j '$array' | grep -q ."
if cmp -s single/workload_kpis.csv out/workload_kpis.csv; then ok; else
    not_ok "the merge job did not publish the run's outputs"
    cat ftkpi-*.log 2>/dev/null | tail -20
    slurm_log "$cluster"
fi
if diff -r -x run.json single out >"$T/diff.txt"; then ok; else
    not_ok "Slurm's merged outputs differ from a single run's"
    head -20 "$T/diff.txt"
fi
for i in 0 1 2 3; do
    check "shard $i wrote its folder" test -f "shards/shard-$i/shard.csv"
done
contains out/run.json '"shards": 4' "the merge counted 4 shards"

# one shard fails for real: its output folder cannot be made (a file is
# in the way); the merge then waits for ever and is cancelled
mkdir -p shards2
: >shards2/shard-2
cp -r out out-before
ids=$(sh "$submit" 4 samples shards2 out 2>"$T/err.txt")
array=${ids% *}
merge=${ids#* }
check "the array finished" slurm_wait_job "$array" 60
reason=""
i=0
while [ $i -lt 20 ]; do
    reason=$(squeue -h -j "$merge" -o '%r' 2>/dev/null)
    [ "$reason" = DependencyNeverSatisfied ] && break
    sleep 0.5
    i=$((i + 1))
done
check "the merge is pending with DependencyNeverSatisfied (got '$reason')" test "$reason" = DependencyNeverSatisfied
check "the merge never started" sh -c "scontrol show job '$merge' | grep -q 'JobState=PENDING'"
check "the failed shard's log says why" grep -q "not a folder" "ftkpi-shard-${array}_2.log"
check "the other shards wrote their folders" test -f shards2/shard-0/shard.csv -a -f shards2/shard-3/shard.csv
scancel "$merge"
check "the cancelled merge left the queue" slurm_wait_job "$merge" 20
if diff -r out-before out >"$T/diff.txt"; then ok; else
    not_ok "outputs changed though a shard failed"
    head -20 "$T/diff.txt"
fi
check "no temporary file in the outputs" sh -c "! ls -a out | grep -q '^.ftkpi-tmp'"

cd "$ROOT" || exit 1
finish
