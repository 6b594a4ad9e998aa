/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Hostile cases: the rings and the vhost-user connection. Chains the ring
 * walker refuses complete with used length 0; ring parts that overlap keep
 * the queue stopped; protocol violations end the connection; connections
 * that stay silent, stop half way through a message or come faster than
 * the daemon has fds cost nobody else their service.
 */
#include <endian.h>
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hc.h"

/* ------------------------------------------------------ ring-level abuse */

/* A fresh connection for raw descriptor writes; returns false if it broke. */
static int raw_case(void (*fill)(struct hf *h))
{
	struct hf h;
	int used;

	assert_int_equal(hf_open(&h, C->d.sock), 0);
	fill(&h);
	used = hf_submit_raw(&h, 0);
	hf_close(&h);
	return used;
}

/* A valid CREATE_SESSION block at offset 0x10000, response at 0x11000. */
static void put_create(struct hf *h)
{
	struct virtio_accel_req_hdr hd;

	memset(&hd, 0, sizeof(hd));
	hd.code = htole16(VIRTIO_ACCEL_C_CREATE_SESSION);
	memcpy(hf_ptr(h, HF_GPA + 0x10000), &hd, sizeof(hd));
}

static void f_oob_addr(struct hf *h)
{
	put_create(h);
	h->vq.desc[0] = hc_desc(HF_GPA + HF_MEM - 8, 40, VRING_DESC_F_NEXT, 1);
	h->vq.desc[1] = hc_desc(HF_GPA + 0x11000, 16, VRING_DESC_F_WRITE, 0);
}

static void f_oob_addr2(struct hf *h)
{
	put_create(h);
	h->vq.desc[0] = hc_desc(HF_GPA + 0x10000, 40, VRING_DESC_F_NEXT, 1);
	h->vq.desc[1] = hc_desc(0xffffffffffff0000ull, 16, VRING_DESC_F_WRITE, 0);
}

static void f_wrap_addr(struct hf *h)
{
	put_create(h);
	h->vq.desc[0] = hc_desc(UINT64_MAX - 4, 40, VRING_DESC_F_NEXT, 1);
	h->vq.desc[1] = hc_desc(HF_GPA + 0x11000, 16, VRING_DESC_F_WRITE, 0);
}

static void f_loop(struct hf *h)
{
	put_create(h);
	h->vq.desc[0] = hc_desc(HF_GPA + 0x10000, 40, VRING_DESC_F_NEXT, 1);
	h->vq.desc[1] = hc_desc(HF_GPA + 0x11000, 16, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 0);
}

static void f_next_oob(struct hf *h)
{
	put_create(h);
	h->vq.desc[0] = hc_desc(HF_GPA + 0x10000, 40, VRING_DESC_F_NEXT, 5000);
}

static void f_long_chain(struct hf *h)
{
	/* HC_MAX_SEGS + 8 one-byte readable descriptors, then the response. */
	put_create(h);
	for (int i = 0; i < HC_MAX_SEGS + 8; i++)
		h->vq.desc[i] = hc_desc(HF_GPA + 0x10000 + (uint64_t)i, 1, VRING_DESC_F_NEXT,
					(uint16_t)(i + 1));
	h->vq.desc[HC_MAX_SEGS + 8] = hc_desc(HF_GPA + 0x11000, 16, VRING_DESC_F_WRITE, 0);
}

static struct vring_desc *itable(struct hf *h)
{
	return hf_ptr(h, HF_GPA + 0x20000);
}

static void f_indirect_badlen(struct hf *h)
{
	put_create(h);
	itable(h)[0] = hc_desc(HF_GPA + 0x10000, 40, VRING_DESC_F_NEXT, 1);
	itable(h)[1] = hc_desc(HF_GPA + 0x11000, 16, VRING_DESC_F_WRITE, 0);
	h->vq.desc[0] = hc_desc(HF_GPA + 0x20000, 31, VRING_DESC_F_INDIRECT, 0);
}

static void f_indirect_nested(struct hf *h)
{
	put_create(h);
	itable(h)[0] = hc_desc(HF_GPA + 0x20000, 32, VRING_DESC_F_INDIRECT, 0);
	h->vq.desc[0] = hc_desc(HF_GPA + 0x20000, 16, VRING_DESC_F_INDIRECT, 0);
}

static void f_indirect_oob(struct hf *h)
{
	put_create(h);
	h->vq.desc[0] = hc_desc(HF_GPA + HF_MEM - 16, 64, VRING_DESC_F_INDIRECT, 0);
}

static void f_indirect_loop(struct hf *h)
{
	put_create(h);
	itable(h)[0] = hc_desc(HF_GPA + 0x10000, 40, VRING_DESC_F_NEXT, 1);
	itable(h)[1] = hc_desc(HF_GPA + 0x11000, 16, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 0);
	h->vq.desc[0] = hc_desc(HF_GPA + 0x20000, 32, VRING_DESC_F_INDIRECT, 0);
}

