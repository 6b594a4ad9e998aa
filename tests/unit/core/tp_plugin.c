/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Test plugin, built several times with -D options: local (CPU), gpu, virtio, a plugin
 * built for another vAccel major version, one whose init() fails, one with a bad op table.
 * Its counters and failure switches live in the exported `tp_state`.
 */
#include "tp_state.h"
#include "vaccel_common.h"
#include <stdlib.h>
#include <vaccel.h>

#ifndef TP_NAME
#define TP_NAME "tp-local"
#endif
#ifndef TP_TYPE
#define TP_TYPE VACCEL_PLUGIN_CPU
#endif
#ifndef TP_VIRTIO
#define TP_VIRTIO 0
#endif
#ifndef TP_VACCEL_VERSION
#define TP_VACCEL_VERSION VACCEL_VERSION
#endif

struct tp_state tp_state;

static int tp_noop(struct vaccel_session *sess)
{
	(void)sess;
	tp_state.noop_calls++;
	return VACCEL_OK;
}

__attribute__((unused)) static struct vaccel_op ops[] = {
    VACCEL_OP_INIT(ops[0], VACCEL_OP_NOOP, tp_noop),
#ifdef TP_BAD_OPS
    VACCEL_OP_INIT(ops[1], VACCEL_OP_MAX, tp_noop),
#endif
};

static int tp_init(void)
{
	tp_state.inits++;
#ifdef TP_INIT_FAIL
	return VACCEL_EBACKEND;
#else
	return vaccel_plugin_register_ops(ops, ARRAY_SIZE(ops));
#endif
}

static int tp_fini(void)
{
#ifdef TP_INIT_FAIL
	abort(); /* fini must never run after a failed init */
#endif
	tp_state.finis++;
	return VACCEL_OK;
}

static int tp_sess_init(struct vaccel_session *sess, uint32_t flags)
{
	tp_state.sess_init++;
	tp_state.last_flags = flags;
	if (tp_state.fail_sess_init)
		return VACCEL_EBACKEND;
	sess->remote_id = tp_state.zero_remote_id ? 0 : ++tp_state.next_remote;
	return VACCEL_OK;
}

static int tp_sess_release(struct vaccel_session *sess)
{
	tp_state.sess_release++;
	if (tp_state.fail_sess_release)
		return VACCEL_EBACKEND;
	sess->remote_id = 0;
	return VACCEL_OK;
}

static int tp_sess_update(struct vaccel_session *sess, uint32_t flags)
{
	tp_state.sess_update++;
	sess->hint = flags;
	return VACCEL_OK;
}

static int tp_res_register(struct vaccel_resource *res, struct vaccel_session *sess)
{
	(void)sess;
	tp_state.reg++;
	tp_state.reg_blobs_in_memory = 1;
	for (size_t i = 0; i < res->nr_blobs; i++) {
		if (!res->blobs[i]->data)
			tp_state.reg_blobs_in_memory = 0;
	}
	tp_state.reg_refcount_seen = vaccel_resource_refcount(res);
	if (tp_state.fail_reg)
		return VACCEL_EBACKEND;
	if (TP_VIRTIO)
		res->remote_id = tp_state.zero_remote_id ? 0 : 1000 + res->id;
	return VACCEL_OK;
}

static int tp_res_unregister(struct vaccel_resource *res, struct vaccel_session *sess)
{
	tp_state.unreg++;
	/* The registration must still exist while the plugin hears about it. */
	tp_state.unreg_saw_link = vaccel_session_has_resource(sess, res);
	if (tp_state.fail_unreg)
		return VACCEL_EBACKEND;
	if (TP_VIRTIO)
		res->remote_id = 0;
	return VACCEL_OK;
}

__attribute__((unused)) static int tp_res_sync(struct vaccel_resource *res,
					       struct vaccel_session *sess)
{
	(void)res;
	(void)sess;
	tp_state.sync++;
	return VACCEL_OK;
}

#ifdef TP_NO_SYNC
#define TP_SYNC NULL
#else
#define TP_SYNC tp_res_sync
#endif

VACCEL_PLUGIN(.name = TP_NAME, .version = "1.0.0", .vaccel_version = TP_VACCEL_VERSION,
	      .type = TP_TYPE, .is_virtio = TP_VIRTIO, .init = tp_init, .fini = tp_fini,
	      .session_init = tp_sess_init, .session_release = tp_sess_release,
	      .session_update = tp_sess_update, .resource_register = tp_res_register,
	      .resource_unregister = tp_res_unregister, .resource_sync = TP_SYNC)
