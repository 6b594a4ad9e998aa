// SPDX-License-Identifier: Apache-2.0
/*
 * bench-floor: the floors and baselines the transport is measured against,
 * all between two processes on this machine:
 *
 *   eventfd   a request/response ping-pong over two eventfds: the cost of
 *             two process wake-ups, the floor for notification mode;
 *   unix      the same request/response as an RPC transport does it over a
 *             unix stream socket: a framed request (header + argument
 *             headers) in, a framed response out;
 *   spin      a ping-pong on a shared cache line, both sides spinning: the
 *             floor for polling mode;
 *   ring      the same through a split virtqueue (lib/virtio, EVENT_IDX, kicks
 *             and interrupts off), a request as the transport's small one (a
 *             57-byte readable buffer, a 16-byte writable one) read and answered,
 *             both written as the transport writes them (only changed bytes
 *             stored; the request repeats, as a noop's does): what any
 *             split-ring transport pays before its own work;
 *   memcpy    single-thread memcpy bandwidth for a given size.
 *
 * Output: one JSON object per line on stdout, e.g.
 *   {"name":"eventfd","iterations":20000,"p50_us":..,"p99_us":..,"mean_us":..}
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vaccel_common.h"
#include "vq.h"

#include "bench_stats.h"

static void die(const char *what)
{
	perror(what);
	exit(1);
}

/* Read or write exactly len bytes on a stream socket. */
static void xfer(int fd, void *buf, size_t len, int writing)
{
	uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = writing ? write(fd, p, len) : read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die(writing ? "write" : "read");
		p += n;
		len -= (size_t)n;
	}
}

static void bench_eventfd(unsigned iters)
{
	int ping = eventfd(0, 0), pong = eventfd(0, 0);
	uint64_t v = 1;
	double *rtt = calloc(iters, sizeof(*rtt));
	pid_t pid;

	if (ping < 0 || pong < 0 || !rtt)
		die("eventfd");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		for (unsigned i = 0; i < iters; i++) {
			if (read(ping, &v, sizeof(v)) != sizeof(v) ||
			    write(pong, &v, sizeof(v)) != sizeof(v))
				_exit(1);
		}
		_exit(0);
	}
	for (unsigned i = 0; i < iters; i++) {
		double t0 = bench_now_us();

		if (write(ping, &v, sizeof(v)) != sizeof(v) ||
		    read(pong, &v, sizeof(v)) != sizeof(v))
			die("eventfd ping-pong");
		rtt[i] = bench_now_us() - t0;
	}
	waitpid(pid, NULL, 0);
	bench_report("eventfd", rtt, iters);
	free(rtt);
	close(ping);
	close(pong);
}

/*
 * A request shaped like a virtio-accel GENOP noop: a 40-byte header, one
 * 24-byte argument header and a 1-byte argument; the response is 16 bytes.
 * Framed with a 4-byte length, as RPC transports frame messages.
 */
#define RPC_REQ_BYTES (40 + 24 + 1)
#define RPC_RESP_BYTES 16

static void bench_unix(unsigned iters)
{
	int sv[2];
	double *rtt = calloc(iters, sizeof(*rtt));
	pid_t pid;

	if (!rtt || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		die("socketpair");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		uint8_t req[RPC_REQ_BYTES], resp[RPC_RESP_BYTES] = {0};
		uint32_t len;

		close(sv[0]);
		for (unsigned i = 0; i < iters; i++) {
			xfer(sv[1], &len, sizeof(len), 0);
			if (len != sizeof(req))
				_exit(1);
			xfer(sv[1], req, len, 0);
			resp[0] = req[0]; /* "decode" and answer */
			len = sizeof(resp);
			xfer(sv[1], &len, sizeof(len), 1);
			xfer(sv[1], resp, sizeof(resp), 1);
		}
		_exit(0);
	}
	close(sv[1]);
	for (unsigned i = 0; i < iters; i++) {
		uint8_t req[RPC_REQ_BYTES] = {5}, resp[RPC_RESP_BYTES];
		uint32_t len = sizeof(req);
		double t0 = bench_now_us();

		xfer(sv[0], &len, sizeof(len), 1);
		xfer(sv[0], req, sizeof(req), 1);
		xfer(sv[0], &len, sizeof(len), 0);
		if (len != sizeof(resp))
			die("unix rpc framing");
		xfer(sv[0], resp, len, 0);
		rtt[i] = bench_now_us() - t0;
	}
	waitpid(pid, NULL, 0);
	bench_report("unix", rtt, iters);
	free(rtt);
	close(sv[0]);
}

static void bench_spin(unsigned iters)
{
	/* Two counters on separate cache lines in memory shared across fork. */
	_Atomic uint64_t *line =
	    mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	_Atomic uint64_t *ping, *pong;
	double *rtt = calloc(iters, sizeof(*rtt));
	pid_t pid;

	if (line == MAP_FAILED || !rtt)
		die("mmap");
	ping = &line[0];
	pong = &line[16];
	atomic_store(ping, 0);
	atomic_store(pong, 0);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		for (uint64_t i = 1; i <= iters; i++) {
			while (atomic_load_explicit(ping, memory_order_acquire) != i)
				;
			atomic_store_explicit(pong, i, memory_order_release);
		}
		_exit(0);
	}
	for (uint64_t i = 1; i <= iters; i++) {
		double t0 = bench_now_us();

		atomic_store_explicit(ping, i, memory_order_release);
		while (atomic_load_explicit(pong, memory_order_acquire) != i)
			;
		rtt[i - 1] = bench_now_us() - t0;
	}
	waitpid(pid, NULL, 0);
	bench_report("spin", rtt, iters);
	free(rtt);
	munmap((void *)line, 4096);
}

