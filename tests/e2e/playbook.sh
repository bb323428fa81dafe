# End-to-end: the playbook rules are configuration (docs/playbooks.md): a
# rule the program cannot read stops run and validate with 78, file and
# line, and nothing published; a rule switched off or reworded changes
# next_actions.csv without a code change. next_actions.csv and
# exec_summaries.csv themselves are compared byte for byte with the
# reference implementation by tests/e2e/reference.sh.
. tests/e2e/lib.sh

# A rule the program cannot read stops any command that reads the
# configuration: exit 78, file and line, nothing published.
printf '[rule SPO_BVD]\nenabled = yes\nwhen = qe > 0 and au is 10\n' >"$T/bad.ini"
run_status 78 "unknown condition" run --in samples --config "$T/bad.ini" --out "$T/bad"
contains "$T/err.txt" "$T/bad.ini:3: unknown condition 'au is 10' in when" "unknown condition"
check "nothing published" test ! -e "$T/bad/workload_kpis.csv"
printf '[rule OM_BVD]\nalt_if = EMS qe > 0\n' >"$T/bad.ini"
run_status 78 "unknown workload" validate --in samples --config "$T/bad.ini"
contains "$T/err.txt" "$T/bad.ini:2: unknown workload 'EMS' in alt_if" "unknown workload"
printf '\n[rule REVIEW]\ncolour = red\n' >"$T/bad.ini"
run_status 78 "unknown key" run --in samples --config "$T/bad.ini" --out "$T/bad"
contains "$T/err.txt" "$T/bad.ini:3: unknown key 'colour' in [rule REVIEW]" "unknown key"
printf '[rule SPO_CANCEL]\naction = FM: mark it ; then stop\n' >"$T/bad.ini"
run_status 78 "inline comment" run --in samples --config "$T/bad.ini" --out "$T/bad"
contains "$T/err.txt" "$T/bad.ini:2: ';' after a space starts a comment" "inline comment"

# switched off, and reworded, without a code change
printf '[rule SPO_CANCEL]\nenabled = no\n' >"$T/off.ini"
run_status 0 "a rule switched off" run --in samples --config "$T/off.ini" --out "$T/off"
run_status 0 "the default rules" run --in samples --out "$T/on"
check "SPO_CANCEL in the defaults" grep -q ',SPO_CANCEL,' "$T/on/next_actions.csv"
check "no SPO_CANCEL when off" sh -c "! grep -q ',SPO_CANCEL,' '$T/off/next_actions.csv'"
printf '[rule OPP_PITCH]\naction = FE: pitch Microsoft 365 Apps\n' >"$T/words.ini"
run_status 0 "a rule reworded" run --in samples --config "$T/words.ini" --out "$T/words"
contains "$T/words/next_actions.csv" ",OPP_PITCH,3738,FE: pitch Microsoft 365 Apps," "new words"
contains "$T/words/exec_summaries.csv" "Next: pitch Microsoft 365 Apps (task 3738)" "new words in the note"
finish
