# End-to-end: the progress line (docs/running.md, "Progress"). Under a
# pseudo-terminal (script(1) from util-linux) each long stage draws one
# line redrawn in place and finishes it with the stage's time; with
# stderr not a terminal, with -q, and with TERM=dumb nothing of it
# appears: no carriage return, no escape sequence.
. tests/e2e/lib.sh

if ! command -v script >/dev/null 2>&1; then
    echo "progress.sh: script(1) (util-linux / bsdutils) is missing: make deps"
    not_ok "script(1) available"
    finish
    exit 1
fi

CR=$(printf '\r')
ESC=$(printf '\033')

# pty OUT COMMAND: runs the shell command under a pseudo-terminal, keeps
# what the terminal showed in OUT and returns the command's status.
# The terminal turns each newline into CR LF (onlcr); those CRs are
# dropped, so that any CR left was written by ftkpi.
pty() {
    _out=$1
    shift
    script -qfec "$*" /dev/null </dev/null >"$_out.raw" 2>&1
    _rc=$?
    sed "s/$CR\$//" "$_out.raw" >"$_out"
    return $_rc
}

# has_byte FILE BYTE: FILE holds the byte
has_byte() { grep -q "$2" "$1"; }

# --- run on a terminal: a line per stage, drawn and finished
TERM=xterm pty "$T/tty.txt" "\"$FTKPI\" run --in samples --out \"$T/a\""
check "run on a terminal succeeds" test $? -eq 0
check "run on a terminal publishes" test -s "$T/a/run.json"
check "the line is redrawn in place (CR, erase in line)" \
    grep -q "$CR${ESC}\\[Kftkpi run: ingest" "$T/tty.txt"
contains "$T/tty.txt" "%" "the line shows the percent done"
for _stage in "ingest 100% 3.6 MB in" "kpis 100% 2085 series in" \
    "books 100% 4170 rows in"; do
    check "stage finished with its time: $_stage" \
        grep -q "${ESC}\\[Kftkpi run: $_stage [0-9]*\\.[0-9] s\$" "$T/tty.txt"
done
contains "$T/tty.txt" "ftkpi run: 2026-10 published to" "the final message"
# every redraw starts with CR and erase-in-line: no line drawn over another
check "no CR without an erase after it" \
    sh -c "! grep -q \"$CR[^$ESC]\" \"$T/tty.txt\""
# the published message comes after the last line was finished
check "the final message is on a line of its own" \
    grep -q "^ftkpi run: 2026-10 published to" "$T/tty.txt"

# --- the same run, stderr to a file: nothing but the usual messages
pty "$T/file.txt" "\"$FTKPI\" run --in samples --out \"$T/b\" 2>\"$T/err.txt\""
check "run with stderr to a file succeeds" test $? -eq 0
check "stderr to a file: nothing written" test ! -s "$T/err.txt"
check "stderr to a file: nothing on the terminal" test ! -s "$T/file.txt"
"$FTKPI" run --in samples --out "$T/c" -v 2>"$T/verr.txt"
check "-v to a file succeeds" test $? -eq 0
contains "$T/verr.txt" "ftkpi run: ingest took" "-v keeps its timing lines"
check "-v to a file: no CR" sh -c "! grep -q \"$CR\" \"$T/verr.txt\""
check "-v to a file: no escape" sh -c "! grep -q \"$ESC\" \"$T/verr.txt\""
check "-v to a file: no progress line" sh -c "! grep -q '%' \"$T/verr.txt\""

# --- -v on a terminal: both the line and the timing lines
TERM=xterm pty "$T/vtty.txt" "\"$FTKPI\" run --in samples --out \"$T/d\" -v"
check "-v on a terminal succeeds" test $? -eq 0
contains "$T/vtty.txt" "ftkpi run: kpis took" "-v timing lines on a terminal"
check "-v on a terminal: the line too" \
    grep -q "${ESC}\\[Kftkpi run: kpis 100%" "$T/vtty.txt"

# --- -q and TERM=dumb on a terminal: no line
TERM=xterm pty "$T/q.txt" "\"$FTKPI\" run --in samples --out \"$T/e\" -q"
check "-q on a terminal succeeds" test $? -eq 0
check "-q on a terminal prints nothing" test ! -s "$T/q.txt"
TERM=dumb pty "$T/dumb.txt" "\"$FTKPI\" run --in samples --out \"$T/f\""
check "TERM=dumb succeeds" test $? -eq 0
check "TERM=dumb: no escape" sh -c "! grep -q \"$ESC\" \"$T/dumb.txt\""
check "TERM=dumb: no CR" sh -c "! grep -q \"$CR\" \"$T/dumb.txt\""
contains "$T/dumb.txt" "ftkpi run: reading samples/usage.csv" \
    "TERM=dumb: the reading messages stay"
