# End-to-end: the output set is published all or nothing
# (docs/running.md, "How a set is published"). strace makes every call of
# the publish that can fail fail (EIO) or kills the run (SIGKILL) there,
# one at a time; after each, DIR must hold exactly the previous set or
# exactly the new one, every file as its run.json lists it, and the next
# run must leave nothing temporary behind.
. tests/e2e/lib.sh
# LeakSanitizer cannot work under ptrace: leak checks off for traced runs
TRACE="env ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 strace"

fx=tests/fixtures/kpi
if ! strace -o /dev/null true 2>/dev/null; then
    not_ok "strace cannot run here: install it (scripts/deps.sh) and allow ptrace"
    finish
    exit 1
fi

# Two different sets from the same inputs: June and July (the workbook's
# name differs too, so a mix would show as an extra file).
"$FTKPI" run -q --in "$fx" --out "$T/A" --as-of 2024-06 || not_ok "set A"
"$FTKPI" run -q --in "$fx" --out "$T/B" --as-of 2024-07 || not_ok "set B"
sed '/timings_ms/d' "$T/A/run.json" >"$T/A.json"
sed '/timings_ms/d' "$T/B/run.json" >"$T/B.json"
month_of() { [ "$1" = A ] && echo 2024-06 || echo 2024-07; }
other() { [ "$1" = A ] && echo B || echo A; }

# which_set DIR: prints A or B when DIR holds exactly that set (its files
# are those run.json lists, with their checksums), else "mixed: why".
which_set() {
    _d=$1
    [ -f "$_d/run.json" ] || { echo "mixed: no run.json"; return; }
    sed -n 's/.*{"name": "\([^"]*\)", "bytes": [0-9]*, "sha256": "\([0-9a-f]*\)"}.*/\2  \1/p' \
        "$_d/run.json" >"$T/sums"
    { sed 's/.*  //' "$T/sums"; echo run.json; } | sort >"$T/want"
    (cd "$_d" && find . -type f | sed 's|^\./||' | sort) >"$T/have"
    cmp -s "$T/want" "$T/have" || { echo "mixed: files differ from run.json:" $(diff "$T/want" "$T/have" | grep '^[<>]'); return; }
    (cd "$_d" && sha256sum --quiet -c "$T/sums" >/dev/null 2>&1) ||
        { echo "mixed: a checksum differs from run.json"; return; }
    sed '/timings_ms/d' "$_d/run.json" >"$T/now.json"
    if cmp -s "$T/now.json" "$T/A.json"; then echo A
    elif cmp -s "$T/now.json" "$T/B.json"; then echo B
    else echo "mixed: run.json is neither set's"; fi
}

# leftovers DIR: what a run may leave beside DIR besides its lock
leftovers() {
    _w=$(dirname "$1")/.$(basename "$1").ftkpi
    ls -A "$_w" 2>/dev/null | grep -v '^lock$'
    ls -A "$1" 2>/dev/null | grep '^\.ftkpi'
}

D=$T/out
"$FTKPI" run -q --in "$fx" --out "$D" --as-of 2024-06 || not_ok "first run"
state=$(which_set "$D")
check "first run publishes set A" test "$state" = A

# How often each call happens in one publish over an existing set.
$TRACE -f -qq -o "$T/calls" -e trace=mkdir,rename,renameat2,fsync,unlink,unlinkat,rmdir,flock,getdents64 \
    "$FTKPI" run -q --in "$fx" --out "$D" --as-of "$(month_of B)" ||
    not_ok "counting run"
state=$(which_set "$D")
check "counting run publishes set B" test "$state" = B
calls() { grep -c "^[0-9]* *$1(" "$T/calls"; }

injected=0
for call in mkdir renameat2 fsync unlinkat unlink rmdir flock getdents64; do
    n=$(calls "$call")
    check "the publish calls $call" test "$n" -gt 0
    k=1
    while [ "$k" -le "$n" ]; do
        for how in error=EIO signal=SIGKILL; do
            to=$(other "$state")
            $TRACE -f -qq -o /dev/null -e trace="$call" \
                -e inject="$call:$how:when=$k" \
                "$FTKPI" run -q --in "$fx" --out "$D" --as-of "$(month_of "$to")" \
                >/dev/null 2>"$T/err.txt"
            rc=$?
            injected=$((injected + 1))
            now=$(which_set "$D")
            case $now in
            "$state") ;; # the previous set, untouched
            "$to") [ "$rc" -eq 0 ] || [ "$how" = signal=SIGKILL ] ||
                   [ "$call" != renameat2 ] || not_ok "$call#$k $how: set switched but exit $rc" ;;
            *) not_ok "$call#$k $how: $now (exit $rc)"; sed 's/^/  /' "$T/err.txt" ;;
            esac
            case $now in A | B) state=$now ;; esac
            # the next run publishes and leaves nothing behind
            to=$(other "$state")
            "$FTKPI" run -q --in "$fx" --out "$D" --as-of "$(month_of "$to")" 2>"$T/err.txt" ||
                { not_ok "$call#$k $how: next run failed"; sed 's/^/  /' "$T/err.txt"; }
            state=$(which_set "$D")
            check "$call#$k $how: next run publishes" test "$state" = "$to"
            left=$(leftovers "$D")
            check "$call#$k $how: no leftovers after the next run ($left)" test -z "$left"
        done
        # unlink is mostly libxlsxwriter's own temporary files: a few
        # of them, then every eighth
        if [ "$call" = unlink ] && [ "$k" -ge 3 ]; then k=$((k + 12)); else k=$((k + 1)); fi
    done
