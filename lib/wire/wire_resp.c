/* SPDX-License-Identifier: Apache-2.0 */
/* wire: the response block (spec §7), device and driver side. */
#include <endian.h>
#include <string.h>

#include "wire.h"
#include "wire_priv.h"

/*
 * The out lengths after the header at pos. They go one by one (the response
 * may itself be split anywhere), each from where the previous one ended:
 * linear in the iovecs, even for a refused request whose header claims
 * 65535 of them. Apart: a response without lengths does not pay its frame.
 */
__attribute__((noinline)) static void write_lengths(const struct wire_req *req, struct wire_pos pos,
						    const uint64_t *out_len)
{
	pos = wire_pos_step(req->wiov, req->nr_wiov, pos, VIRTIO_ACCEL_RESP_HDR_SIZE);
	for (unsigned i = 0; i < req->resp_nr_out; i++) {
		uint64_t v = htole64(out_len ? out_len[i] : 0);

		wire_iov_write_fast(req->wiov, req->nr_wiov, pos, &v, VIRTIO_ACCEL_OUT_LEN_SIZE);
		pos = wire_pos_step(req->wiov, req->nr_wiov, pos, VIRTIO_ACCEL_OUT_LEN_SIZE);
	}
}

/* The response header as the driver reads it. */
static struct virtio_accel_resp_hdr resp_hdr(uint8_t status, int32_t vaccel_ret, uint64_t id)
{
	struct virtio_accel_resp_hdr h;

	memset(&h, 0, sizeof(h));
	h.status = status;
	h.vaccel_ret = htole32((uint32_t)vaccel_ret);
	h.id = htole64(id);
	return h;
}

/* wire_respond() of a header split over iovecs, or with out lengths. */
__attribute__((noinline)) static uint32_t respond_any(const struct wire_req *req, uint8_t status,
						      int32_t vaccel_ret, uint64_t id,
						      const uint64_t *out_len)
{
	struct virtio_accel_resp_hdr h = resp_hdr(status, vaccel_ret, id);

	wire_iov_write_fast(req->wiov, req->nr_wiov, req->resp_pos, &h, sizeof(h));
	if (req->resp_nr_out)
		write_lengths(req, req->resp_pos, out_len);
	return (uint32_t)req->write_bytes;
}

/*
 * The usual response, a header in one iovec and no out lengths, without a
 * frame: everything else is respond_any()'s.
 */
uint32_t wire_respond(const struct wire_req *req, uint8_t status, int32_t vaccel_ret, uint64_t id,
		      const uint64_t *out_len)
{
	struct virtio_accel_resp_hdr h;
	char *dst;

	if (!req->resp_ok || req->write_bytes > UINT32_MAX)
		return 0;
	dst = wire_iov_span(req->wiov, req->nr_wiov, req->resp_pos, sizeof(h));
	if (!dst || req->resp_nr_out)
		return respond_any(req, status, vaccel_ret, id, out_len);
	h = resp_hdr(status, vaccel_ret, id);
	/* Mostly the same as the last one in this buffer: leave the driver's copy valid. */
	vaccel_put_changed(dst, &h, sizeof(h));
	/* The response ends the writable part: the used length is all of it. */
	return (uint32_t)req->write_bytes;
}

int wire_decode_resp(const void *buf, size_t len, unsigned nr_out, uint8_t *status,
		     int32_t *vaccel_ret, uint64_t *id, uint64_t *out_len)
{
	struct virtio_accel_resp_hdr h;

	if (len < VIRTIO_ACCEL_RESP_SIZE(nr_out))
		return -1;
	memcpy(&h, buf, sizeof(h));
	if (status)
		*status = h.status;
	if (vaccel_ret)
		*vaccel_ret = (int32_t)le32toh(h.vaccel_ret);
	if (id)
		*id = le64toh(h.id);
	for (unsigned i = 0; out_len && i < nr_out; i++) {
		uint64_t v;

		memcpy(&v, (const char *)buf + VIRTIO_ACCEL_RESP_SIZE(i), sizeof(v));
		out_len[i] = le64toh(v);
	}
	return 0;
}
