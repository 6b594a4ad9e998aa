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
	fprintf(stderr, "usage: bench-floor eventfd|unix|spin [ITERATIONS]\n"
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
	else
		usage();
	return 0;
}
