# End-to-end: the scheduler examples of contrib/ (docs/running.md,
# "Scheduling the nightly run"). The systemd service and timer pass
# `systemd-analyze verify` (their man:ftkpi(1) link found in the man page
# as installed), and a unit that breaks a rule is refused; the crontab
# line, run as cron runs it with the paths pointed at samples/, publishes
# quietly, and on a failure says what its exit status means.
. tests/e2e/lib.sh

# --- systemd
if ! command -v systemd-analyze >/dev/null 2>&1; then
    echo "schedule.sh: systemd-analyze (package systemd) is missing: make deps"
    not_ok "systemd-analyze available"
else
    mkdir -p "$T/sd" "$T/man/man1"
    cp man/ftkpi.1 "$T/man/man1/"
    cp contrib/systemd/ftkpi.service contrib/systemd/ftkpi.timer "$T/sd/"
    # verify wants the program of ExecStart= to exist
    sed -i "s|/usr/local/bin/ftkpi|$FTKPI|" "$T/sd/ftkpi.service"
    (cd "$T/sd" && MANPATH="$T/man" systemd-analyze verify \
        ftkpi.service ftkpi.timer) >"$T/verify.txt" 2>&1
    check "systemd-analyze verify accepts the units" test $? -eq 0
    check "systemd-analyze verify: no warning" test ! -s "$T/verify.txt"
    sed 's/^/  /' "$T/verify.txt"
    contains contrib/systemd/ftkpi.service "Type=oneshot" "a oneshot service"
    contains contrib/systemd/ftkpi.service "TimeoutStartSec=" "a timeout"
    # 75 retried: it is the one failure status not listed as final
    _prevent=$(sed -n 's/^RestartPreventExitStatus=//p' contrib/systemd/ftkpi.service)
    check "75 is retried" sh -c "! echo ' $_prevent ' | grep -q ' 75 '"
    for _code in 64 65 66 73 74 78 143; do
        check "$_code is not retried" sh -c "echo ' $_prevent ' | grep -q ' $_code '"
    done
    contains contrib/systemd/ftkpi.service "Restart=on-failure" "failures retried"
    # a broken unit is refused: the check can fail
    mkdir "$T/bad"
    cp "$T/sd/ftkpi.service" "$T/bad/"
    sed -i 's/^Restart=on-failure$/Restart=no\nRestartForceExitStatus=75/' \
        "$T/bad/ftkpi.service"
    (cd "$T/bad" && MANPATH="$T/man" systemd-analyze verify ftkpi.service) \
        >"$T/verify2.txt" 2>&1
    check "systemd-analyze verify refuses a broken unit" test $? -ne 0
fi

# --- cron: the line of contrib/cron/ftkpi, run as cron would
_line=$(grep -E '^[0-9*]' contrib/cron/ftkpi)
check "one crontab line" test "$(printf '%s\n' "$_line" | wc -l)" -eq 1
check "no % in the crontab line" sh -c "! printf '%s' '$_line' | grep -q %"
# m h dom mon dow user command
check "the line runs at 02:30 as user ftkpi" test "$(printf '%s\n' "$_line" |
    awk '{ print $1, $2, $3, $4, $5, $6 }')" = "30 2 * * * ftkpi"
_cmd=$(printf '%s\n' "$_line" | sed -E 's/^([^ ]+ +){6}//')
case $_cmd in timeout*) ok ;; *) not_ok "the command runs under timeout" ;; esac
mkdir -p "$T/bin" "$T/log"
ln -s "$FTKPI" "$T/bin/ftkpi"
# cron_run IN OUT: the line's command with the paths pointed at the test's
cron_run() {
    _c=$(printf '%s\n' "$_cmd" | sed -e "s|/data/extracts/latest|$1|g" \
        -e "s|/reports/latest|$2|g" -e "s|/var/log/ftkpi|$T/log|g")
    env -i PATH="$T/bin:/usr/bin:/bin" SHELL=/bin/sh HOME="$T" \
        /bin/sh -c "$_c"
}
cron_run "$ROOT/samples" "$T/reports" >"$T/mail.txt" 2>&1
check "the cron line publishes" test -s "$T/reports/run.json"
check "a good night sends no mail" test ! -s "$T/mail.txt"
check "a good night logs nothing (-q)" test ! -s "$T/log/run.log"
mkdir "$T/empty"
cron_run "$T/empty" "$T/reports2" >"$T/mail2.txt" 2>&1
contains "$T/mail2.txt" "ftkpi run exited 66" "a failure is mailed with its status"
contains "$T/mail2.txt" "75: another run held the lock" "the mail says what 75 means"
contains "$T/log/run.log" "no customers*.csv" "the error is in the log"
contains "$T/log/run.log" "ftkpi run exited 66" "the status is in the log"
check "a failed night publishes nothing" test ! -e "$T/reports2/run.json"

finish
