// SPDX-License-Identifier: Apache-2.0
/*
 * bench-count: a fixed number of round trips and nothing else (no clock
 * reads, no samples, no sorting), for counting instructions under
 * `valgrind --tool=callgrind`. bench/count-instr.py runs each mode for two
 * iteration counts and divides the difference by the difference of the
 * counts, so start-up, connection set-up and exit cancel out.
 *
 *   bench-count noop ITER                 vaccel_noop()
 *   bench-count arraycopy BYTES ITER      vaccel_fpga_arraycopy() of BYTES
 *   bench-count sgemm DIM ITER            vaccel_sgemm() of DIM x DIM matrices
 *   bench-count eventfd ITER              the eventfd ping-pong floor (forks)
 *   bench-count spin ITER                 the shared-cache-line spin floor (forks);
 *                                         the waits are in bench_spin_wait() so
 *                                         the counter can leave out their
 *                                         timing-dependent iterations
 *
 * The vAccel modes use whatever plugin VACCEL_PLUGINS selects. Exit status 0
 * when every call succeeded; nothing is printed on success.
 */
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vaccel.h>

/* Calls made before the counted ones, so first-touch costs are the same in every run. */
#define BENCH_WARMUP 50

static int count_noop(struct vaccel_session *sess, unsigned iters)
{
	for (unsigned i = 0; i < BENCH_WARMUP + iters; i++) {
		int ret = vaccel_noop(sess);

		if (ret) {
			fprintf(stderr, "bench-count: vaccel_noop: %d\n", ret);
			return 1;
		}
	}
	return 0;
}

static int count_arraycopy(struct vaccel_session *sess, size_t bytes, unsigned iters)
{
	size_t n = bytes / sizeof(int);
	int *in = malloc(n * sizeof(int)), *out = calloc(n, sizeof(int));
	int ret = 1;

	if (!in || !out || n == 0)
		goto out;
	for (size_t i = 0; i < n; i++)
		in[i] = (int)(i * 2654435761u);
	for (unsigned i = 0; i < BENCH_WARMUP + iters; i++) {
		if (vaccel_fpga_arraycopy(sess, in, out, n) != 0) {
			fprintf(stderr, "bench-count: arraycopy failed\n");
			goto out;
		}
	}
	ret = memcmp(in, out, n * sizeof(int)) != 0;
	if (ret)
		fprintf(stderr, "bench-count: arraycopy output differs from its input\n");
out:
	free(in);
	free(out);
	return ret;
}

static int count_sgemm(struct vaccel_session *sess, int64_t dim, unsigned iters)
{
	size_t cells = (size_t)(dim * dim);
	float *a = malloc(cells * sizeof(float)), *b = malloc(cells * sizeof(float));
	float *c = calloc(cells, sizeof(float));
	int ret = 1;

	if (!a || !b || !c || dim <= 0)
		goto out;
	for (size_t i = 0; i < cells; i++) {
		a[i] = (float)(i % 7);
		b[i] = (float)(i % 5);
	}
	for (unsigned i = 0; i < BENCH_WARMUP + iters; i++) {
		if (vaccel_sgemm(sess, dim, dim, dim, 1.0f, a, dim, b, dim, 0.0f, c, dim) != 0) {
			fprintf(stderr, "bench-count: sgemm failed\n");
			goto out;
		}
	}
	ret = 0;
out:
	free(a);
	free(b);
	free(c);
	return ret;
}

static int count_eventfd(unsigned iters)
{
	int ping = eventfd(0, 0), pong = eventfd(0, 0);
	uint64_t v = 1;
	int status = 1;
	pid_t pid;

	if (ping < 0 || pong < 0)
		return 1;
	pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		for (unsigned i = 0; i < BENCH_WARMUP + iters; i++) {
			if (read(ping, &v, sizeof(v)) != sizeof(v) ||
			    write(pong, &v, sizeof(v)) != sizeof(v))
				_exit(1);
		}
		_exit(0);
	}
	for (unsigned i = 0; i < BENCH_WARMUP + iters; i++) {
		if (write(ping, &v, sizeof(v)) != sizeof(v) ||
		    read(pong, &v, sizeof(v)) != sizeof(v))
			break;
	}
	waitpid(pid, &status, 0);
	close(ping);
	close(pong);
	return status != 0;
}

/* Out of line so that its (timing-dependent) cost can be left out of the count. */
__attribute__((noinline)) void bench_spin_wait(_Atomic uint64_t *word, uint64_t value)
{
	while (atomic_load_explicit(word, memory_order_acquire) != value)
		;
}

static int count_spin(unsigned iters)
{
	_Atomic uint64_t *line =
	    mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	uint64_t total = BENCH_WARMUP + (uint64_t)iters;
	int status = 1;
	pid_t pid;

	if (line == MAP_FAILED)
		return 1;
	atomic_store(&line[0], 0);
	atomic_store(&line[16], 0);
	pid = fork();
	if (pid < 0)
		return 1;
	if (pid == 0) {
		for (uint64_t i = 1; i <= total; i++) {
			bench_spin_wait(&line[0], i);
			atomic_store_explicit(&line[16], i, memory_order_release);
		}
		_exit(0);
	}
	for (uint64_t i = 1; i <= total; i++) {
		atomic_store_explicit(&line[0], i, memory_order_release);
		bench_spin_wait(&line[16], i);
	}
	waitpid(pid, &status, 0);
	munmap((void *)line, 4096);
	return status != 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: bench-count noop ITER | arraycopy BYTES ITER | sgemm DIM ITER\n"
			"       bench-count eventfd ITER | spin ITER\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct vaccel_session sess;
	unsigned iters;
	int ret;

	if (argc < 3)
		return usage();
	iters = (unsigned)strtoul(argv[argc - 1], NULL, 10);
	if (strcmp(argv[1], "eventfd") == 0)
		return count_eventfd(iters);
	if (strcmp(argv[1], "spin") == 0)
		return count_spin(iters);

	ret = vaccel_session_init(&sess, 0);
	if (ret) {
		fprintf(stderr, "bench-count: session init failed: %d\n", ret);
		return 1;
	}
	if (strcmp(argv[1], "noop") == 0)
		ret = count_noop(&sess, iters);
	else if (strcmp(argv[1], "arraycopy") == 0 && argc == 4)
		ret = count_arraycopy(&sess, strtoull(argv[2], NULL, 10), iters);
	else if (strcmp(argv[1], "sgemm") == 0 && argc == 4)
		ret = count_sgemm(&sess, strtoll(argv[2], NULL, 10), iters);
	else
		ret = usage();
	vaccel_session_release(&sess);
	return ret;
}
