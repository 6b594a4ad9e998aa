/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Planned handover (--upgrade, SIGHUP): the control socket protocol between
 * a running daemon and its successor, and what crosses it.
 *
 * The running daemon listens on PATH UPGRADE_SUFFIX (SOCK_SEQPACKET, mode
 * 0600; the peer must run as our user or root). The successor connects
 * and the two exchange records, one per message, in host byte order (one
 * host), each starting with struct upg_hdr:
 *
 *   successor -> daemon  HELLO   version, queues, state dir
 *   daemon -> successor  STATE   number of connections; fds: the listening
 *                                socket, the control socket
 *                        CONN    per connection: its vhost-user state
 *                                (struct vhu_handover), journal flag,
 *                                session count, id counters; fds: the
 *                                connection, then the ones the vhu record
 *                                names
 *                        SESS    its sessions, UPG_SESS_CHUNK at a time
 *                                (none with a journal)
 *   successor -> daemon  READY   everything imported and mapped; nothing
 *                                served yet
 *   daemon -> successor  COMMIT  the daemon leaves now (EOF once gone):
 *                                serve (or ABORT: the daemon serves on,
 *                                drop everything)
 *
 * Before STATE the daemon has paused every connection (vhu_dev_pause:
 * requests in flight finish and are answered, nothing new is popped), so
 * the rings hold only requests nobody took: the successor takes them,
 * none is lost, none runs twice. Only the daemon decides: until it sends
 * COMMIT it may still resume itself (timeout, a bad peer), and a
 * successor that gets anything but COMMIT exits without serving.
 *
 * Neither side trusts the other: every record is bounded (its exact size,
 * counts within the limits), every fd is checked for what it must be
 * (fstat / getsockopt), and the vhost-user state goes through
 * vhu_dev_import's own checks. Sessions and resources: a connection with
 * a state journal (--state-dir, state.c) sends none; the daemon closes the
 * journal keeping it as it leaves and the successor attaches it (the
 * hello makes sure both use the same directory). Without one, its sessions
 * are sent (ids and flags: the host sessions are created anew, a session
 * carries no state of its own) and a connection holding a resource refuses
 * the handover (the daemon serves on and logs why).
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <vaccel.h>

#include "daemon.h"

#define UPG_MAGIC 0x56554731u /* "VUG1" */
#define UPG_VERSION 1u
#define UPG_SESS_CHUNK 256u
#define UPG_TIMEOUT_S 10
/* fds of a CONN record: the connection, then the vhu record's. */
#define UPG_CONN_FDS (1 + VHU_HANDOVER_MAX_FDS)

enum upg_type { UPG_HELLO = 1, UPG_STATE, UPG_CONN, UPG_SESS, UPG_READY, UPG_COMMIT, UPG_ABORT };

struct upg_hdr {
	uint32_t magic;
	uint32_t type;
};

struct upg_hello {
	struct upg_hdr h;
	uint32_t version;
	uint32_t queues;
	char state_dir[PATH_MAX]; /* --state-dir, "" for none; NUL-terminated */
};

struct upg_state {
	struct upg_hdr h;
	uint32_t nconns;
	uint32_t pad;
};

#define UPG_CONN_JOURNAL 1u /* the sessions and resources are in the state journal */

struct upg_conn {
	struct upg_hdr h;
	uint32_t id; /* the sender's, for the log */
	uint32_t flags;
	uint32_t nsess; /* SESS records that follow (0 with a journal) */
	uint32_t pad;
	uint64_t last_id[CONN_KINDS];
	struct vhu_handover vhu;
};

struct upg_sess {
	struct upg_hdr h;
	uint32_t n;
	uint32_t pad;
	struct conn_sess_rec s[UPG_SESS_CHUNK];
};

/* The largest record: what a receive buffer holds. */
union upg_any {
	struct upg_hdr h;
	struct upg_hello hello;
	struct upg_state state;
	struct upg_conn conn;
	struct upg_sess sess;
};

