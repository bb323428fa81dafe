# End-to-end: `ftkpi cohort` - a month of a regional lead's cohort with the
# real program: two runs (as-of 2026-09 and 2026-10) on a samples set,
# picking sheets, picks filled in with sed, freeze, a refused refreeze,
# changes refused at 2 days' notice and accepted at 3, the cohort before
# and after the effective date, the review's figures at freeze vs now,
# bad picks, the state lock and the exit codes of docs/cohorts.md.
. tests/e2e/lib.sh

# the field of a customer_kpis.csv row counted from the end (names may
# hold commas, the last columns never do): 1 focus_areas, 2 users_to_goal,
# 6 core_au_pct
kpi() { # kpi RUN TENANT FROM_END
    grep "^[0-9-]*,$2," "$1/customer_kpis.csv" | awk -F, -v k="$3" '{ print $(NF - k + 1) }'
}

"$FTKPI" samples --tenants 120 --months 14 --seed 5 --last-month 2026-10 --out "$T/s" >/dev/null 2>&1
run_status 0 "run for 2026-09" run --in "$T/s" --out "$T/r1" --as-of 2026-09
run_status 0 "run for 2026-10" run --in "$T/s" --out "$T/r2" --as-of 2026-10

# pick: one sheet per region, for the month after the run's
run_status 0 "pick" cohort pick --run "$T/r1" --out "$T/picks"
na=$T/picks/picks-2026-10-NA.csv
emea=$T/picks/picks-2026-10-EMEA.csv
for r in NA EMEA APAC LATAM; do
    check "a sheet for $r" test -f "$T/picks/picks-2026-10-$r.csv"
done
check "the sheet starts with a UTF-8 BOM" test "$(head -c 3 "$na" | od -An -tx1 | tr -d ' ')" = efbbbf
contains "$na" "pick,tenant_id,customer_name,region,fm,users_to_goal,health,core_au_pct,focus_areas,focus_details,cohort_month,as_of_month" "sheet header"
# one row per NA candidate, in the candidates' order (users to goal
# descending); region and tenant_id come before any name with a comma
awk -F, 'NR > 1 && $2 == "NA" && !seen[$3]++ { print $3 }' "$T/r1/cohort_candidates.csv" >"$T/order.want"
awk -F, 'NR > 1 { print $2 }' "$na" >"$T/order.got"
check "sheet ordered by users to goal, as the candidates" cmp -s "$T/order.want" "$T/order.got"
contains "$T/err.txt" "for the 2026-10 cohort" "pick says the month"
run_status 65 "pick for an unknown region" cohort pick --run "$T/r1" --out "$T/p2" --region Atlantis
contains "$T/err.txt" "no customer in region 'Atlantis'" "unknown region named"

# the leads fill in their sheets
t1=$(awk -F, 'NR == 2 { print $2 }' "$na")
t2=$(awk -F, 'NR == 3 { print $2 }' "$na")
t3=$(awk -F, 'NR == 4 { print $2 }' "$na")
e1=$(awk -F, 'NR == 2 { print $2 }' "$emea")
sed -i '2,4s/^,/x,/' "$na"
sed -i '2s/^,/Yes,/' "$emea"

# bad picks: nothing frozen, every problem with file:line
cp "$na" "$T/bad.csv"
echo 'x,NO-SUCH-TENANT,Nobody,NA,,,,,,,2026-10,2026-09' >>"$T/bad.csv"
awk -F, 'NR == 2' "$emea" | sed 's/^Yes,/x,/; s/,EMEA,/,NA,/' >>"$T/bad.csv"
sed -n 2p "$na" >>"$T/bad.csv"
sed -i '5s/^,/maybe,/' "$T/bad.csv"
n=$(wc -l <"$T/bad.csv")
run_status 65 "bad picks refused" cohort freeze --state "$T/st" --run "$T/r1" --picks "$T/bad.csv" --today 2026-09-28
contains "$T/err.txt" "bad.csv:5: pick 'maybe'" "bad pick value at file:line"
contains "$T/err.txt" "bad.csv:$((n - 2)): unknown tenant NO-SUCH-TENANT" "unknown tenant at file:line"
contains "$T/err.txt" "bad.csv:$((n - 1)): $e1 " "other region at file:line"
contains "$T/err.txt" "is in region EMEA, not NA" "other region explained"
contains "$T/err.txt" "bad.csv:$n: tenant $t1 is on two rows (first on $T/bad.csv:2)" "duplicate at file:line"
contains "$T/err.txt" "nothing frozen" "says nothing was frozen"
check "no cohort file after bad picks" test ! -e "$T/st/cohort-2026-10.csv"

