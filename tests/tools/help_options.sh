#!/bin/sh
# help_options.sh FTKPI: every option each command's --help lists, one
# "COMMAND<TAB>OPTION" a line, COMMAND as the man page's sections name it
# ("ftkpi", "run", "cohort pick", "import m365"). Read from the program
# itself, so that the man page (tests/e2e/man.sh) and the bash completion
# (tests/e2e/completion.sh) are checked against what it takes:
#   - the commands from `ftkpi --help` ("Commands:"), the cohort
#     commands from `ftkpi cohort --help`;
#   - from each command's --help, every option line ("  -q, --quiet ...",
#     "  --out DIR ...") and every alias ("--as-of is the same option");
#   - for ftkpi itself, the options of its usage line.
set -eu
ftkpi=$1
tab=$(printf '\t')

# commands TEXT: the names of the "Commands" block of a --help
commands() {
    printf '%s\n' "$1" | sed -n '/^Commands/,/^$/s/^  \([a-z][a-z0-9]*\) .*/\1/p'
}

# options NAME ARGS...: the options of `ftkpi ARGS --help`
options() {
    _name=$1
    shift
    _help=$("$ftkpi" "$@" --help)
    {
        printf '%s\n' "$_help" |
            sed -n 's/^  *\(-[a-zA-Z]\), \(--[a-z][a-z0-9-]*\).*/\1\n\2/p'
        printf '%s\n' "$_help" |
            sed -n 's/^  *\(--[a-z][a-z0-9-]*\).*/\1/p'
        printf '%s\n' "$_help" | tr '\n' ' ' |
            grep -o -- '--[a-z][a-z0-9-]* is the  *same option' |
            sed 's/ .*//'
    } | sort -u | sed "s/^/$_name$tab/"
}

"$ftkpi" --help | sed -n 1p | grep -o -- '--[a-z][a-z0-9-]*' |
    sed "s/^/ftkpi$tab/"
for c in $(commands "$("$ftkpi" --help)"); do
    case $c in
    cohort)
        for s in $(commands "$("$ftkpi" cohort --help)"); do
            options "cohort $s" cohort "$s"
        done
        ;;
    import) options "import m365" import m365 ;;
    *) options "$c" "$c" ;;
    esac
done
