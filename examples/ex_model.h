/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Common driver of the model examples (tf_inference, tflite_inference, torch_inference):
 *
 *   <prog> <image_file> <model_path> <labels_file> [iterations]
 *
 * It creates a MODEL resource from model_path (a file, or a directory such as a TF
 * SavedModel; read from disk, never downloaded), opens a session, registers the model,
 * builds the input from the image and calls the framework's load / run (once per
 * iteration) / unload, which print their results as upstream's examples do.
 *
 * There is no image decoder here: the input is EX_MODEL_INPUT_LEN floats taken from the
 * image file's bytes (byte / 255, repeated), a deterministic stand-in for a decoded
 * 224x224 RGB picture. A note on stderr says so.
 */
#ifndef EX_MODEL_H
#define EX_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <vaccel.h>

/* 1 x 224 x 224 x 3 (or 1 x 3 x 224 x 224) floats. */
#define EX_MODEL_SIDE 224
#define EX_MODEL_CHANNELS 3
#define EX_MODEL_INPUT_LEN ((size_t)EX_MODEL_SIDE * EX_MODEL_SIDE * EX_MODEL_CHANNELS)

struct ex_model {
	struct vaccel_session sess;
	struct vaccel_resource model;
	float *input;  /* EX_MODEL_INPUT_LEN values */
	char **labels; /* one per line of the labels file */
	size_t nr_labels;
};

/*
 * A framework's steps; each prints its own results and returns a vAccel code, and the
 * driver reports a failed step. unload may be NULL (Torch has none); it runs whenever
 * load succeeded.
 */
struct ex_model_ops {
	int (*load)(struct ex_model *m);
	int (*run)(struct ex_model *m);
	int (*unload)(struct ex_model *m);
};

int ex_model_main(int argc, char **argv, const struct ex_model_ops *ops);

/* A run's output tensor, whatever its framework's type. */
struct ex_model_output {
	int type;
	long long nr_dims;
	const void *data;
	size_t size;
	bool is_float; /* data holds floats */
};

/*
 * Report a run: VACCEL_EINVAL (and a message) if the model returned no tensor (`out`
 * NULL); otherwise print `Success!`, the optional heading line, `Output tensor =>
 * type:T nr_dims:N size:SB` and, when the output is one float per label (a classifier's
 * scores), `Prediction: <label of the highest score>`.
 */
int ex_model_report(struct ex_model *m, const struct ex_model_output *out, const char *heading);

/*
 * The ex_model_output of a framework's output tensor (TF, TFLite and Torch tensors name
 * these fields alike); `float_type` is the framework's float data type.
 */
#define EX_MODEL_OUTPUT(tensor, float_type)                                                        \
	((struct ex_model_output){(tensor)->data_type, (tensor)->nr_dims, (tensor)->data,          \
				  (tensor)->size, (tensor)->data_type == (float_type)})

#endif /* EX_MODEL_H */