static void close_all(int *fds, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

static int upg_send(int fd, enum upg_type type, void *rec, size_t len, const int *fds,
		    unsigned nfds)
{
	char cbuf[CMSG_SPACE(sizeof(int) * UPG_CONN_FDS)];
	struct upg_hdr *h = rec;
	struct iovec iov = {rec, len};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
	ssize_t r;

	h->magic = UPG_MAGIC;
	h->type = type;
	if (nfds > UPG_CONN_FDS)
		return -EINVAL;
	if (nfds) {
		struct cmsghdr *c;

		memset(cbuf, 0, sizeof(cbuf));
		m.msg_control = cbuf;
		m.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
	}
	do
		r = sendmsg(fd, &m, MSG_NOSIGNAL);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	return (size_t)r == len ? 0 : -EIO;
}

/*
 * Receive one record of `type` into rec (cap bytes): 0 with *len and
 * fds[0..*nfds) (at most maxfds, ours to close), or a negative errno with
 * no fd left open: -EPROTO for a truncated message, too many fds, a bad
 * magic or another type (-ECANCELED for an ABORT), -ECONNRESET at EOF.
 */
static int upg_recv(int fd, enum upg_type type, void *rec, size_t cap, size_t *len, int *fds,
		    unsigned maxfds, unsigned *nfds)
{
	char cbuf[CMSG_SPACE(sizeof(int) * UPG_CONN_FDS)];
	struct iovec iov = {rec, cap};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
	struct upg_hdr h = {0, 0};
	unsigned n = 0;
	bool extra = false;
	ssize_t r;

	m.msg_control = cbuf;
	m.msg_controllen = sizeof(cbuf);
	do
		r = recvmsg(fd, &m, MSG_CMSG_CLOEXEC);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return errno == EAGAIN ? -ETIMEDOUT : -errno;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
		size_t k;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < k; i++) {
			int f;

			memcpy(&f, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (n < maxfds)
				fds[n++] = f;
			else {
				close(f);
				extra = true;
			}
		}
	}
	if (r == 0) {
		close_all(fds, n);
		return -ECONNRESET;
	}
	if ((size_t)r >= sizeof(h))
		memcpy(&h, rec, sizeof(h));
	if ((size_t)r < sizeof(h) || (m.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) || extra ||
	    h.magic != UPG_MAGIC || h.type != (uint32_t)type) {
		close_all(fds, n);
		if ((size_t)r >= sizeof(h) && h.magic == UPG_MAGIC && h.type == UPG_ABORT)
			return -ECANCELED;
		vaccel_warn("upgrade: unexpected control message (%zd bytes, type %u, %u fds)", r,
			    (size_t)r >= sizeof(h) ? h.type : 0, n);
		return -EPROTO;
	}
	*len = (size_t)r;
	*nfds = n;
	return 0;
}

/* Only our own user (or root) may take our connections. */
static int peer_ok(int fd)
{
	struct ucred cr;
	socklen_t len = sizeof(cr);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &len) < 0)
		return -errno;
	if (cr.uid != geteuid() && cr.uid != 0) {
		vaccel_warn("upgrade: control peer runs as uid %u: refused", (unsigned)cr.uid);
		return -EPERM;
	}
	return (int)cr.pid;
}

static void set_timeouts(int fd)
{
	struct timeval tv = {UPG_TIMEOUT_S, 0};

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* fd is a unix socket of `type`, listening or not as `listening` says. */
static bool sock_is(int fd, int type, bool listening)
{
	int v = 0;
	socklen_t len = sizeof(v);
	struct stat st;

	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISSOCK(st.st_mode))
		return false;
	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &v, &len) < 0 || v != AF_UNIX)
		return false;
	len = sizeof(v);
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &len) < 0 || v != type)
		return false;
	len = sizeof(v);
	if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &v, &len) < 0)
		return false;
	return !!v == listening;
}

int upgrade_path(const char *sock, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s%s", sock, UPGRADE_SUFFIX);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

int upgrade_listen(const char *sock)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct stat st;
	int fd, ret;

	if (upgrade_path(sock, sa.sun_path, sizeof(sa.sun_path)))
		return -ENAMETOOLONG;
	if (lstat(sa.sun_path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode))
			return -EEXIST; /* never replace some other file */
		if (unlink(sa.sun_path) < 0)
			return -errno;
	}
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* Owner only from the start: no window in which another user could connect. */
	if (fchmod(fd, 0600) < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    chmod(sa.sun_path, 0600) < 0 || listen(fd, 1) < 0) {
		ret = -errno;
		close(fd);
		return ret;
	}
	return fd;
}

/* ------------------------------------------------------- the daemon leaving */

/* Two --state-dir settings agree (NULL and "" both mean none). */
static bool same_dir(const char *a, const char *b)
{
	return !strcmp(a ? a : "", b ? b : "");
}

