/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Command line, following the vhost-user backend program conventions
 * (QEMU docs/interop/vhost-user.rst): --socket-path | --fd,
 * --print-capabilities. Every number is range-checked; a bad option is one
 * line on stderr and exit status 2 (the caller exits).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/virtio_accel.h>

#include "daemon.h"

enum {
	OPT_SOCKET = 256,
	OPT_FD,
	OPT_CAPS,
	OPT_QUEUES,
	OPT_QSIZE,
	OPT_MAX_ARGS,
	OPT_MAX_SEGS,
	OPT_MAX_BYTES,
	OPT_WORKERS,
	OPT_POLL,
	OPT_MAX_CONN,
	OPT_EXEC_ALLOW,
	OPT_EXEC_UPLOAD,
	OPT_HELP,
};

static const struct option longopts[] = {
    {"socket-path", required_argument, NULL, OPT_SOCKET},
    {"fd", required_argument, NULL, OPT_FD},
    {"print-capabilities", no_argument, NULL, OPT_CAPS},
    {"queues", required_argument, NULL, OPT_QUEUES},
    {"queue-size", required_argument, NULL, OPT_QSIZE},
    {"max-args", required_argument, NULL, OPT_MAX_ARGS},
    {"max-segments", required_argument, NULL, OPT_MAX_SEGS},
    {"max-request-bytes", required_argument, NULL, OPT_MAX_BYTES},
    {"workers-per-queue", required_argument, NULL, OPT_WORKERS},
    {"poll-us", required_argument, NULL, OPT_POLL},
    {"max-connections", required_argument, NULL, OPT_MAX_CONN},
    {"exec-allow", required_argument, NULL, OPT_EXEC_ALLOW},
    {"allow-exec-upload", no_argument, NULL, OPT_EXEC_UPLOAD},
    {"help", no_argument, NULL, OPT_HELP},
    {NULL, 0, NULL, 0},
};

void opts_usage(const char *prog)
{
	printf("Usage: %s (--socket-path=PATH | --fd=N) [options]\n"
	       "vhost-user backend of the virtio-accel device: runs vAccel operations for a VM\n"
	       "with the host vAccel runtime (plugins from VACCEL_PLUGINS, default\n"
	       "libvaccel-noop.so; log level from VACCEL_LOG_LEVEL).\n\n"
	       "  --socket-path=PATH       listen on this unix socket; each frontend that\n"
	       "                           connects gets its own device state and threads\n"
	       "  --fd=N                   use inherited socket fd N (listening or connected)\n"
	       "  --print-capabilities     print the backend capabilities as JSON and exit\n"
	       "  --queues=N               request queues (default 2, max %u)\n"
	       "  --queue-size=N           ring size hint, power of two <= %u (default 256)\n"
	       "  --max-args=N             args per request (default 64, %u..%u)\n"
	       "  --max-segments=N         descriptors per request (default 131072)\n"
	       "  --max-request-bytes=N    bytes per request (default 1073741824)\n"
	       "  --workers-per-queue=N    worker threads per queue (default 2, max 64)\n"
	       "  --poll-us=N              busy-poll the ring N us before sleeping (default 0)\n"
	       "  --max-connections=N      frontends served at once (default 16, max 1024);\n"
	       "                           more are accepted and closed at once\n"
	       "  --exec-allow=P[:P...]    host libraries EXEC may load: files, or dirs ending /\n"
	       "  --allow-exec-upload      allow EXEC_WITH_RESOURCE (runs guest-uploaded code)\n"
	       "  --help                   this text\n",
	       prog, VHU_MAX_QUEUES, VQ_MAX_SIZE, VIRTIO_ACCEL_MIN_ARGS,
	       VIRTIO_ACCEL_MAX_ARGS_LIMIT);
}

static int num(const char *name, const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	if (!s || !*s || *s == '-' || *s == '+')
		goto bad;
	v = strtoull(s, &end, 0);
	if (errno || *end || v < lo || v > hi)
		goto bad;
	*out = v;
	return 0;
bad:
	fprintf(stderr,
		"vhost-user-accel: --%s: expected a number in %" PRIu64 "..%" PRIu64 ", got '%s'\n",
		name, lo, hi, s ? s : "");
	return -1;
}

