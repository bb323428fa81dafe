# lib.sh: sourced by every end-to-end script. Gives a scratch folder $T,
# the program $FTKPI, and checks that count into the closing line
# "e2e-result: PASSED FAILED" that tests/run.sh reads.
set -u
: "${FTKPI:?set FTKPI to the ftkpi binary}"
case $FTKPI in /*) ;; *) FTKPI=$(pwd)/$FTKPI ;; esac
ROOT=$(pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
e2e_pass=0
e2e_fail=0

ok() { e2e_pass=$((e2e_pass + 1)); }
not_ok() {
    e2e_fail=$((e2e_fail + 1))
    echo "FAIL: $*"
}

# check DESCRIPTION COMMAND...: the command must succeed
check() {
    _desc=$1
    shift
    if "$@"; then ok; else not_ok "$_desc"; fi
}

# run_status EXPECTED DESCRIPTION ARGS...: runs ftkpi ARGS, keeps stdout
# in $T/out.txt and stderr in $T/err.txt, checks the exit status
run_status() {
    _want=$1
    _desc=$2
    shift 2
    "$FTKPI" "$@" >"$T/out.txt" 2>"$T/err.txt"
    _got=$?
    if [ "$_got" -eq "$_want" ]; then
        ok
    else
        not_ok "$_desc: exit $_got, expected $_want"
        sed 's/^/  stderr: /' "$T/err.txt" | head -20
    fi
}

# contains FILE TEXT DESCRIPTION: FILE has TEXT (fixed string)
contains() {
    if grep -qF -- "$2" "$1"; then ok; else
        not_ok "$3: '$2' not in $1"
        sed 's/^/  /' "$1" | head -20
    fi
}

finish() {
    echo "e2e-result: $e2e_pass $e2e_fail"
    [ "$e2e_fail" -eq 0 ]
}