int upgrade_accept(int ctl, const struct daemon_opts *o, int *peer)
{
	union upg_any *rec = calloc(1, sizeof(*rec));
	size_t len;
	unsigned nfds;
	int c, ret, pid;

	c = accept4(ctl, NULL, NULL, SOCK_CLOEXEC);
	if (c < 0) {
		free(rec);
		return -errno;
	}
	set_timeouts(c);
	pid = peer_ok(c);
	ret = pid < 0 ? pid : rec ? 0 : -ENOMEM;
	if (!ret)
		ret = upg_recv(c, UPG_HELLO, rec, sizeof(*rec), &len, NULL, 0, &nfds);
	if (!ret && (len != sizeof(rec->hello) || rec->hello.version != UPG_VERSION ||
		     rec->hello.queues != o->queues ||
		     !memchr(rec->hello.state_dir, 0, sizeof(rec->hello.state_dir)))) {
		vaccel_warn("upgrade: the successor (pid %d) is incompatible: protocol %u, %u "
			    "queues (here: %u, %u); start it with the same --queues",
			    pid, len == sizeof(rec->hello) ? rec->hello.version : 0,
			    len == sizeof(rec->hello) ? rec->hello.queues : 0, UPG_VERSION,
			    o->queues);
		ret = -EPROTO;
	}
	/* Our journals move with the connections: the successor must read the same ones. */
	if (!ret && o->state_dir && !same_dir(o->state_dir, rec->hello.state_dir)) {
		vaccel_warn("upgrade: the successor (pid %d) has --state-dir '%s', ours is '%s': "
			    "start it with the same options",
			    pid, rec->hello.state_dir, o->state_dir);
		ret = -EPROTO;
	}
	if (ret) {
		if (ret != -EPROTO)
			vaccel_warn("upgrade: control connection refused: %s", strerror(-ret));
		else
			upg_send(c, UPG_ABORT, rec, sizeof(rec->h), NULL, 0); /* it says why */
		free(rec);
		close(c);
		return ret;
	}
	free(rec);
	vaccel_info("upgrade: successor pid %d asks for our connections", pid);
	*peer = pid;
	return c;
}

int upgrade_check(struct daemon *d)
{
	uint64_t last[CONN_KINDS];
	/* With a journal the successor restores everything from it; else sessions only. */
	int n = d->conn.st ? 0 : conn_export(&d->conn, NULL, 0, last);

	if (n < 0) {
		vaccel_warn("upgrade refused: connection %u holds resources (not carried by a "
			    "handover yet) or a session still in use",
			    d->id);
		return n;
	}
	if (__atomic_load_n(&d->threads, __ATOMIC_RELAXED)) {
		vaccel_warn("upgrade refused: connection %u has an op that did not return", d->id);
		return -EBUSY;
	}
	return 0;
}

int upgrade_send_state(int c, int lfd, int ctl, unsigned nconns)
{
	struct upg_state st = {.nconns = nconns};
	int fds[2] = {lfd, ctl};

	return upg_send(c, UPG_STATE, &st, sizeof(st), fds, 2);
}

int upgrade_send_conn(int c, struct daemon *d)
{
	union upg_any *rec = calloc(1, sizeof(*rec));
	int fds[UPG_CONN_FDS];
	unsigned nfds = 0;
	int n, ret;

	if (!rec)
		return -ENOMEM;
	rec->conn.id = d->id;
	n = conn_export(&d->conn, NULL, 0, rec->conn.last_id);
	if (d->conn.st) {
		rec->conn.flags = UPG_CONN_JOURNAL;
		n = 0; /* the journal holds them, resources included */
	}
	ret = n < 0 ? n : vhu_dev_export(d->dev, &rec->conn.vhu, fds + 1, &nfds);
	if (!ret) {
		fds[0] = d->fd;
		rec->conn.nsess = (uint32_t)n;
		ret = upg_send(c, UPG_CONN, rec, sizeof(rec->conn), fds, nfds + 1);
	}
	for (int off = 0; !ret && off < n; off += UPG_SESS_CHUNK) {
		struct conn_sess_rec *all = calloc((size_t)n, sizeof(*all));
		uint64_t last[CONN_KINDS];
		unsigned k =
		    (unsigned)(n - off) < UPG_SESS_CHUNK ? (unsigned)(n - off) : UPG_SESS_CHUNK;

		if (!all || conn_export(&d->conn, all, (unsigned)n, last) != n) {
			free(all);
			ret = -ENOMEM;
			break;
		}
		memset(&rec->sess, 0, sizeof(rec->sess));
		rec->sess.n = k;
		memcpy(rec->sess.s, all + off, k * sizeof(*all));
		free(all);
		ret = upg_send(c, UPG_SESS, rec,
			       offsetof(struct upg_sess, s) + k * sizeof(struct conn_sess_rec),
			       NULL, 0);
	}
	free(rec);
	return ret;
}

