# End-to-end: the workbook kpi-YYYY-MM.xlsx of `ftkpi run` and the FM
# books under fm/, read back with openpyxl (tests/e2e/check_workbook.py)
# and compared with the CSV facts of the same run; byte-identical on rerun
# and whatever the number of threads writing them (FTKPI_BOOK_THREADS);
# recorded in the manifest; FM names made safe for file names.
# Skips (and counts nothing) when /usr/bin/python3 has no openpyxl.
. tests/e2e/lib.sh

py=/usr/bin/python3
if ! "$py" -c 'import openpyxl' >/dev/null 2>&1; then
    echo "SKIP: $py cannot import openpyxl (Debian: python3-openpyxl)"
    finish
    exit
fi

fx=tests/fixtures/kpi
book=kpi-2024-06.xlsx

# workbook_ok DIR [BOOKS]: the workbook and the FM books (BOOKS none: no
# FM book) agree with the CSV facts in DIR
workbook_ok() {
    _core=EXO,SPO,OD,TEAMS,OPP
    _program="Microsoft 365 Adoption Program"
    if "$py" tests/e2e/check_workbook.py "$1" "$_core" "$_program" "${2:-fm}" \
        >"$T/check.txt" 2>&1; then
        ok
    else
        not_ok "workbook in $1 disagrees with the CSV facts"
        sed 's/^/  /' "$T/check.txt" | head -40
    fi
}

# digest_recorded DIR NAME: run.json has NAME's sha256 and size
digest_recorded() {
    _sum=$(sha256sum "$1/$2" | cut -d' ' -f1)
    _bytes=$(wc -c <"$1/$2" | tr -d ' ')
    contains "$1/run.json" "{\"name\": \"$2\", \"bytes\": $_bytes, \"sha256\": \"$_sum\"}" \
        "manifest records $2"
}

# no_leftovers DIR: nothing but the outputs and the lock in DIR, nothing
# but books in DIR/fm
no_leftovers() {
    _extra=$(ls -A "$1" | grep -v -e '^\.ftkpi\.lock$' -e '\.csv$' \
        -e '^run\.json$' -e '^kpi-[0-9-]*\.xlsx$' -e '^fm$')
    if [ -d "$1/fm" ]; then
        _extra="$_extra$(ls -A "$1/fm" | grep -v '^kpi-[0-9-]*-.*\.xlsx$')"
    fi
    if [ -z "$_extra" ]; then ok; else not_ok "left in $1: $_extra"; fi
}

