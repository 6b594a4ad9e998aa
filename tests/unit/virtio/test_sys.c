// SPDX-License-Identifier: Apache-2.0
/*
 * The hot path's direct system calls (lib/common/vaccel_sys.h): the results
 * and errno the libc calls give, on success and on every error they meet.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cmocka.h>

#include "vaccel_sys.h"
#include "vt_main.h"

static void test_eventfd_signal(void **state)
{
	int fd = eventfd(0, EFD_NONBLOCK);
	uint64_t v = 0;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(vaccel_sys_eventfd_signal(fd), 8);
	assert_int_equal(vaccel_sys_eventfd_signal(fd), 8);
	assert_int_equal(read(fd, &v, sizeof(v)), sizeof(v));
	assert_int_equal(v, 2);
	/* A saturated counter: EAGAIN, as write() gives it. */
	v = UINT64_MAX - 1;
	assert_int_equal(write(fd, &v, sizeof(v)), sizeof(v));
	errno = 0;
	assert_int_equal(vaccel_sys_eventfd_signal(fd), -1);
	assert_int_equal(errno, EAGAIN);
	close(fd);
	errno = 0;
	assert_int_equal(vaccel_sys_eventfd_signal(fd), -1);
	assert_int_equal(errno, EBADF);
}

static void test_epoll_wait(void **state)
{
	int ep = epoll_create1(0), fd = eventfd(0, EFD_NONBLOCK);
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 0x1234567890abcdefull}, out[2];

	(void)state;
	assert_true(ep >= 0 && fd >= 0);
	assert_int_equal(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev), 0);
	assert_int_equal(vaccel_sys_epoll_wait(ep, out, 2, 0), 0); /* nothing ready */
	assert_int_equal(vaccel_sys_eventfd_signal(fd), 8);
	assert_int_equal(vaccel_sys_epoll_wait(ep, out, 2, -1), 1);
	assert_int_equal(out[0].data.u64, 0x1234567890abcdefull);
	assert_true(out[0].events & EPOLLIN);
	errno = 0;
	assert_int_equal(vaccel_sys_epoll_wait(ep, out, 0, 0), -1); /* maxevents 0 */
	assert_int_equal(errno, EINVAL);
	close(fd);
	close(ep);
	errno = 0;
	assert_int_equal(vaccel_sys_epoll_wait(ep, out, 2, 0), -1);
	assert_int_equal(errno, EBADF);
}

VT_MAIN(NULL, NULL, test_eventfd_signal, test_epoll_wait)
