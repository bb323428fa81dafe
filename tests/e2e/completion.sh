# End-to-end: the bash completion contrib/bash-completion/ftkpi. Sourced
# in bash, its function is called with COMP_WORDS and COMP_CWORD set as
# bash sets them, and COMPREPLY is checked: the commands, the cohort
# commands, each command's options exactly as its --help lists them
# (tests/tools/help_options.sh), folders or files after an option that
# takes one; and `make install` puts it where bash-completion looks.
. tests/e2e/lib.sh

COMP=$ROOT/contrib/bash-completion/ftkpi
if ! command -v bash >/dev/null 2>&1; then
    echo "completion.sh: bash is missing"
    not_ok "bash available"
    finish
    exit 1
fi

# complete WORD...: what the completion offers for the command line
# "ftkpi WORD..." with the cursor on the last word, one per line, sorted
complete_words() {
    bash -c '
        . "$1"
        shift
        COMP_WORDS=(ftkpi "$@")
        COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
        _ftkpi
        printf "%s\n" "${COMPREPLY[@]}"' sh "$COMP" "$@" | sed '/^$/d' | sort
}

# offers DESCRIPTION EXPECTED WORD...: the completion offers exactly
# EXPECTED (words separated by spaces)
offers() {
    _desc=$1
    _want=$(printf '%s\n' $2 | sed '/^$/d' | sort)
    shift 2
    _got=$(complete_words "$@")
    if [ "$_got" = "$_want" ]; then ok; else
        not_ok "$_desc: offered '$(echo $_got)', expected '$(echo $_want)'"
    fi
}

check "the script is valid bash" bash -n "$COMP"
offers "the commands" "run merge validate samples cohort import" ""
offers "commands by prefix" "samples" "sa"
offers "ftkpi's options" "--help --version" "--"
offers "the cohort commands" "pick freeze change show review" cohort ""
offers "the import kinds" "m365" import ""
offers "cohort's own options" "--help" cohort --
offers "--books" "fm none" run --in x --books ""
offers "--shard" "auto" run --shard ""
offers "a month: nothing" "" run --as-of ""

# every command's options, exactly those of its --help
sh tests/tools/help_options.sh "$FTKPI" >"$T/options.txt"
check "options read from every --help" test "$(wc -l <"$T/options.txt")" -gt 90
for _cmd in run merge validate samples "cohort pick" "cohort freeze" \
    "cohort change" "cohort show" "cohort review" "import m365"; do
    _want=$(awk -F'\t' -v c="$_cmd" '$1 == c { print $2 }' "$T/options.txt")
    check "$_cmd has options in its --help" test -n "$_want"
    # shellcheck disable=SC2086 # the command's words
    offers "options of $_cmd" "$_want" $_cmd -
    offers "options of $_cmd after a value" "$_want" $_cmd --config x.ini -
done
offers "long options by prefix" "--entitlements" validate --ent
offers "the cohort command after an option" "--csv" cohort show --state s --c

# folders and files after the options that take them
mkdir -p "$T/cwd/dir1" "$T/cwd/dir2"
: >"$T/cwd/file.csv"
cd "$T/cwd" || exit 1
offers "--in: folders" "dir1 dir2" run --in ""
offers "--out: folders by prefix" "dir2" run --out dir2
offers "--reports: folders" "dir1 dir2" import m365 --reports ""
offers "--state: folders" "dir1 dir2" cohort freeze --state ""
offers "merge: shard folders" "dir1 dir2" merge --out o ""
offers "--usage: files" "dir1 dir2 file.csv" run --usage ""
offers "--config: files by prefix" "file.csv" validate --config f
cd "$ROOT" || exit 1

# a broken completion is caught: an option dropped from run's list
sed 's/--as-of --books/--books/' "$COMP" >"$T/broken"
_got=$(COMP=$T/broken complete_words run -)
case " $(echo $_got) " in
*" --as-of "*) not_ok "a dropped option went unnoticed" ;;
*) ok ;;
esac

# make install puts it where bash-completion looks
make -s -o "$FTKPI" install FTKPI="$FTKPI" DESTDIR="$T/inst" PREFIX=/usr \
    >"$T/install.txt" 2>&1
check "make install succeeds" test $? -eq 0
check "make install: the completion" \
    cmp -s "$COMP" "$T/inst/usr/share/bash-completion/completions/ftkpi"

finish
