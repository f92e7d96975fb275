# Turns a documentation page into the bash script that follows it, for tests/GettingStarted/run.sh.
#   ```bash blocks run in order, in one shell with set -e; each block's output goes to $RECIPE_OUT/N.txt, then is
#   printed; $recipe_block is the block running.
#   <!-- file: PATH --> before a block: the block's text is written to PATH (relative to the current directory).
#   <!-- output --> before a block: every line of it must appear in the output of the bash block before it.
#   <!-- not run: REASON --> before a block: the block is skipped (the test provides what it does).
#   A line "NAME=value  # comment" whose NAME is in the -v settings list ("NAME=value" lines) gets the test's value.
BEGIN {
  n = split(settings, pairs, "\n")
  for (i = 1; i <= n; i++) { eq = index(pairs[i], "="); if (eq > 1) value[substr(pairs[i], 1, eq - 1)] = substr(pairs[i], eq + 1) }
  block = 0; mode = ""
}
function quote(s) { gsub(/'/, "'\\''", s); return "'" s "'" }
/^<!-- file: .* -->$/ && mode == "" { file = $0; sub(/^<!-- file: /, "", file); sub(/ -->$/, "", file); next }
/^<!-- output -->$/ && mode == "" { expect = 1; next }
/^<!-- not run: .* -->$/ && mode == "" { skip = 1; next }
/^```/ && mode != "" {
  if (mode == "bash") print "} > \"$RECIPE_OUT/" block ".txt\" 2>&1\ncat \"$RECIPE_OUT/" block ".txt\""
  if (mode == "file" || mode == "expect") print "DOC_EOF"
  if (mode == "expect") print "expect_output \"$RECIPE_OUT/" block ".txt\" \"$RECIPE_OUT/" block ".expected\""
  mode = ""; next
}
/^```/ && mode == "" {
  if (file != "") { mode = "file"; print "cat > " quote(file) " <<'DOC_EOF'" }
  else if (expect) { mode = "expect"; print "cat > \"$RECIPE_OUT/" block ".expected\" <<'DOC_EOF'" }
  else if ($0 == "```bash" && !skip) { mode = "bash"; block++; print "echo '>>> block " block "'"; print "recipe_block=" block; print "{" }
  else mode = "skip"
  file = ""; expect = 0; skip = 0; next
}
mode == "bash" && match($0, /^[A-Z_][A-Z0-9_]*=/) {
  name = substr($0, 1, RLENGTH - 1)
  if (name in value) {
    rest = substr($0, RLENGTH + 1)
    if (match(rest, /^("[^"]*"|'[^']*'|[^ \t]*)/)) rest = substr(rest, RLENGTH + 1)
    print name "=" quote(value[name]) rest; used[name] = 1; next
  }
}
mode == "bash" || mode == "file" || mode == "expect" { print }
END {
  for (name in value) if (!(name in used)) { print "the page does not assign " name ", which the test sets" > "/dev/stderr"; missing = 1 }
  exit missing
}
