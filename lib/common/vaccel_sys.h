/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The system calls of the request hot path (a kick or an interrupt through an
 * eventfd, a wait in epoll), made directly: the syscall instruction on
 * x86-64, syscall(2) elsewhere.
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

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
/*
 * x86-64: the syscall instruction inline. glibc's syscall() is a call that
 * shuffles its arguments into place (~11 instructions) and takes the sixth
 * one on the stack; inline, the arguments go straight into their registers
 * and nothing but rcx and r11 is clobbered. The result as syscall(2) gives
 * it: -1 and errno. Only for calls whose results are never negative but as
 * errors (-4095..-1): this file's (a byte count of 8, a count of events).
 */
static inline long vaccel_sys_ret(long r)
{
	if (r < 0) {
		errno = (int)-r;
		return -1;
	}
	return r;
}

static inline long vaccel_sys3(long n, long a, long b, long c)
{
	long r;

	__asm__ __volatile__("syscall"
			     : "=a"(r)
			     : "0"(n), "D"(a), "S"(b), "d"(c)
			     : "rcx", "r11", "memory");
	return vaccel_sys_ret(r);
}

static inline long vaccel_sys6(long n, long a, long b, long c, long d, long e, long f)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	long r;

	__asm__ __volatile__("syscall"
			     : "=a"(r)
			     : "0"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			     : "rcx", "r11", "memory");
	return vaccel_sys_ret(r);
}
#else
#define vaccel_sys3(n, a, b, c) syscall(n, a, b, c)
#define vaccel_sys6(n, a, b, c, d, e, f) syscall(n, a, b, c, d, e, f)
#endif

/* Add one to an eventfd's counter (a kick or an interrupt). */
static inline long vaccel_sys_eventfd_signal(int fd)
{
	uint64_t one = 1;

	return vaccel_sys3(SYS_write, fd, (long)&one, sizeof(one));
}

static inline long vaccel_sys_epoll_wait(int ep, struct epoll_event *ev, int max, int timeout_ms)
{
	/* A NULL mask: the kernel ignores the size argument, pass the one it expects. */
	return vaccel_sys6(SYS_epoll_pwait, ep, (long)ev, max, timeout_ms, 0, _NSIG / 8);
}

#endif /* VACCEL_SYS_H */
