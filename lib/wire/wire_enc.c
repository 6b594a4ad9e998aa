/* SPDX-License-Identifier: Apache-2.0 */
/* wire: the driver-side encoder of the header block (spec §5.1, §5.2). */
#include <endian.h>
#include <string.h>

#include "wire.h"

size_t wire_enc_size(unsigned nr_args)
{
	return (size_t)VIRTIO_ACCEL_HDRS_SIZE(nr_args);
}

size_t wire_encode(void *buf, size_t cap, const struct wire_req *req, const struct wire_enc_arg *rd,
		   const struct wire_enc_arg *wr)
{
	unsigned nr = (unsigned)req->nr_read + req->nr_write;
	size_t need = wire_enc_size(nr);
	struct virtio_accel_req_hdr h;
	uint8_t *p = buf;

	if (cap < need || (req->nr_read && !rd) || (req->nr_write && !wr))
		return 0;
	memset(&h, 0, sizeof(h));
	h.code = htole16(req->code);
	h.nr_read = htole16(req->nr_read);
	h.nr_write = htole16(req->nr_write);
	h.flags = htole32(req->flags);
	h.session_id = htole64(req->session_id);
	h.object_id = htole64(req->object_id);
	h.tag = htole64(req->tag);
	memcpy(p, &h, sizeof(h));
	p += sizeof(h);
	for (unsigned i = 0; i < req->nr_read; i++, p += VIRTIO_ACCEL_ARG_HDR_SIZE)
		wire_put_arg_hdr(p, rd[i].len, rd[i].type, rd[i].custom_type_id,
				 VIRTIO_ACCEL_ARG_READ);
	for (unsigned i = 0; i < req->nr_write; i++, p += VIRTIO_ACCEL_ARG_HDR_SIZE)
		wire_put_arg_hdr(p, wr[i].len, wr[i].type, wr[i].custom_type_id,
				 VIRTIO_ACCEL_ARG_WRITE);
	return need;
}
