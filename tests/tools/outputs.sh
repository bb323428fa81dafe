#!/bin/sh
# outputs.sh FTKPI DEST [TENANTS]: every output one ftkpi binary writes,
# laid out so that two binaries can be compared with `diff -r`. For a
# change that must not alter one output byte (docs/architecture.md):
#
#   sh tests/tools/outputs.sh /tmp/ftkpi.before /tmp/before
#   sh tests/tools/outputs.sh build/ftkpi /tmp/after
#   diff -r /tmp/before /tmp/after && echo identical
#
# It runs `ftkpi run` on samples/, on a generated set of TENANTS tenants
# (default 10000; cached under build/outputs) and on samples/ with bad
# rows added; `ftkpi validate --out`; and a cohort month (pick, freeze,
# change, show, review). Workbooks are kept whole and also unpacked into
# their XML parts; run.json is kept without its timings; what each
# command printed is kept with the scratch folder's name replaced.
set -eu
ftkpi=$1
dest=$2
tenants=${3:-10000}
case $ftkpi in /*) ;; *) ftkpi=$(pwd)/$ftkpi ;; esac
rm -rf "$dest"
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)
cache=build/outputs/set$tenants
if [ ! -e "$cache/.done" ]; then
    rm -rf "$cache"
    "$ftkpi" samples --tenants "$tenants" --months 24 --seed 3 \
        --last-month 2026-10 --gzip --out "$cache" >/dev/null
    touch "$cache/.done"
fi
root=$(pwd)
# Inputs and outputs are named relative to a scratch folder, so that the
# paths written into the outputs are the same on every run.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
ln -s "$root/samples" samples
ln -s "$root/$cache" set

# step NAME ARGS...: runs ftkpi, keeps its exit status and messages
step() {
    name=$1
    shift
    set +e
    "$ftkpi" "$@" >stdout 2>stderr
    echo "exit $?" >"$dest/$name.status"
    set -e
    sed "s|$work|WORK|g" stdout >"$dest/$name.stdout"
    sed "s|$work|WORK|g" stderr >"$dest/$name.stderr"
}

# keep SRC NAME: copies an output folder, unpacking each workbook and
# dropping run.json's timings
keep() {
    mkdir -p "$dest/$2"
    (cd "$1" && find . -type f ! -name '.*' | sort) | while read -r f; do
        mkdir -p "$dest/$2/$(dirname "$f")"
        case $f in
        *run.json)
            grep -v '"timings_ms"' "$1/$f" >"$dest/$2/$f"
            ;;
        *.xlsx)
            cp "$1/$f" "$dest/$2/$f"
            mkdir -p "$dest/$2/$f.parts"
            (cd "$dest/$2/$f.parts" && unzip -q "$work/$1/$f")
            ;;
        *) cp "$1/$f" "$dest/$2/$f" ;;
        esac
    done
}

step samples run --in samples --out out-samples
keep out-samples samples
step big run --in set --out out-big
keep out-big big

mkdir -p bad
cp samples/customers.csv samples/entitlements.csv bad/
cp samples/usage*.csv bad/
printf "T-BAD,EXO,2026-10-31,12\nT0000001,Nope,2026-10-31,1\n" >>"bad/usage.csv"
step bad run --in bad --out bad-out
keep bad-out bad
step validate validate --in bad --out validate
keep validate validate

step run-sep run --in samples --out sep --as-of 2026-09
step pick cohort pick --run sep --out picks
keep picks picks
for f in picks/*.csv; do
    sed -i '2,3s/^,/x,/' "$f"
done
step freeze cohort freeze --state state --run sep \
    --picks picks/picks-2026-10-NA.csv \
    --picks picks/picks-2026-10-EMEA.csv --today 2026-09-28
t=$(awk -F, 'NR == 2 { print $2 }' picks/picks-2026-10-NA.csv)
step change cohort change --state state --remove "$t" \
    --reason "moved on" --today 2026-10-02
step show cohort show --state state --month 2026-10 \
    --today 2026-10-20
step review cohort review --state state --run out-samples \
    --region NA --out review --today 2026-10-20
keep state state
keep review review
