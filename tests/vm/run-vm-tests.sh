#!/usr/bin/env bash
# VM test harness (meson suite 'vm'):  run-vm-tests.sh SOURCE_DIR BUILD_DIR [KERNEL
#                                                       [GUEST_ARCH GUEST_BUILD_DIR]]
#
# KERNEL: the guest kernel series, 6.1 (Debian 12's cloud kernel, the default) or
# 6.12 (its 6.12 LTS cloud kernel); meson registers one test per series.
# GUEST_ARCH aarch64 (suite 'dist'): the guest image from GUEST_BUILD_DIR (an arm64
# cross build), qemu-system-aarch64 -M virt, virtio-mmio; the daemon, host plugins
# and host libraries stay BUILD_DIR's, and the exec boot uploads a host build of
# libmytestlib.so (the guest's own would not load on the host).
# 1. QEMU with vhost-user-accel (vmm/qemu/build-qemu.sh, cached; ~5 min the first time)
# 2. the guest image for this build dir and kernel (vm/build-image.sh, ~10 s)
# 3. the module builds without warnings at W=1 against that kernel's headers
# 4. boot A, host plugin noop: every op from the guest, a planned daemon
#    upgrade under 10,000 noops (both daemons' counts add up), permissions, module
#    reload, the driver's smoke test (chains, memlock, suspend, unbind, no
#    indirect descriptors), a /dev/accel directory in the way
# 5. boot B, host plugin exec: exec ops, 64/256 MiB round trips, 4 processes,
#    kill -9 during a long op, the driver against a slow device
# After each boot the daemon must report that the guest left no session behind.
# Exit 77 (skip) only when an artifact cannot be built; the reason is printed.
set -uo pipefail

src="$(cd "${1:?source dir}" && pwd)"
build="$(cd "${2:?build dir}" && pwd)"
series="${3:-6.1}"
guest_arch="${4:-$(uname -m)}"
gbuild="$(cd "${5:-$build}" && pwd)"
skip() {
	echo "SKIP: $*"
	exit 77
}

daemon="$build/backend/vhost-user-accel"
[ -x "$daemon" ] || skip "the daemon $daemon is not built"
[ -f "$gbuild/plugins/virtio/libvaccel-virtio.so" ] || skip "the guest plugin libvaccel-virtio.so is not built"
[ -f "$src/driver/linux/Makefile" ] || skip "no guest driver source in $src/driver/linux"
mylib="$build/examples/libmytestlib.so"
vmlib="$build/tests/vm/libvmtest.so"
[ -f "$mylib" ] || skip "libmytestlib.so is not built"
[ -f "$vmlib" ] || skip "libvmtest.so is not built"

work="$build/tests/vm/run-$series"
[ "$guest_arch" = "$(uname -m)" ] || work="$work-$guest_arch"
rm -rf "$work"
mkdir -p "$work"

t0=$(date +%s)
echo "# QEMU: vmm/qemu/build-qemu.sh"
if ! qemu="$("$src/vmm/qemu/build-qemu.sh" --target "$guest_arch" 2>"$work/qemu-build.log" | tail -n1)" ||
	[ ! -x "$qemu" ]; then
	tail -n 20 "$work/qemu-build.log"
	skip "QEMU with vhost-user-accel could not be built (log above)"
fi
echo "# QEMU: $qemu ($(($(date +%s) - t0)) s)"

t1=$(date +%s)
uplib=/usr/local/lib/libmytestlib.so
if [ "$gbuild" != "$build" ]; then
	# The host's build of the library, for the exec boot to upload.
	mkdir -p "$work/extra/opt/host"
	cp "$mylib" "$work/extra/opt/host/"
	uplib=/opt/host/libmytestlib.so
fi
VACCEL_GUEST_KVER="$series" VACCEL_IMAGE_EXTRA="$work/extra" \
	"$src/vm/build-image.sh" --arch "$guest_arch" "$gbuild" "$work/image" 2>&1 | sed 's/^/# /'
rc=${PIPESTATUS[0]}
case $rc in
0) ;;
3) skip "the image has no virtio_accel.ko (no module source)" ;;
4) skip "the guest kernel package could not be obtained" ;;
*)
	echo "not ok - guest image build (exit $rc)"
	echo "0 passed, 1 failed"
	exit 1
	;;
esac
kver="$(cat "$work/image/KERNEL_VERSION")"
echo "# image: $work/image, kernel $kver ($(($(date +%s) - t1)) s)"

