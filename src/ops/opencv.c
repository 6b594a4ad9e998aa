// SPDX-License-Identifier: Apache-2.0
/* VACCEL_OP_OPENCV: argument arrays passed through to the plugin. */

#include "ops.h"
#include "vaccel/ops/opencv.h"
#include <inttypes.h>

typedef int (*opencv_fn)(struct vaccel_session *sess, struct vaccel_arg *read, int nr_read,
			 struct vaccel_arg *write, int nr_write);

static struct vaccel_prof_region opencv_prof[] = {
    VACCEL_PROF_REGION_INIT("vaccel_opencv_op"),
};

int vaccel_opencv(struct vaccel_session *sess, struct vaccel_arg *read, int nr_read,
		  struct vaccel_arg *write, int nr_write)
{
	uint64_t t0;
	void *func;
	int ret;

	if (!sess)
		return VACCEL_EINVAL;

	/* The counts are signed in this API: reject what no array can satisfy. */
	if (nr_read < 0 || nr_write < 0 || (nr_read && !read) || (nr_write && !write)) {
		vaccel_error("session:%" PRId64 " Invalid opencv arguments", sess->id);
		return VACCEL_EINVAL;
	}

	ops_log_lookup(sess, VACCEL_OP_OPENCV);
	t0 = ops_prof_begin();

	ret = ops_get_func(sess, VACCEL_OP_OPENCV, &func);
	if (ret)
		goto out;

	ret = ((opencv_fn)func)(sess, read, nr_read, write, nr_write);
out:
	ops_prof_end(&opencv_prof[0], t0);
	return ret;
}

int vaccel_opencv_unpack(struct vaccel_session *sess, struct vaccel_arg *read, int nr_read,
			 struct vaccel_arg *write, int nr_write)
{
	return vaccel_opencv(sess, read, nr_read, write, nr_write);
}

__attribute__((destructor)) static void opencv_prof_fini(void)
{
	ops_prof_regions_flush(opencv_prof, 1);
}
