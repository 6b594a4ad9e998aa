#!/usr/bin/env bash
# Make (or take from the cache) the data the real plugins are tested and demonstrated with,
# from Debian packages only (no download from anywhere else), and copy it to OUT_DIR.
#
#   plugins/common/build-data.sh digits|faces OUT_DIR
#
#   digits  the digits classifier of libvaccel-torch.so (plugins/torch/model/
#           make-digits-model.py), trained here with a fixed seed on scikit-learn's
#           digits.csv.gz (python3-sklearn)
#   faces   the test photo of libvaccel-vision.so and its ground truth (plugins/vision/
#           data/make-faces-photo.py), composed from scikit-image's LFW subset
#           (lfw_subset.npy, python3-skimage)
#
# Each result is cached in ${VACCEL_CACHE:-$HOME/.cache/vaccel-virtio}/models/KIND-<hash>/
# where <hash> covers the scripts, the data file and the Python modules' versions, so a
# second build costs nothing. A lock serialises builds racing for the same entry.
#
# The data file comes from the package when it is installed; otherwise from that package's
# .deb, fetched with `apt-get download` into the cache and unpacked there (never installed:
# python3-sklearn and python3-skimage pull SciPy, ~270 MB, for one small file each).
#
# Needs /usr/bin/python3 with the modules below (scripts/install-deps.sh torch / vision).
# Exit status: 0 done; 1 error; 77 a module or the data is missing (printed as SKIP: ...).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
kind="${1:?usage: build-data.sh digits|faces OUT_DIR}"
out="${2:?usage: build-data.sh digits|faces OUT_DIR}"
cache="${VACCEL_CACHE:-$HOME/.cache/vaccel-virtio}"
py=/usr/bin/python3

# kind: script, Debian package, file in it, Python modules, the file that marks a full entry
case "$kind" in
digits)
	script="$here/../torch/model/make-digits-model.py"
	pkg=python3-sklearn
	rel=usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz
	modules=(torch numpy)
	done_file=accuracy.txt
	;;
faces)
	script="$here/../vision/data/make-faces-photo.py"
	pkg=python3-skimage
	rel=usr/lib/python3/dist-packages/skimage/data/lfw_subset.npy
	modules=(numpy)
	done_file=faces-truth.txt
	;;
*)
	echo "build-data: unknown kind '$kind' (digits, faces)" >&2
	exit 2
	;;
esac

log() { echo "build-data: $*" >&2; }
skip() {
	echo "SKIP: $*"
	exit 77
}

imports="import $(IFS=,; echo "${modules[*]}")"
"$py" -c "$imports" 2>/dev/null || skip "$py lacks ${modules[*]} (scripts/install-deps.sh)"
versions="$("$py" -c "$imports; print(' '.join(m.__version__ for m in (${modules[*]/%/,})))")"

mkdir -p "$cache/models"
exec 9>"$cache/models/.lock"
flock 9

src="/$rel"
if [ ! -f "$src" ]; then
	src="$cache/models/data/$pkg/$rel"
	if [ ! -f "$src" ]; then
		log "fetching $(basename "$rel") from $pkg's package (apt-get download)"
		tmp="$(mktemp -d "$cache/models/dl.XXXXXX")"
		(cd "$tmp" && apt-get download -qq "$pkg" >/dev/null 2>&1) || {
			rm -rf "$tmp"
			skip "cannot download $pkg (apt-get update?)"
		}
		dpkg-deb -x "$tmp"/"$pkg"_*.deb "$tmp/x"
		mkdir -p "$(dirname "$src")"
		mv "$tmp/x/$rel" "$src"
		rm -rf "$tmp"
	fi
fi

key="$( (cat "$script" "$here/pngwrite.py"; sha256sum <"$src"; echo "$versions") | sha256sum | cut -c1-16)"
entry="$cache/models/$kind-$key"
if [ ! -f "$entry/$done_file" ]; then
	log "making $kind ($versions) into $entry"
	t0=$(date +%s)
	rm -rf "$entry.tmp"
	mkdir -p "$entry.tmp"
	OMP_NUM_THREADS=1 "$py" "$script" "$src" "$entry.tmp" >&2
	rm -rf "$entry"
	mv "$entry.tmp" "$entry"
	log "$kind done in $(($(date +%s) - t0)) s"
fi
exec 9>&-

mkdir -p "$out"
cp -r "$entry/." "$out/"
echo "$key" >"$out/$kind.key"
