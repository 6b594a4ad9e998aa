/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The ops test plugin (libvaccel-opstest.so): implements every op, records
 * the arguments of the last call and echoes inputs into outputs, so tests can
 * check exactly what reached the plugin. Tests reach its state through the
 * exported opstest_state() (found with dlopen(RTLD_NOLOAD) + dlsym).
 */
#ifndef OPSTEST_PLUGIN_H
#define OPSTEST_PLUGIN_H

#include <vaccel.h>

#define OPSTEST_MAX_ARGS 12

/* Strings the image ops write (classify writes both). */
#define OPSTEST_CLASSIFY_TEXT "opstest classification tag"
#define OPSTEST_IMGNAME "opstest imgname"
/* Status message of the TF ops. */
#define OPSTEST_TF_MESSAGE "handled by opstest"
/* Status byte of tflite_model_run. */
#define OPSTEST_TFLITE_STATUS 7

struct opstest_state {
	/* input: value every op returns (after doing its work) */
	int ret;
	/* input: noop only counts its calls (for concurrent callers) */
	bool count_only;

	/* output: calls per op type, and the last call's arguments */
	unsigned int count[VACCEL_OP_MAX];
	int last_op;
	struct vaccel_session *sess;
	const void *ptr[OPSTEST_MAX_ARGS]; /* pointer args, in signature order */
	int64_t num[OPSTEST_MAX_ARGS];	   /* integer args, in signature order */
	double real[OPSTEST_MAX_ARGS];	   /* float args, in signature order */
};

typedef struct opstest_state *(*opstest_state_fn)(void);
#define OPSTEST_STATE_SYM "opstest_state"

/* Total calls over every op. */
static inline unsigned int opstest_total_calls(const struct opstest_state *st)
{
	unsigned int n = 0;

	for (int i = 0; i < VACCEL_OP_MAX; i++)
		n += st->count[i];
	return n;
}

#endif /* OPSTEST_PLUGIN_H */
