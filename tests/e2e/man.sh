# End-to-end: the manual page man/ftkpi.1. It renders without a single
# groff warning, every option of every command's --help is in that
# command's section (tests/tools/help_options.sh), and `make install`
# puts it under share/man/man1. Both checks are shown to fail on a page
# that breaks them.
. tests/e2e/lib.sh

PAGE=man/ftkpi.1
if ! command -v groff >/dev/null 2>&1; then
    echo "man.sh: groff (groff-base) is missing: make deps"
    not_ok "groff available"
    finish
    exit 1
fi

# warnings PAGE: what groff says about the page with every warning on
warnings() {
    LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$1" 2>&1
}

# section PAGE COMMAND: the text of COMMAND's section (.SS "ftkpi
# COMMAND" up to the next .SS or .SH; for "ftkpi", the whole page),
# with \- as - and font changes dropped
section() {
    if [ "$2" = ftkpi ]; then
        cat "$1"
    else
        awk -v h=".SS \"ftkpi $2\"" '
            $0 == h { on = 1; next }
            on && /^\.S[SH]/ { exit }
            on' "$1"
    fi | sed 's/\\-/-/g; s/\\f[BIRP]//g'
}

# missing PAGE: "COMMAND OPTION" for each option of a --help that
# COMMAND's section of PAGE does not name
missing() {
    sh tests/tools/help_options.sh "$FTKPI" >"$T/options.txt" || {
        echo "help_options.sh failed"
        return
    }
    while IFS="$(printf '\t')" read -r _cmd _opt; do
        section "$1" "$_cmd" >"$T/section.txt"
        grep -qE -- "(^|[^a-zA-Z0-9-])$_opt([^a-zA-Z0-9-]|\$)" \
            "$T/section.txt" || echo "$_cmd $_opt"
    done <"$T/options.txt"
}

# --- the page as shipped
warnings "$PAGE" >"$T/warn.txt"
check "groff renders the page" test $? -eq 0
check "groff -ww: no warning" test ! -s "$T/warn.txt"
sed 's/^/  /' "$T/warn.txt"
if command -v man >/dev/null 2>&1; then
    LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$PAGE" >"$T/man.txt" \
        2>"$T/manwarn.txt"
    check "man -l renders the page" test -s "$T/man.txt"
    check "man -l --warnings: no warning" test ! -s "$T/manwarn.txt"
    contains "$T/man.txt" "EXIT STATUS" "the page has its exit status"
fi
check "options read from every --help" \
    test "$(sh tests/tools/help_options.sh "$FTKPI" | wc -l)" -gt 90
missing "$PAGE" >"$T/missing.txt"
check "every option of every --help is in its section" test ! -s "$T/missing.txt"
sed 's/^/  missing from the man page: /' "$T/missing.txt"
for _code in 0 64 65 66 73 74 75 78 "128+n"; do
    check "exit status $_code documented" \
        grep -q "^\\.B $_code\$" "$PAGE"
done
for _var in FTKPI_BOOK_THREADS NO_COLOR TERM SLURM_ARRAY_TASK_ID \
    JOB_COMPLETION_INDEX FTKPI_SHARDS; do
    contains "$PAGE" "$_var" "environment: $_var"
done

# --- the checks fail on a page that breaks them
grep -v '^\.BI \\-\\-seed " S"$' "$PAGE" >"$T/no-seed.1"
check "the copy lost a line" test "$(wc -l <"$T/no-seed.1")" -lt "$(wc -l <"$PAGE")"
missing "$T/no-seed.1" >"$T/missing2.txt"
check "an option missing from the page is found" \
    grep -qx "samples --seed" "$T/missing2.txt"
check "only that option" test "$(wc -l <"$T/missing2.txt")" -eq 1
# --out named in run's section does not count for validate's
awk '/^\.SS "ftkpi validate"/ { v = 1 } /^\.SS "ftkpi samples"/ { v = 0 }
     v && /^\.BI \\-\\-out " DIR"$/ { getline; getline; getline; getline; next }
     { print }' "$PAGE" >"$T/no-vout.1"
missing "$T/no-vout.1" >"$T/missing3.txt"
check "an option missing from one section only is found" \
    grep -qx "validate --out" "$T/missing3.txt"
sed 's/^\.TP$/.XT/' "$PAGE" >"$T/bad-macro.1"
warnings "$T/bad-macro.1" >"$T/warn2.txt"
check "a page with an unknown macro warns" test -s "$T/warn2.txt"

# --- make install puts it under share/man/man1
make -s -o "$FTKPI" install FTKPI="$FTKPI" DESTDIR="$T/inst" PREFIX=/usr \
    >"$T/install.txt" 2>&1
check "make install succeeds" test $? -eq 0
check "make install: the man page" cmp -s "$PAGE" "$T/inst/usr/share/man/man1/ftkpi.1"

finish
