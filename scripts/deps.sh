#!/bin/sh
# deps.sh: checks the Debian packages ftkpi builds and tests with, and
# installs the missing ones when run as root; otherwise prints the exact
# command to run and fails, so nothing is installed behind your back.
# slurm-wlm (slurmctld, slurmd, sbatch, squeue, scontrol, scancel) and munge
# (munged) are for tests/e2e/slurm.sh, which starts its own one-node
# cluster; no service of theirs is configured or enabled here.
# bsdutils (script: the progress line under a pseudo-terminal), groff-base
# and man-db (the man page rendered without warnings) and systemd
# (systemd-analyze verify of contrib/systemd; nothing is started) are for
# tests/e2e/progress.sh, man.sh and schedule.sh.
set -eu
need="gcc make libc6-dev pkg-config libxlsxwriter-dev libcsv-dev zlib1g-dev
libcmocka-dev libinih-dev libssl-dev libgmp-dev libmd-dev libmimalloc-dev python3 python3-openpyxl
strace clang-format libreoffice-calc-nogui poppler-utils time slurm-wlm munge
bsdutils groff-base man-db systemd"
missing=""
for p in $need; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
        grep -q 'install ok installed'; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
    echo "deps: installing$missing" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing
else
    echo "deps: missing Debian packages:$missing" >&2
    echo "deps: run this, then run make again:" >&2
    echo "  sudo apt-get install -y$missing" >&2
    exit 1
fi
