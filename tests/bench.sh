#!/bin/sh
# bench.sh FTKPI XLSX_FLOOR: the benchmarks of docs/benchmarks.md.
#
# Generates the data sets once under build/bench (about 1.7 GB; a set is
# reused while its .done marker exists), then:
#   - wc -l and gzip -dc on the plain and gzip usage files of 100,000
#     tenants, and `ftkpi validate` on both (ingest throughput);
#   - for each gzip set (10,000 and 100,000 tenants x 24 months, weekly
#     usage snapshots as `ftkpi samples` writes them), BENCH_REPEAT times
#     (default 3) side by side: gzip -dc of the usage file, gzip -dc of
#     the three inputs, `ftkpi validate` and `ftkpi run`, each with wall,
#     user+sys CPU and peak RSS; the run's stages from run.json; the
#     ratios ingest / gzip -dc (the run's ingest stage against gzip -dc of
#     the three inputs it reads, measured in the same repetition) and
#     total / gzip -dc (the run's wall time against gzip -dc of the usage
#     file); the CPU time of validate's parsing thread against gzip -dc's
#     (steadier than wall time on a shared machine); the best repetition
#     of each figure is printed;
#   - the cells of the run's workbooks, and libxlsxwriter's own
#     single-thread rate on this machine (tests/bench/xlsx_floor.c);
#   - LibreOffice loading the portfolio workbook of each run (`soffice
#     --headless --convert-to csv` loads every sheet and writes the first).
# Speed is measured here, never in tests.
set -eu
ftkpi=$1
floor=$2
dir=build/bench
repeat=${BENCH_REPEAT:-3}
mkdir -p "$dir"
export LC_ALL=C

gen() { # name tenants gzip?
    [ -e "$dir/$1/.done" ] && return 0
    rm -rf "$dir/$1"
    "$ftkpi" samples --tenants "$2" --months 24 --seed 1 $3 --out "$dir/$1"
    touch "$dir/$1/.done"
}
gen plain100k 100000 ""
gen gz100k 100000 --gzip
gen gz10k 10000 --gzip

# timed LABEL COMMAND...: "wall cpu peak_mib" of one run (cpu = user+sys)
timed() {
    label=$1
    shift
    /usr/bin/time -f '%e %U %S %M' -o "$dir/time.txt" "$@" >/dev/null 2>&1 || {
        echo "bench: '$label' failed" >&2
        exit 1
    }
    awk '{ printf "%.2f %.2f %d\n", $1, $2 + $3, $4 / 1024 }' "$dir/time.txt"
}

# main_cpu COMMAND...: CPU seconds (user+sys) of the command's main
# thread, which parses while reading threads inflate; read from
# /proc/PID/task/PID/stat every 0.1 s until the command ends.
main_cpu() {
    "$@" >/dev/null 2>&1 &
    pid=$!
    ticks=0
    while t=$(awk '{ print $14 + $15 }' "/proc/$pid/task/$pid/stat" 2>/dev/null); do
        [ -n "$t" ] && ticks=$t
        sleep 0.1
    done
    wait "$pid" || {
        echo "bench: '$*' failed" >&2
        exit 1
    }
    awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f\n", t / hz }'
}