static void f_indirect_huge(struct hf *h)
{
	put_create(h);
	memset(itable(h), 0, 0x10000);
	h->vq.desc[0] = hc_desc(HF_GPA + 0x20000, 0x10000, VRING_DESC_F_INDIRECT, 0);
}

static void f_write_then_read(struct hf *h)
{
	put_create(h);
	h->vq.desc[0] = hc_desc(HF_GPA + 0x11000, 16, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 1);
	h->vq.desc[1] = hc_desc(HF_GPA + 0x10000, 40, 0, 0);
}

void hcase_ring_abuse(void **state)
{
	void (*cases[])(struct hf *) = {
	    f_oob_addr,	    f_oob_addr2,     f_wrap_addr,	f_loop,
	    f_next_oob,	    f_long_chain,    f_indirect_badlen, f_indirect_nested,
	    f_indirect_oob, f_indirect_loop, f_indirect_huge,	f_write_then_read};

	(void)state;
	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		int used = raw_case(cases[i]);

		/* Completed with used length 0 (or the connection dropped: never a crash). */
		if (used != 0 && used != -ETIMEDOUT)
			fail_msg("case %u: used %d", i, used);
		hc_check();
	}
	assert_true(hf_healthy(&C->h));
}

static void f_avail_runaway(struct hf *h)
{
	hf_raw_avail_idx(h, 1000); /* more than the ring size ahead */
}

void hcase_ring_corrupt(void **state)
{
	struct hf h;

	(void)state;
	assert_int_equal(hf_open(&h, C->d.sock), 0);
	f_avail_runaway(&h);
	usleep(100000);
	hf_close(&h);
	assert_true(hf_healthy(&C->h));
}

/* ----------------------------------------------------- vhost-user abuse */

struct vmsg {
	uint32_t request, flags, size;
	uint8_t payload[256];
};

/*
 * A request the backend does not know is refused softly (as QEMU does):
 * the connection either ends or stays fully usable.
 */
static void expect_closed_or_sane(struct vhu_front *f)
{
	struct pollfd p = {.fd = vhu_front_fd(f), .events = POLLIN};
	uint64_t feat = 0;
	char c;

	if (poll(&p, 1, 300) == 1) {
		assert_true(recv(vhu_front_fd(f), &c, 1, MSG_DONTWAIT) <= 0);
		return;
	}
	assert_int_equal(vhu_front_get_features(f, &feat), 0);
	assert_true(feat & (1ull << 32));
}

static void send_unknown(const struct vmsg *m, size_t len)
{
	struct vhu_front *f;

	assert_int_equal(vhu_front_connect(&f, C->d.sock), 0);
	vhu_front_send_raw(f, m, len, NULL, 0, NULL, 0);
	expect_closed_or_sane(f);
	vhu_front_close(f);
	hc_check();
}

static void send_bad(const struct vmsg *m, size_t len)
{
	struct vhu_front *f;

	assert_int_equal(vhu_front_connect(&f, C->d.sock), 0);
	vhu_front_send_raw(f, m, len, NULL, 0, NULL, 0);
	print_message("vhost-user message %u (flags %u, size %u)\n", m->request, m->flags, m->size);
	hc_expect_closed(f);
	vhu_front_close(f);
	hc_check();
}

void hcase_bad_vhost_user(void **state)
{
	struct vmsg m;

	(void)state;
	/* Unknown request type. */
	m = (struct vmsg){.request = 999, .flags = 1, .size = 0};
	send_unknown(&m, 12);
	m = (struct vmsg){.request = 999, .flags = 1 | 8 /* VHU_FLAG_NEED_REPLY */, .size = 0};
	send_unknown(&m, 12);
	/* Wrong version bits. */
	m = (struct vmsg){.request = VHU_GET_FEATURES, .flags = 7, .size = 0};
	send_bad(&m, 12);
	/* Payload size beyond any message. */
	m = (struct vmsg){.request = VHU_SET_FEATURES, .flags = 1, .size = 0x100000};
	send_bad(&m, 12);
	/* SET_MEM_TABLE with too many regions and no fds. */
	m = (struct vmsg){.request = VHU_SET_MEM_TABLE, .flags = 1, .size = 8 + 32};
	m.payload[0] = 200;
	send_bad(&m, 12 + 8 + 32);
	/* SET_VRING_NUM for a queue that does not exist. */
	m = (struct vmsg){.request = VHU_SET_VRING_NUM, .flags = 1, .size = 8};
	m.payload[0] = 200;
	m.payload[4] = 64;
	send_bad(&m, 12 + 8);
	/* A truncated header, then the connection closes. */
	{
		struct vhu_front *f;

		assert_int_equal(vhu_front_connect(&f, C->d.sock), 0);
		vhu_front_send_raw(f, &m, 5, NULL, 0, NULL, 0);
		vhu_front_close(f);
	}
	assert_true(hf_healthy(&C->h));
}

