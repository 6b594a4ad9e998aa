/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vhost-user-accel: the virtio-accel device as a vhost-user backend.
 *
 * The main thread accepts one frontend at a time and serves its vhost-user
 * messages (vhu_dev_serve); queue workers (queue.c) run the requests. When
 * the frontend goes away everything it created is released and the daemon
 * listens again (a VM reboot). A signal thread handles SIGTERM/SIGINT (stop
 * within a second, removing our socket) and SIGUSR1 (report live state).
 */
#include <errno.h>
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

#include "daemon.h"

/* State the signal thread needs. */
static struct {
	pthread_mutex_t lock;
	int stop_fd;	   /* wakes the accept loop */
	int conn_fd;	   /* dup of the served connection, or -1 */
	const char *sock;  /* socket file we created, or NULL */
	volatile int stop; /* SIGTERM/SIGINT seen */
	struct daemon *d;
} g = {PTHREAD_MUTEX_INITIALIZER, -1, -1, NULL, 0, NULL};

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
	conn_release_all(&d->conn, &ns, &nr);
	vaccel_info("frontend disconnected: released %u sessions, %u resources", ns, nr);
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static void *signal_thread(void *arg)
{
	sigset_t *set = arg;

	for (;;) {
		int sig;
		uint64_t one = 1;

		if (sigwait(set, &sig))
			continue;
		if (sig == SIGUSR1) {
			if (g.d)
				conn_report(&g.d->conn);
			continue;
		}
		vaccel_info("signal %d: stopping", sig);
		pthread_mutex_lock(&g.lock);
		g.stop = 1;
		if (g.conn_fd >= 0)
			shutdown(g.conn_fd, SHUT_RDWR);
		if (write(g.stop_fd, &one, sizeof(one)) < 0)
			vaccel_warn("stop signal failed: %d", errno);
		pthread_mutex_unlock(&g.lock);
		/*
		 * A request still running (a slow op) must not keep the daemon
		 * alive: after a grace period leave anyway, socket removed.
		 */
		sleep_ms(700);
		if (g.sock)
			unlink(g.sock);
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

static void serve_conn(struct daemon *d, int conn)
{
	int ret;

	pthread_mutex_lock(&g.lock);
	g.conn_fd = dup(conn);
	pthread_mutex_unlock(&g.lock);
	vaccel_info("frontend connected");
	ret = vhu_dev_serve(d->dev, conn); /* closes conn */
	if (ret)
		vaccel_warn("frontend connection ended: %s", strerror(-ret));
	pthread_mutex_lock(&g.lock);
	if (g.conn_fd >= 0)
		close(g.conn_fd);
	g.conn_fd = -1;
	pthread_mutex_unlock(&g.lock);
}

static int accept_loop(struct daemon *d, int lfd)
{
	while (!g.stop) {
		struct pollfd pfd[2] = {{.fd = lfd, .events = POLLIN},
					{.fd = g.stop_fd, .events = POLLIN}};
		int conn;

		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (pfd[1].revents || g.stop)
			break;
		conn = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (conn < 0) {
			if (errno == EINTR || errno == ECONNABORTED || errno == EAGAIN)
				continue;
			vaccel_error("accept: %s", strerror(errno));
			return -errno;
		}
		serve_conn(d, conn);
	}
	return 0;
}

static int setup_device(struct daemon *d, struct virtio_accel_config *cfg)
{
	static const struct vhu_dev_ops ops = {
	    .queue_start = queue_start,
	    .queue_stop = queue_stop,
	    .disconnect = on_disconnect,
	};
	struct daemon_opts *o = d->opts;
	struct vhu_dev_config dc;

	memset(cfg, 0, sizeof(*cfg));
	cfg->version = htole32(VIRTIO_ACCEL_PROTOCOL_VERSION);
	cfg->num_queues = htole16((uint16_t)o->queues);
	cfg->max_args = htole16((uint16_t)o->max_args);
	cfg->max_segments = htole32(o->max_segments);
	cfg->max_request_bytes = htole64(o->max_request_bytes);

	memset(&dc, 0, sizeof(dc));
	dc.features = (1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_RING_F_EVENT_IDX) |
		      (1ull << VIRTIO_RING_F_INDIRECT_DESC) | (1ull << VIRTIO_ACCEL_F_RESOURCES);
	if (o->allow_exec_upload)
		dc.features |= 1ull << VIRTIO_ACCEL_F_EXEC_UPLOAD;
	dc.num_queues = o->queues;
	dc.config = cfg;
	dc.config_len = sizeof(*cfg);
	dc.limits.max_segments = o->max_segments;
	dc.limits.max_bytes = o->max_request_bytes;
	d->wlim.max_args = o->max_args;
	d->wlim.max_request_bytes = o->max_request_bytes;
	return vhu_dev_new(&d->dev, &dc, &ops, d);
}

int main(int argc, char **argv)
{
	struct daemon_opts opts;
	struct daemon d;
	struct virtio_accel_config cfg;
	sigset_t set;
	pthread_t sig_tid;
	int lfd = -1, ret, rc = 1;

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

	/* The host runtime: plugins from the environment, noop by default. */
	setenv("VACCEL_PLUGINS",
	       getenv("VACCEL_PLUGINS") ? getenv("VACCEL_PLUGINS") : "libvaccel-noop.so", 1);
	ret = vaccel_bootstrap();
	if (ret) {
		fprintf(stderr,
			"vhost-user-accel: host vAccel runtime failed to start (%d); "
			"check VACCEL_PLUGINS\n",
			ret);
		opts_free(&opts);
		return 1;
	}
	vhu_set_log(vhu_log_bridge);

	memset(&d, 0, sizeof(d));
	d.opts = &opts;
	if (conn_init(&d.conn) || queues_init(&d)) {
		vaccel_error("out of memory");
		goto out;
	}
	ret = setup_device(&d, &cfg);
	if (ret) {
		vaccel_error("device setup failed: %s", strerror(-ret));
		goto out;
	}
	g.d = &d;
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
		g.sock = opts.socket_path;
		vaccel_info("listening on %s (%u queues, %u workers each)", opts.socket_path,
			    opts.queues, opts.workers_per_queue);
		rc = accept_loop(&d, lfd) ? 1 : 0;
	} else {
		ret = is_listening(opts.fd);
		if (ret < 0) {
			vaccel_error("--fd=%d: not a socket: %s", opts.fd, strerror(-ret));
			goto out;
		}
		if (ret) {
			lfd = opts.fd;
			rc = accept_loop(&d, lfd) ? 1 : 0;
		} else {
			/* A connected socket: serve that one frontend, then exit. */
			serve_conn(&d, opts.fd);
			rc = 0;
		}
	}
out:
	pthread_mutex_lock(&g.lock);
	if (g.sock)
		unlink(g.sock);
	g.sock = NULL;
	pthread_mutex_unlock(&g.lock);
	if (lfd >= 0)
		close(lfd);
	if (d.dev)
		vhu_dev_free(d.dev);
	if (d.opts) {
		conn_destroy(&d.conn);
		queues_free(&d);
	}
	opts_free(&opts);
	vaccel_info("exiting");
	/* The signal thread may be in sigwait: leave without joining it. */
	_exit(rc);
}