# min FILE COLUMN: the smallest value of a column
min() {
    awk -v c="$2" 'NR == 1 || $c < m { m = $c } END { print m }' "$1"
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(sed -n 's/^model name\t: //p' /proc/cpuinfo | head -1)"
echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "repetitions: $repeat (best of each figure)"
echo

usage_plain=$dir/plain100k/usage.csv
usage_gz=$dir/gz100k/usage.csv.gz
bytes_plain=$(wc -c <"$usage_plain")
bytes_gz=$(wc -c <"$usage_gz")
rows=$(($(wc -l <"$usage_plain") - 1))
echo "## Ingest throughput, 100,000 tenants"
echo
echo "usage file: $rows rows, $bytes_plain bytes plain, $bytes_gz bytes gzip"
echo
echo "| what | seconds | peak MiB | MB/s (plain bytes) | rows/s |"
echo "|---|---|---|---|---|"
row() { # label file
    s=$(min "$2" 1)
    m=$(min "$2" 3)
    awk -v l="$1" -v s="$s" -v m="$m" -v b="$bytes_plain" -v r="$rows" \
        'BEGIN { printf "| %s | %.2f | %d | %.0f | %.0f |\n", l, s, m, b / s / 1e6, r / s }'
}
: >"$dir/t.wc"
: >"$dir/t.gz"
: >"$dir/t.vp"
: >"$dir/t.vg"
i=0
while [ "$i" -lt "$repeat" ]; do
    timed "wc -l" wc -l "$usage_plain" >>"$dir/t.wc"
    timed "gzip -dc" sh -c "gzip -dc '$usage_gz' >/dev/null" >>"$dir/t.gz"
    timed "validate plain" "$ftkpi" validate -q --in "$dir/plain100k" >>"$dir/t.vp"
    timed "validate gzip" "$ftkpi" validate -q --in "$dir/gz100k" >>"$dir/t.vg"
    i=$((i + 1))
done
row "wc -l usage.csv" "$dir/t.wc"
row "gzip -dc usage.csv.gz" "$dir/t.gz"
row "ftkpi validate (plain)" "$dir/t.vp"
row "ftkpi validate (gzip)" "$dir/t.vg"
echo

# stages FILE: the timings_ms object of a run.json, as "name ms" lines
stages() {
    sed -n 's/.*"timings_ms": {\(.*\)}.*/\1/p' "$1" | tr ',' '\n' |
        sed 's/^ *"\([^"]*\)": \(.*\)$/\1 \2/'
}

# cells DIR: the cells of every workbook in DIR (c elements of the sheets)
cells() {
    python3 - "$1" <<'EOF'
import os, sys, zipfile
n = 0
for root, _, files in os.walk(sys.argv[1]):
    for f in files:
        if not f.endswith(".xlsx"):
            continue
        with zipfile.ZipFile(os.path.join(root, f)) as z:
            for name in z.namelist():
                if not name.startswith("xl/worksheets/sheet"):
                    continue
                tail = b""
                with z.open(name) as s:
                    while True:
                        block = s.read(1 << 20)
                        if not block:
                            break
                        data = tail + block
                        n += data.count(b"<c ") - tail.count(b"<c ")
                        tail = data[-2:]
print(n)
EOF
}

for set in gz10k gz100k; do
    in=$dir/$set
    out=$dir/out-$set
    usage=$in/usage.csv.gz
    rows=$(($(gzip -dc "$usage" | wc -l) - 1))
    echo "## ftkpi run, $set: $rows usage rows, $(wc -c <"$usage") bytes gzip"
    echo
    : >"$dir/r.txt"
    i=0
    while [ "$i" -lt "$repeat" ]; do
        gz=$(timed "gzip -dc usage" sh -c "gzip -dc '$usage' >/dev/null")
        gzall=$(timed "gzip -dc inputs" sh -c "gzip -dc '$in'/*.csv.gz >/dev/null")
        wc=$(timed "wc -l" sh -c "gzip -dc '$usage' | wc -l")
        val=$(timed "validate" "$ftkpi" validate -q --in "$in")
        rm -rf "$out"
        run=$(timed "run" "$ftkpi" run -q --in "$in" --out "$out")
        ingest=$(stages "$out/run.json" | awk '$1 == "ingest" { print $2 / 1000 }')
        main=$(main_cpu "$ftkpi" validate -q --in "$in")
        # gzip usage | gzip inputs | gzip|wc | validate | run | ingest | main
        echo "$gz $gzall $wc $val $run $ingest $main" >>"$dir/r.txt"
        stages "$out/run.json" >"$dir/stages-$set-$i.txt"
        i=$((i + 1))
    done
    # r.txt columns: 1-3 gzip usage, 4-6 gzip inputs, 7-9 gzip|wc,
    # 10-12 validate, 13-15 run, 16 ingest stage, 17 validate's main
    # thread CPU
    awk '
    function best(c,   i, m) { m = v[1, c]; for (i = 2; i <= n; i++) if (v[i, c] < m) m = v[i, c]; return m }
    function bestr(a, b,   i, m, r) { m = -1; for (i = 1; i <= n; i++) if (v[i, b] > 0) { r = v[i, a] / v[i, b]; if (m < 0 || r < m) m = r }; return m }
    { n++; for (c = 1; c <= NF; c++) v[n, c] = $c }
    END {
        print "| what | wall s | user+sys s | peak MiB |"
        print "|---|---|---|---|"
        printf "| gzip -dc usage.csv.gz | %.2f | %.2f | %d |\n", best(1), best(2), best(3)
        printf "| gzip -dc of the three inputs | %.2f | %.2f | %d |\n", best(4), best(5), best(6)
        printf "| gzip -dc usage.csv.gz \\| wc -l | %.2f | %.2f | %d |\n", best(7), best(8), best(9)
        printf "| ftkpi validate | %.2f | %.2f | %d |\n", best(10), best(11), best(12)
        printf "| ftkpi run (all outputs) | %.2f | %.2f | %d |\n", best(13), best(14), best(15)
        printf "| run: ingest stage | %.2f | | |\n", best(16)
        printf "| validate: CPU of the parsing (main) thread | | %.2f | |\n", best(17)
        print ""
        printf "ratios, best repetition: ingest stage / gzip -dc of the inputs %.2f; validate / gzip -dc of the inputs %.2f; ingest stage / gzip -dc of usage %.2f; total / gzip -dc of usage %.2f\n", bestr(16, 4), bestr(10, 4), bestr(16, 1), bestr(13, 1)
        printf "CPU of validate'"'"'s parsing thread / CPU of gzip -dc of the inputs, best repetition: %.2f (on free cores, ingest runs at the parsing thread'"'"'s speed)\n", bestr(17, 5)
    }' "$dir/r.txt"
    echo
    echo "stages of the last run (run.json timings_ms):"
    stages "$out/run.json" | awk '{ printf "  %s %.2f s\n", $1, $2 / 1000 }'
    wb=$(stages "$out/run.json" | awk '$1 == "workbook" { print $2 / 1000 }')
    n=$(cells "$out")
    echo "workbook cells: $n${wb:+, $(awk -v n="$n" -v s="$wb" 'BEGIN { printf "%.0f cells/s over the workbook stage", n / s }')}"
    echo
done

echo "## libxlsxwriter floor (tests/bench/xlsx_floor.c, one thread, constant memory)"
echo
: >"$dir/floor.txt"
i=0
while [ "$i" -lt "$repeat" ]; do
    "$floor" "$dir/floor.xlsx" 200000 | awk '{ print $5 }' >>"$dir/floor.txt"
    i=$((i + 1))
done
rm -f "$dir/floor.xlsx"
echo "best: $(sort -n "$dir/floor.txt" | tail -1) cells/s (200,000 rows x 12 cells)"

echo
echo "## The portfolio workbook in LibreOffice (--convert-to csv loads every sheet)"
echo
echo "| portfolio workbook | bytes | cells | wall s | user+sys s | peak MiB |"
echo "|---|---|---|---|---|---|"
for set in gz10k gz100k; do
    book=$(ls "$dir/out-$set"/kpi-*.xlsx)
    bytes=$(wc -c <"$book")
    cells=$(python3 -c '
import sys, zipfile
n = 0
with zipfile.ZipFile(sys.argv[1]) as z:
    for name in z.namelist():
        if name.startswith("xl/worksheets/sheet"):
            with z.open(name) as f:
                tail = b""
                # 4 bytes carried over: a tag split between two reads
                # is counted once, in the second
                for chunk in iter(lambda: f.read(1 << 20), b""):
                    buf = tail + chunk
                    n += buf.count(b"<c r=")
                    tail = buf[-4:]
print(n)' "$book")
    rm -rf "$dir/lo-$set"
    # a profile of its own: no clash with a LibreOffice already running
    m=$(timed "LibreOffice $set" soffice -env:UserInstallation="file://$(pwd)/$dir/lo-profile" \
        --headless --convert-to csv --outdir "$dir/lo-$set" "$book")
    if [ ! -s "$dir/lo-$set/$(basename "$book" .xlsx).csv" ]; then
        echo "bench: LibreOffice could not load $book" >&2
        exit 1
    fi
    echo "$set $bytes $cells $m" | awk '{ printf "| %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6 }'
done
