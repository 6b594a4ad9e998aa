/* SPDX-License-Identifier: Apache-2.0 */
/* vio_drv_env: pick and configure the driver from the environment. */
#include "vio_drv.h"

#include <errno.h>
#include <stdlib.h>

/* The daemon maps every frontend's memory: in a 32-bit process (3 GiB of address
 * space, armhf) 1 GiB each would leave room for two frontends, so 256 MiB there. */
#define VIO_SHM_MB_DEFAULT (sizeof(void *) == 4 ? 256 : 1024)
#define VIO_SHM_MB_MAX (64 * 1024) /* 64 GiB of address space at most */
#define VIO_POLL_US_MAX 1000000	   /* spinning longer than 1 s is a mistake */
#define VIO_RING_SIZE 256

/* Parse a decimal in [lo, hi]; unset -> def. Returns false if malformed. */
static bool env_u64(const char *name, uint64_t lo, uint64_t hi, uint64_t def, uint64_t *out)
{
	const char *s = getenv(name);
	char *end;
	unsigned long long v;

	*out = def;
	if (!s || !*s)
		return true;
	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

int vio_drv_from_env(struct vio_drv **drv, const char **bad_var)
{
	const char *sock = getenv("VACCEL_VIRTIO_SOCKET");
	struct vio_user_opts o = {.ring_size = VIO_RING_SIZE};
	uint64_t mb;

	*bad_var = NULL;
	if (!sock || !*sock)
		return vio_drv_dev_new(drv, NULL, NULL, NULL);
	if (!env_u64("VACCEL_VIRTIO_SHM_MB", 1, VIO_SHM_MB_MAX, VIO_SHM_MB_DEFAULT, &mb)) {
		*bad_var = "VACCEL_VIRTIO_SHM_MB";
		return -EINVAL;
	}
	if (!env_u64("VACCEL_VIRTIO_POLL_US", 0, VIO_POLL_US_MAX, 0, &o.poll_us)) {
		*bad_var = "VACCEL_VIRTIO_POLL_US";
		return -EINVAL;
	}
	o.socket_path = sock;
	o.shm_bytes = mb << 20;
	return vio_drv_user_new(drv, &o);
}
