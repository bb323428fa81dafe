# End-to-end: SIGTERM, SIGINT and SIGHUP during a run (cron's timeout,
# Ctrl-C, a closed terminal) remove the staged set and exit 128 + the
# signal's number; the previous set stays whole (docs/running.md,
# "Signals"). strace holds the run inside a call while the workbook is
# written (its temporary files are being unlinked), with the CSVs already
# staged, and the signal comes then.
. tests/e2e/lib.sh
# LeakSanitizer cannot work under ptrace: leak checks off for traced runs
TRACE="env ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 strace"

fx=tests/fixtures/kpi
if ! strace -o /dev/null true 2>/dev/null; then
    not_ok "strace cannot run here: install it (scripts/deps.sh) and allow ptrace"
    finish
    exit 1
fi

# slowed_run SIGNAL OUT: a run toward OUT, held 1.5 s in its 3rd unlink,
# gets SIGNAL after 0.5 s; sets rc to its exit status
slowed_run() {
    rm -f "$T/trace"
    # a background job gets SIGINT ignored, which ftkpi keeps ignoring
    # (as nohup expects); env restores the default an operator's Ctrl-C has
    env --default-signal=INT \
    $TRACE -f -qq -o "$T/trace" -e trace=unlink -e inject=unlink:delay_enter=1500000:when=3 \
        "$FTKPI" run -q --in "$fx" --out "$2" --as-of 2024-07 2>"$T/err.txt" &
    _s=$!
    _i=0
    while [ "$_i" -lt 50 ] && ! [ -s "$T/trace" ]; do sleep 0.1; _i=$((_i + 1)); done
    sleep 0.5
    _pid=$(sed -n '1s/^\([0-9]*\).*/\1/p' "$T/trace")
    staged=$(ls "$(dirname "$2")/.$(basename "$2").ftkpi"/new.*/ 2>/dev/null | wc -l)
    kill -s "$1" "$_pid"
    wait "$_s"
    rc=$?
}

"$FTKPI" run -q --in "$fx" --out "$T/out" --as-of 2024-06 || not_ok "first run"
cp -r "$T/out" "$T/before"
for sig in TERM:143 INT:130 HUP:129; do
    name=${sig%:*}
    want=${sig#*:}
    slowed_run "$name" "$T/out"
    check "SIG$name came while the set was staged ($staged files)" test "$staged" -gt 3
    check "SIG$name: exit $want (got $rc)" test "$rc" -eq "$want"
    check "SIG$name: previous set intact" diff -r "$T/before" "$T/out"
    check "SIG$name: staged set removed" test "$(ls -A "$T/.out.ftkpi")" = lock
done

# a run into a folder that did not exist leaves no trace
slowed_run TERM "$T/new/out"
check "SIGTERM into a new folder: exit 143" test "$rc" -eq 143
check "SIGTERM into a new folder: no trace" test ! -e "$T/new"

# a signal before the publish opens (while reading) just ends the run
$TRACE -f -qq -o "$T/trace" -e trace=openat -e inject=openat:delay_enter=1500000:when=1 \
    "$FTKPI" run -q --in "$fx" --out "$T/out" --as-of 2024-07 2>/dev/null &
s=$!
sleep 0.5
kill -TERM "$(sed -n '1s/^\([0-9]*\).*/\1/p' "$T/trace")" 2>/dev/null
wait "$s"
check "SIGTERM at the start: exit 143" test $? -eq 143
check "SIGTERM at the start: previous set intact" diff -r "$T/before" "$T/out"
finish