done
check "injected at many points ($injected)" test "$injected" -gt 60

# A folder that does not exist yet: it appears complete, or not at all
# and without a trace (the parent folders it made are gone too).
$TRACE -f -qq -o "$T/calls" -e trace=mkdir,rename,fsync,flock \
    "$FTKPI" run -q --in "$fx" --out "$T/fresh/x/out" --as-of 2024-06 ||
    not_ok "fresh run"
for call in mkdir rename fsync flock; do
    n=$(calls "$call")
    check "a fresh publish calls $call" test "$n" -gt 0
    k=1
    while [ "$k" -le "$n" ]; do
        for how in error=EIO signal=SIGKILL; do
            rm -rf "$T/fresh"
            $TRACE -f -qq -o /dev/null -e trace="$call" \
                -e inject="$call:$how:when=$k" \
                "$FTKPI" run -q --in "$fx" --out "$T/fresh/x/out" --as-of 2024-06 \
                >/dev/null 2>"$T/err.txt"
            rc=$?
            if [ -e "$T/fresh/x/out" ]; then
                now=$(which_set "$T/fresh/x/out")
                check "fresh $call#$k $how: complete set ($now)" test "$now" = A
            elif [ "$how" = error=EIO ]; then
                check "fresh $call#$k $how: failed run leaves no trace" test ! -e "$T/fresh"
                check "fresh $call#$k $how: failure exit ($rc)" test "$rc" -ne 0
            fi
        done
        k=$((k + 1))
    done
done

# A folder an earlier ftkpi published file by file (its lock and a killed
# run's temporary file inside) migrates on the first run; a file its
# run.json does not list (an older month's workbook) is refused by name.
cp -r "$T/A" "$T/legacy"
: >"$T/legacy/.ftkpi.lock"
echo killed >"$T/legacy/.ftkpi-tmp.workload_kpis.csv.4242"
run_status 0 "an earlier version's folder" run -q --in "$fx" --out "$T/legacy" --as-of 2024-07
check "migrated: exactly the new set" test "$(which_set "$T/legacy")" = B
check "migrated: no old lock or temporary file" sh -c "! ls -A '$T/legacy' | grep -q '^\.ftkpi'"
cp "$T/A/kpi-2024-06.xlsx" "$T/legacy/kpi-2024-05.xlsx"
run_status 73 "a file run.json does not list" run -q --in "$fx" --out "$T/legacy" --as-of 2024-06
contains "$T/err.txt" "holds kpi-2024-05.xlsx, which is not one of the outputs its run.json lists" "names the foreign file"
check "refused: the set and the foreign file stay" test "$(ls "$T/legacy" | wc -l)" -eq "$(($(ls "$T/B" | wc -l) + 1))"

# A filesystem without RENAME_EXCHANGE (NFS): refused before any work.
$TRACE -f -qq -o /dev/null -e trace=renameat2 -e inject=renameat2:error=EINVAL:when=1 \
    "$FTKPI" run -q --in "$fx" --out "$D" --as-of 2024-06 2>"$T/err.txt"
check "no RENAME_EXCHANGE: exit 73" test $? -eq 73
contains "$T/err.txt" "cannot exchange two folders in one step (renameat2 RENAME_EXCHANGE: Invalid argument)" "says why"
check "no RENAME_EXCHANGE: nothing left" test -z "$(leftovers "$D")"

# Readers check what they read against run.json: a published file changed
# by hand (or by anything but a run) is refused, named, exit 65.
"$FTKPI" run -q --in "$ROOT/samples" --out "$T/r" || not_ok "samples run"
run_status 0 "cohort pick reads a whole run" cohort pick --run "$T/r" --out "$T/p1"
printf 'x' >>"$T/r/workload_kpis.csv"
run_status 65 "cohort pick refuses a tampered file" cohort pick --run "$T/r" --out "$T/p2"
contains "$T/err.txt" "workload_kpis.csv: changed since the run published it" "names the tampered file"
check "refused pick wrote nothing" test ! -e "$T/p2"
finish
