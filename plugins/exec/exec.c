// SPDX-License-Identifier: Apache-2.0
/* The exec plugin: runs user functions from host libraries or from LIB resources. */
#include "exec.h"
#include "vaccel_common.h"
#include <inttypes.h>

static void exec_dump_args(const char *dir, const struct vaccel_arg *args, size_t nr)
{
	char name[VACCEL_ENUM_STR_MAX];

	for (size_t i = 0; args && i < nr; i++)
		exec_debug("%s[%zu]: size: %zu type: %s", dir, i, args[i].size,
			   vaccel_arg_type_name(args[i].type, name, sizeof(name)));
}

static int exec_call(exec_fn_t fn, const char *symbol, struct vaccel_arg *read, size_t nr_read,
		     struct vaccel_arg *write, size_t nr_write)
{
	int ret;

	exec_dump_args("read", read, nr_read);
	exec_dump_args("write", write, nr_write);
	ret = fn(read, nr_read, write, nr_write);
	if (ret) {
		vaccel_error("[exec] %s returned %d", symbol, ret);
		return VACCEL_EBACKEND;
	}
	return VACCEL_OK;
}

static int exec_noop(struct vaccel_session *sess)
{
	if (!sess)
		return VACCEL_EINVAL;
	exec_debug("session:%" PRId64 " Calling no-op", sess->id);
	return VACCEL_OK;
}

static int exec_exec(struct vaccel_session *sess, const char *library, const char *fn_symbol,
		     struct vaccel_arg *read, size_t nr_read, struct vaccel_arg *write,
		     size_t nr_write)
{
	exec_fn_t fn;
	void *handle;
	int ret;

	if (!sess || !library || !fn_symbol || (nr_read && !read) || (nr_write && !write))
		return VACCEL_EINVAL;

	exec_debug("session:%" PRId64 " Calling exec", sess->id);
	exec_debug("library: %s symbol: %s nr_read: %zu nr_write: %zu", library, fn_symbol, nr_read,
		   nr_write);
	ret = exec_dl_get(library, &handle);
	if (ret)
		return ret;
	ret = exec_dl_sym(handle, fn_symbol, &fn);
	if (ret)
		return ret;
	return exec_call(fn, fn_symbol, read, nr_read, write, nr_write);
}

static int exec_exec_with_resource(struct vaccel_session *sess, struct vaccel_resource *resource,
				   const char *fn_symbol, struct vaccel_arg *read, size_t nr_read,
				   struct vaccel_arg *write, size_t nr_write)
{
	struct exec_res_libs *libs;
	exec_fn_t fn;
	void *main;
	int ret;

	if (!sess || !resource || !fn_symbol || (nr_read && !read) || (nr_write && !write))
		return VACCEL_EINVAL;

	exec_debug("session:%" PRId64 " Calling exec_with_resource", sess->id);
	exec_debug("resource: %" PRId64 " symbol: %s nr_read: %zu nr_write: %zu", resource->id,
		   fn_symbol, nr_read, nr_write);
	ret = exec_res_acquire(resource, &libs, &main);
	if (ret)
		return ret;
	ret = exec_dl_sym(main, fn_symbol, &fn);
	if (!ret)
		ret = exec_call(fn, fn_symbol, read, nr_read, write, nr_write);
	exec_res_put(libs);
	return ret;
}

static struct vaccel_op exec_ops[] = {
    VACCEL_OP_INIT(exec_ops[0], VACCEL_OP_NOOP, exec_noop),
    VACCEL_OP_INIT(exec_ops[1], VACCEL_OP_EXEC, exec_exec),
    VACCEL_OP_INIT(exec_ops[2], VACCEL_OP_EXEC_WITH_RESOURCE, exec_exec_with_resource),
};

static int exec_init(void)
{
	exec_dl_configure();
	return vaccel_plugin_register_ops(exec_ops, ARRAY_SIZE(exec_ops));
}

static int exec_fini(void)
{
	exec_dl_close_all();
	return VACCEL_OK;
}

VACCEL_PLUGIN(.name = "exec", .version = VACCEL_VERSION, .vaccel_version = VACCEL_VERSION,
	      .type = VACCEL_PLUGIN_SOFTWARE | VACCEL_PLUGIN_GENERIC | VACCEL_PLUGIN_CPU,
	      .init = exec_init, .fini = exec_fini, .resource_unregister = exec_res_unregister)
