/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Checking a freshly dlopen'ed plugin before the runtime uses it. A plugin is a
 * shared object whose exported `vaccel_plugin` points at its struct vaccel_plugin;
 * nothing in it is trusted. Before plugin.c reads a field or calls a function:
 *
 *  - every structure read lies inside a loaded segment with the needed access
 *    (the plugin struct is written too, so it must be writable and outside RELRO),
 *    every string ends within its segment, every function pointer points into an
 *    executable segment, and the one bool is 0 or 1;
 *  - the layout is recognised. Upstream vAccel 0.7.1 plugins have
 *      struct vaccel_plugin { dl_handle; entry; struct list ops; info; }   (48 bytes)
 *    where VACCEL_PLUGIN() initialises `ops` to point to itself, while upstream main
 *    (0.7.1-93) and this runtime have `struct vaccel_op *ops[VACCEL_OP_MAX]` there
 *    (all NULL until init() registers ops). The first 24 bytes are the same, so the
 *    two words after them tell the layouts apart.
 *
 * A 0.7.1 plugin is refused, not adapted: besides the struct, its op entries are 56
 * bytes (they carry two list links), its op numbers differ (EXEC is 7 there, 1 here),
 * its info hooks are ordered differently, and its TF/TFLite/Torch ops and resource
 * files (vaccel_file) have other signatures and types, so calling any of its
 * functions with this runtime's arguments would be undefined.
 */
#include "rt.h"
#include "rt_plugin.h"
#include "vaccel_version.h"

#include <elf.h>
#include <link.h>
#include <stdint.h>
#include <string.h>

/* Upstream 0.7.1's struct vaccel_plugin: only its shape matters here. */
struct plugin_v071 {
	void *dl_handle;
	struct vaccel_list_entry entry;
	struct vaccel_list_entry ops; /* self-linked list head until init() */
	void *info;
};

/* Longest name/version string accepted, NUL excluded. */
#define ABI_STR_MAX 255

enum access { ACC_READ, ACC_WRITE, ACC_EXEC };

struct range_query {
	uintptr_t start, len;
	enum access acc;
	uintptr_t seg_end; /* out: end of the segment holding start, 0 if none */
	bool ok;	   /* out: [start, start+len) has the access */
};

static bool seg_allows(const ElfW(Phdr) * ph, enum access acc)
{
	switch (acc) {
	case ACC_READ:
		return ph->p_flags & PF_R;
	case ACC_WRITE:
		return (ph->p_flags & (PF_R | PF_W)) == (PF_R | PF_W);
	case ACC_EXEC:
		return ph->p_flags & PF_X;
	}
	return false;
}

static int range_cb(struct dl_phdr_info *info, size_t size, void *data)
{
	struct range_query *q = data;
	uintptr_t end = q->start + q->len;

	(void)size;
	for (ElfW(Half) i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t s = info->dlpi_addr + ph->p_vaddr, e = s + ph->p_memsz;

		if (ph->p_type != PT_LOAD || q->start < s || q->start >= e)
			continue;
		q->seg_end = e;
		q->ok = end <= e && seg_allows(ph, q->acc);
		if (q->ok && q->acc == ACC_WRITE) {
			/* RELRO is made read-only after relocation. */
			for (ElfW(Half) j = 0; j < info->dlpi_phnum; j++) {
				const ElfW(Phdr) *r = &info->dlpi_phdr[j];
				uintptr_t rs = info->dlpi_addr + r->p_vaddr, re = rs + r->p_memsz;

				if (r->p_type == PT_GNU_RELRO && q->start < re && end > rs)
					q->ok = false;
			}
		}
		return 1;
	}
	return 0;
}

/* Does [p, p+len) lie in one loaded segment allowing `acc`? */
static bool mapped(const void *p, size_t len, enum access acc, uintptr_t *seg_end)
{
	struct range_query q = {.start = (uintptr_t)p, .len = len, .acc = acc};

	if (!p || q.start + len < q.start)
		return false;
	dl_iterate_phdr(range_cb, &q);
	if (seg_end)
		*seg_end = q.seg_end;
	return q.ok;
}

