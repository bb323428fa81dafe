# End-to-end: the workbook kpi-YYYY-MM.xlsx of `ftkpi run`, read back with
# openpyxl (tests/e2e/check_workbook.py) and compared with the CSV facts of
# the same run; byte-identical on rerun; recorded in the manifest.
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

# workbook_ok DIR: the workbook agrees with the CSV facts in DIR
workbook_ok() {
    if "$py" tests/e2e/check_workbook.py "$1" >"$T/check.txt" 2>&1; then
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

# no_leftovers DIR: nothing but the outputs and the lock in DIR
no_leftovers() {
    _extra=$(ls -A "$1" | grep -v -e '^\.ftkpi\.lock$' -e '\.csv$' \
        -e '^run\.json$' -e '^kpi-[0-9-]*\.xlsx$')
    if [ -z "$_extra" ]; then ok; else not_ok "left in $1: $_extra"; fi
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
run_status 0 "samples rerun" run --in "$T/s" --out "$T/sb"
for f in "$T"/sa/kpi-*.xlsx; do
    check "samples workbook identical on rerun" cmp -s "$f" "$T/sb/${f##*/}"
done

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
