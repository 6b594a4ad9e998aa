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
 * frontend goes away or resets the device. A signal thread handles
 * SIGTERM/SIGINT (stop within a second, removing our socket), SIGUSR1
 * (report live state) and SIGHUP (start a successor with --upgrade).
 *
 * Planned handover (upgrade.c has the protocol): the accept loop also
 * listens on the control socket; a successor's hello runs the handover on
 * this thread, so no frontend is accepted meanwhile. Every connection is
 * paused (its thread waits in handover_hold), its state sent; once the
 * successor holds everything this process leaves without closing
 * anything a frontend could notice, else every connection resumes.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
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
	pthread_cond_t gone;   /* a connection left the list, or paused */
	pthread_cond_t resume; /* a handover ended without us leaving */
	int stop_fd;	       /* wakes the accept loop */
	const char *sock;      /* socket file we created, or NULL */
	int stop;	       /* SIGTERM/SIGINT seen (atomic) */
	struct daemon *conns;  /* live connections */
	unsigned nr_conns;
	unsigned next_id;
	int ctl_fd;	    /* the control socket (upgrade.c), -1: none */
	bool handover;	    /* connections pause for a handover now */
	bool handed;	    /* COMMIT sent: the successor owns the sockets, we only leave */
	char **argv;	    /* ours, for a successor (SIGHUP) */
	char exe[PATH_MAX]; /* our binary's path when we started (a new one may be there now) */
} g = {.lock = PTHREAD_MUTEX_INITIALIZER,
       .gone = PTHREAD_COND_INITIALIZER,
       .resume = PTHREAD_COND_INITIALIZER,
       .stop_fd = -1,
       .ctl_fd = -1};

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
	struct conn_usage u;
	unsigned ns, nr;
	bool stop = stopping();

	(void)dev;
	/*
	 * Stopping (SIGTERM): the VM lives on and a next daemon restores its
	 * state. Otherwise the driver reset the device or the frontend left:
	 * its ids are over, and so are their records.
	 */
	if (stop)
		state_close(d->conn.st, true);
	else
		state_clear(d->conn.st);
	/* What the guest left behind, by id: says which of its programs did. */
	conn_usage(&d->conn, &u);
	if (u.count[CONN_SESS] || u.count[CONN_RES])
		conn_list(&d->conn);
	conn_release_all(&d->conn, &ns, &nr);
	vaccel_info("frontend disconnected: released %u sessions, %u resources (connection %u)%s",
		    ns, nr, d->id, stop ? "; stopping: its journal is kept" : "");
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

/* Remove our socket files (leaving, not upgrading). Called with g.lock held. */
static void unlink_sockets_locked(void)
{
	char ctl[PATH_MAX];

	if (!g.sock)
		return;
	unlink(g.sock);
	if (g.ctl_fd >= 0 && !upgrade_path(g.sock, ctl, sizeof(ctl)))
		unlink(ctl);
	g.sock = NULL;
}

/*
 * SIGHUP: start `our binary as installed now` with our arguments and
 * --upgrade; it takes everything over through the control socket. Double
 * fork: it is nobody's child to reap (under systemd it stays in the
 * service's cgroup and we name it the main process before leaving).
 */
