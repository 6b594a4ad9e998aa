/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Hostile cases: guest memory. Memory the frontend can shrink (or that
 * runs out of huge pages) never costs the daemon a fatal fault: it is
 * refused when that can be seen at SET_MEM_TABLE, and a fault that still
 * happens ends only that connection. Descriptors that alias one guest
 * buffer cannot multiply host memory past the connection's bounce budget.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hc.h"

/*
 * Guest memory that can shrink under the daemon's mapping: a memfd without
 * F_SEAL_SHRINK is refused at SET_MEM_TABLE (the connection ends, with a
 * log line). Without that check, shrinking it and posting a request kills
 * the daemon with SIGBUS.
 */
void hcase_unsealed_memfd(void **state)
{
	static const struct hf_cfg unsealed = {.backing = HF_MEMFD_UNSEALED, .extra_fd = -1};
	struct hf a;
	int ret;

	(void)state;
	ret = hf_open_cfg(&a, C->d.sock, &unsealed);
	/* Setup messages need no reply: the open may "succeed" before the daemon hangs up. */
	if (ret == 0) {
		/*
		 * The attack itself: keep the rings (first 64 KiB), cut the rest,
		 * then post a chain whose buffers lie in the cut part.
		 */
		/* First make sure the daemon mapped it (a request works), then cut. */
		if (hf_healthy(&a))
			assert_int_equal(ftruncate(a.memfd, 0x10000), 0);
		a.vq.desc[0] = hc_desc(HF_GPA + 0x20000, 40, VRING_DESC_F_NEXT, 1);
		a.vq.desc[1] = hc_desc(HF_GPA + 0x21000, 16, VRING_DESC_F_WRITE, 0);
		hf_submit_raw(&a, 0);
	}
	if (!td_alive(&C->d)) {
		td_log_dump(&C->d);
		fail_msg("daemon died (SIGBUS?) on a shrunk memfd");
	}
	assert_true(td_log_wait(&C->d, "F_SEAL_SHRINK", 1, 2000));
	if (ret == 0)
		hc_expect_closed(a.f);
	hf_close(&a);
	/* Our own frontend's memfd is sealed: it cannot shrink. */
	assert_int_equal(hf_open(&a, C->d.sock), 0);
	assert_true(ftruncate(a.memfd, 4096) < 0);
	assert_true(hf_healthy(&a));
	hf_close(&a);
	assert_true(hf_healthy(&C->h));
}

/* HugePages_Free from /proc/meminfo, or -1. */
static long free_huge_pages(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[128];
	long n = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "HugePages_Free: %ld", &n) == 1)
			break;
	fclose(f);
	return n;
}

/*
 * Post on queue 0 (by hand) a chain whose readable part lies at gpa, then
 * expect the daemon to live and to drop this connection (its memory is
 * gone), if it faulted; queue 1 served a request first, so the region was
 * mapped and used.
 */
static void fault_and_survive(struct hf *a, uint64_t gpa)
{
	a->vq.desc[0] = hc_desc(gpa, 40, VRING_DESC_F_NEXT, 1);
	a->vq.desc[1] = hc_desc(HF_GPA + 0x9000, 16, VRING_DESC_F_WRITE, 0);
	hf_submit_raw_ms(a, 0, 500);
	if (!td_alive(&C->d)) {
		td_log_dump(&C->d);
		fail_msg("the daemon died (SIGBUS) touching guest memory");
	}
	hc_expect_closed(a->f);
	assert_true(td_log_wait(&C->d, "guest memory faulted", 1, 1000));
}

/*
 * Defect 3: guest memory in a regular file (not shmem: it cannot carry
 * seals, so nothing at SET_MEM_TABLE says it may shrink), truncated under
 * the daemon. The daemon's access past the new end was a SIGBUS that
 * killed it, and every VM with it.
 */
void hcase_sigbus_disk_file(void **state)
{
	static const struct hf_cfg file = {
	    .backing = HF_DISK_FILE, .dir = HF_DISK_DIR, .extra_fd = -1};
	struct hf a;

	(void)state;
	assert_int_equal(hf_open_cfg(&a, C->d.sock, &file), 0);
	a.cur = 1;
	assert_true(hf_healthy(&a));
	assert_int_equal(ftruncate(a.memfd, 0x10000), 0);
	fault_and_survive(&a, HF_GPA + 0x20000);
	hf_close(&a);
}

/*
 * Defect 3: a sealed hugetlb memfd the frontend maps MAP_NORESERVE while
 * the host has no free huge pages. Seals cannot help: the daemon's first
 * touch of a page finds none to allocate (SIGBUS).
 */
void hcase_sigbus_hugetlb(void **state)
{
	const uint64_t size = 2u << 20;
	struct hf_cfg cfg = {.extra_size = size};
	long free_pages = free_huge_pages();
	struct hf a;

	(void)state;
	cfg.extra_fd = memfd_create("hf-huge", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_HUGETLB);
	if (cfg.extra_fd < 0)
		hc_skip("no hugetlb memfd on this kernel");
	if (free_pages != 0) {
		close(cfg.extra_fd);
		hc_skip("this host has free huge pages: the fault cannot be provoked");
	}
	assert_int_equal(ftruncate(cfg.extra_fd, (off_t)size), 0);
	assert_int_equal(fcntl(cfg.extra_fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW), 0);
	assert_int_equal(hf_open_cfg(&a, C->d.sock, &cfg), 0);
	a.cur = 1;
	assert_true(hf_healthy(&a));
	fault_and_survive(&a, HF_EXTRA_GPA);
	hf_close(&a);
	close(cfg.extra_fd);
}

