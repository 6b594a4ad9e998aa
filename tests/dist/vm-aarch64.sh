#!/usr/bin/env bash
# The aarch64 guest (suite dist): the VM suite's two boots (every op's example
# with the noop host plugin, module reload and permissions; the exec plugin's
# ops, big arguments, concurrency, kill -9) on qemu-system-aarch64 -M virt with
# virtio-mmio, Debian's cloud-arm64 kernel and our arm64 module, the daemon on
# this machine (Debian 12's 6.1 cloud-arm64 kernel).
#   vm-aarch64.sh SOURCE_DIR BUILD_DIR
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
gbuild="$("$here/cross-build.sh" "$1" "$2" arm64)"
rc=$?
[ $rc -eq 0 ] || { echo "$gbuild"; exit $rc; }
exec "$1/tests/vm/run-vm-tests.sh" "$1" "$2" 6.1 aarch64 "$gbuild"
