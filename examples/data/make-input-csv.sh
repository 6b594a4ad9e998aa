#!/bin/sh
# Regenerate examples/data/input/input_2048.csv: 2048 deterministic pseudo-random numbers
# in [0, 10000), one per line, for the minmax example. Usage: make-input-csv.sh [output.csv]
set -eu
out=${1:-$(dirname "$0")/input/input_2048.csv}
LC_ALL=C awk 'BEGIN {
	s = 12345
	for (i = 0; i < 2048; i++) {
		s = (s * 1103515245 + 12345) % 2147483648
		printf "%.3f\n", (s % 10000000) / 1000.0
	}
}' >"$out"
echo "wrote $out"
