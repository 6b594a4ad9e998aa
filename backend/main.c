/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vhost-user-accel: the virtio-accel device as a vhost-user backend.
 *
 * The main thread accepts frontends; each connection gets its own thread
 * serving its vhost-user messages (vhu_dev_serve) with its own device
 * state, queue workers (queue.c) and sessions, up to --max-connections
 * (more are accepted and closed at once, so such a client fails fast).
 * When a frontend goes away everything it created is released (a VM
 * reboot reconnects). With --state-dir the first connection on the socket
 * journals what it creates and starts from what a previous daemon left
 * (state.c): kept when this daemon is stopped or dies, removed when the
 * frontend goes away or resets the device. A signal thread handles SIGTERM/SIGINT (stop within
 * a second, removing our socket) and SIGUSR1 (report live state).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <linux/virtio_accel.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ring.h>

#include <vaccel.h>

#include "vaccel_common.h"

#include "daemon.h"

/*
 * Daemon-wide state, shared by main (accept loop), the signal thread and
 * the connection threads; everything but stop is guarded by lock.
 */
static struct {
	pthread_mutex_t lock;
	pthread_cond_t gone;  /* a connection left the list */
	int stop_fd;	      /* wakes the accept loop */
	const char *sock;     /* socket file we created, or NULL */
	int stop;	      /* SIGTERM/SIGINT seen (atomic) */
	struct daemon *conns; /* live connections */
	unsigned nr_conns;
	unsigned next_id;
} g = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, -1, NULL, 0, NULL, 0, 0};

static const struct vhu_dev_ops dev_ops;
static struct vhu_dev_config dev_cfg; /* the same device for every connection */

static bool stopping(void)
{
	return __atomic_load_n(&g.stop, __ATOMIC_ACQUIRE);
}

static void vhu_log_bridge(int level, const char *msg)
{
	if (level <= LOG_ERR)
		vaccel_error("vhost-user: %s", msg);
	else if (level == LOG_WARNING)
		vaccel_warn("vhost-user: %s", msg);
	else if (level <= LOG_INFO)
		vaccel_info("vhost-user: %s", msg);
	else
		vaccel_debug("vhost-user: %s", msg);
}

static void on_disconnect(struct vhu_dev *dev, void *opaque)
{
	struct daemon *d = opaque;
	unsigned ns, nr;

	(void)dev;
	/*
	 * Stopping (SIGTERM): the VM lives on and a next daemon restores its
	 * state. Otherwise the driver reset the device or the frontend left:
	 * its ids are over, and so are their records.
	 */
	if (stopping())
		state_close(d->conn.st, true);
	else
		state_clear(d->conn.st);
	conn_release_all(&d->conn, &ns, &nr);
	vaccel_info("frontend disconnected: released %u sessions, %u resources (connection %u)", ns,
		    nr, d->id);
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* One connection's usage against its limits, then its ids. */
static void report_conn(struct daemon *d, unsigned *ns, unsigned *nr)
{
	const struct conn_limits *l = &d->opts->limits;
	struct conn_usage u;
	struct queue_usage q;
	char stuck[32] = "";

	conn_usage(&d->conn, &u);
	queues_usage(d, &q);
	if (q.stuck)
		snprintf(stuck, sizeof(stuck), " (%u stuck)", q.stuck);
	vaccel_info("connection %u: sessions %u/%u, resources %u/%u, uploaded %" PRIu64 "/%" PRIu64
		    " bytes in %u/%u mappings, bounce %" PRIu64 "/%" PRIu64
		    " bytes, in flight %u/%u%s",
		    d->id, u.count[CONN_SESS], l->sessions, u.count[CONN_RES], l->resources,
		    u.up.bytes, l->upload_bytes, u.up.files, l->mappings, u.bounce, l->bounce_bytes,
		    q.busy, l->inflight, stuck);
	conn_list(&d->conn);
	*ns += u.count[CONN_SESS];
	*nr += u.count[CONN_RES];
}

/* SIGUSR1: every connection's usage, then the totals. */
static void report(void)
{
	unsigned ns = 0, nr = 0;

	pthread_mutex_lock(&g.lock);
	for (struct daemon *d = g.conns; d; d = d->next)
		report_conn(d, &ns, &nr);
	vaccel_info("%u connections; live sessions: %u, live resources: %u; %u ops left behind",
		    g.nr_conns, ns, nr, queues_left_behind());
	pthread_mutex_unlock(&g.lock);
}

/* Stop accepting and end every connection's serve loop. Called with g.lock held. */
static void stop_all_locked(void)
{
	uint64_t one = 1;

	__atomic_store_n(&g.stop, 1, __ATOMIC_RELEASE);
	for (struct daemon *d = g.conns; d; d = d->next)
		shutdown(d->shut_fd, SHUT_RDWR);
	if (write(g.stop_fd, &one, sizeof(one)) < 0)
		vaccel_warn("stop signal failed: %d", errno);
}

static void *signal_thread(void *arg)
{
	sigset_t *set = arg;

	for (;;) {
		int sig;

		if (sigwait(set, &sig))
			continue;
		if (sig == SIGUSR1) {
			report();
			continue;
		}
		vaccel_info("signal %d: stopping", sig);
		pthread_mutex_lock(&g.lock);
		stop_all_locked();
		pthread_mutex_unlock(&g.lock);
		/*
		 * A request still running (a slow op) must not keep the daemon
		 * alive: after a grace period leave anyway, socket removed.
		 */
		sleep_ms(700);
		pthread_mutex_lock(&g.lock);
		if (g.sock)
			unlink(g.sock);
		pthread_mutex_unlock(&g.lock);
		vaccel_warn("requests still running at exit: leaving without waiting");
		_exit(0);
	}
	return NULL;
}

static void print_capabilities(void)
{
	printf("{\n  \"type\": \"accel\",\n  \"features\": [\n    \"resources\",\n"
	       "    \"exec-upload\"\n  ]\n}\n");
}

static int is_listening(int fd)
{
	int v = 0;
	socklen_t len = sizeof(v);

	if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &v, &len) < 0)
		return -errno;
	return v != 0;
}

