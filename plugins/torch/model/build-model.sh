#!/usr/bin/env bash
# Make (or take from the cache) the digits model of libvaccel-torch.so and copy it to OUT_DIR.
#
#   plugins/torch/model/build-model.sh OUT_DIR
#
# The model is trained here, from Debian data, with a fixed seed (make-digits-model.py says
# what it writes). It is cached in
#   ${VACCEL_CACHE:-$HOME/.cache/vaccel-virtio}/models/digits-<hash>/
# where <hash> covers the training script, the data file and the torch version, so a second
# build costs nothing. A lock serialises builds that race for the same entry.
#
# Data: scikit-learn's digits.csv.gz, from python3-sklearn when it is installed, else from
# that package's .deb fetched with `apt-get download` into the cache and unpacked there
# (the package itself, ~270 MB with SciPy, is never installed for 57 kB of data).
#
# Needs /usr/bin/python3 with python3-torch (scripts/install-deps.sh torch).
# Exit status: 0 done; 1 error; 77 a tool or the data is missing (printed as SKIP: ...).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:?usage: build-model.sh OUT_DIR}"
cache="${VACCEL_CACHE:-$HOME/.cache/vaccel-virtio}"
py=/usr/bin/python3
script="$here/make-digits-model.py"
csv_rel=usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz

log() { echo "build-model: $*" >&2; }
skip() {
	echo "SKIP: $*"
	exit 77
}

"$py" -c 'import torch, numpy' 2>/dev/null || skip "python3-torch is not installed (scripts/install-deps.sh torch)"
torch_version="$("$py" -c 'import torch; print(torch.__version__)')"

mkdir -p "$cache/models"
exec 9>"$cache/models/.lock"
flock 9

csv="/$csv_rel"
if [ ! -f "$csv" ]; then
	data="$cache/models/data"
	csv="$data/$csv_rel"
	if [ ! -f "$csv" ]; then
		log "fetching digits.csv.gz from python3-sklearn's package (apt-get download)"
		tmp="$(mktemp -d "$cache/models/dl.XXXXXX")"
		(cd "$tmp" && apt-get download -qq python3-sklearn >/dev/null 2>&1) ||
			{
				rm -rf "$tmp"
				skip "cannot download python3-sklearn (apt-get update?)"
			}
		mkdir -p "$data"
		dpkg-deb -x "$tmp"/python3-sklearn_*.deb "$tmp/x"
		mkdir -p "$(dirname "$csv")"
		mv "$tmp/x/$csv_rel" "$csv"
		rm -rf "$tmp"
	fi
fi

key="$( (cat "$script"; sha256sum <"$csv"; echo "$torch_version") | sha256sum | cut -c1-16)"
entry="$cache/models/digits-$key"
if [ ! -f "$entry/accuracy.txt" ]; then
	log "training the digits model (torch $torch_version) into $entry"
	t0=$(date +%s)
	rm -rf "$entry.tmp"
	mkdir -p "$entry.tmp"
	OMP_NUM_THREADS=1 "$py" "$script" "$csv" "$entry.tmp" >&2
	rm -rf "$entry"
	mv "$entry.tmp" "$entry"
	log "done in $(($(date +%s) - t0)) s"
fi
exec 9>&-

mkdir -p "$out"
rm -rf "$out/heldout"
cp -r "$entry/." "$out/"
echo "$key" >"$out/MODEL_KEY"
log "$(cat "$out/accuracy.txt" | cut -d' ' -f2) held-out accuracy, model in $out (cache key $key)"