/* --------------------------------------------------- rings that alias */

/*
 * Defect 1: the used ring placed on the avail ring (directly, or on the
 * same pages seen through a second region). hf_open_cfg() publishes 32
 * chains whose descriptors lie outside guest memory. Every completion then
 * also moves avail->idx: a worker popped and completed forever without
 * looking at its queue's stop flag, one core spun, and closing the
 * connection never finished (its slot lost). The queue must refuse to
 * start, nothing spins, and closing is prompt.
 */
static void aliased_rings(enum hf_ring_layout layout)
{
	struct hf_cfg cfg = {.rings = layout, .extra_fd = -1};
	int closed = td_log_count(&C->d, "frontend disconnected");
	struct hf a;
	long ticks;

	assert_int_equal(hf_open_cfg(&a, C->d.sock, &cfg), 0);
	/*
	 * A kick, and nothing else: rewriting avail->idx here would make an
	 * aliased ring look corrupt (idx behind what was consumed) and hide the
	 * spin this case is about.
	 */
	assert_int_equal(write(a.kick_fd, &(uint64_t){1}, sizeof(uint64_t)), sizeof(uint64_t));
	td_sleep_ms(200);
	ticks = td_cpu_ticks(&C->d);
	td_sleep_ms(500);
	ticks = td_cpu_ticks(&C->d) - ticks;
	print_message("daemon CPU over 500 ms: %ld ticks\n", ticks);
	hf_close(&a);
	if (!td_log_wait(&C->d, "frontend disconnected", closed + 1, 3000)) {
		td_log_dump(&C->d);
		fail_msg("closing the connection did not finish");
	}
	assert_in_range(ticks, 0, 5); /* a spinning worker: 25 or more on a loaded 2-core host */
	assert_true(td_log_wait(&C->d, "ring parts overlap", 1, 1000));
	hc_check();
}

void hcase_ring_used_on_avail(void **state)
{
	(void)state;
	aliased_rings(HF_RING_USED_ON_AVAIL);
}

void hcase_ring_used_aliased(void **state)
{
	(void)state;
	aliased_rings(HF_RING_USED_ALIASED);
}

struct flood {
	struct hf *h;
	bool stop; /* atomic */
};

/* Keep the ring full of malformed chains, as fast as the daemon completes them. */
static void *flood_thread(void *arg)
{
	struct flood *fl = arg;
	struct hf *h = fl->h;
	uint64_t one = 1;

	for (unsigned i = 0; !__atomic_load_n(&fl->stop, __ATOMIC_ACQUIRE); i++) {
		uint16_t used = __atomic_load_n(&h->vq.used->idx, __ATOMIC_ACQUIRE);

		__atomic_store_n(&h->vq.avail->idx, (uint16_t)(used + HF_RING - 1),
				 __ATOMIC_RELEASE);
		if (i % 4096 == 0 && write(h->kick_fd, &one, sizeof(one)) < 0)
			break;
	}
	return NULL;
}

/*
 * Defect 1, the other half: a guest that keeps publishing malformed chains
 * must not keep a worker from seeing that its queue stops. The connection
 * is closed while the flood goes on; the teardown must still finish.
 * A stress case, not a reproducer: on a shared host the flood thread is
 * preempted often enough for the worker to catch up and leave the pop
 * loop anyway, so this passes without the stop check in pop_locked() too
 * (only the aliased rings above supply chains without end, and those no
 * longer start).
 */
void hcase_malformed_flood(void **state)
{
	int closed = td_log_count(&C->d, "frontend disconnected");
	struct flood fl;
	pthread_t tid;
	struct hf a;
	bool done;

	(void)state;
	assert_int_equal(hf_open(&a, C->d.sock), 0);
	for (unsigned i = 0; i < HF_RING; i++) /* gpa 0 lies outside guest memory */
		a.vq.desc[i] = hc_desc(0, 16, 0, 0);
	fl = (struct flood){&a, false};
	assert_int_equal(pthread_create(&tid, NULL, flood_thread, &fl), 0);
	td_sleep_ms(300);
	/* Hang up but keep the memory (and the flood) going. */
	vhu_front_close(a.f);
	a.f = NULL;
	done = td_log_wait(&C->d, "frontend disconnected", closed + 1, 3000);
	__atomic_store_n(&fl.stop, true, __ATOMIC_RELEASE);
	pthread_join(tid, NULL);
	hf_close(&a);
	if (!done) {
		td_log_dump(&C->d);
		fail_msg("closing the connection did not finish while malformed chains flowed");
	}
	hc_check();
}

