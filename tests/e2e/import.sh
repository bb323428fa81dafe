# End-to-end: `ftkpi import m365` on report folders as Microsoft writes
# them (tests/fixtures/m365/, made by its generate.py): expected extracts
# and rejects, file-level errors, exit codes, all or nothing, reruns, and
# `ftkpi run --in` on what two monthly imports wrote (docs/import.md).
. tests/e2e/lib.sh

F=tests/fixtures/m365
X=$F/expected

# same FILE EXPECTED DESCRIPTION: byte for byte
same() {
    if cmp -s "$1" "$2"; then ok; else
        not_ok "$3: $1 differs from $2"
        diff "$2" "$1" | head -20
    fi
}

# --- usage errors and --help
run_status 0 "import --help" import --help
contains "$T/out.txt" "--reports DIR" "help names --reports"
contains "$T/out.txt" "Exit status" "help gives the exit status"
run_status 0 "import m365 --help" import m365 --help
contains "$T/out.txt" "Example:" "help has an example"
run_status 64 "import alone" import
contains "$T/err.txt" "ftkpi import m365" "import alone says what to give"
run_status 64 "unknown kind" import m366 --reports "$F/two-months/2025-12" --out "$T/u"
contains "$T/err.txt" "unknown kind of reports 'm366'" "unknown kind named"
run_status 64 "no --out" import m365 --reports "$F/two-months/2025-12"
run_status 64 "no --reports" import m365 --out "$T/u"
run_status 64 "stray argument" import m365 --reports "$F/bad-rows" --out "$T/u" extra
run_status 66 "missing --reports" import m365 --reports "$T/nowhere" --out "$T/u"
check "nothing created on usage errors" test ! -e "$T/u"

# --- two months into one folder: expected extracts, warnings named
e=$T/extracts
run_status 0 "import 2025-12" import m365 --reports "$F/two-months/2025-12" --out "$e"
contains "$T/out.txt" "usage-m365-2025-12-31.csv" "stdout names what was written"
contains "$T/err.txt" "TeamsUserActivityUserDetail.csv: not an active user detail" \
    "unknown report named"
contains "$T/err.txt" "README.txt: not a tenant folder, skipped" "stray file named"
run_status 0 "import 2026-01" import m365 --reports "$F/two-months/2026-01" --out "$e"
for f in usage-m365-2025-12-31.csv entitlements-m365-2025-12-31.csv \
    usage-m365-2026-01-20.csv entitlements-m365-2026-01-20.csv; do
    same "$e/$f" "$X/two-months/$f" "$f"
done
check "rejects.csv header only" test "$(cat "$e/rejects.csv")" = \
    "file,line,column,error,message,raw"
# -q prints nothing at all
run_status 0 "import -q" import m365 --reports "$F/two-months/2025-12" --out "$T/q" -q
check "-q: no stdout" test ! -s "$T/out.txt"
check "-q: no stderr" test ! -s "$T/err.txt"

# -v: a line per report; a folder inside a tenant's folder is skipped
rm -rf "$T/v" && cp -r "$F/two-months/2026-01" "$T/v" && mkdir "$T/v/T1/old"
run_status 0 "import -v" import m365 --reports "$T/v" --out "$T/vo" -v
contains "$T/err.txt" "T2/counts.csv: services user counts, refresh date 2026-01-20, 1 rows read, 1 accepted, 0 rejected" \
    "-v names each report's kind and counts"
contains "$T/err.txt" "T1/old: not a report file, skipped" "subfolder named"
same "$T/vo/usage-m365-2026-01-20.csv" "$X/two-months/usage-m365-2026-01-20.csv" \
    "a skipped subfolder changes nothing"

# --- rerun: byte-identical
cp -r "$e" "$T/first"
run_status 0 "rerun 2026-01" import m365 --reports "$F/two-months/2026-01" --out "$e"
run_status 0 "rerun 2025-12" import m365 --reports "$F/two-months/2025-12" --out "$e"
run_status 0 "rerun 2026-01 again" import m365 --reports "$F/two-months/2026-01" --out "$e"
check "rerun byte-identical" diff -r "$T/first" "$e"

# --- ftkpi run on the two imports and a customers extract
cat >"$e/customers.csv" <<'CSV'
tenant_id,customer_name,region,seats,fm
T1,Contoso,NA,5,Alex
T2,Fabrikam,EMEA,200,Sam
T3,Tailspin,APAC,2,Sam
CSV
run_status 0 "run --in on the imports" run --in "$e" --out "$T/out" --as-of 2026-01
k=$T/out/workload_kpis.csv
# T1 EXO on 2026-01-20: 4 of 5 licensed users active in 2025-12-24 ... 2026-01-20
contains "$k" "2026-01,T1,Contoso,NA,EXO,5,4,80.00," "T1 EXO AU 80.00"
# T2 from the counts report only: 55 of 55 + 145
contains "$k" "2026-01,T2,Fabrikam,EMEA,EXO,200,55,27.50," "T2 EXO AU 27.50"
# T3 TEAMS: its only user last active on 2025-12-24, d - 27: counted
contains "$k" "2026-01,T3,Tailspin,APAC,TEAMS,1,1,100.00," "T3 TEAMS AU 100.00"
contains "$T/out/run.json" '"rejected": 0' "run rejects nothing"