static void spawn_successor(void)
{
	sigset_t none;
	pid_t pid;
	int n = 0, st;
	char **av;

	if (g.ctl_fd < 0 || !g.exe[0]) {
		vaccel_warn("SIGHUP: no control socket (needs --socket-path): no upgrade");
		return;
	}
	while (g.argv[n])
		n++;
	av = calloc((size_t)n + 2, sizeof(*av));
	if (!av)
		return;
	av[0] = g.exe;
	for (int i = 1, j = 1; i <= n; i++)
		if (!g.argv[i] || strcmp(g.argv[i], "--upgrade"))
			av[j++] = g.argv[i]; /* copies the NULL too */
	for (n = 0; av[n]; n++)
		;
	av[n] = "--upgrade";
	vaccel_info("SIGHUP: starting %s --upgrade", g.exe);
	sigemptyset(&none);
	pid = fork();
	if (pid == 0) {
		/* Only async-signal-safe calls from here: we are a copy of a threaded process. */
		if (fork() != 0)
			_exit(0);
		sigprocmask(SIG_SETMASK, &none, NULL);
		execv(g.exe, av);
		_exit(127);
	}
	if (pid > 0)
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
	else
		vaccel_warn("SIGHUP: fork: %s", strerror(errno));
	free(av);
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
		if (sig == SIGHUP) {
			spawn_successor();
			continue;
		}
		pthread_mutex_lock(&g.lock);
		if (g.handed) {
			/* The sockets are the successor's: never shut them down. */
			pthread_mutex_unlock(&g.lock);
			continue;
		}
		vaccel_info("signal %d: stopping", sig);
		stop_all_locked();
		pthread_mutex_unlock(&g.lock);
		/*
		 * A request still running (a slow op) must not keep the daemon
		 * alive: after a grace period leave anyway, socket removed.
		 */
		sleep_ms(700);
		pthread_mutex_lock(&g.lock);
		unlink_sockets_locked();
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

/* Free a connection's state (its fds are closed by whoever owns them). */
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

struct daemon *daemon_new(struct daemon_opts *o, int conn_fd)
{
	struct daemon *d = calloc(1, sizeof(*d));
	int ret = 0;

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
	ret = queues_init(d);
	if (ret)
		goto fail;
	ret = vhu_dev_new(&d->dev, &dev_cfg, &dev_ops, d);
	if (ret) {
		vaccel_error("device setup failed: %s", strerror(-ret));
		goto fail;
	}
	d->shut_fd = fcntl(conn_fd, F_DUPFD_CLOEXEC, 0);
	if (d->shut_fd < 0) {
		ret = -errno;
		goto fail;
	}
	return d;
fail:
	conn_free(d);
	errno = ret ? -ret : ENOMEM; /* the caller tells out of fds from out of memory */
	return NULL;
}

void daemon_drop(struct daemon *d)
{
	close(d->fd);
	if (d->shut_fd >= 0)
		close(d->shut_fd);
	conn_free(d);
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
			/* Only now may another frontend take its place (--max-connections). */
			vaccel_info("connection %u closed: %u frontends connected", d->id,
				    g.nr_conns);
			break;
		}
	}
	close(d->shut_fd);
	d->shut_fd = -1;
	pthread_cond_broadcast(&g.gone);
	pthread_mutex_unlock(&g.lock);
}

/*
 * serve() paused (vhu_dev_pause): wait while a handover runs. Returns when
 * this process serves on; if the handover succeeds the process leaves
 * with this thread still waiting here.
 */
static void handover_hold(struct daemon *d)
{
	pthread_mutex_lock(&g.lock);
	d->paused = g.handover; /* a pause left over from a handover that ended: go on */
	pthread_cond_broadcast(&g.gone);
	while (d->paused)
		pthread_cond_wait(&g.resume, &g.lock);
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

	if (!o->state_dir || (d->imported && !d->imported_journal))
		return; /* taken over without a journal: its sessions came with it */
	ret = state_attach(&d->conn, o->state_dir, o->state_name, &o->limits);
	/*
	 * Taken over with its journal: the predecessor gives the journal up
	 * as it leaves (after COMMIT), so wait for it briefly.
	 */
	for (int i = 0; d->imported && ret == -EBUSY && i < 100; i++) {
		sleep_ms(20);
		ret = state_attach(&d->conn, o->state_dir, o->state_name, &o->limits);
	}
	if (d->imported && ret >= 0) {
		/* The same driver, never reset: no RESUME comes, the state is its own. */
		state_claim(d->conn.st);
		conn_mark_adopted(&d->conn);
		vaccel_info("connection %u: sessions and resources restored from the journal "
			    "after the handover",
			    d->id);
	}
	if (ret < 0 && d->imported)
		vaccel_error("connection %u: its journal could not be restored after the handover "
			     "(%s/%s: %s): the guest's sessions and resources are gone",
			     d->id, o->state_dir, o->state_name, strerror(-ret));
	else if (ret < 0)
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
	/* Closes the fd at the end; VHU_SERVE_PAUSED keeps everything. */
	while ((ret = vhu_dev_serve(d->dev, d->fd)) == VHU_SERVE_PAUSED)
		handover_hold(d);
	if (ret)
		vaccel_warn("frontend connection %u ended: %s", d->id, strerror(-ret));
	state_close(d->conn.st, stopping());
	conn_unlink(d);
	daemon_put(d); /* ops left behind may still hold it */
	return NULL;
}

static void conn_run(struct daemon *d);

/*
 * Take a new connection: serve it on its own thread, or refuse it at once.
 * Returns 0, or -EMFILE / -ENFILE when it was refused for want of fds (as
 * if accept had failed: the caller handles the shortage).
 */
static int conn_accept(struct daemon_opts *o, int fd)
{
	struct daemon *d;
	unsigned n;
	int err;

	pthread_mutex_lock(&g.lock);
	n = g.nr_conns;
	pthread_mutex_unlock(&g.lock);
	if (n >= o->max_connections) {
		/* Closing at once makes the client fail fast instead of hanging. */
		vaccel_warn("connection refused: %u frontends connected (--max-connections=%u)", n,
			    o->max_connections);
		close(fd);
		return 0;
	}
	d = daemon_new(o, fd);
	if (!d) {
		err = errno;
		close(fd);
		if (err == EMFILE || err == ENFILE)
			return -err;
		vaccel_error("connection refused: %s", strerror(err));
		return 0;
	}
	if (!conn_link(d)) {
		daemon_drop(d);
		return 0;
	}
	conn_run(d);
	return 0;
}