/* A NUL-terminated string of at most ABI_STR_MAX chars in readable memory. */
static bool mapped_string(const char *s)
{
	uintptr_t seg_end;
	size_t room;

	if (!mapped(s, 1, ACC_READ, &seg_end))
		return false;
	room = seg_end - (uintptr_t)s;
	if (room > ABI_STR_MAX + 1)
		room = ABI_STR_MAX + 1;
	return memchr(s, '\0', room) != NULL;
}

static bool mapped_code(const void *fn, bool optional)
{
	return fn ? mapped(fn, 1, ACC_EXEC, NULL) : optional;
}

/* The 0.7.1 layout: `ops` is a list head pointing to itself. */
static bool is_v071(const struct plugin_v071 *p)
{
	return p->ops.next == &p->ops && p->ops.prev == &p->ops;
}

/* Name for messages: the plugin's own if it is a valid string, else the file. */
static const char *v071_name(const struct plugin_v071 *p, const char *lib)
{
	const char *const *info = p->info;

	if (mapped(info, 3 * sizeof(char *), ACC_READ, NULL) && mapped_string(info[0]))
		return info[0];
	return lib;
}

static int check_info(const struct vaccel_plugin_info *info, const char *lib)
{
	uint8_t is_virtio;

	if (!mapped(info, sizeof(*info), ACC_READ, NULL)) {
		vaccel_error("%s: plugin info is not in mapped memory", lib);
		return VACCEL_ELIBBAD;
	}
	if (!mapped_string(info->name) || !mapped_string(info->version) ||
	    (info->vaccel_version && !mapped_string(info->vaccel_version))) {
		vaccel_error("%s: plugin name, version or vaccel_version is missing or not "
			     "a string of at most %d characters",
			     lib, ABI_STR_MAX);
		return VACCEL_ELIBBAD;
	}
	/* Read as a byte: any other value in a bool is undefined. */
	memcpy(&is_virtio, &info->is_virtio, 1);
	if (is_virtio > 1) {
		vaccel_error("Plugin %s (%s): is_virtio is %u, not a bool", info->name, lib,
			     is_virtio);
		return VACCEL_ELIBBAD;
	}
	if (!mapped_code((const void *)info->init, false) ||
	    !mapped_code((const void *)info->fini, false) ||
	    !mapped_code((const void *)info->session_init, true) ||
	    !mapped_code((const void *)info->session_release, true) ||
	    !mapped_code((const void *)info->session_update, true) ||
	    !mapped_code((const void *)info->resource_register, true) ||
	    !mapped_code((const void *)info->resource_unregister, true) ||
	    !mapped_code((const void *)info->resource_sync, true)) {
		vaccel_error("Plugin %s (%s): init/fini missing, or a function pointer does not "
			     "point to code",
			     info->name, lib);
		return VACCEL_ELIBBAD;
	}
	return VACCEL_OK;
}

int rt_plugin_abi_check(const char *lib, const void *sym, struct vaccel_plugin **out)
{
	const struct plugin_v071 *head;
	struct vaccel_plugin *p;

	if (!mapped(sym, sizeof(void *), ACC_READ, NULL)) {
		vaccel_error("%s: its vaccel_plugin symbol is not in mapped memory", lib);
		return VACCEL_ELIBBAD;
	}
	memcpy(&p, sym, sizeof(p));
	head = (const struct plugin_v071 *)(const void *)p;
	if (!mapped(p, sizeof(*head), ACC_READ, NULL)) {
		vaccel_error("%s is not a vAccel plugin (vaccel_plugin points outside mapped "
			     "memory)",
			     lib);
		return VACCEL_ELIBBAD;
	}
	if (is_v071(head)) {
		vaccel_error("Plugin %s (%s) was built for vAccel 0.7.1, whose plugin ABI this "
			     "runtime (vAccel %s) does not load: rebuild it against vAccel "
			     "0.7.1-93 or later",
			     v071_name(head, lib), lib, VACCEL_VERSION);
		return VACCEL_EINVAL; /* like any plugin built for an incompatible vAccel */
	}
	if (!mapped(p, sizeof(*p), ACC_WRITE, NULL)) {
		vaccel_error("%s: its plugin struct is not writable memory of %zu bytes", lib,
			     sizeof(*p));
		return VACCEL_ELIBBAD;
	}
	if (check_info(p->info, lib))
		return VACCEL_ELIBBAD;
	*out = p;
	return VACCEL_OK;
}