static void conn_free(struct daemon *d)
{
	if (d->dev)
		vhu_dev_free(d->dev);
	conn_destroy(&d->conn);
	state_free(d->conn.st);
	queues_free(d);
	free(d);
}

void daemon_put(struct daemon *d)
{
	if (__atomic_sub_fetch(&d->refs, 1, __ATOMIC_ACQ_REL) == 0)
		conn_free(d);
}

/* A connection's state, ready to serve conn_fd (not yet listed). NULL on failure. */
static struct daemon *conn_new(struct daemon_opts *o, int conn_fd)
{
	struct daemon *d = calloc(1, sizeof(*d));
	int ret;

	if (!d)
		return NULL;
	d->opts = o;
	d->fd = conn_fd;
	d->shut_fd = -1;
	d->refs = 1; /* the connection thread's */
	d->wlim.max_args = o->max_args;
	d->wlim.max_request_bytes = o->max_request_bytes;
	if (conn_init(&d->conn, &o->limits)) {
		free(d);
		return NULL;
	}
	if (queues_init(d))
		goto fail;
	ret = vhu_dev_new(&d->dev, &dev_cfg, &dev_ops, d);
	if (ret) {
		vaccel_error("device setup failed: %s", strerror(-ret));
		goto fail;
	}
	d->shut_fd = fcntl(conn_fd, F_DUPFD_CLOEXEC, 0);
	if (d->shut_fd < 0)
		goto fail;
	return d;
fail:
	conn_free(d);
	return NULL;
}

/* List d (false when stopping: the caller drops it). */
static bool conn_link(struct daemon *d)
{
	bool ok;

	pthread_mutex_lock(&g.lock);
	ok = !stopping();
	if (ok) {
		d->id = ++g.next_id;
		d->next = g.conns;
		g.conns = d;
		g.nr_conns++;
	}
	pthread_mutex_unlock(&g.lock);
	return ok;
}

static void conn_unlink(struct daemon *d)
{
	pthread_mutex_lock(&g.lock);
	for (struct daemon **pp = &g.conns; *pp; pp = &(*pp)->next) {
		if (*pp == d) {
			*pp = d->next;
			g.nr_conns--;
			break;
		}
	}
	close(d->shut_fd);
	d->shut_fd = -1;
	pthread_cond_broadcast(&g.gone);
	pthread_mutex_unlock(&g.lock);
}

/*
 * --state-dir: claim this socket's journal and restore what a previous
 * daemon left in it, before the first message is served. A journal another
 * connection holds stays with it: this one runs without.
 */
static void conn_attach_state(struct daemon *d)
{
	const struct daemon_opts *o = d->opts;
	int ret;

	if (!o->state_dir)
		return;
	ret = state_attach(&d->conn, o->state_dir, o->state_name, &o->limits);
	if (ret < 0)
		vaccel_warn("connection %u: no state journal (%s/%s: %s): its sessions will not "
			    "survive a restart",
			    d->id, o->state_dir, o->state_name, strerror(-ret));
}

