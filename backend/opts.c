/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Command line, following the vhost-user backend program conventions
 * (QEMU docs/interop/vhost-user.rst): --socket-path | --fd,
 * --print-capabilities. Every number is range-checked against its row of
 * num_opts (which also gives its default and its --help line); a bad
 * option is one line on stderr and exit status 2 (the caller exits).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <linux/virtio_accel.h>

#include "vaccel_common.h"

#include "daemon.h"

/* A numeric option: where it goes, its bounds and default, its help line. */
struct num_opt {
	const char *name;
	size_t off; /* of an unsigned (or, when wide, a uint64_t) in daemon_opts */
	bool wide;
	uint64_t lo, hi, def;
	const char *help;
};

#define U(field) offsetof(struct daemon_opts, field), false
#define W(field) offsetof(struct daemon_opts, field), true
#define MIB (1ull << 20)

static const struct num_opt num_opts[] = {
    {"queues", U(queues), 1, VHU_MAX_QUEUES, 2, "request queues"},
    {"queue-size", U(queue_size), 1, VQ_MAX_SIZE, 256,
     "ring size hint, a power of two (the frontend picks the size)"},
    {"max-args", U(max_args), VIRTIO_ACCEL_MIN_ARGS, VIRTIO_ACCEL_MAX_ARGS_LIMIT, 64,
     "args per request"},
    {"max-segments", U(max_segments), 4, VQ_MAX_SEGMENTS, 131072, "descriptors per request"},
    /* The used length is 32-bit: a chain must stay below 4 GiB. */
    {"max-request-bytes", W(max_request_bytes), 4096, UINT32_MAX, 1024 * MIB, "bytes per request"},
    {"workers-per-queue", U(workers_per_queue), 1, 64, 2, "worker threads per queue"},
    {"poll-us", U(poll_us), 0, 1000000, 0, "busy-poll the ring N us before sleeping"},
    {"max-connections", U(max_connections), 1, 1024, 16,
     "frontends served at once; more are accepted and closed at once"},
    {"handshake-timeout-ms", U(handshake_timeout_ms), 100, 3600000, 10000,
     "a frontend must send SET_OWNER this soon after connecting, and finish every "
     "message it starts this soon"},
    {"stuck-op-ms", U(stuck_op_ms), 10, 86400000, 5000,
     "an op running longer is stuck: a new worker serves its queue, and a disconnect "
     "waits no longer for it"},
    /* Per connection (a frontend, i.e. a VM); hitting one is NOSPACE for that driver only. */
    {"max-sessions", U(limits.sessions), 1, 65536, 256, "sessions per connection"},
    {"max-resources", U(limits.resources), 1, 65536, 256, "resources per connection"},
    {"max-upload-bytes", W(limits.upload_bytes), 1, UINT64_MAX / 2, 1024 * MIB,
     "bytes of uploaded resource files per connection (host disk)"},
    {"max-mappings", U(limits.mappings), 1, 65536, 1024,
     "uploaded resource files per connection (each stays mapped in the daemon)"},
    /* 0: --max-request-bytes, so any request the device accepts can run alone. */
    {"max-bounce-bytes", W(limits.bounce_bytes), 4096, UINT64_MAX / 2, 0,
     "host copies of non-contiguous args per connection, all requests together"},
    {"max-inflight", U(limits.inflight), 1, 4096, 64,
     "requests running at once per connection: its worker threads, stuck ones included "
     "(at least queues x workers-per-queue)"},
};

enum {
	OPT_SOCKET = 256,
	OPT_FD,
	OPT_CAPS,
	OPT_EXEC_ALLOW,
	OPT_EXEC_UPLOAD,
	OPT_STATE_DIR,
	OPT_HELP,
	OPT_UPGRADE,
	OPT_NUM, /* num_opts[i] is OPT_NUM + i */
};

static const struct option fixed_opts[] = {
    {"socket-path", required_argument, NULL, OPT_SOCKET},
    {"fd", required_argument, NULL, OPT_FD},
    {"print-capabilities", no_argument, NULL, OPT_CAPS},
    {"exec-allow", required_argument, NULL, OPT_EXEC_ALLOW},
    {"allow-exec-upload", no_argument, NULL, OPT_EXEC_UPLOAD},
    {"state-dir", required_argument, NULL, OPT_STATE_DIR},
    {"help", no_argument, NULL, OPT_HELP},
    {"upgrade", no_argument, NULL, OPT_UPGRADE},
};

