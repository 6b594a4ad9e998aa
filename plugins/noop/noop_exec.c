// SPDX-License-Identifier: Apache-2.0
/* noop no-op and exec operations: log, and echo the first input into the first output. */
#include "noop.h"
#include <inttypes.h>
#include <string.h>

int noop_noop(struct vaccel_session *sess)
{
	if (!sess)
		return VACCEL_EINVAL;
	noop_debug("Calling no-op for session %" PRId64, sess->id);
	return VACCEL_OK;
}

static void noop_dump_args(const char *dir, const struct vaccel_arg *args, size_t nr)
{
	char name[VACCEL_ENUM_STR_MAX];

	for (size_t i = 0; args && i < nr; i++)
		noop_debug("%s[%zu]: size: %zu type: %s", dir, i, args[i].size,
			   noop_str(vaccel_arg_type_name(args[i].type, name, sizeof(name))));
}

/*
 * Upstream's rule, kept so callers see output == input: with exactly one output of the same
 * size as the first input (a whole number of ints), copy the input over.
 */
static void noop_echo(const struct vaccel_arg *read, size_t nr_read, struct vaccel_arg *write,
		      size_t nr_write)
{
	if (nr_read < 1 || nr_write != 1 || !read || !write)
		return;
	if (!read[0].buf || !write[0].buf || read[0].size != write[0].size ||
	    read[0].size % sizeof(int) != 0)
		return;
	memmove(write[0].buf, read[0].buf, read[0].size);
}

int noop_exec(struct vaccel_session *sess, const char *library, const char *fn_symbol,
	      struct vaccel_arg *read, size_t nr_read, struct vaccel_arg *write, size_t nr_write)
{
	if (!sess || !library || !fn_symbol)
		return VACCEL_EINVAL;

	noop_debug("Calling exec for session %" PRId64, sess->id);
	noop_debug("Dumping arguments for exec:");
	noop_debug("library: %s symbol: %s", library, fn_symbol);
	noop_debug("nr_read: %zu nr_write: %zu", nr_read, nr_write);
	noop_dump_args("read", read, nr_read);
	noop_dump_args("write", write, nr_write);

	noop_echo(read, nr_read, write, nr_write);
	return VACCEL_OK;
}

int noop_exec_with_resource(struct vaccel_session *sess, struct vaccel_resource *resource,
			    const char *fn_symbol, struct vaccel_arg *read, size_t nr_read,
			    struct vaccel_arg *write, size_t nr_write)
{
	size_t nr_blobs;

	if (!sess || !resource || !fn_symbol)
		return VACCEL_EINVAL;
	nr_blobs = resource->blobs ? resource->nr_blobs : 0;

	noop_debug("Calling exec_with_resource for session %" PRId64, sess->id);
	noop_debug("Dumping arguments for exec_with_resource:");
	/* Blobs 0..n-2 are dependencies; the last one is the library holding the symbol. */
	for (size_t i = 0; i + 1 < nr_blobs; i++)
		noop_debug("dep library: %s",
			   noop_str(resource->blobs[i] ? resource->blobs[i]->path : NULL));
	noop_debug("library: %s symbol: %s",
		   noop_str(nr_blobs && resource->blobs[nr_blobs - 1]
				? resource->blobs[nr_blobs - 1]->path
				: NULL),
		   fn_symbol);
	noop_debug("nr_read: %zu nr_write: %zu", nr_read, nr_write);
	noop_dump_args("read", read, nr_read);
	noop_dump_args("write", write, nr_write);

	noop_echo(read, nr_read, write, nr_write);
	return VACCEL_OK;
}
