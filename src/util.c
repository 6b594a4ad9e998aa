/* SPDX-License-Identifier: Apache-2.0 */
/* Small internal helpers and the public string helper. */
#include "rt.h"
#include "vaccel/utils/str.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int rt_errno_to_vaccel(int err)
{
	switch (err) {
	case 0:
		return VACCEL_OK;
	case EPERM:
	case ENOENT:
	case EIO:
	case ENOEXEC:
	case EBADF:
	case EAGAIN:
	case ENOMEM:
	case EACCES:
	case EFAULT:
	case EBUSY:
	case EEXIST:
	case ENODEV:
	case ENOTDIR:
	case EINVAL:
	case ENOSPC:
	case EROFS:
	case EMLINK:
	case ERANGE:
	case ENAMETOOLONG:
	case ENOSYS:
	case ELOOP:
	case ENOTSUP:
		return err; /* the vAccel codes equal these errno values */
	case EISDIR:
		return VACCEL_EINVAL;
	default:
		return VACCEL_EIO;
	}
}

int rt_path_join(char *out, size_t size, const char *dir, const char *name)
{
	int n = snprintf(out, size, "%s/%s", dir, name);

	if (n < 0)
		return VACCEL_EINVAL;
	if ((size_t)n >= size)
		return VACCEL_ENAMETOOLONG;
	return VACCEL_OK;
}

unsigned long long rt_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ULL + (unsigned long long)ts.tv_nsec;
}

bool rt_parse_ulong(const char *s, unsigned long *out)
{
	unsigned long v = 0;

	if (!s || !*s)
		return false;
	for (; *s; s++) {
		unsigned d;

		if (*s < '0' || *s > '9')
			return false;
		d = (unsigned)(*s - '0');
		if (v > (~0UL - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

int vaccel_str_to_lower(const char *str, char *lower, size_t size, char **alloc_lower)
{
	size_t len, i;
	char *dst;

	if (!str || (!alloc_lower && (!lower || !size)))
		return VACCEL_EINVAL;

	len = strlen(str);
	if (alloc_lower) {
		dst = malloc(len + 1);
		if (!dst)
			return VACCEL_ENOMEM;
	} else {
		dst = lower;
		if (len > size - 1)
			len = size - 1;
	}
	for (i = 0; i < len; i++) {
		char c = str[i];
		dst[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
	}
	dst[len] = '\0';
	if (alloc_lower)
		*alloc_lower = dst;
	return VACCEL_OK;
}

int rt_write_all(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return rt_errno_to_vaccel(errno);
		}
		p += n;
		len -= (size_t)n;
	}
	return VACCEL_OK;
}
