/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_seeds DIR: write a seed corpus for each libFuzzer target into
 * DIR/TARGET/ (run-fuzz.sh does, when a corpus is empty): inputs a
 * well-behaved peer would send, in each target's input format, so the
 * fuzzers start past the framing (a valid memory table, rings, requests
 * that decode) and spend their time on what follows.
 *
 * Built like the targets (their libraries are instrumented, which only a
 * libFuzzer binary can link in every fuzz build), it does its work in
 * LLVMFuzzerInitialize and exits before any fuzzing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <linux/virtio_accel.h>
#include <vaccel.h>

#include "fuzz_gen.h"
#include "vaccel_common.h"
#include "vq_priv.h"

static const char *top;

static void save(const char *target, unsigned n, const void *data, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", top, target);
	if (mkdir(path, 0755) < 0 && errno != EEXIST) {
		perror(path);
		exit(1);
	}
	snprintf(path, sizeof(path), "%s/%s/seed-%03u", top, target, n);
	f = fopen(path, "wb");
	if (!f || fwrite(data, 1, len, f) != len || fclose(f)) {
		perror(path);
		exit(1);
	}
}

static uint8_t ring[FUZZ_MEM_SIZE] __attribute__((aligned(4096)));
static uint8_t input[16 + FUZZ_MEM_SIZE];

static void rings(void)
{
	for (unsigned i = 0; i < 40; i++) {
		unsigned log2n = below(9);
		uint16_t num = (uint16_t)(1u << log2n);
		uint16_t off[3] = {0, (uint16_t)(vq_avail_off(num) / 2),
				   (uint16_t)(vq_used_off(num) / 2)};
		uint8_t *p = input;

		/* fuzz-vq-pop: 8 parameter bytes, then the memory image. */
		make_ring(ring, log2n, i & 1);
		p[0] = (uint8_t)log2n;
		p[1] = (uint8_t)((i & 1) | 2 * below(4));
		p[2] = (uint8_t)(16 + below(64));
		p[3] = 1;
		p[4] = p[5] = p[6] = p[7] = 0;
		memcpy(p + 8, ring, FUZZ_MEM_SIZE);
		save("fuzz-vq-pop", i, input, 8 + FUZZ_MEM_SIZE);
		/* fuzz-vq-start: 16 parameter bytes (a driver's layout), then memory. */
		memset(p, 0, 16);
		p[0] = (uint8_t)log2n;
		p[1] = (uint8_t)((i & 1) | (i % 4 == 1 ? 6 : 0));
		memcpy(p + 2, off, sizeof(off));
		p[10] = (uint8_t)(16 + below(200));
		p[11] = 0x10;
		memcpy(p + 16, ring, FUZZ_MEM_SIZE);
		save("fuzz-vq-start", i, input, 16 + FUZZ_MEM_SIZE);
	}
}

static void sessions(void)
{
	static struct stream s;

	for (unsigned i = 0; i < 40; i++) {
		make_session(&s);
		if (i % 4 == 3)
			mutate(&s);
		save("fuzz-vhu-msg", i, s.buf, s.len);
	}
}

/* fuzz-handle's format (fuzz_handle.c): a header, arg types and lengths, read bytes, cuts. */
struct hreq {
	uint8_t b[512];
	size_t n;
};

static void hb(struct hreq *r, const void *p, size_t n)
{
	memcpy(r->b + r->n, p, n);
	r->n += n;
}

static void hhead(struct hreq *r, uint8_t code, uint8_t nr, uint8_t nw, uint32_t flags, uint8_t obj)
{
	uint8_t h[10] = {code, nr, nw, 5 /* break nothing */, 0,
			 0,    0,  0,  0 /* base session */,  obj};

	memcpy(h + 4, &flags, 4);
	r->n = 0;
	hb(r, h, sizeof(h));
}

static void harg(struct hreq *r, uint8_t type, uint16_t len)
{
	hb(r, &type, 1);
	hb(r, &len, 2);
}

