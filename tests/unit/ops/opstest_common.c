// SPDX-License-Identifier: Apache-2.0
/* Fixtures shared by the ops tests (see opstest_common.h). */

#include "opstest_common.h"
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct opstest_state *plugin_state;

static struct vaccel_plugin_info empty_info = {.name = "opstest-empty"};
struct vaccel_plugin opstest_empty_plugin = {.info = &empty_info};

int opstest_group_setup(void **state)
{
	const char *path = getenv("VACCEL_PLUGINS");
	opstest_state_fn get;
	void *handle;

	(void)state;
	if (!path) {
		fprintf(stderr, "VACCEL_PLUGINS is not set\n");
		return -1;
	}

	/* The runtime bootstraps (and loads the plugin) when it is loaded. */
	if (!vaccel_is_initialized() && vaccel_bootstrap() != VACCEL_OK)
		return -1;

	handle = dlopen(path, RTLD_NOW | RTLD_NOLOAD);
	if (!handle) {
		fprintf(stderr, "opstest plugin not loaded: %s\n", dlerror());
		return -1;
	}
	get = (opstest_state_fn)dlsym(handle, OPSTEST_STATE_SYM);
	/* RTLD_NOLOAD took a reference; the runtime keeps its own. */
	dlclose(handle);
	if (!get)
		return -1;

	plugin_state = get();
	return 0;
}

int opstest_group_teardown(void **state)
{
	(void)state;
	return 0;
}

int opstest_setup(void **state)
{
	struct opstest_fixture *f = calloc(1, sizeof(*f));
	int fd;

	if (!f)
		return -1;

	snprintf(f->path, sizeof(f->path), "/tmp/vaccel-opstest-XXXXXX");
	fd = mkstemp(f->path);
	if (fd < 0 || write(fd, "opstest\n", 8) != 8) {
		free(f);
		return -1;
	}
	close(fd);

	if (vaccel_session_init(&f->sess, 0) != VACCEL_OK) {
		unlink(f->path);
		free(f);
		return -1;
	}

	memset(plugin_state, 0, sizeof(*plugin_state));
	f->st = plugin_state;
	*state = f;
	return 0;
}

int opstest_teardown(void **state)
{
	struct opstest_fixture *f = *state;
	int ret = 0;

	if (vaccel_session_release(&f->sess) != VACCEL_OK)
		ret = -1;

	for (int i = 0; i < 3; i++)
		if (f->res_inited[i] && vaccel_resource_release(&f->res[i]) != VACCEL_OK)
			ret = -1;

	unlink(f->path);
	free(f);
	return ret;
}

struct vaccel_resource *opstest_resource(struct opstest_fixture *f, int slot,
					 vaccel_resource_type_t type, bool do_register)
{
	struct vaccel_resource *res = &f->res[slot];

	assert_int_equal(vaccel_resource_init(res, f->path, type), VACCEL_OK);
	f->res_inited[slot] = true;
	if (do_register)
		assert_int_equal(vaccel_resource_register(res, &f->sess), VACCEL_OK);

	return res;
}

/*
 * What every image op call recorded: `op` once, img and its length first, the output
 * name and its length in arg slot `name_slot`, and the plugin's image name written to it.
 */
static void assert_image_call(const struct opstest_fixture *f, vaccel_op_type_t op, const void *img,
			      size_t len_img, int name_slot, const unsigned char *name,
			      size_t len_name)
{
	assert_int_equal(f->st->last_op, op);
	assert_int_equal(f->st->count[op], 1);
	assert_ptr_equal(f->st->ptr[0], img);
	assert_int_equal(f->st->num[0], len_img);
	assert_ptr_equal(f->st->ptr[name_slot], name);
	assert_int_equal(f->st->num[name_slot], len_name);
	assert_string_equal((const char *)name, OPSTEST_IMGNAME);
}

void opstest_assert_image_op(const struct opstest_fixture *f, vaccel_op_type_t op, const void *img,
			     size_t len_img, const unsigned char *name, size_t len_name)
{
	assert_image_call(f, op, img, len_img, 1, name, len_name);
}

void opstest_assert_classify(const struct opstest_fixture *f, const void *img, size_t len_img,
			     const unsigned char *text, size_t len_text, const unsigned char *name,
			     size_t len_name)
{
	assert_image_call(f, VACCEL_OP_IMAGE_CLASSIFY, img, len_img, 2, name, len_name);
	assert_ptr_equal(f->st->ptr[1], text);
	assert_int_equal(f->st->num[1], len_text);
	assert_string_equal((const char *)text, OPSTEST_CLASSIFY_TEXT);
}

void opstest_call_all_ops(struct vaccel_session *sess, struct vaccel_resource *lib,
			  struct vaccel_resource *model, int want)
{
	unsigned char buf[8] = {0};
	int ia[1] = {0};
	float fa[1] = {0};
	double da[1] = {0}, dmin, dmax;
	struct vaccel_tf_tensor *tft = NULL;
	struct vaccel_tflite_tensor *tlt = NULL;
	struct vaccel_torch_tensor *tt = NULL;
	uint8_t st;

	assert_int_equal(vaccel_noop(sess), want);
	assert_int_equal(vaccel_exec(sess, "lib", "sym", NULL, 0, NULL, 0), want);
	assert_int_equal(vaccel_exec_with_resource(sess, lib, "sym", NULL, 0, NULL, 0), want);
	assert_int_equal(vaccel_image_classification(sess, buf, buf, buf, 8, 8, 8), want);
	assert_int_equal(vaccel_image_detection(sess, buf, buf, 8, 8), want);
	assert_int_equal(vaccel_image_segmentation(sess, buf, buf, 8, 8), want);
	assert_int_equal(vaccel_image_pose(sess, buf, buf, 8, 8), want);
	assert_int_equal(vaccel_image_depth(sess, buf, buf, 8, 8), want);
	assert_int_equal(vaccel_tf_model_load(sess, model, NULL), want);
	assert_int_equal(vaccel_tf_model_unload(sess, model, NULL), want);
	assert_int_equal(vaccel_tf_model_run(sess, model, NULL, NULL, &tft, 0, NULL, &tft, 0, NULL),
			 want);
	assert_int_equal(vaccel_tflite_model_load(sess, model), want);
	assert_int_equal(vaccel_tflite_model_unload(sess, model), want);
	assert_int_equal(vaccel_tflite_model_run(sess, model, &tlt, 0, &tlt, 0, &st), want);
	assert_int_equal(vaccel_torch_model_load(sess, model), want);
	assert_int_equal(vaccel_torch_model_run(sess, model, NULL, &tt, 0, &tt, 0), want);
	assert_int_equal(vaccel_torch_sgemm(sess, &tt, &tt, &tt, 1, 1, 1, &tt), want);
	assert_int_equal(vaccel_sgemm(sess, 1, 1, 1, 1, fa, 1, fa, 1, 0, fa, 1), want);
	assert_int_equal(vaccel_fpga_arraycopy(sess, ia, ia, 1), want);
	assert_int_equal(vaccel_fpga_mmult(sess, fa, fa, fa, 1), want);
	assert_int_equal(vaccel_fpga_parallel(sess, fa, fa, fa, fa, 1), want);
	assert_int_equal(vaccel_fpga_vadd(sess, fa, fa, fa, 1, 1), want);
	assert_int_equal(vaccel_minmax(sess, da, 1, 0, 1, da, &dmin, &dmax), want);
	assert_int_equal(vaccel_opencv(sess, NULL, 0, NULL, 0), want);
}