export VACCEL_QEMU="$qemu" VACCEL_BUILD_DIR="$build" VACCEL_VM_IMAGE_DIR="$work/image"
export VACCEL_DAEMON="$daemon" VACCEL_LOG_LEVEL=3
unset VACCEL_DAEMON_ARGS
pass=0
fail=0
ok() {
	pass=$((pass + 1))
	echo "ok - $*"
}
notok() {
	fail=$((fail + 1))
	echo "not ok - $*"
}

# The module against this kernel's headers with W=1: not one warning. The
# image says where they are (another architecture's are unpacked, with its
# cross compiler).
kbuild=(KDIR="/usr/src/linux-headers-$kver")
[ ! -f "$work/image/KBUILD_ARGS" ] || mapfile -t kbuild <"$work/image/KBUILD_ARGS"
hdr="${kbuild[0]#KDIR=}"
mkdir -p "$work/w1/driver/linux"
cp -a "$src/include" "$work/w1/"
(cd "$src/driver/linux" && cp Kbuild Makefile ./*.c ./*.h "$work/w1/driver/linux/")
make -C "$work/w1/driver/linux" "${kbuild[@]}" W=1 >"$work/w1.log" 2>&1
rc=$?
if [ $rc -eq 0 ] && ! grep -q 'warning:' "$work/w1.log"; then
	ok "module builds without warnings at W=1 against $kver"
else
	notok "module build at W=1 against $kver (exit $rc)"
	grep -E 'warning:|error:' "$work/w1.log" | head -n 20 | sed 's/^/#   /'
fi
# Kernels that can have DRM accel keep /dev/accel for it: no alias there.
alias=yes
grep -q '^CONFIG_DRM_ACCEL=y' "$hdr/.config" 2>/dev/null && alias=no

boot() { # boot NAME PLUGIN [vaccel-vm options...]
	local name="$1" plugin="$2" t rc
	shift 2
	t=$(date +%s)
	echo "# boot $name: host plugin $plugin"
	rm -f "$work/$name.pid"
	VACCEL_PLUGINS="$plugin" VACCEL_VM_DAEMON_PIDFILE="$work/$name.pid" \
		"$src/vm/vaccel-vm" --no-kvm --vcpus 2 -t 900 "$@" >"$work/$name.log" 2>&1 &
	local vm=$! signalled=0
	# When the guest asks (VMTEST-REPORT-NOW), make the daemon report its live sessions.
	while kill -0 "$vm" 2>/dev/null; do
		if [ $signalled -eq 0 ] && grep -q '^VMTEST-REPORT-NOW' "$work/$name.log"; then
			kill -USR1 "$(cat "$work/$name.pid")" && signalled=1
		fi
		sleep 0.2
	done
	wait "$vm"
	rc=$?
	echo "# boot $name: exit $rc after $(($(date +%s) - t)) s (log: $work/$name.log)"
	# The guest's own results, one line each.
	grep -E '^(not )?ok - ' "$work/$name.log" | sed "s/^\(\(not \)\{0,1\}ok - \)/\1$name: /" | while IFS= read -r l; do
		echo "$l"
	done
	pass=$((pass + $(grep -c '^ok - ' "$work/$name.log")))
	fail=$((fail + $(grep -c '^not ok - ' "$work/$name.log")))
	grep -q '^guest: [0-9]* passed' "$work/$name.log" || {
		notok "$name: the guest test script did not finish"
		tail -n 40 "$work/$name.log" | sed 's/^/#   /'
	}
	grep '^not ok' -A 20 "$work/$name.log" | grep '^#' | sed 's/^/#/' | head -n 60
	if [ $rc -eq 0 ]; then ok "$name: guest exit status 0 propagated"; else notok "$name: vaccel-vm exit $rc"; fi
	# The daemon's view: the VM disconnected and the guest left no session behind,
	# at every disconnect (a device reset is one too). What was left is listed by id
	# just before its line.
	disc="$(grep 'frontend disconnected' "$work/$name.log")"
	if [ -n "$disc" ] && ! grep -qv 'frontend disconnected: released 0 sessions,' <<<"$disc"; then
		ok "$name: no sessions left on the host at disconnect"
	else
		notok "$name: sessions left on the host at disconnect (or no disconnect logged)"
		grep -E 'frontend disconnected|<info>   (session|resource)s:' "$work/$name.log" | sed 's/^/#   /'
	fi
	if [ $signalled -eq 1 ]; then
		if grep -q 'live sessions: 0,' <<<"$(sed -n '/^VMTEST-REPORT-NOW/,$p' "$work/$name.log")"; then
			ok "$name: daemon reports no live sessions after the guest's processes ended (SIGUSR1)"
		else
			notok "$name: daemon still has live sessions (SIGUSR1 report)"
			grep 'live sessions' "$work/$name.log" | sed 's/^/#   /'
		fi
	fi
	# Kernel reports as the kernel prints them ("] BUG: ...", not "MP-BIOS bug:"), WARN_ONs included.
	crash='AddressSanitizer|runtime error:|Assertion .* failed|Segmentation fault|Kernel panic|\] BUG: |\] Oops|\] WARNING: CPU:|\] general protection'
	if grep -qE "$crash" "$work/$name.log"; then
		notok "$name: crash, sanitizer report or kernel oops in the log"
		grep -E "$crash" "$work/$name.log" | head -n 5 | sed 's/^/#   /'
		# The first report whole (what and where), not only the lines that match.
		first=$(grep -m1 -nE "$crash" "$work/$name.log" | cut -d: -f1)
		echo "#   first report, from line $first of $work/$name.log:"
		sed -n "$((first > 5 ? first - 5 : 1)),$((first + 45))p" "$work/$name.log" | sed 's/^/#   | /'
	else
		ok "$name: no crash or oops"
	fi
}

# The daemon refuses EXEC of libraries it was not told about, whatever the plugin.
execargs=(--daemon-arg "--exec-allow=$mylib:$vmlib" --daemon-arg --allow-exec-upload)
# The driver's slow-device test keeps every worker in a 9 s sleep: a daemon that
# hands a queue to a new worker when an op runs long must not do so before that.
if "$daemon" --help 2>&1 | grep -q -- '--stuck-op-ms'; then
	execargs+=(--daemon-arg --stuck-op-ms=30000)
fi
boot noop libvaccel-noop.so -m 1024 "${execargs[@]}" --daemon-control -c "VMT_ALIAS=$alias vm-tests.sh noop $mylib $vmlib"
# The planned upgrade in the noop boot: each of the guest's 10,000 noops on its
# session ran exactly once, some on the old daemon, the rest on the new one.
upgrade_ops() {
	local log="$work/noop.log" handed sess before after
	handed="$(grep -o 'session [0-9]* handed over: [0-9]* ops' "$log")"
	if [ "$(printf '%s\n' "$handed" | grep -c .)" -ne 1 ]; then
		notok "noop: upgrade: one session handed over (host log: '${handed}')"
		return
	fi
	sess="$(printf '%s\n' "$handed" | awk '{print $2}')"
	before="$(printf '%s\n' "$handed" | awk '{print $5}')"
	after="$(grep -o "session $sess (taken over at a handover) released: [0-9]* ops" "$log" | awk '{print $9}')"
	if [ -n "$after" ] && [ "$before" -gt 0 ] && [ "$after" -gt 0 ] &&
		[ $((before + after)) -eq 10000 ]; then
		ok "noop: upgrade: session $sess: $before noops on the old daemon + $after on the new one = 10000"
	else
		notok "noop: upgrade: session $sess: old daemon $before + new daemon '${after}' noops, expected 10000 in all (both > 0)"
	fi
}
upgrade_ops
boot exec libvaccel-exec.so -m 1536 "${execargs[@]}" --daemon-control -c "VMT_ALIAS=$alias vm-tests.sh exec $mylib $vmlib $uplib"

# Launcher contract: bad options are a one-line error with exit 2.
"$src/vm/vaccel-vm" --bogus >"$work/usage.log" 2>&1
rc=$?
if [ $rc -eq 2 ] && [ "$(wc -l <"$work/usage.log")" -eq 1 ]; then
	ok "vaccel-vm: bad option -> exit 2, one line"
else
	notok "vaccel-vm: bad option gave exit $rc: $(head -n 3 "$work/usage.log")"
fi
"$src/vm/vaccel-vm" -k /nonexistent/bzImage -c true >"$work/usage.log" 2>&1
rc=$?
if [ $rc -eq 2 ] && [ "$(wc -l <"$work/usage.log")" -eq 1 ]; then
	ok "vaccel-vm: missing kernel -> exit 2, one line"
else
	notok "vaccel-vm: missing kernel gave exit $rc"
fi

echo "# total $(($(date +%s) - t0)) s"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
