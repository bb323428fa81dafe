#!/bin/sh
# submit.sh: submits a split ftkpi run to Slurm (docs/sharding.md): a job
# array of N shards, then the merge, which starts only when every shard
# succeeded (--dependency=afterok on the array).
#
#   sh contrib/slurm/submit.sh N IN_DIR SHARDS_DIR OUT_DIR [RUN OPTION...]
#
# Run it from the folder the inputs are named from. Prints the array's
# job id and the merge's. Extra sbatch options (memory, partition, time)
# come from FTKPI_SBATCH_SHARD and FTKPI_SBATCH_MERGE, e.g.
# FTKPI_SBATCH_SHARD="--mem=2G --time=1:00:00" (docs/sharding.md sizes
# them). FTKPI names the ftkpi binary the jobs run (exported to them).
set -eu
if [ $# -lt 4 ]; then
    echo "usage: submit.sh N IN_DIR SHARDS_DIR OUT_DIR [RUN OPTION...]" >&2
    exit 64
fi
n=$1
in=$2
shards=$3
out=$4
shift 4
case $n in '' | *[!0-9]*)
    echo "submit.sh: N must be a number of shards" >&2
    exit 64
    ;;
esac
here=$(dirname "$0")
mkdir -p "$shards"
# --parsable prints "jobid" or "jobid;cluster"
# shellcheck disable=SC2086
array=$(sbatch --parsable ${FTKPI_SBATCH_SHARD:-} --array=0-$((n - 1)) \
    "$here/ftkpi-shards.sbatch" "$in" "$shards" "$@")
array=${array%%;*}
# shellcheck disable=SC2086
merge=$(sbatch --parsable ${FTKPI_SBATCH_MERGE:-} --dependency=afterok:"$array" \
    "$here/ftkpi-merge.sbatch" "$shards" "$n" "$out")
merge=${merge%%;*}
echo "$array $merge"