int upgrade_wait_ready(int c)
{
	struct upg_hdr h;
	size_t len;
	unsigned nfds;
	int ret = upg_recv(c, UPG_READY, &h, sizeof(h), &len, NULL, 0, &nfds);

	if (ret)
		vaccel_warn("upgrade: the successor did not take over (%s): serving on",
			    strerror(-ret));
	return ret;
}

void upgrade_log_handed(struct daemon *d)
{
	uint64_t last[CONN_KINDS];
	int n = conn_export(&d->conn, NULL, 0, last);
	struct conn_sess_rec *all = n > 0 ? calloc((size_t)n, sizeof(*all)) : NULL;

	if (all && conn_export(&d->conn, all, (unsigned)n, last) == n)
		for (int i = 0; i < n; i++)
			vaccel_info("upgrade: connection %u session %" PRIu64
				    " handed over: %" PRIu64 " ops served by this daemon",
				    d->id, all[i].id, all[i].genops);
	free(all);
}

int upgrade_finish(int c, bool commit)
{
	struct upg_hdr h;

	return upg_send(c, commit ? UPG_COMMIT : UPG_ABORT, &h, sizeof(h), NULL, 0);
}

/* -------------------------------------------------------- the successor */

int upgrade_connect(const struct daemon_opts *o)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct upg_hello *hello = calloc(1, sizeof(*hello));
	int c, ret;

	if (!hello)
		return -ENOMEM;
	hello->version = UPG_VERSION;
	hello->queues = o->queues;
	if (o->state_dir)
		snprintf(hello->state_dir, sizeof(hello->state_dir), "%s", o->state_dir);
	if (upgrade_path(o->socket_path, sa.sun_path, sizeof(sa.sun_path))) {
		free(hello);
		return -ENAMETOOLONG;
	}
	c = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (c < 0) {
		free(hello);
		return -errno;
	}
	set_timeouts(c);
	ret = connect(c, (struct sockaddr *)&sa, sizeof(sa)) < 0 ? -errno : peer_ok(c);
	if (ret >= 0)
		ret = upg_send(c, UPG_HELLO, hello, sizeof(*hello), NULL, 0);
	free(hello);
	if (ret < 0) {
		close(c);
		return ret;
	}
	return c;
}

int upgrade_recv_state(int c, int *lfd, int *ctl, unsigned max_conns)
{
	struct upg_state st;
	int fds[2];
	unsigned nfds;
	size_t len;
	int ret = upg_recv(c, UPG_STATE, &st, sizeof(st), &len, fds, 2, &nfds);

	if (ret)
		return ret;
	if (len != sizeof(st) || nfds != 2 || st.nconns > max_conns ||
	    !sock_is(fds[0], SOCK_STREAM, true) || !sock_is(fds[1], SOCK_SEQPACKET, true)) {
		vaccel_error("upgrade: bad state record (%zu bytes, %u fds, %u connections; "
			     "at most %u here)",
			     len, nfds, st.nconns, max_conns);
		close_all(fds, nfds);
		return -EPROTO;
	}
	*lfd = fds[0];
	*ctl = fds[1];
	return (int)st.nconns;
}

/* Receive n session records and adopt each into d (host sessions made anew). */
static int recv_sessions(int c, struct daemon *d, unsigned n, union upg_any *rec)
{
	unsigned got = 0, nfds;
	size_t len;

	while (got < n) {
		int ret = upg_recv(c, UPG_SESS, rec, sizeof(*rec), &len, NULL, 0, &nfds);

		if (ret)
			return ret;
		if (len < offsetof(struct upg_sess, s) || rec->sess.n < 1 ||
		    rec->sess.n > UPG_SESS_CHUNK || rec->sess.n > n - got ||
		    len !=
			offsetof(struct upg_sess, s) + rec->sess.n * sizeof(struct conn_sess_rec)) {
			vaccel_error("upgrade: bad session record");
			return -EPROTO;
		}
		for (unsigned i = 0; i < rec->sess.n; i++) {
			const struct conn_sess_rec *r = &rec->sess.s[i];
			struct vaccel_session *s;

			/* As CREATE_SESSION: the host runs it locally. */
			ret = hostrt_session_new(&s, r->flags & ~(uint32_t)VACCEL_PLUGIN_REMOTE);
			if (ret) {
				vaccel_error("upgrade: session %" PRIu64
					     ": cannot create it here: %d",
					     r->id, ret);
				return -EIO;
			}
			ret = conn_adopt(&d->conn, r->id, s);
			if (ret) {
				hostrt_session_delete(s);
				vaccel_error("upgrade: session %" PRIu64
					     " refused (order, range or "
					     "--max-sessions)",
					     r->id);
				return -EPROTO;
			}
		}
		got += rec->sess.n;
	}
	return 0;
}

