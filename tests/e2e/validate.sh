# End-to-end: `ftkpi validate` on broken inputs: counts, reasons, line
# numbers, file-level errors and exit codes (docs/inputs.md, docs/running.md).
. tests/e2e/lib.sh

d=$T/in
mkdir -p "$d"
# customers: BOM, CRLF, reordered and extra columns, quoted fields with
# commas, quotes and a newline; one duplicate; one bad seats value.
printf '\357\273\277 Region ,TENANT_ID,customer_name,extra,seats,kickoff_date\r\n' >"$d/customers.csv"
printf 'NA,T1,"Contoso, Ltd.",x,100,2024-01-15\r\n' >>"$d/customers.csv"
printf 'EMEA,T2,"Fabrikam ""North""",y,20000,\r\n' >>"$d/customers.csv"
printf '\r\n' >>"$d/customers.csv"
printf 'APAC,T3,"Multi\nLine Co",z,,\r\n' >>"$d/customers.csv"
printf 'NA,T1,Again,x,5,\r\n' >>"$d/customers.csv"
printf 'NA,T4,Bad Seats,x,1e3,\r\n' >>"$d/customers.csv"
printf 'NA,T5,Bad Kickoff,x,10,2024-02-30\r\n' >>"$d/customers.csv"

cat >"$d/entitlements.csv" <<'CSV'
tenant_id,workload,as_of,qualified_entitlements,enabled_date,status,notes
T1,EXO,2024-01-01,100,2024-01-10,Active,#Compete
T1,exchange online,2024-01-01,120,,,
T1,Exchnage,2024-01-01,100,,,
T9,EXO,2024-01-01,100,,,
T2,SPO,2024-01-01,-5,,,
T2,SPO,2024-01-01,2000000001,,,
CSV

{
    echo 'tenant_id,workload,date,active_users'
    echo 'T1,EXO,2024-01-31,40'
    echo 'T1,EXO,2024-01-31,41'
    echo 'T1,EXO,2024-01-31'
    echo 'T1,,2024-01-31,40'
    echo 'T1,EXO,2024-1-31,40'
    echo 'T1,EXO,2024-01-31 10:00,40'
    echo 'T1,EXO,0000-01-31,40'
    printf 'T1,EXO,2024-02-29,4\3770\n'
    printf 'T1,Teams\303,2024-02-29,40\n'
    echo 'T3,SharePoint,2024-02-29,"  7"'
    echo '  T3 ,  OD  ,  2024-02-29  ,  007  '
    echo 'T3,OD,2024-03-31,2000000000'
    printf 'T%070d,EXO,2024-01-31,1\n' 0
    echo '  '
    echo 'T2,TEAMS,2024-03-31,12'
} >"$d/usage.csv"

run_status 0 "validate with max_reject_pct=100" validate --in "$d" --out "$T/o" \
    --config /dev/stdin <<'INI'