/* Serve one listed connection to its end, then drop it. */
static void *conn_thread(void *arg)
{
	struct daemon *d = arg;
	int ret;

	vaccel_info("frontend connected (connection %u)", d->id);
	conn_attach_state(d);
	ret = vhu_dev_serve(d->dev, d->fd); /* closes the fd */
	if (ret)
		vaccel_warn("frontend connection %u ended: %s", d->id, strerror(-ret));
	state_close(d->conn.st, stopping());
	conn_unlink(d);
	daemon_put(d); /* ops left behind may still hold it */
	return NULL;
}

/* Take a new connection: serve it on its own thread, or refuse it at once. */
static void conn_accept(struct daemon_opts *o, int fd)
{
	pthread_attr_t attr;
	pthread_t tid;
	struct daemon *d;
	unsigned n;
	int ret;

	pthread_mutex_lock(&g.lock);
	n = g.nr_conns;
	pthread_mutex_unlock(&g.lock);
	if (n >= o->max_connections) {
		/* Closing at once makes the client fail fast instead of hanging. */
		vaccel_warn("connection refused: %u frontends connected (--max-connections=%u)", n,
			    o->max_connections);
		close(fd);
		return;
	}
	d = conn_new(o, fd);
	if (!d) {
		vaccel_error("connection refused: out of memory");
		close(fd);
		return;
	}
	if (!conn_link(d)) {
		close(fd);
		conn_free(d);
		return;
	}
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	ret = pthread_create(&tid, &attr, conn_thread, d);
	pthread_attr_destroy(&attr);
	if (ret) {
		vaccel_error("connection refused: cannot start its thread: %s", strerror(ret));
		conn_unlink(d);
		close(fd);
		conn_free(d);
	}
}

/*
 * accept4() failed for want of a resource. Out of fds (EMFILE, ENFILE), a
 * pending connection would keep the listening socket readable forever:
 * take it with the fd kept spare for this and close it at once (that
 * frontend fails fast, the backlog drains, no spinning), then keep
 * serving the connections we have. Other shortages: wait a little.
 */
static void accept_starved(int lfd, int err, int *spare)
{
	static uint64_t last_log;
	uint64_t now = vaccel_clock_ns(CLOCK_MONOTONIC);

	if (now - last_log > 1000000000ull || !last_log) {
		last_log = now;
		vaccel_warn("accept: %s: %s connections until resources are free", strerror(err),
			    err == EMFILE || err == ENFILE ? "out of file descriptors, refusing"
							   : "out of memory, delaying");
	}
	if ((err == EMFILE || err == ENFILE) && *spare >= 0) {
		int c;

		close(*spare);
		c = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (c >= 0)
			close(c);
		*spare = open("/dev/null", O_RDONLY | O_CLOEXEC);
		return;
	}
	sleep_ms(100);
}

static int accept_loop(struct daemon_opts *o, int lfd)
{
	int spare = open("/dev/null", O_RDONLY | O_CLOEXEC), ret = 0;

	while (!stopping()) {
		struct pollfd pfd[2] = {{.fd = lfd, .events = POLLIN},
					{.fd = g.stop_fd, .events = POLLIN}};
		int conn;

		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			break;
		}
		if (pfd[1].revents || stopping())
			break;
		conn = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (conn >= 0) {
			conn_accept(o, conn);
			continue;
		}
		switch (errno) {
		case EINTR:
		case EAGAIN:
		case ECONNABORTED:
		case EPROTO:
		case EPERM: /* a security module said no to that one */
			continue;
		case EMFILE:
		case ENFILE:
		case ENOBUFS:
		case ENOMEM:
			accept_starved(lfd, errno, &spare);
			continue;
		default: /* the listening socket itself is unusable */
			vaccel_error("accept: %s", strerror(errno));
			ret = -errno;
			break;
		}
		break;
	}
	if (spare >= 0)
		close(spare);
	return ret;
}

/* End every connection and wait (bounded: the signal thread exits anyway) for them. */
static bool drain_connections(void)
{
	struct timespec until;
	bool done;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 2;
	pthread_mutex_lock(&g.lock);
	stop_all_locked();
	while (g.nr_conns && pthread_cond_timedwait(&g.gone, &g.lock, &until) == 0)
		;
	done = g.nr_conns == 0;
	pthread_mutex_unlock(&g.lock);
	return done;
}