int upgrade_recv_conn(int c, struct daemon_opts *o, struct daemon **out)
{
	union upg_any *rec = calloc(1, sizeof(*rec));
	int fds[UPG_CONN_FDS];
	unsigned nfds = 0;
	struct daemon *d = NULL;
	uint64_t last[CONN_KINDS];
	uint32_t id, nsess;
	size_t len;
	int ret;

	*out = NULL;
	if (!rec)
		return -ENOMEM;
	ret = upg_recv(c, UPG_CONN, rec, sizeof(*rec), &len, fds, UPG_CONN_FDS, &nfds);
	if (ret)
		goto free_rec;
	if (len != sizeof(rec->conn) || nfds < 1 || !sock_is(fds[0], SOCK_STREAM, false) ||
	    rec->conn.flags & ~UPG_CONN_JOURNAL || rec->conn.last_id[CONN_SESS] >= UINT64_MAX / 2 ||
	    rec->conn.last_id[CONN_RES] >= UINT64_MAX / 2 ||
	    ((rec->conn.flags & UPG_CONN_JOURNAL) && (rec->conn.nsess || !o->state_dir))) {
		vaccel_error("upgrade: bad connection record (%zu bytes, %u fds)", len, nfds);
		close_all(fds, nfds);
		ret = -EPROTO;
		goto free_rec;
	}
	d = daemon_new(o, fds[0]); /* owns fds[0] from here */
	if (!d) {
		close_all(fds, nfds);
		ret = -ENOMEM;
		goto free_rec;
	}
	/* Takes the rest of the fds, whatever the outcome. */
	ret = vhu_dev_import(d->dev, &rec->conn.vhu, sizeof(rec->conn.vhu), fds + 1, nfds - 1);
	if (ret) {
		vaccel_error("upgrade: connection %u: its vhost-user state was refused: %s",
			     rec->conn.id, strerror(-ret));
		goto free_daemon;
	}
	d->imported = true;
	d->imported_journal = rec->conn.flags & UPG_CONN_JOURNAL;
	/* rec is reused for the session records: keep what the log and the counters need. */
	id = rec->conn.id;
	nsess = rec->conn.nsess;
	memcpy(last, rec->conn.last_id, sizeof(last));
	ret = recv_sessions(c, d, nsess, rec);
	if (ret)
		goto free_daemon;
	conn_set_last_ids(&d->conn, last[CONN_SESS], last[CONN_RES]);
	vaccel_info("upgrade: took over connection %u of the previous daemon (%u sessions)", id,
		    nsess);
	*out = d;
	free(rec);
	return 0;

free_daemon:
	daemon_drop(d); /* closes our copy of the connection: the predecessor keeps its own */
free_rec:
	free(rec);
	return ret;
}

int upgrade_ready(int c)
{
	struct upg_hdr h;

	return upg_send(c, UPG_READY, &h, sizeof(h), NULL, 0);
}

void upgrade_wait_gone(int c)
{
	struct upg_hdr h;
	size_t len;
	unsigned nfds;

	/* The predecessor sends nothing more: EOF when it has left (or the timeout). */
	upg_recv(c, UPG_ABORT, &h, sizeof(h), &len, NULL, 0, &nfds);
}

int upgrade_wait_commit(int c)
{
	struct upg_hdr h;
	size_t len;
	unsigned nfds;

	return upg_recv(c, UPG_COMMIT, &h, sizeof(h), &len, NULL, 0, &nfds);
}

void upgrade_notify_main_pid(int pid)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char msg[32];
	socklen_t salen;
	int fd, n;

	if (!path || (path[0] != '/' && path[0] != '@') || strlen(path) >= sizeof(sa.sun_path))
		return;
	memcpy(sa.sun_path, path, strlen(path));
	if (path[0] == '@')
		sa.sun_path[0] = '\0'; /* abstract namespace */
	salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path));
	n = snprintf(msg, sizeof(msg), "MAINPID=%d", pid);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	if (sendto(fd, msg, (size_t)n, MSG_NOSIGNAL, (struct sockaddr *)&sa, salen) < 0)
		vaccel_warn("upgrade: cannot tell the service manager the new main pid: %s",
			    strerror(errno));
	close(fd);
}