check "TERM=dumb: no progress line" sh -c "! grep -q '%' \"$T/dumb.txt\""
# TERM unset is no better than dumb
env -u TERM sh -c "script -qfec '\"$FTKPI\" run --in samples --out \"$T/g\"' /dev/null" \
    </dev/null >"$T/noterm.txt" 2>&1
check "TERM unset: no escape" sh -c "! grep -q \"$ESC\" \"$T/noterm.txt\""

# --- a stage that fails: its line is erased, never finished
mkdir "$T/bad"
cp samples/customers.csv samples/entitlements.csv "$T/bad/"
printf 'tenant_id,workload,date,active_users\n"unclosed,EXO,2026-10-01,3\n' \
    >"$T/bad/usage.csv"
TERM=xterm pty "$T/fail.txt" "\"$FTKPI\" run --in \"$T/bad\" --out \"$T/h\""
check "a malformed file fails with 65" test $? -eq 65
contains "$T/fail.txt" "csv syntax error" "the error is printed"
check "the failed stage is not finished" \
    sh -c "! grep -q 'ingest 100%' \"$T/fail.txt\""
# the error erases the line; a line drawn after it is erased at the end
check "the failed stage leaves no line drawn" \
    sh -c "tail -n 1 \"$T/fail.txt\" | grep -q 'csv syntax error' ||
        tail -c 3 \"$T/fail.txt.raw\" | od -c | grep -q '033   \\[   K'"

# --- a run stopped by a signal while its line is drawn: the line is
# erased, no half-drawn line is left above the prompt
"$FTKPI" samples --tenants 3000 --months 24 --out "$T/big" >/dev/null 2>&1
check "a larger set" test -s "$T/big/usage.csv"
: >"$T/sig.raw"
TERM=xterm script -qfec "sh -c 'echo \$\$ >\"$T/sig.pid\"; exec \"$FTKPI\" run --in \"$T/big\" --out \"$T/k\"'" \
    /dev/null </dev/null >"$T/sig.raw" 2>&1 &
_script=$!
_n=0
# wait until a line is drawn that is not finished (a % without " in ")
while [ "$_n" -lt 400 ] &&
    ! tr '\r' '\n' <"$T/sig.raw" 2>/dev/null | tail -n 1 | grep -q '%.*left'; do
    sleep 0.05
    _n=$((_n + 1))
done
kill -TERM "$(cat "$T/sig.pid")" 2>/dev/null
wait "$_script"
_rc=$?
check "stopped by SIGTERM while drawing the line" grep -q '%.*left' "$T/sig.raw"
check "the stopped run exits 128+15 ($_rc)" test "$_rc" -eq 143
# after the last newline: nothing, or the erase sequence at the very end
_last=$(tail -c 200 "$T/sig.raw" | tr '\n' '\001' | sed 's/.*\x01//' | od -An -c | tr -s ' \n' ' ')
case $_last in
" " | "" | *"033 [ K ") _ok=0 ;;
*) _ok=1 ;;
esac
check "a run stopped by a signal leaves its line erased ($_last)" test "$_ok" -eq 0

# --- validate, merge and import on a terminal
TERM=xterm pty "$T/val.txt" "\"$FTKPI\" validate --in samples"
check "validate on a terminal succeeds" test $? -eq 0
check "validate: the ingest line" \
    grep -q "${ESC}\\[Kftkpi validate: ingest 100%" "$T/val.txt"
"$FTKPI" run --in samples --out "$T/s0" --shard 0/2 -q &&
    "$FTKPI" run --in samples --out "$T/s1" --shard 1/2 -q
check "two shards" test $? -eq 0
TERM=xterm pty "$T/merge.txt" "\"$FTKPI\" merge --out \"$T/m\" \"$T/s0\" \"$T/s1\""
check "merge on a terminal succeeds" test $? -eq 0
check "merge: the shards line" \
    grep -q "${ESC}\\[Kftkpi merge: shards 100% 5 steps in" "$T/merge.txt"
check "merge: the books line" \
    grep -q "${ESC}\\[Kftkpi merge: books 100%" "$T/merge.txt"
TERM=xterm pty "$T/imp.txt" \
    "\"$FTKPI\" import m365 --reports tests/fixtures/m365/two-months/2025-12 --out \"$T/i\""
check "import on a terminal succeeds" test $? -eq 0
check "import: the reports line" \
    grep -q "${ESC}\\[Kftkpi import: reports 100%" "$T/imp.txt"
"$FTKPI" import m365 --reports tests/fixtures/m365/two-months/2025-12 \
    --out "$T/j" 2>"$T/imperr.txt" >/dev/null
check "import, stderr to a file: no escape" \
    sh -c "! grep -q \"$ESC\" \"$T/imperr.txt\""

finish
