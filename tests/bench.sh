#!/bin/sh
# bench.sh FTKPI: the benchmarks of docs/benchmarks.md. Generates the data
# sets once under build/bench (they are large: about 1.7 GB), then measures
# ingest throughput against wc -l and gzip -dc on the same files, and the
# time and peak memory of `ftkpi run` for 10,000 and 100,000 tenants x 24
# months, and of LibreOffice loading the portfolio workbook of each run
# (`soffice --headless --convert-to csv` loads every sheet and writes the
# first). Prints Markdown tables; speed is measured here, never in tests.
set -eu
ftkpi=$1
dir=build/bench
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

# measure LABEL COMMAND...: wall seconds and peak RSS (MiB) of one run
measure() {
    label=$1
    shift
    /usr/bin/time -f '%e %M' -o "$dir/time.txt" "$@" >/dev/null 2>&1 || {
        echo "bench: '$label' failed" >&2
        exit 1
    }
    read -r secs kib <"$dir/time.txt"
    echo "$label|$secs|$((kib / 1024))"
}

usage_plain=$dir/plain100k/usage.csv
usage_gz=$dir/gz100k/usage.csv.gz
bytes_plain=$(wc -c <"$usage_plain")
bytes_gz=$(wc -c <"$usage_gz")
rows=$(($(wc -l <"$usage_plain") - 1))

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(sed -n 's/^model name\t: //p' /proc/cpuinfo | head -1)"
echo "usage file: $rows rows, $bytes_plain bytes plain, $bytes_gz bytes gzip"
echo
echo "| what | seconds | peak MiB | MB/s (plain bytes) | rows/s |"
echo "|---|---|---|---|---|"
row() { # label secs mib
    awk -v l="$1" -v s="$2" -v m="$3" -v b="$bytes_plain" -v r="$rows" \
        'BEGIN { printf "| %s | %.2f | %d | %.0f | %.0f |\n", l, s, m, b / s / 1e6, r / s }'
}
for m in \
    "$(measure "wc -l usage.csv" wc -l "$usage_plain")" \
    "$(measure "gzip -dc usage.csv.gz" sh -c "gzip -dc '$usage_gz' >/dev/null")" \
    "$(measure "ftkpi validate (plain)" "$ftkpi" validate -q --in "$dir/plain100k")" \
    "$(measure "ftkpi validate (gzip)" "$ftkpi" validate -q --in "$dir/gz100k")"; do
    IFS='|' read -r l s k <<EOT
$m
EOT
    row "$l" "$s" "$k"
done
echo
echo "| ftkpi run, 24 months, gzip | seconds | peak MiB |"
echo "|---|---|---|"
for n in 10k 100k; do
    rm -rf "$dir/out$n"
    m=$(measure "$n tenants" "$ftkpi" run -q --in "$dir/gz$n" --out "$dir/out$n")
    IFS='|' read -r l s k <<EOT
$m
EOT
    echo "| $l | $s | $k |"
    "$ftkpi" run -v --in "$dir/gz$n" --out "$dir/out$n" 2>&1 | sed -n 's/^ftkpi run: \(.*\) took \(.*\)$/  stage \1: \2/p'
done
echo
echo "| portfolio workbook, LibreOffice --convert-to csv | bytes | cells | seconds | peak MiB |"
echo "|---|---|---|---|---|"
for n in 10k 100k; do
    book=$(ls "$dir/out$n"/kpi-*.xlsx)
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
    rm -rf "$dir/lo$n"
    # a profile of its own: no clash with a LibreOffice already running
    m=$(measure "$n tenants" soffice -env:UserInstallation="file://$(pwd)/$dir/lo-profile" \
        --headless --convert-to csv --outdir "$dir/lo$n" "$book")
    if [ ! -s "$dir/lo$n/$(basename "$book" .xlsx).csv" ]; then
        echo "bench: LibreOffice could not load $book" >&2
        exit 1
    fi
    IFS='|' read -r l s k <<EOT
$m
EOT
    echo "| $l | $bytes | $cells | $s | $k |"
done
