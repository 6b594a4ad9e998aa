#!/bin/sh
# Runs inside the guest (put into the image by tests/real/run-vm-real.sh):
#   vm-real-tests.sh DATA_DIR
# The host daemon serves the real plugins (blas, torch, vision); every answer is checked
# by real-client against its reference, through the driver's node (/dev/vaccel) and the VM's transport.
# Prints "ok - NAME" / "not ok - NAME" per check and "guest: N passed, N failed".
data="$1"
out=/tmp/vmr.out
pass=0 fail=0

check() { # check NAME CMD... : CMD's status decides; its output is shown
	name="$1"
	shift
	if "$@" >"$out" 2>&1; then
		pass=$((pass + 1))
		echo "ok - $name"
		sed 's/^/#   /' "$out" | head -n 12
	else
		fail=$((fail + 1))
		echo "not ok - $name"
		tail -n 20 "$out" | sed 's/^/#   /'
	fi
}
fails_cleanly() { # CMD must fail with a plain exit status (not a signal)
	"$@"
	rc=$?
	echo "exit status $rc"
	[ "$rc" -ne 0 ] && [ "$rc" -lt 128 ]
}

m="$data/digits.pt" l="$data/digits-labels.txt"
check "classify: the known digit is a 7 (torch, TorchScript model uploaded as a resource)" \
	real-client classify "$m" "$l" "$data/digit-7.png" 7
check "classify: held-out digits >= 95 % correct" \
	real-client accuracy "$m" "$l" "$data/heldout.txt" 95
check "detect: the five faces of the test photo, IoU >= 0.5 (vision, OpenCV)" \
	real-client detect "$data/faces.png" "$data/faces-truth.txt"
check "pose: five faces, 68 plausible landmarks each (vision, dlib)" \
	real-client pose "$data/faces.png" "$data/faces-truth.txt"
for n in 64 256; do
	check "sgemm ${n}x${n} verified against the reference (blas, OpenBLAS)" real-client sgemm "$n"
done
check "classify: an undecodable image fails cleanly" \
	fails_cleanly real-client classify "$m" "$l" "$data/faces-truth.txt"
check "classify: still served after the bad request" \
	real-client classify "$m" "$l" "$data/digit-7.png" 7
echo "guest: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
