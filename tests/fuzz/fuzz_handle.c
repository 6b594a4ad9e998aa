/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer entry: one request through the daemon's handler
 * (backend/handle.c: decode, the connection's tables and quotas, session
 * and resource requests, GENOP with its copies and the exec policy) on a
 * connection of its own, with the host runtime and the noop plugin.
 *
 * The input describes a request a driver could send, so decoding succeeds
 * often and the handlers run; then it may break it. Layout:
 *   [0] code (1..5; a value past 5 sends byte [0] itself)
 *   [1] read args, [2] write args (small counts; byte [3] bit 7: counts
 *       of 255 instead, claimed in the header only)
 *   [3] bits 0-2: which header field to corrupt (reserved0, reserved1,
 *       nr_write, a byte of an arg header, none)
 *   [4..7] flags, [8] session (0: the connection's base session, else this
 *       id), [9] object id
 *   per arg: type, 16-bit length (read: the bytes follow later)
 *   the read args' bytes, then bytes cutting the readable and writable
 *   parts into descriptors (1..64 bytes each).
 * Every few inputs the connection's objects are released, so quotas and
 * tables are exercised without the state growing.
 */
#include <endian.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include <linux/virtio_config.h>

#include <vaccel.h>

#include "daemon.h"
#include "vaccel_common.h"
#include "vhu_priv.h"

#define MAX_IOV 256
#define BUF_MAX 8192

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct daemon_opts opts;
static struct daemon d;
static struct worker_ctx w;
static uint64_t base_sid;
static unsigned inputs;

static int no_start(struct vhu_dev *dev, unsigned index, struct vq_dev *vq, int kick_fd,
		    void *opaque)
{
	(void)dev;
	(void)index;
	(void)vq;
	(void)kick_fd;
	(void)opaque;
	return 0;
}

static void no_stop(struct vhu_dev *dev, unsigned index, void *opaque)
{
	(void)dev;
	(void)index;
	(void)opaque;
}

static const struct vhu_dev_ops ops = {.queue_start = no_start, .queue_stop = no_stop};

static void quiet(int level, const char *msg)
{
	(void)level;
	(void)msg;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	/* The daemon's own option parser gives every default; the limits are small. */
	static char *args[] = {"fuzz-handle",
			       "--fd=0",
			       "--max-args=32",
			       "--max-segments=256",
			       "--max-request-bytes=1048576",
			       "--max-sessions=8",
			       "--max-resources=4",
			       "--max-upload-bytes=16384",
			       "--max-mappings=6",
			       "--max-bounce-bytes=65536",
			       NULL};
	struct vhu_dev_config cfg = {.num_queues = 1};

	(void)argc;
	(void)argv;
	setenv("VACCEL_PLUGINS", FUZZ_NOOP_PLUGIN, 1);
	setenv("VACCEL_LOG_LEVEL", "1", 1);
	if (!getenv("XDG_RUNTIME_DIR"))
		setenv("XDG_RUNTIME_DIR", "/dev/shm", 1); /* sessions are directories */
	vhu_set_log(quiet);
	if (vaccel_bootstrap() || opts_parse(&opts, (int)ARRAY_SIZE(args) - 1, args) ||
	    vhu_dev_new(&d.dev, &cfg, &ops, &d) || conn_init(&d.conn, &opts.limits))
		abort();
	d.opts = &opts;
	d.wlim.max_args = opts.max_args;
	d.wlim.max_request_bytes = opts.max_request_bytes;
	/* As if negotiated: resources offered. */
	d.dev->features = (1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_ACCEL_F_RESOURCES);
	if (worker_ctx_init(&w, &d))
		abort();
	w.conn = &d.conn;
	return 0;
}

/* The input, consumed from the front. */
struct in {
	const uint8_t *p, *end;
};

static uint8_t byte(struct in *in)
{
	return in->p < in->end ? *in->p++ : 0;
}

static uint16_t u16(struct in *in)
{
	return (uint16_t)(byte(in) | byte(in) << 8);
}

/* Cut buf[0..len) into iovecs of 1..64 bytes as the input says (one when it has run out). */
static unsigned cut(struct in *in, uint8_t *buf, size_t len, struct iovec *iov, unsigned cap)
{
	unsigned n = 0;
	size_t o = 0;

	while (o < len && n < cap) {
		size_t piece = in->p < in->end && n + 1 < cap ? 1 + byte(in) % 64 : len - o;

		if (piece > len - o)
			piece = len - o;
		iov[n++] = (struct iovec){buf + o, piece};
		o += piece;
	}
	return n;
}

