/* SPDX-License-Identifier: Apache-2.0 */
#include "hf.h"

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/virtio_config.h>
#include <linux/virtio_ring.h>
#include <vaccel.h>

/* -------------------------------------------------------------- frontend */

#define RING_STRIDE 4096ul

static struct vq_drv *qvq(struct hf *h)
{
	return h->cur ? &h->vq1 : &h->vq;
}

static int qkick(struct hf *h)
{
	return h->cur ? h->kick1 : h->kick_fd;
}

static int qcall(struct hf *h)
{
	return h->cur ? h->call1 : h->call_fd;
}

void *hf_ptr(struct hf *h, uint64_t gpa)
{
	return h->mem + (gpa - HF_GPA);
}

void hf_reset_alloc(struct hf *h)
{
	h->next = 2 * RING_STRIDE;
}

uint64_t hf_alloc(struct hf *h, size_t len, void **p)
{
	size_t off = h->next;

	h->next = (off + len + 7) & ~(size_t)7;
	if (h->next > HF_MEM)
		abort(); /* a test bug */
	if (p)
		*p = h->mem + off;
	return HF_GPA + off;
}

/* Guest memory as cfg says: h->memfd (an fd to hand over) and h->mem. */
static int make_memory(struct hf *h, const struct hf_cfg *cfg)
{
	if (cfg->backing == HF_DISK_FILE) {
		snprintf(h->file, sizeof(h->file), "%s/hf-guest-XXXXXX", cfg->dir);
		h->memfd = mkostemp(h->file, O_CLOEXEC);
	} else {
		h->memfd = memfd_create("hf-guest", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	}
	if (h->memfd < 0 || ftruncate(h->memfd, HF_MEM) < 0)
		return -errno;
	/* As QEMU's memory-backend-memfd: the size is sealed, so the daemon can trust it. */
	if (cfg->backing == HF_MEMFD_SEALED &&
	    fcntl(h->memfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0)
		return -errno;
	h->mem = mmap(NULL, HF_MEM, PROT_READ | PROT_WRITE, MAP_SHARED, h->memfd, 0);
	if (h->mem == MAP_FAILED) {
		h->mem = NULL;
		return -errno;
	}
	if (cfg->rings == HF_RING_USED_ALIASED) {
		h->alias = mmap(NULL, HF_MEM, PROT_READ | PROT_WRITE, MAP_SHARED, h->memfd, 0);
		if (h->alias == MAP_FAILED) {
			h->alias = NULL;
			return -errno;
		}
	}
	if (cfg->extra_fd >= 0) {
		/* Never touched by us: only the daemon faults its pages in. */
		h->extra = mmap(NULL, cfg->extra_size, PROT_READ | PROT_WRITE,
				MAP_SHARED | MAP_NORESERVE, cfg->extra_fd, 0);
		if (h->extra == MAP_FAILED) {
			h->extra = NULL;
			return -errno;
		}
		h->extra_size = cfg->extra_size;
	}
	return 0;
}

static int send_mem_table(struct hf *h, const struct hf_cfg *cfg)
{
	struct vhu_mem_region r[3];
	unsigned n = 0;

	r[n++] = (struct vhu_mem_region){HF_GPA, HF_MEM, (uint64_t)(uintptr_t)h->mem, 0, h->memfd};
	if (h->alias) /* the same pages again, 64 MiB further up in both address spaces */
		r[n++] = (struct vhu_mem_region){HF_GPA + (64u << 20), HF_MEM,
						 (uint64_t)(uintptr_t)h->alias, 0, h->memfd};
	if (h->extra)
		r[n++] = (struct vhu_mem_region){HF_EXTRA_GPA, h->extra_size,
						 (uint64_t)(uintptr_t)h->extra, 0, cfg->extra_fd};
	return vhu_front_set_mem_table(h->f, r, n);
}

/* Queue q's ring as its driver laid it out, starting at base, with its kick and call fds. */
static struct vhu_vring_setup ring_setup(struct hf *h, unsigned q, uint16_t base)
{
	uint64_t d, a, u;

	vq_drv_ring_addrs(q ? &h->vq1 : &h->vq, &d, &a, &u);
	return (struct vhu_vring_setup){.num = HF_RING,
					.desc_uva = (uint64_t)(uintptr_t)hf_ptr(h, d),
					.avail_uva = (uint64_t)(uintptr_t)hf_ptr(h, a),
					.used_uva = (uint64_t)(uintptr_t)hf_ptr(h, u),
					.base = base,
					.kick_fd = q ? h->kick1 : h->kick_fd,
					.call_fd = q ? h->call1 : h->call_fd};
}

int hf_open_cfg(struct hf *h, const char *sock, const struct hf_cfg *cfg)
{
	struct vhu_vring_setup s;
	uint64_t feat, pfeat;
	struct timeval tv = {5, 0};
	int ret;

	memset(h, 0, sizeof(*h));
	h->memfd = h->kick_fd = h->call_fd = h->kick1 = h->call1 = -1;
	ret = vhu_front_connect(&h->f, sock);
	if (ret)
		return ret;
	setsockopt(vhu_front_fd(h->f), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if ((ret = vhu_front_set_owner(h->f)) || (ret = vhu_front_get_features(h->f, &feat)) ||
	    (ret = vhu_front_get_protocol_features(h->f, &pfeat)) ||
	    (ret = vhu_front_set_protocol_features(
		 h->f, pfeat & ((1ull << VHU_PROTOCOL_F_CONFIG) | (1ull << VHU_PROTOCOL_F_MQ)))))
		goto fail;
	h->features = feat & ~(1ull << VIRTIO_RING_F_EVENT_IDX);
	if ((ret = vhu_front_set_features(h->f, h->features)) || (ret = make_memory(h, cfg)) ||
	    (ret = send_mem_table(h, cfg)))
		goto fail;
	hf_reset_alloc(h);
	for (unsigned q = 0; q < 2; q++) {
		struct vq_drv *vq = q ? &h->vq1 : &h->vq;
		int *kf = q ? &h->kick1 : &h->kick_fd, *cf = q ? &h->call1 : &h->call_fd;

		if ((ret = vq_drv_init(vq, HF_RING, h->mem + q * RING_STRIDE,
				       HF_GPA + q * RING_STRIDE, false)))
			goto fail;
		*kf = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		*cf = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		s = ring_setup(h, q, 0);
		if (q == 0 && cfg->rings != HF_RING_NORMAL) {
			/*
			 * Published before the queue starts: HF_RING / 2 chains whose
			 * descriptors lie outside guest memory (gpa 0). With the used
			 * ring on the avail ring, the device's used index starts there.
			 */
			for (unsigned i = 0; i < HF_RING; i++)
				vq->desc[i] = (struct vring_desc){0, 16, 0, 0};
			vq->avail->idx = htole16(HF_RING / 2);
		}
		if (q == 0 && cfg->rings == HF_RING_USED_ON_AVAIL)
			s.used_uva = s.avail_uva;
		if (q == 0 && cfg->rings == HF_RING_USED_ALIASED)
			s.used_uva = s.avail_uva - (uint64_t)(uintptr_t)h->mem +
				     (uint64_t)(uintptr_t)h->alias;
		if ((ret = vhu_front_setup_vring(h->f, q, &s)))
			goto fail;
	}
	/* One round trip: the daemon has handled everything above (queues started). */
	if ((ret = vhu_front_get_features(h->f, &feat)))
		goto fail;
	return 0;
fail:
	hf_close(h);
	return ret ? ret : -EIO;
}

int hf_restart_queue(struct hf *h, unsigned q)
{
	struct vhu_vring_setup s;
	uint64_t feat;
	uint16_t base;
	int ret;

	if ((ret = vhu_front_stop_vring(h->f, q, &base)))
		return ret;
	s = ring_setup(h, q, base);
	if ((ret = vhu_front_setup_vring(h->f, q, &s)))
		return ret;
	return vhu_front_get_features(h->f, &feat); /* handled (started or refused) */
}

int hf_open(struct hf *h, const char *sock)
{
	static const struct hf_cfg sealed = {.extra_fd = -1};

	return hf_open_cfg(h, sock, &sealed);
}

void hf_close(struct hf *h)
{
	if (h->f)
		vhu_front_close(h->f);
	if (h->vq.num)
		vq_drv_destroy(&h->vq);
	if (h->vq1.num)
		vq_drv_destroy(&h->vq1);
	if (h->mem)
		munmap(h->mem, HF_MEM);
	if (h->alias)
		munmap(h->alias, HF_MEM);
	if (h->extra)
		munmap(h->extra, h->extra_size);
	if (h->memfd >= 0)
		close(h->memfd);
	if (h->file[0])
		unlink(h->file);
	if (h->kick_fd >= 0)
		close(h->kick_fd);
	if (h->call_fd >= 0)
		close(h->call_fd);
	if (h->kick1 >= 0)
		close(h->kick1);
	if (h->call1 >= 0)
		close(h->call1);
	memset(h, 0, sizeof(*h));
	h->memfd = h->kick_fd = h->call_fd = h->kick1 = h->call1 = -1;
}

static void kick(struct hf *h)
{
	uint64_t one = 1;

	if (write(qkick(h), &one, sizeof(one)) < 0)
		perror("kick");
}

/* Wait for the used index to pass `want` (2 s). */
static bool wait_used_ms(struct hf *h, uint16_t want, int ms)
{
	for (int i = 0; i < ms / 10; i++) {
		struct pollfd p = {.fd = qcall(h), .events = POLLIN};
		uint64_t v;

		if ((uint16_t)(__atomic_load_n(&qvq(h)->used->idx, __ATOMIC_ACQUIRE) - want) <
		    0x8000)
			return true;
		if (poll(&p, 1, 10) > 0 && read(qcall(h), &v, sizeof(v)) < 0)
			perror("call");
	}
	return false;
}

static bool wait_used(struct hf *h, uint16_t want)
{
	return wait_used_ms(h, want, 2000);
}

int hf_submit(struct hf *h, const struct vq_buf *bufs, unsigned nr, unsigned nw)
{
	uint32_t len = 0;
	int token = 1;
	void *t;
	int ret;

	ret = vq_drv_add(qvq(h), bufs, nr, nw, &token);
	if (ret)
		return ret;
	vq_drv_kick_prepare(qvq(h));
	kick(h);
	if (!wait_used(h, (uint16_t)(qvq(h)->last_used + 1)))
		return -ETIMEDOUT;
	t = vq_drv_get_used(qvq(h), &len);
	return t == &token ? (int)len : -EPROTO;
}

int hf_submit_raw(struct hf *h, uint16_t head)
{
	return hf_submit_raw_ms(h, head, 2000);
}

int hf_submit_raw_ms(struct hf *h, uint16_t head, int ms)
{
	struct vring_avail *av = h->vq.avail;
	uint16_t idx = av->idx;
	uint16_t want = (uint16_t)(h->vq.used->idx + 1);
	unsigned cur = h->cur;
	bool done;

	h->cur = 0; /* raw descriptors live in queue 0 */
	av->ring[idx % HF_RING] = head;
	__atomic_store_n(&av->idx, (uint16_t)(idx + 1), __ATOMIC_RELEASE);
	kick(h);
	done = wait_used_ms(h, want, ms);
	h->cur = cur;
	if (!done)
		return -ETIMEDOUT;
	return (int)h->vq.used->ring[(uint16_t)(want - 1) % HF_RING].len;
}

void hf_raw_avail_idx(struct hf *h, uint16_t idx)
{
	uint64_t one = 1;

	__atomic_store_n(&h->vq.avail->idx, idx, __ATOMIC_RELEASE);
	if (write(h->kick_fd, &one, sizeof(one)) < 0)
		perror("kick");
}

/*
 * Lay out a request in guest memory (allocator, no reset): the readable
 * part split into `split`-byte descriptors, the writable part one.
 */
static unsigned build(struct hf *h, uint16_t code, uint32_t flags, uint64_t sid, uint64_t oid,
		      const struct hf_arg *rd, unsigned nr, const struct hf_arg *wr, unsigned nw,
		      size_t split, struct vq_buf *bufs, uint8_t **wpp, size_t *wlenp)
{
	struct virtio_accel_req_hdr hdr;
	size_t rlen = sizeof(hdr) + 24 * (nr + nw), wlen = 16 + 8 * nw;
	unsigned nb = 0;
	uint8_t *rp, *wp;
	uint64_t rg, wg;
	size_t o;

	for (unsigned i = 0; i < nr; i++)
		rlen += rd[i].len;
	for (unsigned i = 0; i < nw; i++)
		wlen += wr[i].len;
	rg = hf_alloc(h, rlen, (void **)&rp);
	wg = hf_alloc(h, wlen, (void **)&wp);
	memset(&hdr, 0, sizeof(hdr));
	hdr.code = htole16(code);
	hdr.nr_read = htole16((uint16_t)nr);
	hdr.nr_write = htole16((uint16_t)nw);
	hdr.flags = htole32(flags);
	hdr.session_id = htole64(sid);
	hdr.object_id = htole64(oid);
	memcpy(rp, &hdr, sizeof(hdr));
	o = sizeof(hdr);
	for (unsigned i = 0; i < nr + nw; i++) {
		const struct hf_arg *a = i < nr ? &rd[i] : &wr[i - nr];
		struct virtio_accel_arg_hdr ah;

		memset(&ah, 0, sizeof(ah));
		ah.len = htole64(a->len);
		ah.type = htole32(a->type);
		ah.dir = i < nr ? VIRTIO_ACCEL_ARG_READ : VIRTIO_ACCEL_ARG_WRITE;
		memcpy(rp + o, &ah, sizeof(ah));
		o += sizeof(ah);
	}
	for (unsigned i = 0; i < nr; i++) {
		memcpy(rp + o, rd[i].data, rd[i].len);
		o += rd[i].len;
	}
	memset(wp, 0xee, wlen);
	if (!split)
		split = rlen;
	for (o = 0; o < rlen && nb < 64; o += split)
		bufs[nb++] =
		    (struct vq_buf){rg + o, (uint32_t)(o + split > rlen ? rlen - o : split)};
	bufs[nb++] = (struct vq_buf){wg, (uint32_t)wlen};
	*wpp = wp;
	*wlenp = wlen;
	return nb;
}

static void parse_resp(struct hf_resp *resp, int used, uint8_t *wp, size_t wlen,
		       const struct hf_arg *wr, unsigned nw)
{
	uint8_t *r = wp + wlen - 16 - 8 * nw;
	size_t o = 0;

	memset(resp, 0, sizeof(*resp));
	resp->used = used;
	resp->status = 0xff;
	if (used == (int)wlen) {
		resp->status = r[0];
		memcpy(&resp->vret, r + 4, 4);
		memcpy(&resp->id, r + 8, 8);
		for (unsigned i = 0; i < nw && i < 8; i++)
			memcpy(&resp->out_len[i], r + 16 + 8 * i, 8);
	}
	for (unsigned i = 0; i < nw && i < 8; i++) {
		resp->out[i] = wp + o;
		o += wr ? wr[i].len : 0;
	}
}

int hf_request(struct hf *h, uint16_t code, uint32_t flags, uint64_t sid, uint64_t oid,
	       const struct hf_arg *rd, unsigned nr, const struct hf_arg *wr, unsigned nw,
	       size_t split, struct hf_resp *resp)
{
	struct vq_buf bufs[70];
	unsigned nb;
	uint8_t *wp;
	size_t wlen;
	int used;

	if (!h->no_reset)
		hf_reset_alloc(h);
	nb = build(h, code, flags, sid, oid, rd, nr, wr, nw, split, bufs, &wp, &wlen);
	used = hf_submit(h, bufs, nb - 1, 1);
	if (resp)
		parse_resp(resp, used, wp, wlen, wr, nw);
	return used;
}

int hf_post(struct hf *h, uint16_t code, uint32_t flags, uint64_t sid, uint64_t oid,
	    const struct hf_arg *rd, unsigned nr, const struct hf_arg *wr, unsigned nw,
	    struct hf_pending *p)
{
	struct vq_buf bufs[70];
	unsigned nb;
	int ret;

	memset(p, 0, sizeof(*p));
	nb = build(h, code, flags, sid, oid, rd, nr, wr, nw, 0, bufs, &p->wp, &p->wlen);
	p->nw = nw;
	/* out[] pointers are laid out like the write args */
	parse_resp(&p->resp, -1, p->wp, p->wlen, wr, nw);
	ret = vq_drv_add(qvq(h), bufs, nb - 1, 1, p);
	if (ret)
		return ret;
	vq_drv_kick_prepare(qvq(h));
	kick(h);
	return 0;
}

struct hf_pending *hf_reap(struct hf *h, int ms)
{
	struct hf_pending *p;
	uint32_t len = 0;
	void *out[8];

	if (!wait_used_ms(h, (uint16_t)(qvq(h)->last_used + 1), ms))
		return NULL;
	p = vq_drv_get_used(qvq(h), &len);
	if (!p)
		return NULL;
	memcpy(out, p->resp.out, sizeof(out));
	parse_resp(&p->resp, (int)len, p->wp, p->wlen, NULL, p->nw);
	memcpy(p->resp.out, out, sizeof(out));
	p->done = true;
	return p;
}

static const uint8_t hf_noop_op = VACCEL_OP_NOOP;
const struct hf_arg hf_noop_arg = {&hf_noop_op, sizeof(hf_noop_op), VACCEL_ARG_UINT8};

bool hf_healthy(struct hf *h)
{
	struct hf_resp r;
	uint64_t sid;

	if (hf_request(h, VIRTIO_ACCEL_C_CREATE_SESSION, 0, 0, 0, NULL, 0, NULL, 0, 0, &r) < 0 ||
	    r.status != VIRTIO_ACCEL_S_OK || r.vret != 0 || r.id == 0)
		return false;
	sid = r.id;
	if (hf_request(h, VIRTIO_ACCEL_C_GENOP, 0, sid, 0, &hf_noop_arg, 1, NULL, 0, 0, &r) < 0 ||
	    r.status != VIRTIO_ACCEL_S_OK || r.vret != 0)
		return false;
	if (hf_request(h, VIRTIO_ACCEL_C_DESTROY_SESSION, 0, sid, 0, NULL, 0, NULL, 0, 0, &r) < 0 ||
	    r.status != VIRTIO_ACCEL_S_OK)
		return false;
	return true;
}

bool hf_healthy_fresh(const char *sock)
{
	struct hf h;
	bool ok;

	if (hf_open(&h, sock))
		return false;
	ok = hf_healthy(&h);
	hf_close(&h);
	return ok;
}