void opts_usage(const char *prog)
{
	printf("Usage: %s (--socket-path=PATH | --fd=N) [options]\n"
	       "vhost-user backend of the virtio-accel device: runs vAccel operations for a VM\n"
	       "with the host vAccel runtime (plugins from VACCEL_PLUGINS, default\n"
	       "libvaccel-noop.so; log level from VACCEL_LOG_LEVEL; kill -USR1 logs every\n"
	       "connection's usage against the per-connection limits).\n\n"
	       "  --socket-path=PATH        listen on this unix socket; each frontend that\n"
	       "                            connects gets its own device state and threads\n"
	       "  --fd=N                    use inherited socket fd N (listening or connected)\n"
	       "  --upgrade                 take over from the daemon on --socket-path (give\n"
	       "                            the same options): its socket, live connections\n"
	       "                            and sessions move here, VMs see no error; SIGHUP\n"
	       "                            starts this (control socket PATH" UPGRADE_SUFFIX ")\n"
	       "  --print-capabilities      print the backend capabilities as JSON and exit\n"
	       "  --exec-allow=E[:E...]     host libraries EXEC may load (none by default). An\n"
	       "                            entry with a '/' is an absolute path: a file, or a\n"
	       "                            directory ending in '/'; the request's library must\n"
	       "                            resolve (realpath) to it. An entry without '/' is a\n"
	       "                            bare name (e.g. mbench): it allows a request naming\n"
	       "                            exactly that name, which the host plugin resolves\n"
	       "                            itself. Either way only functions the library itself\n"
	       "                            defines may be called.\n"
	       "  --allow-exec-upload       allow EXEC_WITH_RESOURCE (runs guest-uploaded code)\n"
	       "  --state-dir=DIR           journal each frontend's sessions and resources\n"
	       "                            (resource files included) in a subdirectory of DIR\n"
	       "                            named after the socket, so that a daemon started\n"
	       "                            again with the same DIR and socket restores them,\n"
	       "                            with the same ids, when the VM reconnects (one\n"
	       "                            frontend per socket at a time; disk use per VM is\n"
	       "                            bounded by --max-upload-bytes and the counts). The\n"
	       "                            subdirectory goes when the frontend disconnects;\n"
	       "                            a crash or SIGTERM keeps it. Default: none\n",
	       prog);
	for (size_t i = 0; i < ARRAY_SIZE(num_opts); i++) {
		const struct num_opt *n = &num_opts[i];
		char name[40], def[24];

		snprintf(name, sizeof(name), "%s=N", n->name);
		/* A default below the range is not a value: it follows --max-request-bytes. */
		if (n->def >= n->lo)
			snprintf(def, sizeof(def), "%" PRIu64, n->def);
		else
			snprintf(def, sizeof(def), "--max-request-bytes");
		printf("  --%-23s %s (default %s, %" PRIu64 "..%" PRIu64 ")\n", name, n->help, def,
		       n->lo, n->hi);
	}
	printf("  --help                    this text\n");
}

