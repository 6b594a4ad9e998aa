/* SPDX-License-Identifier: Apache-2.0 */
/* State shared between the test plugins and the tests (found with dlsym). */
#ifndef TP_STATE_H
#define TP_STATE_H

#include <stdint.h>

struct tp_state {
	int inits, finis, noop_calls;
	int sess_init, sess_release, sess_update;
	int reg, unreg, sync;
	int reg_blobs_in_memory, unreg_saw_link;
	long reg_refcount_seen;
	uint32_t last_flags;
	int64_t next_remote;
	/* failure switches */
	int fail_sess_init, fail_sess_release, fail_reg, fail_unreg, zero_remote_id;
};

#endif /* TP_STATE_H */
