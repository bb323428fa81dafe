#!/bin/sh
# embed.sh NAME FILE: prints a C file that defines `const char NAME[]`
# holding FILE's bytes and a final NUL, so a default ships inside the
# binary. The bytes are a list of character constants rather than one
# string literal: ISO C only promises literals of 4,095 bytes
# (-Woverlength-strings).
set -eu
name=$1
file=$2
printf '/* generated from %s by scripts/embed.sh; do not edit */\n' "$file"
printf 'extern const char %s[];\n' "$name"
printf 'const char %s[] = {\n' "$name"
od -An -v -tx1 "$file" |
    awk '{ s = ""; for (i = 1; i <= NF; i++) s = s "\047\\x" $i "\047, "; print "    " s }'
printf "    '\\\\0'};\n"
