// SPDX-License-Identifier: Apache-2.0
/* VACCEL_OP_OPENCV: argument arrays passed through to the plugin. Flow and rules: ops.h. */

#include "ops.h"
#include "vaccel/ops/opencv.h"
#include <inttypes.h>

int vaccel_opencv(struct vaccel_session *sess, struct vaccel_arg *read, int nr_read,
		  struct vaccel_arg *write, int nr_write)
{
	if (!sess)
		return VACCEL_EINVAL;

	/* The counts are signed in this API: reject what no array can satisfy. */
	if (nr_read < 0 || nr_write < 0 || (nr_read && !read) || (nr_write && !write)) {
		vaccel_error("session:%" PRId64 " Invalid opencv arguments", sess->id);
		return VACCEL_EINVAL;
	}

	OPS_RETURN_CALL(sess, VACCEL_OP_OPENCV, NULL, vaccel_opencv, sess, read, nr_read, write,
			nr_write);
}

int vaccel_opencv_unpack(struct vaccel_session *sess, struct vaccel_arg *read, int nr_read,
			 struct vaccel_arg *write, int nr_write)
{
	return vaccel_opencv(sess, read, nr_read, write, nr_write);
}
