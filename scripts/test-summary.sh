#!/usr/bin/env bash
# Sum meson's test results over build directories; print the failures and a
# final "N passed, N failed[, N skipped]" line; exit 1 if anything failed or
# if no test ran at all.
set -u
pass=0 fail=0 skip=0
for b in "$@"; do
	log="$b/meson-logs/testlog.json"
	if [ ! -f "$log" ]; then
		echo "test-summary: $b: no test log (did the build fail?)"
		fail=$((fail + 1))
		continue
	fi
	read -r p f s < <(python3 - "$log" "$b" <<'PY'
import json, sys
p = f = s = 0
for line in open(sys.argv[1]):
    r = json.loads(line)
    res = r.get("result")
    if res in ("OK", "EXPECTEDFAIL"):
        p += 1
    elif res == "SKIP":
        s += 1
    else:
        f += 1
        print(f"FAILED [{sys.argv[2]}] {r.get('name')}: {res}", file=sys.stderr)
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