/*
 * GENOP NOOP in sid with a BUFFER arg of `pieces` MiB, every piece the same 1 MiB
 * of guest memory (one indirect table). Returns the status.
 */
static int aliased_request(uint64_t sid, unsigned pieces)
{
	const uint64_t mib = 1u << 20;
	struct virtio_accel_req_hdr hd;
	struct virtio_accel_arg_hdr ah[2];
	uint8_t op = VACCEL_OP_NOOP, *rp, *wp;
	struct vring_desc *tab;
	uint64_t tg, rg, bg, wg;
	size_t rlen = sizeof(hd) + sizeof(ah) + 1;
	unsigned nd = pieces + 2;
	int used;

	hf_reset_alloc(&C->h);
	tg = hf_alloc(&C->h, nd * sizeof(*tab), (void **)&tab);
	rg = hf_alloc(&C->h, rlen, (void **)&rp);
	bg = hf_alloc(&C->h, mib, NULL);
	wg = hf_alloc(&C->h, 16, (void **)&wp);
	memset(&hd, 0, sizeof(hd));
	hd.code = htole16(VIRTIO_ACCEL_C_GENOP);
	hd.nr_read = htole16(2);
	hd.session_id = htole64(sid);
	memset(ah, 0, sizeof(ah));
	ah[0].len = htole64(1);
	ah[0].type = htole32(VACCEL_ARG_UINT8);
	ah[1].len = htole64(pieces * mib);
	ah[1].type = htole32(VACCEL_ARG_BUFFER);
	memcpy(rp, &hd, sizeof(hd));
	memcpy(rp + sizeof(hd), ah, sizeof(ah));
	rp[rlen - 1] = op;
	tab[0] = hc_desc(rg, (uint32_t)rlen, VRING_DESC_F_NEXT, 1);
	for (unsigned i = 1; i <= pieces; i++)
		tab[i] = hc_desc(bg, (uint32_t)mib, VRING_DESC_F_NEXT, (uint16_t)(i + 1));
	tab[nd - 1] = hc_desc(wg, 16, VRING_DESC_F_WRITE, 0);
	C->h.vq.desc[0] = hc_desc(tg, nd * (uint32_t)sizeof(*tab), VRING_DESC_F_INDIRECT, 0);
	used = hf_submit_raw_ms(&C->h, 0, 10000);
	assert_int_equal(used, 16);
	return wp[0];
}

/*
 * Defect 5: 60 descriptors naming the same 1 MiB of guest memory make one
 * 60 MiB argument, which is not contiguous, so the daemon gathered it into
 * a 60 MiB host buffer (times every worker). With --max-bounce-bytes=8 MiB
 * per connection it is refused with NOSPACE before anything is allocated;
 * a 4 MiB one still runs.
 */
void hcase_bounce_aliased_descriptors(void **state)
{
	uint64_t sid = hc_session(&C->h);
	long hwm0, hwm1;

	(void)state;
	hwm0 = td_status_kib(&C->d, "VmHWM");
	for (int i = 0; i < 3; i++)
		assert_int_equal(aliased_request(sid, 60), VIRTIO_ACCEL_S_NOSPACE);
	hwm1 = td_status_kib(&C->d, "VmHWM");
	print_message("daemon VmHWM: %ld kB before, %ld kB after three 60 MiB requests\n", hwm0,
		      hwm1);
	assert_true(hwm0 > 0 && hwm1 - hwm0 < 16 * 1024);
	assert_int_equal(aliased_request(sid, 4), VIRTIO_ACCEL_S_OK);
	C->h.cur = 1; /* queue 0 was driven by hand */
	assert_true(hf_healthy(&C->h));
}

void hcase_rss_stable(void **state)
{
	struct hf_resp r;
	uint64_t sid;
	long before, after;

	(void)state;
	sid = hc_session(&C->h);
	for (int i = 0; i < 20000; i++) {
		assert_true(hf_request(&C->h, VIRTIO_ACCEL_C_GENOP, 0, sid, 0, &hf_noop_arg, 1,
				       NULL, 0, 0, &r) > 0);
		assert_int_equal(r.vret, 0);
	}
	before = td_status_kib(&C->d, "VmRSS");
	for (int i = 0; i < 100000; i++) {
		hf_request(&C->h, VIRTIO_ACCEL_C_GENOP, 0, sid, 0, &hf_noop_arg, 1, NULL, 0, 0, &r);
		if (r.status != VIRTIO_ACCEL_S_OK || r.vret != 0)
			fail_msg("request %d: status %u ret %d", i, r.status, r.vret);
	}
	after = td_status_kib(&C->d, "VmRSS");
	print_message("daemon VmRSS: %ld kB before, %ld kB after 100000 requests\n", before, after);
	assert_true(before > 0 && after > 0);
	assert_true(after - before <= 2048);
	assert_true(hf_request(&C->h, VIRTIO_ACCEL_C_DESTROY_SESSION, 0, sid, 0, NULL, 0, NULL, 0,
			       0, &r) > 0);
	assert_true(hf_healthy(&C->h));
}