/* A live session to name: the one this connection keeps, made again when gone. */
static uint64_t base_session(void)
{
	static const struct conn_charge none;
	struct conn_entry *e = base_sid ? conn_get(&d.conn, CONN_SESS, base_sid) : NULL;
	struct vaccel_session *s;

	if (e) {
		conn_put(&d.conn, e);
		return base_sid;
	}
	base_sid = 0;
	if (conn_reserve(&d.conn, CONN_SESS, &none))
		return 0;
	if (hostrt_session_new(&s, 0)) {
		conn_unreserve(&d.conn, CONN_SESS, &none);
		return 0;
	}
	if (conn_add(&d.conn, CONN_SESS, s, &none, &base_sid))
		hostrt_session_delete(s);
	return base_sid;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t rbuf[BUF_MAX], wbuf[BUF_MAX];
	static struct iovec iov[MAX_IOV];
	struct in in = {data, data + size};
	struct virtio_accel_req_hdr hdr;
	uint8_t code = byte(&in), nr = byte(&in) % 9, nw = byte(&in) % 5, how = byte(&in);
	uint32_t flags = (uint32_t)u16(&in) | (uint32_t)u16(&in) << 16;
	uint8_t sess = byte(&in), obj = byte(&in);
	struct virtio_accel_arg_hdr ah[16];
	size_t rlen, wlen = 16 + 8 * (size_t)nw;
	struct vq_elem elem;
	unsigned nri;

	memset(&hdr, 0, sizeof(hdr));
	hdr.code = htole16(code % 8 < 6 ? code % 8 : code);
	hdr.nr_read = htole16(how & 0x80 ? 255 : nr);
	hdr.nr_write = htole16(how & 0x80 ? 255 : nw);
	hdr.flags = htole32(flags);
	hdr.session_id = htole64(sess ? sess : base_session());
	hdr.object_id = htole64(obj);
	rlen = sizeof(hdr) + sizeof(ah[0]) * (nr + nw);
	for (unsigned i = 0; i < (unsigned)nr + nw; i++) {
		memset(&ah[i], 0, sizeof(ah[i]));
		ah[i].type = htole32(byte(&in) % (VACCEL_ARG_MAX + 1));
		ah[i].len = htole64(u16(&in) % 2048);
		ah[i].dir = i < nr ? VIRTIO_ACCEL_ARG_READ : VIRTIO_ACCEL_ARG_WRITE;
		if (i < nr)
			rlen += le64toh(ah[i].len);
		else
			wlen += le64toh(ah[i].len);
	}
	switch (how & 7) { /* break one thing, sometimes */
	case 1:
		hdr.reserved0 = 1;
		break;
	case 2:
		hdr.reserved1 = 1;
		break;
	case 3:
		hdr.nr_write = htole16(nw + 1);
		break;
	case 4:
		if (nr + nw)
			((uint8_t *)&ah[0])[byte(&in) % sizeof(ah[0])] ^= byte(&in);
		break;
	}
	if (rlen > BUF_MAX || wlen > BUF_MAX)
		return 0;
	memcpy(rbuf, &hdr, sizeof(hdr));
	memcpy(rbuf + sizeof(hdr), ah, sizeof(ah[0]) * (nr + nw));
	for (size_t o = sizeof(hdr) + sizeof(ah[0]) * (nr + nw); o < rlen; o++)
		rbuf[o] = byte(&in);
	memset(wbuf, 0xee, wlen);
	nri = cut(&in, rbuf, rlen, iov, MAX_IOV / 2);
	/* As vq_dev_pop() fills it: the byte counts are the iovecs' sums. */
	elem = (struct vq_elem){.head = 0, .nr_read = nri, .read_bytes = rlen, .iov = iov};
	elem.nr_write = cut(&in, wbuf, wlen, iov + nri, MAX_IOV / 2);
	elem.write_bytes = wlen;
	handle_request(&d, &w, &elem);
	/* Now and then, everything goes (a disconnect): quotas come back. */
	if (++inputs % 64 == 0) {
		unsigned ns, nres;

		conn_release_all(&d.conn, &ns, &nres);
		base_sid = 0;
	}
	return 0;
}
