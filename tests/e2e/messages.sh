# End-to-end: messages an operator can act on (docs/running.md,
# "Messages"): input bytes never drive the terminal, a failed write says
# why and where, a disk clearly too small is refused before the work, and
# the command line's contradictions are usage errors.
. tests/e2e/lib.sh
# LeakSanitizer cannot work under ptrace: leak checks off for traced runs
TRACE="env ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 strace"

S=$ROOT/samples
ESC=$(printf '\033')
BEL=$(printf '\007')

# a header cell holding a clear-screen and a title change (OSC ... BEL)
mkdir -p "$T/hostile"
# (rows enough that the three control bytes are not taken for a binary
# file: docs/inputs.md)
printf 'tenant_id%s[2J,customer%s]0;pwned%sname\n' "$ESC" "$ESC" "$BEL" >"$T/hostile/customers.csv"
for i in 1 2 3 4 5 6 7 8 9 10; do echo "A$i,customer number $i"; done >>"$T/hostile/customers.csv"
run_status 65 "hostile header" run --customers "$T/hostile/customers.csv" \
    --entitlements "$S/entitlements.csv" --usage "$S/usage.csv" --out "$T/h"
check "no ESC byte reaches stderr" sh -c "! grep -q '$ESC' '$T/err.txt'"
check "no BEL byte reaches stderr" sh -c "! grep -q '$BEL' '$T/err.txt'"
contains "$T/err.txt" 'tenant_id\x1b[2J' "the escape shown as text"
contains "$T/err.txt" 'customer\x1b]0;pwned\x07name' "the title sequence shown as text"
check "a failed run into a new folder leaves no trace" test ! -e "$T/h" -a ! -e "$T/.h.ftkpi"
# a file name with an escape in it, given on the command line
run_status 66 "hostile file name" run --customers "$T/no${ESC}[31mfile.csv" \
    --entitlements "$S/entitlements.csv" --usage "$S/usage.csv" --out "$T/h"
check "no ESC byte in the missing-file message" sh -c "! grep -q '$ESC' '$T/err.txt'"
contains "$T/err.txt" 'no\x1b[31mfile.csv' "the file name shown escaped"

# disk full while a CSV is written: the file, the folder and the reason.
# The books are written by one thread here, so that the n-th write of the
# counting run is the same write in the next runs.
FTKPI_BOOK_THREADS=1
export FTKPI_BOOK_THREADS
# disk_full_at PATTERN N: the run again, with the N-th write of the
# counting run to a file whose name matches PATTERN failing for want of
# space; its status in $rc, its messages in $T/err.txt
disk_full_at() {
    k=$(grep '^[0-9]* *write(' "$T/calls" | grep -n "$1" | sed -n "$2p" | cut -d: -f1)
    $TRACE -f -qq -o /dev/null -e trace=write -e inject=write:error=ENOSPC:when="$k" \
        "$FTKPI" run -q --in "$S" --out "$T/o" 2>"$T/err.txt"
    rc=$?
}
if strace -o /dev/null true 2>/dev/null; then
    $TRACE -f -qq -y -o "$T/calls" -e trace=write \
        "$FTKPI" run -q --in "$S" --out "$T/o" || not_ok "counting run"
    cp -r "$T/o" "$T/before"
    disk_full_at 'workload_kpis.csv>' 1
    check "disk full: exit 74 ($rc)" test "$rc" -eq 74
    contains "$T/err.txt" "workload_kpis.csv in $T/o: write failed: No space left on device" "disk full names file, folder and reason"
    check "disk full: previous set intact" diff -r "$T/before" "$T/o"

    # and while the workbook is assembled
    disk_full_at 'kpi-2026-10.xlsx>' 1
    check "workbook disk full: exit 74 ($rc)" test "$rc" -eq 74
    contains "$T/err.txt" "kpi-2026-10.xlsx in $T/o:" "workbook failure names file and folder"
    contains "$T/err.txt" "the workbook needs temporary space of several times its size" "says the workbook needs room"
    check "workbook disk full: previous set intact" diff -r "$T/before" "$T/o"

    # and in one of libxlsxwriter's temporary files, which the library
    # itself does not check: the book is not published with a hole in it
    disk_full_at 'ftkpi-lxw-' 3
    check "temporary file disk full: exit 74 ($rc)" test "$rc" -eq 74
    contains "$T/err.txt" "kpi-2026-10.xlsx in $T/o:" "temporary file failure names the book and folder"
    contains "$T/err.txt" "a temporary file failed: No space left on device" "temporary file failure says why"
    check "temporary file disk full: previous set intact" diff -r "$T/before" "$T/o"
else
    not_ok "strace cannot run here: install it (scripts/deps.sh) and allow ptrace"
fi

# free space clearly too small: refused before reading, with the figures.
# A sparse file stands for a huge extract (it takes no room on disk).
mkdir -p "$T/huge"
cp "$S"/customers.csv "$S"/entitlements.csv "$S"/usage.csv "$T/huge/"
truncate -s 4T "$T/huge/usage-more.csv"
run_status 73 "inputs larger than the free space" run --in "$T/huge" --out "$T/o"
contains "$T/err.txt" "MB free on its filesystem, but a run on these inputs (about 4398" "free space figures"
check "refused run left the previous set" diff -r "$T/before" "$T/o"
# contradictions on the command line are usage errors (64)
run_status 64 "--out twice" run --in "$S" --out "$T/a" --out "$T/b"
contains "$T/err.txt" "--out given twice ('$T/a' and '$T/b')" "names both folders"
check "--out twice: nothing created" test ! -e "$T/a" -a ! -e "$T/b"
run_status 64 "-q with -v" run -q -v --in "$S" --out "$T/a"
contains "$T/err.txt" "-q (errors only) and -v (counts and timings) contradict" "says why"
run_status 64 "--config twice" validate --in "$S" --config a.ini --config b.ini
# a folder where a file is expected: 66 for the configuration as for an input
run_status 66 "--config a folder" run --in "$S" --config "$T" --out "$T/a"
contains "$T/err.txt" "a folder, not a configuration file" "says it is a folder"
run_status 66 "an input that is a folder" run --customers "$T" --entitlements "$S/entitlements.csv" --usage "$S/usage.csv" --out "$T/a"
check "failed runs left no output folder" test ! -e "$T/a" -a ! -e "$T/.a.ftkpi"
# a cohort freeze refused into a state folder that did not exist leaves
# no trace of it (nor its lock)
"$FTKPI" run -q --in "$S" --out "$T/r" || not_ok "samples run"
printf 'pick,tenant_id,customer_name,region,cohort_month\nx,NOPE,,NA,\n' >"$T/bad-picks.csv"
run_status 65 "freeze with bad picks" cohort freeze --state "$T/st/deep" --run "$T/r" --picks "$T/bad-picks.csv"
check "refused freeze left no state folder" test ! -e "$T/st"
finish
