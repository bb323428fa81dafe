#!/bin/sh
# embed.sh NAME FILE: prints a C file that defines `const char NAME[]`
# holding FILE's bytes, so a default ships inside the binary.
set -eu
name=$1
file=$2
printf '/* generated from %s by scripts/embed.sh; do not edit */\n' "$file"
printf 'extern const char %s[];\n' "$name"
printf 'const char %s[] =\n' "$name"
od -An -v -tx1 "$file" | awk '{ s = ""; for (i = 1; i <= NF; i++) s = s "\\x" $i; print "    \"" s "\"" }'
printf '    "";\n'