[ingest]
max_reject_pct = 100
INI
r=$T/o/rejects.csv
check "rejects.csv written" test -f "$r"
contains "$T/out.txt" "customers" "table has customers"
# customers: 6 rows read (blank line skipped), T1 duplicate, T4 seats, T5 date
check "customers counts" grep -Eq 'customers.csv +customers +6 +3 +3' "$T/out.txt"
# a multi-line record counts two physical lines: T1 again is on line 7
contains "$r" ',7,,duplicate_key,' "duplicate customer on line 7"
contains "$r" ',8,seats,bad_integer,' "bad seats on line 8"
contains "$r" ',9,kickoff_date,bad_date,' "bad kickoff on line 9"
# entitlements
check "entitlements counts" grep -Eq 'entitlements.csv +entitlements +6 +1 +5' "$T/out.txt"
contains "$r" 'entitlements.csv,3,,duplicate_key,' "alias duplicate of EXO"
contains "$r" 'entitlements.csv,4,workload,unknown_workload,' "unknown workload"
contains "$r" 'entitlements.csv,5,tenant_id,unknown_tenant,' "unknown tenant"
contains "$r" 'entitlements.csv,6,qualified_entitlements,bad_integer,' "negative"
contains "$r" 'entitlements.csv,7,qualified_entitlements,bad_integer,' "over 2e9"
# usage
check "usage counts" grep -Eq 'usage.csv +usage +14 +4 +10' "$T/out.txt"
contains "$r" 'usage.csv,3,,duplicate_key,' "usage duplicate"
contains "$r" 'usage.csv,4,,wrong_field_count,' "short row"
contains "$r" 'usage.csv,5,workload,missing_value,' "empty workload"
contains "$r" 'usage.csv,6,date,bad_date,' "short date"
contains "$r" 'usage.csv,7,date,bad_date,' "date with time"
contains "$r" 'usage.csv,8,date,bad_date,' "year 0000"
contains "$r" 'usage.csv,9,active_users,invalid_utf8,' "invalid utf8 before bad int"
contains "$r" 'usage.csv,10,workload,invalid_utf8,' "invalid utf8 workload"
contains "$r" 'usage.csv,11,active_users,bad_integer,' "spaces inside quotes"
contains "$r" 'usage.csv,14,tenant_id,field_too_long,' "tenant id over 64"
check "spaces around fields are trimmed (line 12 accepted)" sh -c "! grep -q 'usage.csv,12,' '$r'"
check "invalid bytes shown as U+FFFD" grep -q "$(printf '4\357\277\2750')" "$r"

# the threshold: default 1 %: 10 of 15 usage rows fails the run with 65
run_status 65 "rejects over the threshold" validate --in "$d"
contains "$T/err.txt" "usage.csv: 10 of 14 rows rejected" "threshold message"
contains "$T/err.txt" "duplicate_key" "summary by reason"

# file-level errors
c=$T/clean
mkdir -p "$c"
printf 'tenant_id,customer_name,region\nT1,Contoso,NA\n' >"$c/customers.csv"
printf 'tenant_id,workload,as_of,qualified_entitlements\nT1,EXO,2024-01-01,100\n' >"$c/entitlements.csv"
mk() { mkdir -p "$T/$1"; cp "$c/customers.csv" "$c/entitlements.csv" "$T/$1/"; }
mk empty
: >"$T/empty/usage.csv"
run_status 65 "empty file" validate --in "$T/empty"
contains "$T/err.txt" "usage.csv: empty file" "empty file message"

mk header
echo 'tenant_id,workload,date,active_users' >"$T/header/usage.csv"
run_status 0 "header-only file is fine" validate --in "$T/header" -q

mk missing
echo 'tenant_id,workload,date,users' >"$T/missing/usage.csv"
run_status 65 "missing column" validate --in "$T/missing"
contains "$T/err.txt" "usage.csv:1: missing required column 'active_users'; the header has: tenant_id, workload, date, users" "missing column message"

mk twice
echo 'tenant_id,workload,date,active_users,Date' >"$T/twice/usage.csv"
run_status 65 "column twice" validate --in "$T/twice"
contains "$T/err.txt" "usage.csv:1:5: column 'date' appears twice" "twice message"

mk quote
printf 'tenant_id,workload,date,active_users\nT1,EXO,2024-01-31,1\nT1,E"XO,2024-02-29,1\n' >"$T/quote/usage.csv"
run_status 65 "quote in unquoted field" validate --in "$T/quote"
contains "$T/err.txt" "usage.csv:3:5: csv syntax error: quote inside an unquoted field" "quote position"

mk unterminated
printf 'tenant_id,workload,date,active_users\nT1,EXO,2024-01-31,1\nT1,"EXO,2024-02-29,1\nT1,EXO,2024-03-31,1\n' >"$T/unterminated/usage.csv"
run_status 65 "unterminated quote" validate --in "$T/unterminated"
contains "$T/err.txt" "usage.csv:3: csv syntax error: quoted field not closed" "unterminated names its start line"

mk binary
# a workbook saved under the extract's name: a zip, binary from line 1
printf 'PK\003\004\024\000\006\000\010\000\000\000!\000"\377\n' >"$T/binary/usage.csv"
run_status 65 "binary file" validate --in "$T/binary"
contains "$T/err.txt" "usage.csv:1:3: not a text CSV (binary bytes at line 1)" "binary file named as such"

