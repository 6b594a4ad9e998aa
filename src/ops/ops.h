/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The front and back of every typed operation wrapper (the .c files in src/ops).
 *
 * Rules for a wrapper:
 * - Checks of its own arguments come first and are silent (VACCEL_EINVAL, nothing
 *   logged), as upstream's; opencv's count check is the one that logs.
 * - Then ops_enter(), which does the rest of upstream's flow (vaccel-api.md §2.2) in
 *   upstream's order and with upstream's log lines. It fails without leaving anything
 *   open; when it succeeds, the wrapper calls call.func with exactly the public
 *   arguments and returns ops_exit(&call, <the plugin's result>), unchanged.
 *   OPS_RETURN_CALL() is that whole sequence.
 * - What differs per op (its profiling region, the resource it needs) is a row of the
 *   table in ops.c, not code in the wrapper.
 *
 * Hot path (a call that succeeds, debug logging and profiling off): no allocation, no
 * string work, one table row, one plugin lookup.
 */
#ifndef VACCEL_SRC_OPS_OPS_H
#define VACCEL_SRC_OPS_OPS_H

#include "rt.h"
#include "vaccel/error.h"
#include "vaccel/log.h"
#include "vaccel/op.h"
#include "vaccel/plugin.h"
#include "vaccel/prof.h"
#include "vaccel/resource.h"
#include "vaccel/session.h"
#include <stdbool.h>
#include <stdint.h>

/* One op call in flight, from ops_enter() to ops_exit(). */
struct ops_call {
	void *func;			 /* the session's plugin's implementation */
	struct vaccel_prof_region *prof; /* the op's profiling region  */
	uint64_t t0;			 /* start of its sample; 0 when profiling is off */
};

/*
 * Start a call of `op` on `sess`. `res` is the op's resource argument (ignored by ops
 * that take none). In order:
 *   1. sess NULL, or a resource op's res NULL: VACCEL_EINVAL, nothing logged;
 *   2. debug "session:<id> Looking for func implementing op <op>";
 *   3. a resource op's res must have the op's resource type (else VACCEL_EINVAL) and be
 *      registered to sess (else VACCEL_EPERM), logged as errors;
 *   4. the profiling sample starts;
 *   5. the session's plugin must implement op: a session without a plugin (never
 *      initialized, or released) gives VACCEL_EINVAL, a plugin without the op
 *      VACCEL_ENOTSUP, both logged; the sample is closed. Found: debug "Returning func
 *      for op <op> from plugin <name>", call->func set, VACCEL_OK.
 */
int ops_enter(struct ops_call *call, const struct vaccel_session *sess, vaccel_op_type_t op,
	      const struct vaccel_resource *res);

/* What ops_enter() needs to know of one op besides its number (the table is in ops.c). */
struct ops_fact {
	unsigned int region;		      /* its profiling region (ops.c's enum ops_region) */
	bool takes_resource;		      /* the wrapper passes a resource argument */
	vaccel_resource_type_t resource_type; /* which type it must be */
};
extern const struct ops_fact ops_facts[VACCEL_OP_MAX];

/*
 * The session's plugin's function for op when ops_enter() would do nothing but find it:
 * no resource to check, nothing to log or profile, the plugin has the op (its every step
 * passes without effect, and ops_exit() would have no sample to close). NULL otherwise:
 * then the call takes ops_enter(). Inline, so that the common call costs its wrapper a
 * few loads and a tail call.
 */
static inline void *ops_quick(const struct vaccel_session *sess, vaccel_op_type_t op)
{
	const struct vaccel_plugin *plugin;

	if (__builtin_expect(sess && !ops_facts[op].takes_resource &&
				 !rt_log_on(VACCEL_LOG_DEBUG) && !rt_config()->profiling_enabled &&
				 (plugin = sess->plugin) && plugin->ops[op],
			     1))
		return plugin->ops[op]->func;
	return NULL;
}

/*
 * Append a sample [t0, now) to `region`, whole, under a lock: concurrent calls (the host
 * daemon runs ops on several threads) neither corrupt the region nor close each other's
 * samples, which the prof API's start/stop pair cannot promise.
 */
void ops_prof_sample(struct vaccel_prof_region *region, uint64_t t0);

/* Finish a call ops_enter() started: close its sample; pass the plugin's result on. */
static inline int ops_exit(const struct ops_call *call, int ret)
{
	if (call->t0)
		ops_prof_sample(call->prof, call->t0);
	return ret;
}

/*
 * The rest of a wrapper once its own checks are done: ops_enter() for `op` on `sess`
 * (resource `res`), then `return ops_exit()` of the plugin's implementation called with
 * `...`, or, when ops_quick() finds it, that implementation called straight away. The
 * implementation has the signature of `public_fn`, the wrapper itself; `sess` and `op`
 * are read twice (plain variables).
 */
#define OPS_RETURN_CALL(sess, op, res, public_fn, ...)                                             \
	do {                                                                                       \
		OPS_RETURN_QUICK(sess, op, public_fn, __VA_ARGS__);                                \
		OPS_RETURN_ENTERED(sess, op, res, public_fn, __VA_ARGS__);                         \
	} while (0)

/* OPS_RETURN_CALL()'s first half: the implementation's result, if ops_quick() finds it. */
#define OPS_RETURN_QUICK(sess, op, public_fn, ...)                                                 \
	do {                                                                                       \
		void *ops_func_ = ops_quick((sess), (op));                                         \
                                                                                                   \
		if (__builtin_expect(ops_func_ != NULL, 1))                                        \
			return ((__typeof__(&public_fn))ops_func_)(__VA_ARGS__);                   \
	} while (0)

/*
 * Its second half: ops_enter(), the call, ops_exit(). A wrapper may keep it in a function
 * of its own, so that its quick call needs no stack frame (vaccel_noop).
 */
#define OPS_RETURN_ENTERED(sess, op, res, public_fn, ...)                                          \
	do {                                                                                       \
		struct ops_call ops_call_;                                                         \
		int ops_enter_ret_ = ops_enter(&ops_call_, (sess), (op), (res));                   \
                                                                                                   \
		if (ops_enter_ret_)                                                                \
			return ops_enter_ret_;                                                     \
		return ops_exit(&ops_call_,                                                        \
				((__typeof__(&public_fn))ops_call_.func)(__VA_ARGS__));            \
	} while (0)

/* Tests: the profiling region `op` samples into (upstream's names). */
const struct vaccel_prof_region *ops_prof_region(vaccel_op_type_t op);

#endif /* VACCEL_SRC_OPS_OPS_H */