# same_books A B: every book of A is in B with the same bytes, and no more
same_books() {
    _a=$(cd "$1" && ls kpi-*.xlsx fm/*.xlsx 2>/dev/null | sort)
    _b=$(cd "$2" && ls kpi-*.xlsx fm/*.xlsx 2>/dev/null | sort)
    if [ "$_a" != "$_b" ]; then
        not_ok "$3: books differ: $_a / $_b"
        return
    fi
    # names hold spaces: one a line
    _diff=$(printf '%s\n' "$_a" | while IFS= read -r _f; do
        cmp -s "$1/$_f" "$2/$_f" || printf ' %s' "$_f"
    done)
    if [ -z "$_diff" ]; then ok; else not_ok "$3: differ:$_diff"; fi
}

run_status 0 "fixture run" run --in "$fx" --out "$T/a" --as-of 2024-06
check "fixture workbook published" test -s "$T/a/$book"
workbook_ok "$T/a"
digest_recorded "$T/a" "$book"
no_leftovers "$T/a"
contains "$T/a/run.json" '"workbook": ' "manifest times the workbook"
run_status 0 "fixture rerun" run --in "$fx" --out "$T/b" --as-of 2024-06
check "fixture workbook identical on rerun" cmp -s "$T/a/$book" "$T/b/$book"
run_status 0 "fixture rerun in the same folder" run --in "$fx" --out "$T/a" --as-of 2024-06
check "same folder, same bytes" cmp -s "$T/a/$book" "$T/b/$book"

# the default month of the fixture is 2024-07
run_status 0 "fixture run, default month" run --in "$fx" --out "$T/d"
check "workbook named after the as-of month" test -s "$T/d/kpi-2024-07.xlsx"
workbook_ok "$T/d"

# a realistic set: a customer named =HYPERLINK(...), every workload
"$FTKPI" samples --tenants 200 --months 15 --seed 11 --gzip --out "$T/s" >/dev/null 2>&1
run_status 0 "samples run" run --in "$T/s" --out "$T/sa"
workbook_ok "$T/sa"
no_leftovers "$T/sa"
export FTKPI_BOOK_THREADS=1
run_status 0 "samples rerun, one thread" run --in "$T/s" --out "$T/sb"
same_books "$T/sa" "$T/sb" "samples books identical on rerun with 1 thread"
export FTKPI_BOOK_THREADS=2
run_status 0 "samples rerun, two threads" run --in "$T/s" --out "$T/sc"
unset FTKPI_BOOK_THREADS
same_books "$T/sa" "$T/sc" "samples books identical on rerun with 2 threads"
check "samples: more than one FM book" test "$(ls "$T/sa/fm" | wc -l)" -gt 1

# the KPIs on 1, 2 and 3 threads (FTKPI_BOOK_THREADS sets both): at
# 2025-09 many series start later, so the first threads' parts have room
# left over that the join closes up (rows and core AU months moved up),
# and every part's sorted lists (tenant order, candidates, velocity,
# plateau, losers) are merged with the others'
for n in 1 2 3; do
    export FTKPI_BOOK_THREADS=$n
    run_status 0 "samples at 2025-09, $n thread(s)" run --in "$T/s" --out "$T/k$n" --as-of 2025-09
    grep -v '"timings_ms"' "$T/k$n/run.json" >"$T/k$n.json"
    rm "$T/k$n/run.json"
done
unset FTKPI_BOOK_THREADS
check "samples at 2025-09: some series not yet in the window" \
    test "$(wc -l <"$T/k1/workload_kpis.csv")" -lt "$(wc -l <"$T/sa/workload_kpis.csv")"
check "samples at 2025-09: same outputs on 1 and 2 threads" diff -r "$T/k1" "$T/k2"
check "samples at 2025-09: same run.json on 1 and 2 threads" cmp -s "$T/k1.json" "$T/k2.json"
check "samples at 2025-09: same outputs on 1 and 3 threads" diff -r "$T/k1" "$T/k3"
check "samples at 2025-09: same run.json on 1 and 3 threads" cmp -s "$T/k1.json" "$T/k3.json"

# FM names that a file name cannot hold as they are: A/B and A:B collide
# (the first customer's FM, A1's, keeps the name), a leading dot, a blank
# FM, a name of 121 bytes cut to 100 on a character boundary (x and 49
# two-byte characters; the 50th would end at byte 101)
mkdir -p "$T/names"
cp "$fx"/entitlements.csv "$fx"/usage.csv "$T/names/"
long=$(printf 'x%060d' 0 | sed 's/0/é/g')
long_cut=$(printf 'x%049d' 0 | sed 's/0/é/g')
awk -F, -v OFS=, -v long="$long" '
    NR == 1 { print; next }
    $1 == "A1" { $6 = "A/B" }
    $1 == "B2" { $7 = "A:B" }
    $1 == "D4" { $6 = ".lee" }
    { print }
    END { print "E5,Echo,NA,10,," long ",,," }' "$fx/customers.csv" \
    >"$T/names/customers.csv"
run_status 0 "FM names run" run --in "$T/names" --out "$T/n" --as-of 2024-06
names=$(cd "$T/n/fm" && ls | sort)
want=$(printf '%s\n' "kpi-2024-06-(unassigned).xlsx" "kpi-2024-06-A_B (2).xlsx" \
    "kpi-2024-06-A_B.xlsx" "kpi-2024-06-_lee.xlsx" \
    "kpi-2024-06-$long_cut.xlsx" | sort)
if [ "$names" = "$want" ]; then ok; else not_ok "FM book names: $names"; fi
workbook_ok "$T/n"
no_leftovers "$T/n"
check "A1 (the first customer of A/B) in the plain name" "$py" -c '
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1], read_only=True)["Customers"]
ids = [r[1] for r in ws.iter_rows(min_row=2, values_only=True)]
sys.exit(ids != ["A1"])' "$T/n/fm/kpi-2024-06-A_B.xlsx"

# --books none: no book, and the books of the run before are gone
run_status 0 "run without FM books" run --in "$T/names" --out "$T/n" \
    --as-of 2024-06 --books none
check "no fm folder after --books none" test ! -e "$T/n/fm"
workbook_ok "$T/n" none
no_leftovers "$T/n"
run_status 64 "--books takes fm or none" run --in "$T/names" --out "$T/n" \
    --books all

# [workbook] max_list_rows: each longer list keeps the rows with the
# largest users to goal and says above its header how many it left out;
# the CSVs stay the same (tests/e2e/check_capped.py)
printf '[workbook]\nmax_list_rows = 5\n' >"$T/cap5.ini"
run_status 0 "samples run, lists capped at 5" run --in "$T/s" --out "$T/sc" --config "$T/cap5.ini"
if "$py" tests/e2e/check_capped.py "$T/sa" "$T/sc" 5 >"$T/capped.txt" 2>&1; then
    ok
else
    not_ok "lists capped at 5 rows"
    sed 's/^/  /' "$T/capped.txt" | head -40
fi
printf '[workbook]\nmax_list_rows = 0\n' >"$T/cap0.ini"
run_status 78 "max_list_rows 0 is refused" run --in "$T/s" --out "$T/sz" --config "$T/cap0.ini"
contains "$T/err.txt" "cap0.ini:2: bad value '0' for max_list_rows" "max_list_rows 0 names the line"

# LibreOffice loads the samples' portfolio workbook and prints it to PDF
# (headless, with a profile of its own so parallel runs do not clash);
# soffice exits 0 even when it cannot load a file, so the PDF is the proof
if command -v soffice >/dev/null 2>&1 && command -v pdfinfo >/dev/null 2>&1; then
    run_status 0 "samples/ run" run --in samples --out "$T/sm"
    for f in "$T"/sm/kpi-*.xlsx; do
        soffice -env:UserInstallation="file://$T/lo-profile" --headless \
            --convert-to pdf --outdir "$T/pdf" "$f" >"$T/lo.txt" 2>&1
        pdf="$T/pdf/$(basename "$f" .xlsx).pdf"
        if [ -s "$pdf" ] && ! grep -q -i error "$T/lo.txt" &&
            pdfinfo "$pdf" 2>/dev/null | grep -q '^Pages: *[1-9]'; then
            ok
        else
            not_ok "LibreOffice cannot load $f"
            sed 's/^/  /' "$T/lo.txt" | head -10
        fi
    done
else
    echo "SKIP: no soffice or pdfinfo (Debian: libreoffice-calc-nogui, poppler-utils)"
fi

# a failed run leaves the previous workbook untouched
cp "$T/a/$book" "$T/before.xlsx"
mkdir -p "$T/bad"
cp "$fx"/customers.csv "$fx"/entitlements.csv "$T/bad/"
{ cat "$fx/usage.csv"; echo 'A1,EXO,2024-13-01,1'; } >"$T/bad/usage.csv"
run_status 65 "rejects over the threshold" run --in "$T/bad" --out "$T/a" --as-of 2024-06
check "workbook untouched by the failed run" cmp -s "$T/before.xlsx" "$T/a/$book"

# below the threshold the rejects show on the Data quality sheet
printf '[ingest]\nmax_reject_pct = 10\n' >"$T/lenient.ini"
run_status 0 "run with a rejected row" run --in "$T/bad" --out "$T/l" --as-of 2024-06 --config "$T/lenient.ini"
workbook_ok "$T/l"
check "the reject is on the Data quality sheet" "$py" -c '
import sys, openpyxl
ws = openpyxl.load_workbook(sys.argv[1], read_only=True)["Data quality"]
rows = [r for r in ws.iter_rows(values_only=True)]
sys.exit(not any(r[0] == sys.argv[2] and r[1] == 19 and r[2] == "bad date"
                 for r in rows))' "$T/l/$book" "$T/bad/usage.csv"

finish