# freeze
run_status 0 "freeze from the picks" cohort freeze --state "$T/st" --run "$T/r1" --picks "$na" --picks "$emea" --today 2026-09-28
cohort=$T/st/cohort-2026-10.csv
check "4 customers frozen" test "$(($(wc -l <"$cohort") - 1))" -eq 4
contains "$cohort" "2026-10,NA,$t1," "picked NA customer frozen"
contains "$cohort" "2026-10,EMEA,$e1," "picked EMEA customer frozen"
contains "$cohort" ",2026-09-28,picks-2026-10-NA.csv:2,2026-09," "freeze date, source line, run month"
check "changes log starts with its header only" test "$(wc -l <"$T/st/changes-2026-10.csv")" -eq 1
cp "$cohort" "$T/cohort.before"
run_status 65 "refreeze refused" cohort freeze --state "$T/st" --run "$T/r1" --picks "$na" --today 2026-09-29
contains "$T/err.txt" "already frozen for NA (on 2026-09-28)" "refreeze message"
check "refused refreeze leaves the cohort as it was" cmp -s "$T/cohort.before" "$cohort"
run_status 0 "another region later, by top N" cohort freeze --state "$T/st" --run "$T/r1" --top 2 --region APAC --today 2026-09-30
check "top 2 appended" test "$(grep -c ',APAC,' "$cohort")" -eq 2
check "earlier rows kept byte for byte" sh -c "head -c $(wc -c <"$T/cohort.before") '$cohort' | cmp -s - '$T/cohort.before'"

# changes: 3 days' notice
run_status 65 "change at 2 days refused" cohort change --state "$T/st" --remove "$t2" --reason "moved to FastTrack" --today 2026-10-05 --effective 2026-10-07
contains "$T/err.txt" "takes effect on 2026-10-08 at the earliest" "earliest date given"
run_status 0 "change at 3 days accepted" cohort change --state "$T/st" --remove "$t2" --reason "moved to FastTrack" --today 2026-10-05 --effective 2026-10-08 --by "Ana Lead"
contains "$T/st/changes-2026-10.csv" "1,2026-10,remove,NA,$t2," "removal logged"
contains "$T/st/changes-2026-10.csv" ",2026-10-05,2026-10-08,moved to FastTrack,Ana Lead," "dates, reason, who"
a1=$(awk -F, 'NR == 5 { print $2 }' "$na")
run_status 0 "add with the default date" cohort change --state "$T/st" --add "$a1" --run "$T/r2" --reason "exec escalation" --today 2026-10-06
contains "$T/st/changes-2026-10.csv" "2,2026-10,add,NA,$a1," "add logged"
contains "$T/st/changes-2026-10.csv" ",2026-10-06,2026-10-09,exec escalation,,2026-10," "add takes effect 3 days later with the run's KPIs"
run_status 65 "removing a non-member refused" cohort change --state "$T/st" --remove NO-SUCH --reason x --today 2026-10-06
run_status 65 "a change past the month's end refused" cohort change --state "$T/st" --month 2026-10 --remove "$t1" --reason x --today 2026-10-30
contains "$T/err.txt" "after the end of the 2026-10 cohort's month" "month end message"
run_status 64 "a change needs a reason" cohort change --state "$T/st" --remove "$t1" --today 2026-10-06

# show before and after the effective date
run_status 0 "show the day before" cohort show --state "$T/st" --date 2026-10-07
contains "$T/out.txt" "leaving  $t2" "leaving before the date"
contains "$T/out.txt" "joining  $a1" "joining before the date"
contains "$T/out.txt" "NA: 3 customers" "3 NA members the day before"
contains "$T/out.txt" "change 1, effective 2026-10-08: remove $t2" "pending change listed"
run_status 0 "show on the date" cohort show --state "$T/st" --date 2026-10-08 --region NA
contains "$T/out.txt" "removed  $t2" "removed on the date"
contains "$T/out.txt" "NA: 2 customers" "2 NA members on the date"
run_status 0 "show as CSV" cohort show --state "$T/st" --date 2026-10-09 --csv --region NA
contains "$T/out.txt" "2026-10,2026-10-09,NA,member,$a1," "added member in effect"
contains "$T/out.txt" "2026-10,2026-10-09,NA,removed,$t2," "removed member"
run_status 65 "show a month not frozen" cohort show --state "$T/st" --date 2026-11-02
contains "$T/err.txt" "no cohort is frozen for 2026-11" "not frozen message"

