# slurm_cluster.sh: sourced by tests that need a real Slurm. Starts a
# one-node cluster of Debian's slurm-wlm and munge in a scratch folder and
# stops every daemon it started, by PID:
#
#   . tests/tools/slurm_cluster.sh
#   slurm_start "$T/slurm" || exit 1   # exports SLURM_CONF
#   sbatch ...
#   slurm_stop "$T/slurm"              # also safe when start failed
#
# Nothing outside the folder is touched: munged gets its own key and
# socket, the daemons their own ports, spool, state and logs, so the test
# runs beside a machine's own Slurm, if any. When a daemon does not come
# up, slurm_start prints its log and fails; the test must not skip.

# slurm_free_port: a TCP port nothing listens on, from the ephemeral range.
slurm_free_port() {
    python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# slurm_log DIR: every daemon's log, for a failing test's output.
slurm_log() {
    for _f in "$1"/log/*.log; do
        [ -f "$_f" ] || continue
        echo "---- $_f (last 30 lines)"
        tail -n 30 "$_f"
    done
}

slurm_start() {
    _d=$1
    mkdir -p "$_d/munge" "$_d/spool/ctld" "$_d/spool/d" "$_d/log" || return 1
    chmod 700 "$_d/munge"
    head -c 1024 /dev/urandom >"$_d/munge/munge.key"
    chmod 400 "$_d/munge/munge.key"
    # --force: munged refuses a key or socket outside its own folders
    # unless told; the scratch folder is ours.
    if ! munged --force --key-file="$_d/munge/munge.key" \
        --socket="$_d/munge/sock" --pid-file="$_d/munge/munged.pid" \
        --log-file="$_d/log/munged.log" --seed-file="$_d/munge/seed"; then
        echo "slurm: munged did not start" >&2
        slurm_log "$_d" >&2
        return 1
    fi
    _host=$(hostname -s)
    _cpus=$(nproc)
    _mem=$(awk '/MemTotal/ { print int($2 / 1024) - 1024 }' /proc/meminfo)
    _ctld_port=$(slurm_free_port)
    _d_port=$(slurm_free_port)
    cat >"$_d/slurm.conf" <<EOF
ClusterName=ftkpitest
SlurmctldHost=$_host
SlurmUser=$(id -un)
AuthType=auth/munge
AuthInfo=socket=$_d/munge/sock
CredType=cred/munge
SlurmctldPort=$_ctld_port
SlurmdPort=$_d_port
StateSaveLocation=$_d/spool/ctld
SlurmdSpoolDir=$_d/spool/d
SlurmctldPidFile=$_d/slurmctld.pid
SlurmdPidFile=$_d/slurmd.pid
SlurmctldLogFile=$_d/log/slurmctld.log
SlurmdLogFile=$_d/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ReturnToService=2
MpiDefault=none
MinJobAge=600
NodeName=$_host CPUs=$_cpus RealMemory=$_mem State=UNKNOWN
PartitionName=batch Nodes=$_host Default=YES MaxTime=INFINITE State=UP
EOF
    SLURM_CONF=$_d/slurm.conf
    export SLURM_CONF
    # -i: ignore any saved state (there is none in a new folder)
    if ! slurmctld -f "$SLURM_CONF" -i || ! slurmd -f "$SLURM_CONF"; then
        echo "slurm: a daemon did not start" >&2
        slurm_log "$_d" >&2
        return 1
    fi
    # The node is up once it reports idle.
    _i=0
    while [ $_i -lt 60 ]; do
        if sinfo -h -N -o '%t' 2>/dev/null | grep -q '^idle'; then
            return 0
        fi
        sleep 0.5
        _i=$((_i + 1))
    done
    echo "slurm: the node did not become idle in 30 s" >&2
    sinfo -N >&2 2>&1
    slurm_log "$_d" >&2
    return 1
}

# slurm_stop DIR: stops slurmd, slurmctld and munged by the PIDs they
# wrote, waits for each to exit, and kills what is left after 10 s.
slurm_stop() {
    _d=$1
    for _p in "$_d/slurmd.pid" "$_d/slurmctld.pid" "$_d/munge/munged.pid"; do
        [ -s "$_p" ] || continue
        _pid=$(cat "$_p")
        kill "$_pid" 2>/dev/null || continue
        _i=0
        while kill -0 "$_pid" 2>/dev/null && [ $_i -lt 40 ]; do
            sleep 0.25
            _i=$((_i + 1))
        done
        kill -9 "$_pid" 2>/dev/null || true
    done
}

# slurm_wait_job JOBID SECONDS: waits until the job (every task of an
# array) has left the queue; fails when it is still there after SECONDS.
slurm_wait_job() {
    _i=0
    while [ $_i -lt $(($2 * 2)) ]; do
        if [ -z "$(squeue -h -j "$1" 2>/dev/null)" ]; then
            return 0
        fi
        sleep 0.5
        _i=$((_i + 1))
    done
    return 1
}
