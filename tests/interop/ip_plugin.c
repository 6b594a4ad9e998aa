/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Plugins built the way upstream vAccel's headers lay them out, WITHOUT our headers:
 * every struct below is written from upstream's layout facts (README.md,
 * "Compatibility with upstream vAccel"), and logging calls slog_print() the way
 * upstream's vaccel_info()/... macros expand. One source, several -D variants:
 *
 *   IP_MAIN     upstream main's layout (ops: array of 24 op pointers; hooks ordered
 *               session_init, session_release, session_update, resource_register,
 *               resource_unregister, resource_sync), a VirtIO-style plugin whose
 *               hooks and noop op count their calls in `ip_calls` and log through
 *               slog_print with every flag value.
 *   IP_V071     upstream 0.7.1's layout (ops: a self-linked list head; 56-byte op
 *               entries; hooks session_init, session_update, session_release,
 *               resource_register, resource_unregister). Must be refused before its
 *               init() runs (init aborts).
 *   IP_BAD=n    malformed plugins (see the list below): refused, never a crash.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/* Upstream's log entry point and slog's flag values. */
void slog_print(int flag, uint8_t new_line, const char *fmt, ...);
enum { F_NOTAG = 1, F_NOTE = 2, F_INFO = 4, F_WARN = 8, F_DEBUG = 16, F_TRACE = 32 };
enum { F_ERROR = 64, F_FATAL = 128 };

int vaccel_plugin_register_ops(void *ops, size_t nr_ops);

#define OP_MAX 24 /* VACCEL_OP_MAX of upstream main */
#define PLUGIN_REMOTE 0x4000
#define PLUGIN_DEBUG 0x100
#define REMOTE_ID_OFFSET 8 /* struct vaccel_session: id at 0, remote_id at 8 */

struct list {
	struct list *next, *prev;
};

typedef int (*fn_t)(void);

/* Called hooks, read by the test through dlsym. */
struct ip_calls {
	int init, fini, noop;
	int session_init, session_release, session_update;
	int resource_register, resource_unregister, resource_sync;
};
__attribute__((visibility("default"))) struct ip_calls ip_calls;

static int ip_init(void);
static int ip_fini(void)
{
	ip_calls.fini++;
	return 0;
}

static void set_remote_id(void *sess, int64_t id)
{
	*(int64_t *)(void *)((char *)sess + REMOTE_ID_OFFSET) = id;
}

static int h_session_init(void *sess, uint32_t flags)
{
	(void)flags;
	ip_calls.session_init++;
	set_remote_id(sess, 77);
	return 0;
}

static int h_session_release(void *sess)
{
	ip_calls.session_release++;
	set_remote_id(sess, 0);
	return 0;
}

/* A hook that only counts its calls. */
#define COUNTING_HOOK(name, arg1_t, arg2_t)                                                        \
	static int h_##name(arg1_t arg1, arg2_t arg2)                                              \
	{                                                                                          \
		(void)arg1;                                                                        \
		(void)arg2;                                                                        \
		ip_calls.name++;                                                                   \
		return 0;                                                                          \
	}
COUNTING_HOOK(session_update, void *, uint32_t)
COUNTING_HOOK(resource_unregister, void *, void *)
COUNTING_HOOK(resource_sync, void *, void *)

static int h_resource_register(void *res, void *sess)
{
	(void)sess;
	ip_calls.resource_register++;
	set_remote_id(res, 5); /* struct vaccel_resource: remote_id at 8 too */
	return 0;
}

/* The noop op: one line per slog flag, as upstream's macros would write them. */
static int ip_noop(void *sess)
{
	(void)sess;
	ip_calls.noop++;
	slog_print(F_NOTAG, 1, "ip notag %d", 1);
	slog_print(F_NOTE, 1, "ip note %d", 2);
	slog_print(F_INFO, 1, "ip info %d", 4);
	slog_print(F_WARN, 1, "ip warn %d", 8);
	slog_print(F_DEBUG, 1, "ip debug %d", 16);
	slog_print(F_TRACE, 1, "[ip_plugin.c:1] ip trace %d", 32);
	slog_print(F_ERROR, 1, "ip error %d", 64);
	slog_print(F_FATAL, 1, "[ip_plugin.c:2] ip fatal %d", 128);
	slog_print(F_ERROR | F_WARN, 1, "ip error+warn %d", 72);
	slog_print(F_INFO, 0, "ip no newline %d", 0);
	slog_print(0, 1, "ip no flag %d", 0);
	slog_print(256, 1, "ip unknown flag %d", 256);
	return 0;
}

#if defined(IP_MAIN) || defined(IP_BAD)
/* ---- upstream main's layout ---- */
struct op {
	int type; /* vaccel_op_type_t */
	void *func;
	void *owner;
};