/* Serve a listed connection on its own thread (or end it at once). */
static void conn_run(struct daemon *d)
{
	pthread_attr_t attr;
	pthread_t tid;
	int ret;

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	ret = pthread_create(&tid, &attr, conn_thread, d);
	pthread_attr_destroy(&attr);
	if (ret) {
		vaccel_error("connection refused: cannot start its thread: %s", strerror(ret));
		conn_unlink(d);
		close(d->fd);
		conn_free(d);
	}
}

/*
 * accept4() (or setting up what it returned) failed for want of a resource. Out of fds (EMFILE,
 * ENFILE), a pending connection would keep the listening socket readable forever: take it with the
 * fd kept spare for this and close it at once (that frontend fails fast, the backlog drains, no
 * spinning), then keep serving the connections we have. Other shortages: wait a little.
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

/* End a handover that did not happen: every paused connection serves on. */
static void handover_resume(void)
{
	pthread_mutex_lock(&g.lock);
	g.handover = false;
	for (struct daemon *d = g.conns; d; d = d->next)
		d->paused = false;
	pthread_cond_broadcast(&g.resume);
	pthread_mutex_unlock(&g.lock);
}

/*
 * Whether an op runs past --stuck-op-ms somewhere: a pause would leave it
 * behind (its request never answered), so the upgrade is refused first.
 */
static bool handover_stuck(void)
{
	unsigned stuck = 0;

	pthread_mutex_lock(&g.lock);
	for (struct daemon *d = g.conns; d; d = d->next) {
		struct queue_usage q;

		queues_usage(d, &q);
		stuck += q.stuck;
	}
	pthread_mutex_unlock(&g.lock);
	if (stuck)
		vaccel_warn("upgrade refused: %u ops run past --stuck-op-ms", stuck);
	return stuck != 0;
}

/*
 * Pause every connection (requests in flight finish and are answered) and
 * wait for each: true when all are paused (none can leave the list then),
 * false after the bound (requests still running) or a stop.
 */
static bool handover_pause_all(struct daemon_opts *o)
{
	struct timespec until;
	bool all = false;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += o->stuck_op_ms / 1000 + 2;
	pthread_mutex_lock(&g.lock);
	g.handover = true;
	for (struct daemon *d = g.conns; d; d = d->next)
		vhu_dev_pause(d->dev);
	while (!stopping()) {
		all = true;
		for (struct daemon *d = g.conns; d; d = d->next)
			all = all && d->paused;
		if (all || pthread_cond_timedwait(&g.gone, &g.lock, &until))
			break;
	}
	pthread_mutex_unlock(&g.lock);
	return all && !stopping();
}

/*
 * A successor connected to the control socket: hand everything over and
 * leave, or (anything amiss) resume and serve on. Runs on the accept
 * loop's thread, so the list only shrinks meanwhile (a frontend leaving
 * before it paused).
 */
static void handover_out(struct daemon_opts *o, int lfd)
{
	unsigned n = 0;
	int c, peer = 0, ret;

	c = upgrade_accept(g.ctl_fd, o, &peer);
	if (c < 0)
		return;
	ret = handover_stuck() ? -EBUSY : handover_pause_all(o) ? 0 : -ETIMEDOUT;
	if (ret)
		vaccel_warn("upgrade refused: requests still running after %u ms (or stopping)",
			    o->stuck_op_ms);
	/* All paused: nothing changes the list or the connections until we resume. */
	for (struct daemon *d = g.conns; !ret && d; d = d->next, n++)
		ret = upgrade_check(d);
	if (!ret)
		ret = upgrade_send_state(c, lfd, g.ctl_fd, n);
	for (struct daemon *d = g.conns; !ret && d; d = d->next)
		ret = upgrade_send_conn(c, d);
	if (!ret)
		ret = upgrade_wait_ready(c);
	if (!ret) {
		for (struct daemon *d = g.conns; d; d = d->next)
			upgrade_log_handed(d);
		pthread_mutex_lock(&g.lock);
		g.handed = true;
		pthread_mutex_unlock(&g.lock);
		ret = upgrade_finish(c, true);
		if (!ret) {
			/*
			 * The successor serves now. Leave without a reset or
			 * a shutdown: it holds its own copy of every fd, so
			 * the frontends notice nothing. Our socket files are
			 * its now.
			 */
			/* Each journal stays, for the successor to attach (its lock goes with us).
			 */
			for (struct daemon *d = g.conns; d; d = d->next)
				state_close(d->conn.st, true);
			upgrade_notify_main_pid(peer);
			vaccel_info("upgrade: %u connections handed over to pid %d: exiting", n,
				    peer);
			_exit(0);
		}
		pthread_mutex_lock(&g.lock);
		g.handed = false; /* COMMIT not sent: the successor will not serve */
		pthread_mutex_unlock(&g.lock);
	} else {
		upgrade_finish(c, false);
	}
	vaccel_warn("upgrade failed (%s): serving on", strerror(-ret));
	close(c);
	handover_resume();
}

