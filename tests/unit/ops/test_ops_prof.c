// SPDX-License-Identifier: Apache-2.0
/*
 * Op profiling: every typed op samples into its own region under upstream's name (the
 * five image ops into one), a call refused before the plugin lookup (NULL session, bad
 * resource) takes no sample, and one refused at the lookup (ENOTSUP) takes one that is
 * closed. The regions are only visible in the dump the runtime writes at exit, so the
 * test runs itself again as a child with profiling on and its log in a file, then reads
 * the dump.
 */

#include "opstest_common.h"
#include "vaccel_common.h"
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define CHILD_ENV "OPSTEST_PROF_CHILD"

static char log_path[64];

/* The child: every op once on the opstest plugin, plus calls that must not count. */
static int child(void)
{
	struct opstest_fixture *f;
	struct vaccel_resource *lib, *model;
	struct vaccel_plugin *real;
	void *state = NULL;

	if (opstest_group_setup(&state) || opstest_setup(&state))
		return 1;
	f = state;
	lib = opstest_resource(f, 0, VACCEL_RESOURCE_LIB, true);
	model = opstest_resource(f, 1, VACCEL_RESOURCE_MODEL, true);

	opstest_call_all_ops(&f->sess, lib, model, VACCEL_OK);

	/* Refused before the lookup: no sample. */
	assert_int_equal(vaccel_noop(NULL), VACCEL_EINVAL);
	assert_int_equal(vaccel_tf_model_load(&f->sess, lib, NULL), VACCEL_EINVAL);
	assert_int_equal(vaccel_exec_with_resource(&f->sess, model, "f", NULL, 0, NULL, 0),
			 VACCEL_EINVAL);

	/* Refused at the lookup: the sample is taken and closed. */
	real = f->sess.plugin;
	f->sess.plugin = &opstest_empty_plugin;
	assert_int_equal(vaccel_noop(&f->sess), VACCEL_ENOTSUP);
	f->sess.plugin = real;

	return opstest_teardown(&state) ? 1 : 0;
}

/* The dump's line for `region` says `count` samples. */
static void assert_region(const char *dump, const char *region, unsigned int count)
{
	char head[128], *line;
	unsigned long long ns;
	unsigned int n;

	snprintf(head, sizeof(head), "[prof] %s: total_time: ", region);
	line = strstr(dump, head);
	if (!line)
		fail_msg("no line for region %s in:\n%s", region, dump);
	assert_int_equal(sscanf(line + strlen(head), "%llu nsec nr_entries: %u", &ns, &n), 2);
	if (n != count)
		fail_msg("region %s: %u samples, expected %u", region, n, count);
}

static void regions_per_op(void **state)
{
	static const struct {
		const char *region;
		unsigned int count;
	} expected[] = {
	    {"vaccel_noop_op", 2},
	    {"vaccel_exec_op", 1},
	    {"vaccel_exec_with_resource_op", 1},
	    {"vaccel_image_op", 5},
	    {"vaccel_tf_model_load", 1},
	    {"vaccel_tf_model_unload", 1},
	    {"vaccel_tf_model_run", 1},
	    {"vaccel_tflite_model_load", 1},
	    {"vaccel_tflite_model_unload", 1},
	    {"vaccel_tflite_model_run", 1},
	    {"vaccel_torch_model_load_op", 1},
	    {"vaccel_torch_model_run_op", 1},
	    {"vaccel_sgemm_op", 1},
	    {"vaccel_blas_op", 1},
	    {"vaccel_fpga_arraycopy_op", 1},
	    {"vaccel_fpga_mmult_op", 1},
	    {"vaccel_fpga_parallel_op", 1},
	    {"vaccel_fpga_vadd_op", 1},
	    {"vaccel_minmax_op", 1},
	    {"vaccel_opencv_op", 1},
	};
	char dump[16384];
	size_t len;
	FILE *log;
	int status, lines = 0;
	pid_t pid;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* Cross builds run under an emulator (MESON_EXE_WRAPPER): so must the copy. */
		const char *wrapper = getenv("MESON_EXE_WRAPPER");
		char self[PATH_MAX];
		ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

		if (wrapper && wrapper[0] && n > 0) {
			self[n] = '\0';
			execl(wrapper, wrapper, self, (char *)NULL);
		} else {
			execl("/proc/self/exe", "test_ops_prof", (char *)NULL);
		}
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);

	log = fopen(log_path, "r");
	assert_non_null(log);
	len = fread(dump, 1, sizeof(dump) - 1, log);
	fclose(log);
	dump[len] = '\0';

	for (size_t i = 0; i < ARRAY_SIZE(expected); i++)
		assert_region(dump, expected[i].region, expected[i].count);
	/* Nothing else was dumped: one line per region that took samples. */
	for (const char *p = dump; (p = strstr(p, "[prof] ")); p++)
		lines++;
	assert_int_equal(lines, ARRAY_SIZE(expected));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(regions_per_op),
	};
	int fd, ret;

	if (getenv(CHILD_ENV))
		return child();

	snprintf(log_path, sizeof(log_path), "/tmp/vaccel-opsprof-XXXXXX");
	fd = mkstemp(log_path);
	if (fd < 0)
		return 1;
	close(fd);
	/* Read by the child's runtime at load time. */
	setenv(CHILD_ENV, "1", 1);
	setenv("VACCEL_PROFILING_ENABLED", "1", 1);
	setenv("VACCEL_LOG_LEVEL", "3", 1);
	setenv("VACCEL_LOG_FILE", log_path, 1);

	ret = cmocka_run_group_tests(tests, NULL, NULL);
	unlink(log_path);
	return ret;
}
