/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The system calls of the request hot path (a kick or an interrupt through an
 * eventfd, a wait in epoll), made directly with syscall(2).
 *
 * Why: glibc's write() and epoll_wait() are cancellation points; in a process
 * with threads each wraps the call in __pthread_enable_asynccancel() and
 * __pthread_disable_asynccancel(), ~45 instructions per call, twice per round
 * trip on each side (counted with callgrind, docs/performance.md). Nothing in
 * this tree cancels threads (pthread_cancel is never called), so the hot path
 * has no use for cancellation.
 *
 * Same results as the libc calls: the value, or -1 with errno set. epoll_wait
 * goes through epoll_pwait with no signal mask (arm64 has no epoll_wait).
 */
#ifndef VACCEL_SYS_H
#define VACCEL_SYS_H

#include <signal.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Add one to an eventfd's counter (a kick or an interrupt). */
static inline long vaccel_sys_eventfd_signal(int fd)
{
	uint64_t one = 1;

	return syscall(SYS_write, fd, &one, sizeof(one));
}

static inline long vaccel_sys_epoll_wait(int ep, struct epoll_event *ev, int max, int timeout_ms)
{
	/* A NULL mask: the kernel ignores the size argument, pass the one it expects. */
	return syscall(SYS_epoll_pwait, ep, ev, max, timeout_ms, (const sigset_t *)0,
		       (size_t)(_NSIG / 8));
}

#endif /* VACCEL_SYS_H */