mk longline
# 2 MB on one line, no quote anywhere: the limit, not a quote, is to blame
{
    echo 'tenant_id,workload,date,active_users'
    head -c 2000000 /dev/zero | tr '\0' x
    echo
} >"$T/longline/usage.csv"
run_status 65 "line over the field limit" validate --in "$T/longline"
contains "$T/err.txt" "usage.csv:2: line too long: a field longer than the limit of 1048576 bytes" "long line says so"

mk gz
printf 'tenant_id,workload,date,active_users\nT1,EXO,2024-01-31,1\n' | gzip -c >"$T/gz/usage.csv"
run_status 0 "gzip detected by content, not name" validate --in "$T/gz" -q
cp "$d/usage.csv" "$T/gz/usage.csv.gz.csv"
rm "$T/gz/usage.csv"
printf 'tenant_id,workload,date,active_users\nT1,EXO,2024-01-31,1\n' >"$T/gz/usage-plain.csv.gz"
run_status 0 "plain file named .gz is read as plain" validate --customers "$c/customers.csv" --entitlements "$c/entitlements.csv" --usage "$T/gz/usage-plain.csv.gz" -q
seq 1 50000 | sed 's/^/T1,EXO,2024-01-01,/' | sed '1i tenant_id,workload,date,active_users' | gzip -c | head -c 20000 >"$T/gz/trunc.csv.gz"
run_status 65 "truncated gzip" validate --customers "$c/customers.csv" --entitlements "$c/entitlements.csv" --usage "$T/gz/trunc.csv.gz"
contains "$T/err.txt" "truncated gzip stream" "truncated message"

# missing input and usage errors
run_status 66 "missing input file" validate --customers "$T/nope.csv" --entitlements "$d/entitlements.csv" --usage "$d/usage.csv"
contains "$T/err.txt" "nope.csv: cannot open" "missing names the file"
run_status 64 "no usage given" validate --customers "$d/customers.csv" --entitlements "$d/entitlements.csv"
run_status 64 "bad --as-of" validate --in "$d" --as-of 2024-13
run_status 64 "unknown option" validate --bogus
run_status 0 "help" validate --help
contains "$T/out.txt" "usage: ftkpi validate" "help text"

# configuration errors exit 78 with file:line
printf '[focus]\nslow_kickoff_days = soon\n' >"$T/bad.ini"
run_status 78 "bad config value" validate --in "$d" --config "$T/bad.ini"
contains "$T/err.txt" "bad.ini:2: bad value 'soon' for slow_kickoff_days" "config message"
printf '[focus]\nslow_kickof_days = 3\n' >"$T/bad2.ini"
run_status 78 "unknown config key" validate --in "$d" --config "$T/bad2.ini"
contains "$T/err.txt" "bad2.ini:2: unknown key 'slow_kickof_days' in [focus]" "unknown key message"

printf '[thresholdz]\n' >"$T/bad3.ini"
run_status 78 "unknown empty section" validate --in "$d" --config "$T/bad3.ini"
contains "$T/err.txt" "bad3.ini:1: unknown section [thresholdz]" "unknown section message"
printf '[workloads]\nEXO = Exchange Server\n    Mail\n' >"$T/bad4.ini"
run_status 78 "indented line is not a continuation" validate --in "$d" --config "$T/bad4.ini"
contains "$T/err.txt" "bad4.ini:3: syntax error" "indented line message"
run_status 66 "a folder as an input file" validate --customers "$T" --entitlements "$c/entitlements.csv" --usage "$c/entitlements.csv"
contains "$T/err.txt" "is a folder: expected a file" "folder message"

# an alias added by configuration is accepted
mk alias
printf 'tenant_id,workload,date,active_users\nT1,Exchange Server,2024-01-31,1\n' >"$T/alias/usage.csv"
printf '[workloads]\nEXO = Exchange Server\n' >"$T/alias.ini"
run_status 0 "alias from configuration" validate --in "$T/alias" --config "$T/alias.ini" -q
finish
