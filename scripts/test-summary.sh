#!/usr/bin/env bash
# Sum meson's test results over build directories and check that every
# expected test ran:
#
#   scripts/test-summary.sh BUILD_DIR...
#
# Prints the failures, each skipped test with its reason, and a final
# "N passed, N failed, N skipped" line. Exits 1 if a test failed, if no test
# ran, or if a build dir's tests differ from tests/expected-tests.txt (a test
# that was not registered counts as failed: a missing tool must never make a
# test disappear silently).
set -u
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
expected="$here/../tests/expected-tests.txt"
pass=0 fail=0 skip=0
for b in "$@"; do
	log="$b/meson-logs/testlog.json"
	if [ ! -f "$log" ]; then
		echo "test-summary: $b: no test log (did the build fail?)"
		fail=$((fail + 1))
		continue
	fi
	opts="$(meson introspect "$b" --buildoptions 2>/dev/null || echo '[]')"
	read -r p f s < <(python3 - "$log" "$b" "$expected" "$opts" <<'PY'
import json, sys
log, bdir, expected_file, opts = sys.argv[1:5]
options = {o["name"]: o["value"] for o in json.loads(opts or "[]")}
p = f = s = 0
ran = set()
for line in open(log):
    r = json.loads(line)
    name = r.get("name", "").split(":", 1)[-1]
    ran.add(name)
    res = r.get("result")
    if res in ("OK", "EXPECTEDFAIL"):
        p += 1
    elif res == "SKIP":
        s += 1
        why = [l for l in (r.get("stdout") or "").splitlines() if "SKIP" in l]
        print(f"SKIPPED [{bdir}] {name}: {why[-1].strip() if why else 'no reason printed'}",
              file=sys.stderr)
    else:
        f += 1
        print(f"FAILED [{bdir}] {name}: {res}", file=sys.stderr)
want = set()
for line in open(expected_file):
    line = line.strip()
    if not line or line.startswith("#"):
        continue
    name, _, cond = line.partition(" if ")
    if cond and options.get(cond.strip()) is not True:
        continue
    want.add(name.strip())
for name in sorted(want - ran):
    f += 1
    print(f"NOT REGISTERED [{bdir}] {name}: expected by tests/expected-tests.txt", file=sys.stderr)
for name in sorted(ran - want):
    f += 1
    print(f"UNLISTED [{bdir}] {name}: ran but is not in tests/expected-tests.txt (add it)",
          file=sys.stderr)
print(p, f, s)
PY
)
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
done
if [ "$pass" -eq 0 ] && [ "$fail" -eq 0 ]; then
	echo "test-summary: no test ran"
	fail=1
fi
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
