#!/bin/sh
# compare.sh FTKPI_BINARY INPUT_DIR [--as-of YYYY-MM]
#
# Runs the C program (FTKPI_BINARY run --in INPUT_DIR) and the reference
# implementation (tests/reference/ftkpi_ref.py) on the same inputs
# (customers*.csv[.gz], entitlements*.csv[.gz], usage*.csv[.gz] from
# INPUT_DIR, in name order) and diffs workload_kpis.csv, customer_kpis.csv,
# portfolio.csv, cohort_candidates.csv, next_actions.csv and
# exec_summaries.csv, ignoring only the free-text
# `detail` column of cohort_candidates.csv. Prints each differing line pair
# (the first 20 per file) and exits 1 on any difference (or when the exit
# statuses differ), 0 when everything matches (or both runs fail with the
# same status), 2 on a usage error.
set -u
if [ $# -lt 2 ]; then
    echo "usage: sh $0 FTKPI_BINARY INPUT_DIR [--as-of YYYY-MM]" >&2
    exit 2
fi
bin=$1
in=$2
shift 2
asof="$*" # only --as-of YYYY-MM: no spaces
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The reference takes the files one flag each, in name (byte) order, as the
# C program's --in does. (File names containing a newline are not supported.)
set --
missing=0
for kind in customers entitlements usage; do
    list=$(LC_ALL=C ls -1 "$in" 2>/dev/null |
        LC_ALL=C grep -E "^$kind.*\.csv(\.gz)?\$" | LC_ALL=C sort)
    if [ -z "$list" ]; then
        missing=1
        continue
    fi
    while IFS= read -r f; do
        set -- "$@" "--$kind" "$in/$f"
    done <<LIST
$list
LIST
done

# shellcheck disable=SC2086
"$bin" run -q --in "$in" --out "$tmp/c" $asof >"$tmp/c.log" 2>&1
crc=$?
if [ "$missing" -eq 1 ]; then
    echo "a kind of input is missing in $in" >"$tmp/ref.log"
    rrc=66
else
    # shellcheck disable=SC2086
    python3 "$here/ftkpi_ref.py" "$@" --out "$tmp/ref" $asof >"$tmp/ref.log" 2>&1
    rrc=$?
fi

if [ "$crc" -ne "$rrc" ]; then
    echo "exit status differs: C $crc, reference $rrc"
    sed 's/^/  C: /' "$tmp/c.log" | head -5
    sed 's/^/  ref: /' "$tmp/ref.log" | head -5
    exit 1
fi
if [ "$crc" -ne 0 ]; then
    echo "both failed with exit status $crc"
    exit 0
fi

python3 - "$tmp/c" "$tmp/ref" <<'EOF'
import csv, difflib, io, sys
cdir, rdir = sys.argv[1], sys.argv[2]


def fmt(row):
    b = io.StringIO()
    csv.writer(b, lineterminator="").writerow(row)
    return b.getvalue()


bad = 0
for name in ["workload_kpis.csv", "customer_kpis.csv", "portfolio.csv",
             "cohort_candidates.csv", "next_actions.csv",
             "exec_summaries.csv"]:
    def rows(d):
        with open(d + "/" + name, "rb") as f:
            data = f.read()
        out = []
        for r in csv.reader(io.StringIO(data.decode("utf-8"), newline="")):
            if name == "cohort_candidates.csv" and len(r) > 7:
                r = r[:7] + r[8:]          # ignore `detail`
            out.append(r)
        return data, out
    try:
        craw, c = rows(cdir)
    except (OSError, UnicodeDecodeError) as e:
        print("%s: C output unreadable (%s)" % (name, e))
        bad += 1
        continue
    rraw, r = rows(rdir)
    if craw == rraw:
        print("%-22s identical (%d rows)" % (name, len(c) - 1))
        continue

    if name == "cohort_candidates.csv" and c == r:
        print("%-22s identical but detail (%d rows)" % (name, len(c) - 1))
        continue
    bad += 1
    if c == r:
        # same fields, different bytes (quoting or line ends)
        c = [[x] for x in craw.decode("utf-8", "replace").split("\n")]
        r = [[x] for x in rraw.decode("utf-8", "replace").split("\n")]
        print("%s: same fields, different bytes:" % name)
    cl, rl = [fmt(x) for x in c], [fmt(x) for x in r]
    # pair the differing records (difflib aligns inserted/missing rows)
    pairs = []
    sm = difflib.SequenceMatcher(None, cl, rl, autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            continue
        for k in range(max(i2 - i1, j2 - j1)):
            pairs.append((i1 + k if i1 + k < i2 else None,
                          j1 + k if j1 + k < j2 else None))
    print("%s: %d differing records (C %d rows, reference %d rows)"
          % (name, len(pairs), len(c) - 1, len(r) - 1))
    for i, j in pairs[:20]:
        print("  record C %s / ref %s" % ("-" if i is None else i,
                                         "-" if j is None else j))
        print("    C:   " + ("(none)" if i is None else cl[i]))
        print("    ref: " + ("(none)" if j is None else rl[j]))
sys.exit(1 if bad else 0)
EOF
