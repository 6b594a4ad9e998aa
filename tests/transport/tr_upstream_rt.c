// SPDX-License-Identifier: Apache-2.0
/*
 * libtr-upstream-rt.so: under the daemon (LD_PRELOAD), a stand-in for
 * upstream vAccel's host runtime where it differs from ours: its
 * vaccel_genop() takes the op type only as a UINT8 of 1 byte, refuses op
 * type 0 (NOOP) with EINVAL and has no unpackers for the model ops
 * (ENOTSUP), as upstream main's does; other ops go on to the real one.
 * Each call leaves a line on stderr (the daemon's log) saying what it did.
 */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <vaccel.h>

typedef int (*genop_fn)(struct vaccel_session *, struct vaccel_arg *, int, struct vaccel_arg *,
			int);

int vaccel_genop(struct vaccel_session *sess, struct vaccel_arg *read, int nr_read,
		 struct vaccel_arg *write, int nr_write)
{
	void *sym = dlsym(RTLD_NEXT, "vaccel_genop");
	genop_fn real;
	uint8_t op;

	if (nr_read < 1 || !read || read[0].type != VACCEL_ARG_UINT8 || read[0].size != 1) {
		fprintf(stderr, "upstream stand-in: genop refused an op type that is no UINT8\n");
		return VACCEL_EINVAL;
	}
	memcpy(&op, read[0].buf, 1);
	if (op == VACCEL_OP_NOOP || op >= VACCEL_OP_MAX) {
		fprintf(stderr, "upstream stand-in: genop refused op type %u\n", op);
		return VACCEL_EINVAL;
	}
	if (op >= VACCEL_OP_TF_MODEL_LOAD && op <= VACCEL_OP_TORCH_SGEMM) {
		fprintf(stderr, "upstream stand-in: genop has no unpacker for op %u\n", op);
		return VACCEL_ENOTSUP;
	}
	fprintf(stderr, "upstream stand-in: genop op %u\n", op);
	memcpy(&real, &sym, sizeof(real));
	return real ? real(sess, read, nr_read, write, nr_write) : VACCEL_ENOTSUP;
}
