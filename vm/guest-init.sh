#!/bin/sh
# /init of the vAccel VirtIO guest image (busybox). Installed by vm/build-image.sh
# into both the initramfs and rootfs.img.
#
# Kernel command line (all optional):
#   vaccel.root=DEV     mount DEV (ext4) and switch_root into it (rootfs boots)
#   vaccel.cmd=B64      base64 of the command to run (short commands)
#   vaccel.share=TAG    mount the virtiofs TAG at /data
#   vaccel.user=NAME    run the command as NAME instead of root
#   vaccel.debug=1      keep kernel messages, trace this script
# A longer command comes from fw_cfg (opt/vaccel/cmd) or /data/.vaccel-cmd.
# Without a command: an interactive shell on the console.
#
# After the command: a line "VACCEL-VM-EXIT-STATUS: N" (N = its exit status),
# then power off.

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root
umask 022

mnt() { grep -q "^[^ ]* $3 " /proc/mounts 2>/dev/null || mount -t "$1" "$2" "$3"; }
say() { echo "vaccel-init: $*"; }

mkdir -p /proc /sys /dev /tmp /run /data
mnt proc proc /proc
mnt sysfs sysfs /sys
mnt devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mnt devpts devpts /dev/pts
mnt tmpfs tmpfs /dev/shm
mnt tmpfs tmpfs /tmp
mnt tmpfs tmpfs /run
chmod 1777 /tmp /dev/shm

root="" cmd64="" share="" user="" debug=0
for arg in $(cat /proc/cmdline); do
	case "$arg" in
	vaccel.root=*) root="${arg#vaccel.root=}" ;;
	vaccel.cmd=*) cmd64="${arg#vaccel.cmd=}" ;;
	vaccel.share=*) share="${arg#vaccel.share=}" ;;
	vaccel.user=*) user="${arg#vaccel.user=}" ;;
	vaccel.debug=1) debug=1 ;;
	esac
done
[ "$debug" = 1 ] && set -x
[ "$debug" = 1 ] || echo 1 >/proc/sys/kernel/printk

# Virtio transport and device modules, in dependency order (written by the builder).
if [ -f /etc/vaccel/modules.list ]; then
	while read -r ko; do
		[ -n "$ko" ] && insmod "$ko" 2>/dev/null
	done </etc/vaccel/modules.list
fi

if [ -n "$root" ] && [ -z "$VACCEL_SWITCHED" ]; then
	i=0
	while [ ! -b "$root" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	mkdir -p /newroot
	if mount -t ext4 "$root" /newroot; then
		for d in /proc /sys /dev /run; do mkdir -p /newroot$d && mount --move $d /newroot$d; done
		export VACCEL_SWITCHED=1
		exec switch_root /newroot /init
	fi
	say "cannot mount $root; staying in the initramfs"
fi

# Our driver: /dev/vaccel (and /dev/accel where that name is free) for the
# group vaccel only; without udev we do what driver/linux/60-virtio-accel.rules does.
if [ -f /lib/modules/vaccel/virtio_accel.ko ] && ! grep -q '^virtio_accel ' /proc/modules; then
	insmod /lib/modules/vaccel/virtio_accel.ko || say "cannot load virtio_accel.ko"
fi
grep -q '^vaccel:' /etc/group || echo 'vaccel:x:1000:vaccel' >>/etc/group
i=0
# Wait for the node only if there is a virtio-accel device (ID 57 = 0x0039).
grep -qx 0x0039 /sys/bus/virtio/devices/*/device 2>/dev/null || i=20
while [ ! -c /dev/vaccel ] && [ $i -lt 20 ] && grep -q '^virtio_accel ' /proc/modules; do
	sleep 0.1
	i=$((i + 1))
done
for n in /dev/vaccel /dev/accel; do
	[ -c "$n" ] && chgrp vaccel "$n" && chmod 0660 "$n"
done

if [ -n "$share" ]; then
	mount -t virtiofs "$share" /data || say "cannot mount virtiofs '$share' at /data"
fi

# The command: fw_cfg, then the kernel command line, then the share.
cmd=""
fwc=/sys/firmware/qemu_fw_cfg/by_name/opt/vaccel/cmd/raw
if [ -r "$fwc" ]; then
	cmd="$(cat "$fwc")"
elif [ -n "$cmd64" ]; then
	cmd="$(echo "$cmd64" | base64 -d)"
elif [ -f /data/.vaccel-cmd ]; then
	cmd="$(cat /data/.vaccel-cmd)"
fi

export VACCEL_PLUGINS="${VACCEL_PLUGINS:-libvaccel-virtio.so}"
export LD_LIBRARY_PATH=/usr/local/lib
export VACCEL_LOG_LEVEL="${VACCEL_LOG_LEVEL:-1}"
hostname vaccel-guest 2>/dev/null
cd /data 2>/dev/null || cd /

if [ -z "$cmd" ]; then
	echo "vaccel guest: interactive shell (exit or Ctrl-D powers off)"
	setsid cttyhack sh -l
	sync
	poweroff -f
fi

if [ -n "$user" ] && [ "$user" != root ]; then
	su -s /bin/sh "$user" -c "export VACCEL_PLUGINS='$VACCEL_PLUGINS' LD_LIBRARY_PATH=$LD_LIBRARY_PATH VACCEL_LOG_LEVEL=$VACCEL_LOG_LEVEL; $cmd"
else
	sh -c "$cmd"
fi
rc=$?
sync
echo "VACCEL-VM-EXIT-STATUS: $rc"
poweroff -f