/* Resolve and store the ':'-separated allowlist. */
static int parse_allow(struct daemon_opts *o, const char *list)
{
	char *copy = strdup(list), *save = NULL, *tok;

	if (!copy)
		return -1;
	for (tok = strtok_r(copy, ":", &save); tok; tok = strtok_r(NULL, ":", &save)) {
		char real[PATH_MAX], **n;
		size_t len = strlen(tok);
		bool dir = len && tok[len - 1] == '/';

		if (tok[0] != '/') {
			fprintf(stderr, "vhost-user-accel: --exec-allow: '%s' is not absolute\n",
				tok);
			goto fail;
		}
		if (!realpath(tok, real)) {
			fprintf(stderr, "vhost-user-accel: --exec-allow: cannot resolve '%s': %s\n",
				tok, strerror(errno));
			goto fail;
		}
		n = realloc(o->exec_allow, (o->nr_exec_allow + 2) * sizeof(*n));
		if (!n)
			goto fail;
		o->exec_allow = n;
		len = strlen(real);
		n[o->nr_exec_allow] = malloc(len + 2);
		if (!n[o->nr_exec_allow])
			goto fail;
		memcpy(n[o->nr_exec_allow], real, len + 1);
		if (dir && (len == 0 || real[len - 1] != '/'))
			strcat(n[o->nr_exec_allow], "/");
		o->nr_exec_allow++;
		n[o->nr_exec_allow] = NULL;
	}
	free(copy);
	return 0;
fail:
	free(copy);
	return -1;
}

int opts_parse(struct daemon_opts *o, int argc, char **argv)
{
	uint64_t v;
	int c;

	memset(o, 0, sizeof(*o));
	o->fd = -1;
	o->queues = 2;
	o->queue_size = 256;
	o->max_args = 64;
	o->max_segments = 131072;
	o->max_request_bytes = 1ull << 30;
	o->workers_per_queue = 2;
	o->max_connections = 16;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_SOCKET:
			if (!*optarg) {
				fprintf(stderr, "vhost-user-accel: --socket-path: empty path\n");
				return -1;
			}
			o->socket_path = optarg;
			break;
		case OPT_FD:
			if (num("fd", optarg, 0, INT_MAX, &v))
				return -1;
			o->fd = (int)v;
			break;
		case OPT_CAPS:
			o->print_capabilities = true;
			break;
		case OPT_QUEUES:
			if (num("queues", optarg, 1, VHU_MAX_QUEUES, &v))
				return -1;
			o->queues = (unsigned)v;
			break;
		case OPT_QSIZE:
			if (num("queue-size", optarg, 1, VQ_MAX_SIZE, &v))
				return -1;
			if (v & (v - 1)) {
				fprintf(stderr,
					"vhost-user-accel: --queue-size: not a power of two\n");
				return -1;
			}
			o->queue_size = (unsigned)v;
			break;
		case OPT_MAX_ARGS:
			if (num("max-args", optarg, VIRTIO_ACCEL_MIN_ARGS,
				VIRTIO_ACCEL_MAX_ARGS_LIMIT, &v))
				return -1;
			o->max_args = (unsigned)v;
			break;
		case OPT_MAX_SEGS:
			if (num("max-segments", optarg, 4, 1u << 20, &v))
				return -1;
			o->max_segments = (unsigned)v;
			break;
		case OPT_MAX_BYTES:
			/* The used length is 32-bit: a chain must stay below 4 GiB. */
			if (num("max-request-bytes", optarg, 4096, UINT32_MAX, &v))
				return -1;
			o->max_request_bytes = v;
			break;
		case OPT_WORKERS:
			if (num("workers-per-queue", optarg, 1, 64, &v))
				return -1;
			o->workers_per_queue = (unsigned)v;
			break;
		case OPT_POLL:
			if (num("poll-us", optarg, 0, 1000000, &v))
				return -1;
			o->poll_us = (unsigned)v;
			break;
		case OPT_MAX_CONN:
			if (num("max-connections", optarg, 1, 1024, &v))
				return -1;
			o->max_connections = (unsigned)v;
			break;
		case OPT_EXEC_ALLOW:
			if (parse_allow(o, optarg))
				return -1;
			break;
		case OPT_EXEC_UPLOAD:
			o->allow_exec_upload = true;
			break;
		case OPT_HELP:
			o->help = true;
			break;
		default:
			if (optopt)
				fprintf(stderr, "vhost-user-accel: bad or incomplete option '%s'\n",
					argv[optind - 1]);
			else
				fprintf(stderr, "vhost-user-accel: unknown option '%s'\n",
					argv[optind - 1]);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "vhost-user-accel: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	if (o->help || o->print_capabilities)
		return 1;
	if (!o->socket_path == (o->fd < 0)) {
		fprintf(stderr, "vhost-user-accel: give exactly one of --socket-path and --fd\n");
		return -1;
	}
	return 0;
}

void opts_free(struct daemon_opts *o)
{
	for (unsigned i = 0; i < o->nr_exec_allow; i++)
		free(o->exec_allow[i]);
	free(o->exec_allow);
	o->exec_allow = NULL;
	o->nr_exec_allow = 0;
}