# review for the NA meeting: at freeze (2026-09 run) vs now (2026-10 run)
run_status 0 "review" cohort review --state "$T/st" --run "$T/r2" --region NA --out "$T/rv" --today 2026-10-07
rv=$T/rv/review-2026-10-NA-2026-10-07.csv
check "review CSV written" test -f "$rv"
check "review workbook written" test "$(head -c 2 "$T/rv/review-2026-10-NA-2026-10-07.xlsx")" = PK
check "review CSV has a BOM" test "$(head -c 3 "$rv" | od -An -tx1 | tr -d ' ')" = efbbbf
au1=$(kpi "$T/r1" "$t1" 6)
au2=$(kpi "$T/r2" "$t1" 6)
u1=$(kpi "$T/r1" "$t1" 2)
u2=$(kpi "$T/r2" "$t1" 2)
contains "$rv" ",$au1,$au2," "core AU at freeze (2026-09) and now (2026-10)"
contains "$rv" ",$u1,$u2,$((u2 - u1))," "users to goal at freeze, now and the change"
check "figures at freeze from 2026-09, now from 2026-10" sh -c "grep ',$t1,' '$rv' | grep -q ',2026-09,2026-10\$'"
contains "$rv" ",leaving,2026-10-08,moved to FastTrack," "pending removal in the review"
contains "$rv" ",joining,2026-10-09,exec escalation," "pending add in the review"
check "joining customers come last" sh -c "tail -1 '$rv' | grep -q ',joining,'"
check "three NA members, one joining, a header" test "$(wc -l <"$rv")" -eq 5
f1=$(kpi "$T/r1" "$t1" 1)
f2=$(kpi "$T/r2" "$t1" 1)
contains "$rv" ",$f1,$f2," "focus areas at freeze and now"
run_status 65 "review of a region not frozen" cohort review --state "$T/st" --run "$T/r2" --region LATAM --out "$T/rv" --today 2026-10-07
contains "$T/err.txt" "region LATAM has no frozen 2026-10 cohort" "region not frozen message"

# another command holds the state's lock: 75 at once, nothing written
if command -v flock >/dev/null 2>&1; then
    cp "$T/st/changes-2026-10.csv" "$T/changes.before"
    flock "$T/st/.ftkpi.lock" sleep 5 &
    sleep 0.5
    run_status 75 "change while the state is locked" cohort change --state "$T/st" --remove "$t1" --reason x --today 2026-10-10
    contains "$T/err.txt" "another ftkpi command is changing the cohort state" "lock message"
    check "locked change wrote nothing" cmp -s "$T/changes.before" "$T/st/changes-2026-10.csv"
    kill $! 2>/dev/null
    wait 2>/dev/null

    # a run publishing into the run folder: its files are not read meanwhile
    flock "$T/.r1.ftkpi/lock" sleep 5 &
    sleep 0.5
    run_status 75 "pick while a run publishes" cohort pick --run "$T/r1" --out "$T/p4"
    contains "$T/err.txt" "a run is publishing into this folder" "run lock message"
    check "locked pick wrote nothing" test ! -e "$T/p4"
    kill $! 2>/dev/null
    wait 2>/dev/null
fi

# exit codes and help
run_status 66 "state folder missing" cohort show --state "$T/nowhere"
run_status 66 "run folder missing" cohort pick --run "$T/nowhere" --out "$T/p3"
run_status 64 "--picks and --top together" cohort freeze --state "$T/st" --run "$T/r1" --picks "$na" --top 3
run_status 64 "bad --today" cohort show --state "$T/st" --today 2026-02-30
run_status 64 "state and run one folder" cohort freeze --state "$T/r1" --run "$T/r1" --top 1
run_status 64 "unknown subcommand" cohort frob
for sub in pick freeze change show review; do
    run_status 0 "$sub --help" cohort "$sub" --help
    contains "$T/out.txt" "usage: ftkpi cohort $sub" "$sub help text"
done
run_status 0 "cohort --help" cohort --help
contains "$T/out.txt" "usage: ftkpi cohort COMMAND" "cohort help text"
finish
