/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer entry: the host runtime's generic-op unpackers, through the
 * public vaccel_genop() on a session of the noop plugin (what the daemon
 * calls for every GENOP), so the target stays valid whatever the
 * unpackers look like inside.
 *
 * Input: [0] op (EXEC ops become NOOP: they would load libraries the
 * input names), [1] read args after the op, [2] write args, [3] how the op
 * arg itself is typed (bit 0: a 4-byte op, as 0.7.1 programs send it; bit
 * 1: a wrong type), then per arg a type byte (values past the last type
 * included) and a 16-bit length, then the read args' bytes. Every buffer
 * has exactly its length, so ASan sees any access past it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <vaccel.h>

#include "vaccel_common.h"

#define MAX_ARGS 12

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct vaccel_session *sess;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setenv("VACCEL_PLUGINS", FUZZ_NOOP_PLUGIN, 1);
	setenv("VACCEL_LOG_LEVEL", "1", 1);
	if (vaccel_bootstrap() || vaccel_session_new(&sess, 0))
		abort();
	return 0;
}

/* Take n bytes of the input, or fewer at its end. */
static const uint8_t *take(const uint8_t **p, const uint8_t *end, size_t *n)
{
	const uint8_t *at = *p;

	if (*n > (size_t)(end - at))
		*n = (size_t)(end - at);
	*p += *n;
	return at;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vaccel_arg rd[MAX_ARGS + 1], wr[MAX_ARGS];
	const uint8_t *p = data + 4, *end = data + size;
	uint32_t op;
	unsigned nr, nw;

	if (size < 4)
		return 0;
	op = data[0] % VACCEL_OP_MAX;
	if (op == VACCEL_OP_EXEC || op == VACCEL_OP_EXEC_WITH_RESOURCE)
		op = VACCEL_OP_NOOP;
	nr = data[1] % MAX_ARGS;
	nw = data[2] % MAX_ARGS;
	memset(rd, 0, sizeof(rd));
	memset(wr, 0, sizeof(wr));
	rd[0].size = data[3] & 1 ? 4 : 1;
	rd[0].type = data[3] & 2 ? VACCEL_ARG_INT32 : VACCEL_ARG_UINT8;
	rd[0].buf = malloc(rd[0].size);
	memcpy(rd[0].buf, &op, rd[0].size); /* little-endian: the low byte first */
	for (unsigned i = 0; i < nr + nw; i++) {
		struct vaccel_arg *a = i < nr ? &rd[1 + i] : &wr[i - nr];
		size_t n = 3;
		const uint8_t *h = take(&p, end, &n);
		uint16_t len = 0;

		a->type = (vaccel_arg_type_t)(n ? h[0] % (VACCEL_ARG_MAX + 2) : 0);
		if (n == 3)
			memcpy(&len, h + 1, sizeof(len));
		a->size = len % 4096;
	}
	for (unsigned i = 0; i < nr + nw; i++) {
		struct vaccel_arg *a = i < nr ? &rd[1 + i] : &wr[i - nr];
		size_t n = a->size;

		if (i < nr) { /* a read arg is what the input has left, exactly */
			const uint8_t *src = take(&p, end, &n);

			a->size = n;
			a->buf = malloc(n ? n : 1);
			memcpy(a->buf, src, n);
		} else {
			a->buf = malloc(n ? n : 1);
			memset(a->buf, 0xa5, n);
		}
	}
	vaccel_genop(sess, rd, (int)nr + 1, nw ? wr : NULL, (int)nw);
	for (unsigned i = 0; i < ARRAY_SIZE(rd); i++)
		free(rd[i].buf);
	for (unsigned i = 0; i < ARRAY_SIZE(wr); i++)
		free(wr[i].buf);
	return 0;
}