static void handle_seeds(void)
{
	uint8_t op_noop = VACCEL_OP_NOOP, op_cls = VACCEL_OP_IMAGE_CLASSIFY;
	uint8_t op_sgemm = VACCEL_OP_BLAS_SGEMM, op_ewr = VACCEL_OP_EXEC_WITH_RESOURCE;
	const char img[] = "an image", name[] = "m.bin";
	int64_t i64 = 2;
	float f = 1.0f, mat[4] = {1, 2, 3, 4};
	struct hreq r;
	unsigned n = 0;

	hhead(&r, VIRTIO_ACCEL_C_CREATE_SESSION, 0, 0, 0, 0);
	save("fuzz-handle", n++, r.b, r.n);
	hhead(&r, VIRTIO_ACCEL_C_DESTROY_SESSION, 0, 0, 0, 0);
	save("fuzz-handle", n++, r.b, r.n);
	hhead(&r, VIRTIO_ACCEL_C_GENOP, 1, 0, 0, 0);
	harg(&r, VACCEL_ARG_UINT8, 1);
	hb(&r, &op_noop, 1);
	save("fuzz-handle", n++, r.b, r.n);
	hhead(&r, VIRTIO_ACCEL_C_GENOP, 2, 2, 0, 0);
	harg(&r, VACCEL_ARG_UINT8, 1);
	harg(&r, VACCEL_ARG_BUFFER, sizeof(img));
	harg(&r, VACCEL_ARG_UCHAR_ARRAY, 64);
	harg(&r, VACCEL_ARG_UCHAR_ARRAY, 64);
	hb(&r, &op_cls, 1);
	hb(&r, img, sizeof(img));
	hb(&r, "\x03\x07\x01\x20", 4); /* cut into pieces */
	save("fuzz-handle", n++, r.b, r.n);
	/* sgemm 2x2: m n k alpha a lda b ldb beta ldc | c */
	hhead(&r, VIRTIO_ACCEL_C_GENOP, 11, 1, 0, 0);
	harg(&r, VACCEL_ARG_UINT8, 1);
	for (int k = 0; k < 3; k++)
		harg(&r, VACCEL_ARG_INT64, 8);
	harg(&r, VACCEL_ARG_FLOAT32, 4);
	harg(&r, VACCEL_ARG_FLOAT32_ARRAY, sizeof(mat));
	harg(&r, VACCEL_ARG_INT64, 8);
	harg(&r, VACCEL_ARG_FLOAT32_ARRAY, sizeof(mat));
	harg(&r, VACCEL_ARG_INT64, 8);
	harg(&r, VACCEL_ARG_FLOAT32, 4);
	harg(&r, VACCEL_ARG_INT64, 8);
	harg(&r, VACCEL_ARG_FLOAT32_ARRAY, sizeof(mat));
	hb(&r, &op_sgemm, 1);
	for (int k = 0; k < 3; k++)
		hb(&r, &i64, 8);
	hb(&r, &f, 4);
	hb(&r, mat, sizeof(mat));
	hb(&r, &i64, 8);
	hb(&r, mat, sizeof(mat));
	hb(&r, &i64, 8);
	hb(&r, &f, 4);
	hb(&r, &i64, 8);
	save("fuzz-handle", n++, r.b, r.n);
	/* Upload two files, register again, unregister, run from it. */
	hhead(&r, VIRTIO_ACCEL_C_REGISTER_RESOURCE, 4, 0, VACCEL_RESOURCE_DATA, 0);
	harg(&r, VACCEL_ARG_STRING, sizeof(name));
	harg(&r, VACCEL_ARG_BUFFER, sizeof(img));
	harg(&r, VACCEL_ARG_STRING, 2);
	harg(&r, VACCEL_ARG_RAW, 3);
	hb(&r, name, sizeof(name));
	hb(&r, img, sizeof(img));
	hb(&r, "b\0xyz", 5);
	save("fuzz-handle", n++, r.b, r.n);
	hhead(&r, VIRTIO_ACCEL_C_REGISTER_RESOURCE, 0, 0, 0, 1);
	save("fuzz-handle", n++, r.b, r.n);
	hhead(&r, VIRTIO_ACCEL_C_UNREGISTER_RESOURCE, 0, 0, 0, 1);
	save("fuzz-handle", n++, r.b, r.n);
	hhead(&r, VIRTIO_ACCEL_C_GENOP, 3, 1, 0, 0);
	harg(&r, VACCEL_ARG_UINT8, 1);
	harg(&r, VACCEL_ARG_INT64, 8);
	harg(&r, VACCEL_ARG_STRING, 2);
	harg(&r, VACCEL_ARG_INT32, 4);
	hb(&r, &op_ewr, 1);
	i64 = 1;
	hb(&r, &i64, 8);
	hb(&r, "f", 2);
	save("fuzz-handle", n++, r.b, r.n);
}

/* fuzz-genop's format (fuzz_genop.c): every op with a few typical args. */
static void genop_seeds(void)
{
	static const uint8_t types[] = {VACCEL_ARG_BUFFER, VACCEL_ARG_INT64,
					VACCEL_ARG_FLOAT32_ARRAY, VACCEL_ARG_UCHAR_ARRAY};
	uint8_t in[128];

	for (unsigned op = 0; op < VACCEL_OP_MAX; op++) {
		size_t n = 0;

		in[n++] = (uint8_t)op;
		in[n++] = 2; /* read args after the op */
		in[n++] = 1; /* write args */
		in[n++] = 0;
		for (unsigned a = 0; a < 3; a++) {
			uint16_t len = a == 1 ? 8 : 16;

			in[n++] = types[(op + a) % ARRAY_SIZE(types)];
			memcpy(in + n, &len, 2);
			n += 2;
		}
		memset(in + n, 1, 24);
		n += 24;
		save("fuzz-genop", op, in, n);
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	if (*argc != 2) {
		fprintf(stderr, "usage: %s DIR\n", (*argv)[0]);
		exit(2);
	}
	top = (*argv)[1];
	if (mkdir(top, 0755) < 0 && errno != EEXIST) {
		perror(top);
		exit(1);
	}
	seed(7);
	rings();
	sessions();
	handle_seeds();
	genop_seeds();
	exit(0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	(void)data;
	(void)size;
	return 0;
}