#define RING_NUM 256
#define RING_MEM (1u << 20)
#define RING_REQ (512u << 10) /* the request's bytes; the response 64 bytes after */
#define RING_REQ_LEN 57	      /* header + one arg header + an op type, as a noop's */
#define RING_RESP_LEN 16
#define RING_REPEAT 64 /* requests in a row with the same bytes */

/* The device's view of the shared area: addresses are offsets into it. */
static void *ring_map(void *opaque, uint64_t addr, uint64_t len)
{
	return addr <= RING_MEM && len <= RING_MEM - addr ? (uint8_t *)opaque + addr : NULL;
}

/* The device: pop, read the request, answer, push; polling, as the daemon does. */
static void ring_device(uint8_t *mem, unsigned iters)
{
	uint64_t d, a, u;
	struct vq_drv drv_view;
	struct vq_dev dev;
	struct vq_elem elem;
	struct iovec iov[2];

	/* The ring's geometry as the driver laid it out (a local copy: nothing written). */
	memset(&drv_view, 0, sizeof(drv_view));
	drv_view.num = RING_NUM;
	drv_view.ring_addr = 0;
	vq_drv_ring_addrs(&drv_view, &d, &a, &u);
	if (vq_dev_init(&dev, RING_NUM, mem + d, mem + a, mem + u, 0, true, NULL, ring_map, mem))
		die("vq_dev_init");
	vq_dev_set_notify(&dev, false);
	for (unsigned i = 0; i < iters; i++) {
		uint8_t req[RING_REQ_LEN], resp[RING_RESP_LEN];

		while (!vq_dev_avail_pending(&dev))
			;
		if (vq_dev_pop(&dev, &elem, iov, 2) != 1 || iov[0].iov_len != RING_REQ_LEN ||
		    iov[1].iov_len != RING_RESP_LEN)
			die("ring: unexpected chain");
		memcpy(req, iov[0].iov_base, sizeof(req));
		memset(resp, req[RING_REQ_LEN - 1], sizeof(resp));
		vaccel_put_changed(iov[1].iov_base, resp, sizeof(resp));
		vq_dev_push(&dev, elem.head, RING_RESP_LEN);
	}
}

static void bench_ring(unsigned iters)
{
	uint8_t *mem =
	    mmap(NULL, RING_MEM, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	const struct vq_buf bufs[2] = {{RING_REQ, RING_REQ_LEN}, {RING_REQ + 64, RING_RESP_LEN}};
	double *rtt = calloc(iters, sizeof(*rtt));
	struct vq_drv drv;
	int token;
	pid_t pid;

	if (mem == MAP_FAILED || !rtt || vq_ring_bytes(RING_NUM) > RING_REQ)
		die("ring: setup");
	if (vq_drv_init(&drv, RING_NUM, mem, 0, true))
		die("vq_drv_init");
	vq_drv_disable_cb(&drv);
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		ring_device(mem, iters);
		_exit(0);
	}
	for (unsigned i = 0; i < iters; i++) {
		double t0 = bench_now_us();
		uint8_t req[RING_REQ_LEN], want = (uint8_t)(i / RING_REPEAT);
		uint32_t len;

		/* A call repeated RING_REPEAT times, then another, stored as the transport does. */
		memset(req, want, sizeof(req));
		vaccel_put_changed(mem + RING_REQ, req, sizeof(req));
		if (vq_drv_add(&drv, bufs, 1, 1, &token))
			die("vq_drv_add");
		(void)vq_drv_kick_prepare(&drv); /* the device polls: no kick is asked for */
		while (!vq_drv_get_used(&drv, &len))
			;
		if (len != RING_RESP_LEN || mem[RING_REQ + 64] != want)
			die("ring: wrong answer");
		rtt[i] = bench_now_us() - t0;
	}
	waitpid(pid, NULL, 0);
	bench_report("ring", rtt, iters);
	free(rtt);
	vq_drv_destroy(&drv);
	munmap(mem, RING_MEM);
}

static void bench_memcpy(size_t bytes, unsigned iters)
{
	char *src = malloc(bytes), *dst = malloc(bytes);
	double *t = calloc(iters, sizeof(*t));
	char name[64];

	if (!src || !dst || !t)
		die("malloc");
	/* Touch both buffers so page faults are not measured. */
	memset(src, 0x5a, bytes);
	memset(dst, 0, bytes);
	for (unsigned i = 0; i < iters; i++) {
		double t0 = bench_now_us();

		memcpy(dst, src, bytes);
		__asm__ volatile("" : : "r"(dst) : "memory");
		t[i] = bench_now_us() - t0;
	}
	snprintf(name, sizeof(name), "memcpy_%zu", bytes);
	bench_report_bytes(name, t, iters, bytes);
	free(src);
	free(dst);
	free(t);
}

static void usage(void)
{
	fprintf(stderr, "usage: bench-floor eventfd|unix|spin|ring [ITERATIONS]\n"
			"       bench-floor memcpy BYTES [ITERATIONS]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned iters;

	if (argc < 2)
		usage();
	if (strcmp(argv[1], "memcpy") == 0) {
		if (argc < 3)
			usage();
		iters = argc > 3 ? (unsigned)strtoul(argv[3], NULL, 10) : 20;
		bench_memcpy(strtoull(argv[2], NULL, 10), iters ? iters : 20);
		return 0;
	}
	iters = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 10) : 20000;
	if (iters == 0)
		usage();
	if (strcmp(argv[1], "eventfd") == 0)
		bench_eventfd(iters);
	else if (strcmp(argv[1], "unix") == 0)
		bench_unix(iters);
	else if (strcmp(argv[1], "spin") == 0)
		bench_spin(iters);
	else if (strcmp(argv[1], "ring") == 0)
		bench_ring(iters);
	else
		usage();
	return 0;
}