static int accept_loop(struct daemon_opts *o, int lfd)
{
	int spare = open("/dev/null", O_RDONLY | O_CLOEXEC), ret = 0;

	while (!stopping()) {
		struct pollfd pfd[3] = {{.fd = lfd, .events = POLLIN},
					{.fd = g.stop_fd, .events = POLLIN},
					{.fd = g.ctl_fd, .events = POLLIN}};
		int conn;

		if (poll(pfd, g.ctl_fd >= 0 ? 3 : 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			break;
		}
		if (pfd[1].revents || stopping())
			break;
		if (g.ctl_fd >= 0 && pfd[2].revents) {
			handover_out(o, lfd);
			continue;
		}
		if (!pfd[0].revents)
			continue;
		conn = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (conn >= 0) {
			int err = conn_accept(o, conn);

			if (err)
				accept_starved(lfd, -err, &spare);
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

/*
 * --upgrade: take the listening socket, the control socket and every
 * connection (with its sessions) from the daemon on o->socket_path, and
 * serve them. Returns the listening fd, or -1 (logged; the other daemon
 * serves on).
 */
static int handover_in(struct daemon_opts *o)
{
	struct daemon **v = NULL;
	int c, lfd = -1, ctl = -1, n, got = 0, ret;

	c = upgrade_connect(o);
	if (c < 0) {
		vaccel_error("--upgrade: no daemon to take over from at %s%s: %s", o->socket_path,
			     UPGRADE_SUFFIX, strerror(-c));
		return -1;
	}
	n = upgrade_recv_state(c, &lfd, &ctl, o->max_connections);
	ret = n < 0 ? n : 0;
	if (!ret) {
		v = calloc((size_t)n + 1, sizeof(*v));
		ret = v ? 0 : -ENOMEM;
	}
	for (; !ret && got < n; got++)
		ret = upgrade_recv_conn(c, o, &v[got]);
	if (!ret)
		ret = upgrade_ready(c);
	if (!ret)
		ret = upgrade_wait_commit(c);
	if (!ret)
		upgrade_wait_gone(c); /* its journals are ours to attach then */
	close(c);
	if (ret) {
		vaccel_error("--upgrade: the handover failed (%s): the running daemon serves on",
			     strerror(-ret));
		/* Never served: our copies go, the running daemon keeps its own. */
		for (int i = 0; i < got; i++)
			if (v[i])
				daemon_drop(v[i]);
		free(v);
		if (lfd >= 0)
			close(lfd);
		if (ctl >= 0)
			close(ctl);
		return -1;
	}
	pthread_mutex_lock(&g.lock);
	g.ctl_fd = ctl;
	g.sock = o->socket_path;
	pthread_mutex_unlock(&g.lock);
	for (int i = 0; i < n; i++) {
		if (conn_link(v[i]))
			conn_run(v[i]);
		else
			daemon_drop(v[i]); /* stopping already: it ends as in any stop */
	}
	free(v);
	vaccel_info("upgrade: serving %d connections taken over, listening on %s", n,
		    o->socket_path);
	return lfd;
}

/* Where our binary is now, for a successor started by SIGHUP. */
static void remember_exe(char **argv)
{
	ssize_t n = readlink("/proc/self/exe", g.exe, sizeof(g.exe) - 1);

	g.argv = argv;
	g.exe[n > 0 ? n : 0] = '\0';
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
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	remember_exe(argv);

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

	if (opts.upgrade) {
		lfd = handover_in(&opts);
		if (lfd < 0)
			goto out;
		rc = accept_loop(&opts, lfd) ? 1 : 0;
	} else if (opts.socket_path) {
		lfd = vhu_listen(opts.socket_path);
		if (lfd < 0) {
			vaccel_error("cannot listen on %s: %s", opts.socket_path, strerror(-lfd));
			goto out;
		}
		ret = upgrade_listen(opts.socket_path);
		if (ret < 0)
			vaccel_warn("no control socket %s%s (%s): no planned upgrade possible",
				    opts.socket_path, UPGRADE_SUFFIX, strerror(-ret));
		pthread_mutex_lock(&g.lock);
		g.sock = opts.socket_path;
		g.ctl_fd = ret;
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
			struct daemon *d = daemon_new(&opts, opts.fd);

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
	unlink_sockets_locked();
	pthread_mutex_unlock(&g.lock);
	if (g.ctl_fd >= 0)
		close(g.ctl_fd);
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