struct info {
	const char *name, *version, *vaccel_version;
	fn_t init, fini;
	uint8_t is_virtio; /* a bool; a byte here so a variant can store 7 */
	int type;
	int (*session_init)(void *, uint32_t);
	int (*session_release)(void *);
	int (*session_update)(void *, uint32_t);
	int (*resource_register)(void *, void *);
	int (*resource_unregister)(void *, void *);
	int (*resource_sync)(void *, void *);
};

struct plugin {
	void *dl_handle;
	struct list entry;
	struct op *ops[OP_MAX];
	struct info *info;
};

#ifndef IP_NAME
#define IP_NAME "ip-main"
#endif
#ifndef IP_NAME_PTR
#define IP_NAME_PTR IP_NAME
#endif
#ifndef IP_INFO_PTR
#define IP_INFO_PTR &info
#endif
#ifndef IP_INIT
#define IP_INIT ip_init
#endif
#ifndef IP_IS_VIRTIO
#define IP_IS_VIRTIO 1
#endif

__attribute__((unused)) static struct info info = {
    .name = IP_NAME_PTR,
    .version = "1.0",
    .vaccel_version = "0.7.1-93-ebc23b1f", /* what upstream main's build reports */
    .init = IP_INIT,
    .fini = ip_fini,
    .is_virtio = IP_IS_VIRTIO,
    .type = PLUGIN_REMOTE | PLUGIN_DEBUG,
    .session_init = h_session_init,
    .session_release = h_session_release,
    .session_update = h_session_update,
    .resource_register = h_resource_register,
    .resource_unregister = h_resource_unregister,
    .resource_sync = h_resource_sync,
};

#if IP_BAD == 3
/* A read-only plugin struct: the runtime must be able to write it. */
static const
#else
static
#endif
    struct plugin this_plugin = {
	.entry = {(struct list *)&this_plugin.entry, (struct list *)&this_plugin.entry},
	.info = IP_INFO_PTR,
};

static struct op ops[] = {{0 /* NOOP */, (void *)ip_noop, (void *)&this_plugin}};

static int ip_init(void)
{
	ip_calls.init++;
	return vaccel_plugin_register_ops(ops, 1);
}

#if IP_BAD == 9
/* 0.7.1's size without its self-linked list: read as main's, it is too short. */
static struct {
	void *words[6];
} ip_short;
#endif

#ifndef IP_SYMBOL_VALUE
#define IP_SYMBOL_VALUE &this_plugin
#endif
#if IP_BAD == 8
/* `vaccel_plugin` is a function: its bytes are code, not a pointer. */
__attribute__((visibility("default"))) int vaccel_plugin(void)
{
	return (int)(intptr_t)&this_plugin;
}
#else
__attribute__((visibility("default"))) const void *vaccel_plugin = IP_SYMBOL_VALUE;
#endif

#elif defined(IP_V071)
/* ---- upstream 0.7.1's layout ---- */
struct op_v071 {
	int type;
	void *func;
	void *owner;
	struct list plugin_entry, func_entry;
};

struct info_v071 {
	const char *name, *version, *vaccel_version;
	fn_t init, fini;
	bool is_virtio;
	int type;
	int (*session_init)(void *, uint32_t);
	int (*session_update)(void *, uint32_t);
	int (*session_release)(void *);
	int (*resource_register)(void *, void *);
	int (*resource_unregister)(void *, void *);
};

struct plugin_v071 {
	void *dl_handle;
	struct list entry;
	struct list ops;
	struct info_v071 *info;
};

static struct info_v071 info = {
    .name = "ip-v071",
    .version = "1.0",
    .vaccel_version = "0.7.1",
    .init = ip_init,
    .fini = ip_fini,
    .is_virtio = true,
    .type = PLUGIN_REMOTE,
    .session_init = h_session_init,
    .session_update = h_session_update,
    .session_release = h_session_release,
    .resource_register = h_resource_register,
    .resource_unregister = h_resource_unregister,
};

static struct plugin_v071 this_plugin = {
    .entry = {&this_plugin.entry, &this_plugin.entry},
    .ops = {&this_plugin.ops, &this_plugin.ops},
    .info = &info,
};

static struct op_v071 ops[] = {{0,
				(void *)ip_noop,
				&this_plugin,
				{&ops[0].plugin_entry, &ops[0].plugin_entry},
				{&ops[0].func_entry, &ops[0].func_entry}}};

static int ip_init(void)
{
	/* This runtime must refuse the plugin before calling anything of it. */
	abort();
	return vaccel_plugin_register_ops(ops, 1);
}

__attribute__((visibility("default"))) const void *vaccel_plugin = &this_plugin;
#endif

/* Not every variant uses these: keep them referenced. */
__attribute__((unused)) static const void *ip_keep[] = {(void *)ip_init, (void *)h_resource_sync};
