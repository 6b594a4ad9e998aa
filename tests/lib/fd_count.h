/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fd_count: how many file descriptors this process has open, for tests that
 * check an error path leaks none (compare the count before and after).
 */
#ifndef FD_COUNT_H
#define FD_COUNT_H

#include <fcntl.h>

/* Open fds among 0..1023 (the tests never open more). */
static inline int fd_count_open(void)
{
	int n = 0;

	for (int fd = 0; fd < 1024; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			n++;
	return n;
}

#endif