/* A path option: any non-empty string (what it names is checked where it is used). */
static int path_arg(const char *name, const char *arg, const char **out)
{
	if (!*arg) {
		fprintf(stderr, "vhost-user-accel: --%s: empty path\n", name);
		return -1;
	}
	*out = arg;
	return 0;
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

static void num_store(struct daemon_opts *o, const struct num_opt *n, uint64_t v)
{
	char *p = (char *)o + n->off;

	unsigned u = (unsigned)v;

	if (n->wide)
		memcpy(p, &v, sizeof(v));
	else
		memcpy(p, &u, sizeof(u));
}

/* One allowlist entry: an absolute path (resolved now) or a bare name. */
static char *allow_entry(const char *tok)
{
	char real[PATH_MAX], *e;
	size_t len = strlen(tok);
	bool dir = len && tok[len - 1] == '/';

	if (!strchr(tok, '/')) {
		if (!strcmp(tok, ".") || !strcmp(tok, "..")) {
			fprintf(stderr, "vhost-user-accel: --exec-allow: '%s' is no name\n", tok);
			return NULL;
		}
		return strdup(tok);
	}
	if (tok[0] != '/') {
		fprintf(stderr,
			"vhost-user-accel: --exec-allow: '%s' is not absolute (a path needs a "
			"leading '/', a bare name has no '/')\n",
			tok);
		return NULL;
	}
	if (!realpath(tok, real)) {
		fprintf(stderr, "vhost-user-accel: --exec-allow: cannot resolve '%s': %s\n", tok,
			strerror(errno));
		return NULL;
	}
	len = strlen(real);
	e = malloc(len + 2);
	if (!e)
		return NULL;
	memcpy(e, real, len + 1);
	if (dir && real[len - 1] != '/')
		strcat(e, "/");
	return e;
}

/* Store the ':'-separated allowlist. */
static int parse_allow(struct daemon_opts *o, const char *list)
{
	char *copy = strdup(list), *save = NULL, *tok;
	unsigned before = o->nr_exec_allow;

	if (!copy)
		return -1;
	for (tok = strtok_r(copy, ":", &save); tok; tok = strtok_r(NULL, ":", &save)) {
		char **n = realloc(o->exec_allow, (o->nr_exec_allow + 2) * sizeof(*n));

		if (!n)
			goto fail;
		o->exec_allow = n;
		n[o->nr_exec_allow] = allow_entry(tok);
		if (!n[o->nr_exec_allow])
			goto fail;
		n[++o->nr_exec_allow] = NULL;
	}
	free(copy);
	if (o->nr_exec_allow == before) {
		fprintf(stderr, "vhost-user-accel: --exec-allow: no entry in '%s'\n", list);
		return -1;
	}
	return 0;
fail:
	free(copy);
	return -1;
}

/*
 * --state-dir: the directory exists (it is created, 0700, if its parent
 * does) and is a directory; the frontend's subdirectory is named after the
 * socket (--fd: after the socket's bound path, if any).
 */
static int state_dir_check(struct daemon_opts *o)
{
	struct sockaddr_un sa;
	socklen_t len = sizeof(sa);
	const char *sock = o->socket_path;
	struct stat sb;

	if (mkdir(o->state_dir, 0700) && errno != EEXIST) {
		fprintf(stderr, "vhost-user-accel: --state-dir: cannot create %s: %s\n",
			o->state_dir, strerror(errno));
		return -1;
	}
	if (stat(o->state_dir, &sb) || !S_ISDIR(sb.st_mode)) {
		fprintf(stderr, "vhost-user-accel: --state-dir: %s is not a directory\n",
			o->state_dir);
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	if (!sock && !getsockname(o->fd, (struct sockaddr *)&sa, &len) &&
	    sa.sun_family == AF_UNIX && len > offsetof(struct sockaddr_un, sun_path) &&
	    sa.sun_path[0]) {
		sa.sun_path[sizeof(sa.sun_path) - 1] = '\0';
		sock = sa.sun_path;
	}
	if (state_subdir_name(o->state_name, sizeof(o->state_name), sock)) {
		fprintf(stderr, "vhost-user-accel: --state-dir: no name for this socket\n");
		return -1;
	}
	return 0;
}

/* Defaults that follow other options, and checks between options, once all are read. */
static int opts_check(struct daemon_opts *o)
{
	if (!o->limits.bounce_bytes)
		o->limits.bounce_bytes = o->max_request_bytes;
	if (o->queue_size & (o->queue_size - 1)) {
		fprintf(stderr, "vhost-user-accel: --queue-size: not a power of two\n");
		return -1;
	}
	if (o->limits.inflight < o->queues * o->workers_per_queue) {
		fprintf(stderr,
			"vhost-user-accel: --max-inflight=%u is below queues x workers-per-queue "
			"(%u)\n",
			o->limits.inflight, o->queues * o->workers_per_queue);
		return -1;
	}
	if (!o->socket_path == (o->fd < 0)) {
		fprintf(stderr, "vhost-user-accel: give exactly one of --socket-path and --fd\n");
		return -1;
	}
	if (o->upgrade && !o->socket_path) {
		fprintf(stderr, "vhost-user-accel: --upgrade needs --socket-path (the running "
				"daemon's)\n");
		return -1;
	}
	return o->state_dir ? state_dir_check(o) : 0;
}

int opts_parse(struct daemon_opts *o, int argc, char **argv)
{
	struct option longopts[ARRAY_SIZE(fixed_opts) + ARRAY_SIZE(num_opts) + 1];
	uint64_t v;
	int c;

	memset(o, 0, sizeof(*o));
	o->fd = -1;
	memcpy(longopts, fixed_opts, sizeof(fixed_opts));
	for (size_t i = 0; i < ARRAY_SIZE(num_opts); i++) {
		longopts[ARRAY_SIZE(fixed_opts) + i] =
		    (struct option){num_opts[i].name, required_argument, NULL, OPT_NUM + (int)i};
		num_store(o, &num_opts[i], num_opts[i].def);
	}
	longopts[ARRAY_SIZE(longopts) - 1] = (struct option){NULL, 0, NULL, 0};
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_SOCKET:
			if (path_arg("socket-path", optarg, &o->socket_path))
				return -1;
			break;
		case OPT_FD:
			if (num("fd", optarg, 0, INT_MAX, &v))
				return -1;
			o->fd = (int)v;
			break;
		case OPT_CAPS:
			o->print_capabilities = true;
			break;
		case OPT_EXEC_ALLOW:
			if (parse_allow(o, optarg))
				return -1;
			break;
		case OPT_EXEC_UPLOAD:
			o->allow_exec_upload = true;
			break;
		case OPT_STATE_DIR:
			if (path_arg("state-dir", optarg, &o->state_dir))
				return -1;
			break;
		case OPT_HELP:
			o->help = true;
			break;
		case OPT_UPGRADE:
			o->upgrade = true;
			break;
		default:
			if (c >= OPT_NUM && c < OPT_NUM + (int)ARRAY_SIZE(num_opts)) {
				const struct num_opt *n = &num_opts[c - OPT_NUM];

				if (num(n->name, optarg, n->lo, n->hi, &v))
					return -1;
				num_store(o, n, v);
				break;
			}
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
	return opts_check(o);
}

void opts_free(struct daemon_opts *o)
{
	for (unsigned i = 0; i < o->nr_exec_allow; i++)
		free(o->exec_allow[i]);
	free(o->exec_allow);
	o->exec_allow = NULL;
	o->nr_exec_allow = 0;
}