/* ------------------------------------------- connections that hold on */

/*
 * Defect 7: connections that connect and say nothing. With every slot
 * taken by them, no frontend could connect again, ever. A frontend that
 * has not sent SET_OWNER within --handshake-timeout-ms is dropped; one
 * that did (the bystander, idle meanwhile) is not.
 */
void hcase_silent_connections(void **state)
{
	int silent[3];
	struct hf x;

	(void)state;
	hf_close(&C->h); /* the bystander and 3 silent ones fill --max-connections=4 */
	assert_true(td_log_wait(&C->d, "frontend disconnected", 1, 2000));
	for (unsigned i = 0; i < ARRAY_SIZE(silent); i++) {
		silent[i] = hc_connect_raw(C->d.sock, false);
		assert_true(silent[i] >= 0);
	}
	assert_true(td_log_wait(&C->d, "frontend connected (connection 5)", 1, 2000));
	assert_true(hf_open(&x, C->d.sock) < 0); /* no slot left */
	/* 500 ms later the silent ones are gone. */
	assert_true(td_log_wait(&C->d, "no SET_OWNER within", 3, 3000));
	for (unsigned i = 0; i < ARRAY_SIZE(silent); i++) {
		struct pollfd p = {.fd = silent[i], .events = POLLIN};
		char c;

		assert_int_equal(poll(&p, 1, 2000), 1);
		assert_true(recv(silent[i], &c, 1, MSG_DONTWAIT) <= 0);
		close(silent[i]);
	}
	assert_int_equal(hf_open(&x, C->d.sock), 0);
	assert_true(hf_healthy(&x));
	hf_close(&x);
}

/*
 * Defect 7: a message started and never finished, with 8 fds attached. The
 * daemon held the fds and the slot forever; it must drop the connection
 * --handshake-timeout-ms after the message began, fds included.
 */
void hcase_half_sent_message(void **state)
{
	struct {
		uint32_t request, flags, size;
		uint8_t payload[8];
	} m = {VHU_SET_MEM_TABLE, 1, 8 + 32, {1}};
	int fds[8], held = -1;
	struct vhu_front *f;

	(void)state;
	for (unsigned i = 0; i < ARRAY_SIZE(fds); i++)
		fds[i] = memfd_create("hf-held", MFD_CLOEXEC);
	assert_int_equal(vhu_front_connect(&f, C->d.sock), 0);
	assert_int_equal(vhu_front_set_owner(f), 0);
	/* The header and 8 of the 40 payload bytes, with the fds. */
	vhu_front_send_raw(f, &m, sizeof(m), fds, ARRAY_SIZE(fds), NULL, 0);
	for (unsigned i = 0; i < ARRAY_SIZE(fds); i++)
		close(fds[i]);
	td_sleep_ms(100);
	print_message("daemon fds on our memfds while the message hangs: %d\n",
		      hc_daemon_fds("hf-held"));
	hc_expect_closed(f);
	vhu_front_close(f);
	for (int i = 0; i < 100 && (held = hc_daemon_fds("hf-held")) > 0; i++)
		td_sleep_ms(20);
	print_message("... after it dropped the connection: %d\n", held);
	assert_int_equal(held, 0);
	assert_true(td_log_wait(&C->d, "message not completed within", 1, 1000));
}

/*
 * Defect 7: more connections than the daemon has fds (RLIMIT_NOFILE 64):
 * accept4() fails with EMFILE. The daemon exited on that; it must go on
 * serving the connections it has, without spinning, and accept again once
 * fds are free.
 */
void hcase_out_of_fds(void **state)
{
	int fds[100], n = 0;
	long ticks;

	(void)state;
	hc_restart_with_fds(64);
	for (unsigned i = 0; i < ARRAY_SIZE(fds); i++) {
		int fd = hc_connect_raw(C->d.sock, true);

		if (fd >= 0)
			fds[n++] = fd;
		if (i % 10 == 9)
			td_sleep_ms(20); /* let it accept */
	}
	print_message("%d connections made; daemon fds: %d\n", n, hc_daemon_fds(NULL));
	td_sleep_ms(300);
	if (!td_alive(&C->d)) {
		td_log_dump(&C->d);
		fail_msg("the daemon exited when it ran out of fds");
	}
	ticks = td_cpu_ticks(&C->d);
	td_sleep_ms(500);
	ticks = td_cpu_ticks(&C->d) - ticks;
	print_message("daemon CPU over 500 ms out of fds: %ld ticks\n", ticks);
	assert_in_range(ticks, 0, 10);
	assert_true(hf_healthy(&C->by));
	assert_true(hf_healthy(&C->h));
	for (int i = 0; i < n; i++)
		close(fds[i]);
	assert_true(td_log_wait(&C->d, "out of file descriptors", 1, 1000));
}