# --- bad rows: one of each reason, over the threshold, then allowed
b=$T/bad
mkdir -p "$b" && echo keep >"$b/previous.txt"
run_status 65 "bad rows over the threshold" import m365 --reports "$F/bad-rows" --out "$b"
contains "$T/err.txt" "8 of 10 rows rejected" "threshold names the file's counts"
contains "$T/err.txt" "nothing published" "nothing published said"
check "over the threshold: nothing published" test "$(ls "$b")" = previous.txt
printf '[ingest]\nmax_reject_pct = 100\n' >"$T/all.ini"
run_status 0 "bad rows allowed" import m365 --reports "$F/bad-rows" --out "$b" \
    --config "$T/all.ini"
contains "$T/err.txt" "11 report rows rejected" "rejects counted"
for f in rejects.csv usage-m365-2026-03-01.csv entitlements-m365-2026-03-01.csv; do
    same "$b/$f" "$X/bad-rows/$f" "bad rows $f"
done

# --- file-level errors: exit 65, --out untouched
cp -r "$e" "$T/before"
DETAIL=$(head -1 "$F/two-months/2026-01/T1/Office365ActiveUserDetail.csv")
row='2026-01-20,a@b.c,A,False,,True,False,False,False,False,False,2026-01-19,,,,,,,,,,,,E3'
# tree NAME: a fresh --reports folder $T/NAME with tenant T1
tree() { rm -rf "$T/$1"; mkdir -p "$T/$1/T1"; }
fails() { # fails DESCRIPTION TEXT REPORTS
    run_status 65 "$1" import m365 --reports "$3" --out "$e"
    contains "$T/err.txt" "$2" "$1: message"
    check "$1: --out untouched" diff -r "$T/before" "$e"
}
tree unterminated
printf '%s\n%s\n"unterminated,\n' "$DETAIL" "$row" >"$T/unterminated/T1/r.csv"
fails "unterminated quote" "r.csv:3" "$T/unterminated"
tree empty
: >"$T/empty/T1/r.csv"
fails "empty report" "empty file" "$T/empty"
tree partial
printf '%s\n' "$DETAIL" | sed 's/,Teams Last Activity Date//' >"$T/partial/T1/r.csv"
fails "detail without a column" "without the column 'Teams Last Activity Date'" "$T/partial"
tree twice
printf '%s,Is Deleted\n' "$DETAIL" >"$T/twice/T1/r.csv"
fails "column twice" "column 'Is Deleted' appears twice" "$T/twice"
tree duplicate
printf '%s\n%s\n' "$DETAIL" "$row" >"$T/duplicate/T1/a.csv"
printf '\357\273\277%s\r\n%s\r\n' "$DETAIL" "$row" | gzip -n >"$T/duplicate/T1/b.csv.gz"
fails "two detail reports, same date" "a second active user detail report of tenant T1 for refresh date 2026-01-20" "$T/duplicate"
tree badgz
printf '%s\n%s\n' "$DETAIL" "$row" | gzip -n | head -c 40 >"$T/badgz/T1/r.csv.gz"
fails "truncated gzip" "r.csv.gz" "$T/badgz"
tree nothing
printf '%s\n' "$DETAIL" >"$T/nothing/T1/header-only.csv"
fails "nothing to import" "nothing to import" "$T/nothing"
# a tenant folder whose name is not a tenant_id: 65 characters
long=T1234567890123456789012345678901234567890123456789012345678901234
rm -rf "$T/badname" && mkdir -p "$T/badname/$long"
printf '%s\n%s\n' "$DETAIL" "$row" >"$T/badname/$long/r.csv"
fails "tenant folder name too long" "tenant folder '$long'" "$T/badname"
rm -rf "$T/ctl" && mkdir -p "$T/ctl/$(printf 'T\001x')"
fails "tenant folder name with a control byte" "tenant folder 'T\\x01x'" "$T/ctl"
rm -rf "$T/ctlfile" && mkdir -p "$T/ctlfile/T1" && : >"$T/ctlfile/T1/$(printf 'r\033.csv')"
fails "report file name with a control byte" "file 'r\\x1B.csv'" "$T/ctlfile"
run_status 66 "no tenant folder" import m365 --reports "$T/ctl/$(printf 'T\001x')" --out "$e"
contains "$T/err.txt" "no tenant folder" "no tenant folder: message"

finish