static void setup_device(struct daemon_opts *o, struct virtio_accel_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->version = htole32(VIRTIO_ACCEL_PROTOCOL_VERSION);
	cfg->num_queues = htole16((uint16_t)o->queues);
	cfg->max_args = htole16((uint16_t)o->max_args);
	cfg->max_segments = htole32(o->max_segments);
	cfg->max_request_bytes = htole64(o->max_request_bytes);

	memset(&dev_cfg, 0, sizeof(dev_cfg));
	dev_cfg.features = (1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_RING_F_EVENT_IDX) |
			   (1ull << VIRTIO_RING_F_INDIRECT_DESC) |
			   (1ull << VIRTIO_ACCEL_F_RESOURCES);
	if (o->allow_exec_upload)
		dev_cfg.features |= 1ull << VIRTIO_ACCEL_F_EXEC_UPLOAD;
	dev_cfg.num_queues = o->queues;
	dev_cfg.config = cfg; /* vhu_dev_new copies it */
	dev_cfg.config_len = sizeof(*cfg);
	dev_cfg.limits.max_segments = o->max_segments;
	dev_cfg.limits.max_bytes = o->max_request_bytes;
	dev_cfg.handshake_timeout_ms = o->handshake_timeout_ms;
	dev_cfg.tick_ms = queues_tick_ms(o);
}

static const struct vhu_dev_ops dev_ops = {
    .queue_start = queue_start,
    .queue_stop = queue_stop,
    .disconnect = on_disconnect,
    .tick = queues_tick,
};

int main(int argc, char **argv)
{
	struct daemon_opts opts;
	struct virtio_accel_config cfg;
	sigset_t set;
	pthread_t sig_tid;
	int lfd = -1, ret, rc = 1;
	bool drained;

	ret = opts_parse(&opts, argc, argv);
	if (ret < 0) {
		opts_free(&opts);
		return 2;
	}
	if (ret > 0) {
		if (opts.help)
			opts_usage(argv[0]);
		else
			print_capabilities();
		opts_free(&opts);
		return 0;
	}

	/* Signals: one thread takes them all; SIGPIPE never kills us. */
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	/*
	 * The host runtime: plugins from the environment, noop by default. The
	 * library bootstrapped itself from the environment when it was loaded;
	 * bootstrap again only to apply our default (or to report a failure),
	 * so plugins are not loaded twice.
	 */
	ret = 0;
	if (!getenv("VACCEL_PLUGINS") && !getenv("VACCEL_BACKENDS")) {
		setenv("VACCEL_PLUGINS", "libvaccel-noop.so", 1);
		ret = vaccel_bootstrap();
	} else if (!vaccel_is_initialized()) {
		ret = vaccel_bootstrap();
	}
	if (ret) {
		fprintf(stderr,
			"vhost-user-accel: host vAccel runtime failed to start (%d); "
			"check VACCEL_PLUGINS\n",
			ret);
		opts_free(&opts);
		return 1;
	}
	vhu_set_log(vhu_log_bridge);
	setup_device(&opts, &cfg);

	g.stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (g.stop_fd < 0 || pthread_create(&sig_tid, NULL, signal_thread, &set)) {
		vaccel_error("cannot start the signal thread");
		goto out;
	}

	if (opts.socket_path) {
		lfd = vhu_listen(opts.socket_path);
		if (lfd < 0) {
			vaccel_error("cannot listen on %s: %s", opts.socket_path, strerror(-lfd));
			goto out;
		}
		pthread_mutex_lock(&g.lock);
		g.sock = opts.socket_path;
		pthread_mutex_unlock(&g.lock);
		vaccel_info("listening on %s (%u queues, %u workers each, up to %u frontends)",
			    opts.socket_path, opts.queues, opts.workers_per_queue,
			    opts.max_connections);
		rc = accept_loop(&opts, lfd) ? 1 : 0;
	} else {
		ret = is_listening(opts.fd);
		if (ret < 0) {
			vaccel_error("--fd=%d: not a socket: %s", opts.fd, strerror(-ret));
			goto out;
		}
		if (ret) {
			lfd = opts.fd;
			rc = accept_loop(&opts, lfd) ? 1 : 0;
		} else {
			/* A connected socket: serve that one frontend, then exit. */
			struct daemon *d = conn_new(&opts, opts.fd);

			if (!d || !conn_link(d)) {
				vaccel_error("cannot serve --fd=%d", opts.fd);
				if (d)
					conn_free(d);
				goto out;
			}
			conn_thread(d);
			rc = 0;
		}
	}
out:
	drained = drain_connections();
	pthread_mutex_lock(&g.lock);
	if (g.sock)
		unlink(g.sock);
	g.sock = NULL;
	pthread_mutex_unlock(&g.lock);
	if (lfd >= 0)
		close(lfd);
	if (drained) /* else a connection thread may still read them */
		opts_free(&opts);
	vaccel_info("exiting");
	/*
	 * _exit skips the runtime's destructor, so release the host runtime
	 * (plugins, its run directory) here, once nothing can be using it.
	 */
	if (drained && !queues_left_behind())
		vaccel_cleanup();
	/* The signal thread may be in sigwait: leave without joining it. */
	_exit(rc);
}
