/* SPDX-License-Identifier: Apache-2.0 */
/*
 * modelop: the host side of the model ops (TF, TFLite, Torch). A request that
 * optab_check() passed against its row (lib/optable: the wire layout) becomes
 * the op's typed call, and its results go back into the request's write args.
 *
 * Who uses it: the runtime's vaccel_genop() (src/ops/genop_unpack.c) and the
 * daemon (backend/genop.c), which calls the typed functions itself because
 * upstream's vaccel_genop has no model unpackers. The two reach the runtime
 * differently (direct calls; dlsym, as upstream 0.7.1 lacks the model API),
 * so the functions come in a table, and nothing here imports a libvaccel
 * symbol.
 *
 * Rules:
 * - Input tensors are built in place over the args (lib/tensor's kinds): no
 *   data is copied; dims and data must stay valid for the call (the daemon's
 *   dims are host copies: at most OPTAB_TENSOR_MAX_DIMS dims is small).
 * - Nothing a plugin returns is trusted: each result tensor is checked with
 *   tensor_check() before it is copied, and one that does not fit the slot
 *   the guest offered is refused with VACCEL_ERANGE (its dims and type are
 *   still written, so the guest can say what it would need).
 * - After a call, every write arg's size is the bytes produced in it (the
 *   daemon's out_len): a NULL result tensor produces nothing in its slots,
 *   a call that could not run (no such function, no memory) nothing at all.
 * - Result tensors the plugin allocated are deleted with the runtime's own
 *   delete functions; on a failed call the plugin owns what it left.
 */
#ifndef MODELOP_H
#define MODELOP_H

#include <stddef.h>

#include <vaccel/error.h>
#include <vaccel/log.h>
#include <vaccel/ops/tf.h>
#include <vaccel/ops/tflite.h>
#include <vaccel/ops/torch.h>

#include "optab.h"

/* The runtime's functions the model ops need: upstream main's model API. */
struct modelop_fns {
	int (*tf_model_load)(struct vaccel_session *, struct vaccel_resource *,
			     struct vaccel_tf_status *);
	int (*tf_model_unload)(struct vaccel_session *, struct vaccel_resource *,
			       struct vaccel_tf_status *);
	int (*tf_model_run)(struct vaccel_session *, struct vaccel_resource *,
			    const struct vaccel_tf_buffer *, const struct vaccel_tf_node *,
			    struct vaccel_tf_tensor *const *, int, const struct vaccel_tf_node *,
			    struct vaccel_tf_tensor **, int, struct vaccel_tf_status *);
	int (*tflite_model_load)(struct vaccel_session *, struct vaccel_resource *);
	int (*tflite_model_unload)(struct vaccel_session *, struct vaccel_resource *);
	int (*tflite_model_run)(struct vaccel_session *, struct vaccel_resource *,
				struct vaccel_tflite_tensor *const *, int,
				struct vaccel_tflite_tensor **, int, uint8_t *);
	int (*torch_model_load)(struct vaccel_session *, struct vaccel_resource *);
	int (*torch_model_run)(struct vaccel_session *, struct vaccel_resource *,
			       const struct vaccel_torch_buffer *,
			       struct vaccel_torch_tensor *const *, int,
			       struct vaccel_torch_tensor **, int);
	int (*torch_sgemm)(struct vaccel_session *, struct vaccel_torch_tensor **,
			   struct vaccel_torch_tensor **, struct vaccel_torch_tensor **, int, int,
			   int, struct vaccel_torch_tensor **);
	/* Results and status messages are freed with these. */
	int (*tf_tensor_delete)(struct vaccel_tf_tensor *);
	int (*tflite_tensor_delete)(struct vaccel_tflite_tensor *);
	int (*torch_tensor_delete)(struct vaccel_torch_tensor *);
	int (*tf_status_release)(struct vaccel_tf_status *);
};

/* A request optab_check() passed (with OPTAB_ALIGN), and what its caller resolved. */
struct modelop_req {
	const struct optab_op *row;
	const struct optab_val *v;     /* optab_check()'s values of the fixed descriptors */
	struct vaccel_session *sess;   /* the host session */
	struct vaccel_resource *model; /* what the row's resource arg names (NULL: none) */
	struct vaccel_arg *read;       /* after the op type */
	size_t nr_read;
	struct vaccel_arg *write;
	size_t nr_write;
};

/* Whether op is a model op (its row has tensors): modelop_call() runs it. */
bool modelop_is_model(const struct optab_op *row);

/*
 * Run r's op through fns and write its results. Returns the op's vAccel
 * result; VACCEL_ENOTSUP when fns lacks its function (the host runtime has
 * no such API), VACCEL_ENOMEM, VACCEL_EINVAL for a plugin's malformed
 * result, VACCEL_ERANGE for one larger than its slot.
 */
int modelop_call(const struct modelop_fns *fns, const struct modelop_req *r);

#endif /* MODELOP_H */
