#!/bin/sh
# Regenerate examples/data/images/example.jpg: a procedural picture (sky gradient, sun,
# rolling hills, a checkered field) drawn as a binary PPM with awk and encoded with cjpeg
# (Debian package libjpeg-turbo-progs). The output is deterministic for a given cjpeg.
# Usage: make-example-jpg.sh [output.jpg]
set -eu

out=${1:-$(dirname "$0")/images/example.jpg}
w=480
h=360
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT

command -v cjpeg >/dev/null 2>&1 || {
	echo "cjpeg not found (apt-get install libjpeg-turbo-progs)" >&2
	exit 1
}

# awk writes the PPM header and pixels; printf "%c" emits raw bytes in the C locale.
LC_ALL=C awk -v w="$w" -v h="$h" 'BEGIN {
	printf "P6\n%d %d\n255\n", w, h
	for (y = 0; y < h; y++) {
		for (x = 0; x < w; x++) {
			hill = h * 0.62 + 18 * sin(x / 23.0) + 9 * sin(x / 7.0 + 1.3)
			dx = x - w * 0.72; dy = y - h * 0.25
			if (dx * dx + dy * dy < 28 * 28) {
				r = 250; g = 210 - (dx * dx + dy * dy) / 12; b = 60
			} else if (y < hill) {
				r = 90 + y / 3; g = 140 + y / 4; b = 235 - y / 6
			} else if (y < hill + 30) {
				r = 40 + (x % 17); g = 120 + 40 * sin(x / 11.0) + (y % 5) * 3; b = 45
			} else {
				c = (int(x / 20) + int(y / 20)) % 2
				r = c ? 150 : 95; g = c ? 105 : 70; b = c ? 60 : 40
				r += (x * 7 + y * 13) % 23; g += (x * 11 + y * 3) % 19
			}
			if (r > 255) r = 255; if (g > 255) g = 255; if (b > 255) b = 255
			if (r < 0) r = 0; if (g < 0) g = 0; if (b < 0) b = 0
			printf "%c%c%c", int(r), int(g), int(b)
		}
	}
}' >"$tmp"

cjpeg -quality 95 -optimize "$tmp" >"$out"
echo "wrote $out ($(wc -c <"$out") bytes)"
