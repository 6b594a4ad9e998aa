/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The state journal (--state-dir): what a frontend created, on disk, so that
 * a new daemon brings it back after this one crashed, was killed or was
 * restarted (docs/restart.md).
 *
 * Layout: one subdirectory per frontend, <state-dir>/<name>/ (main.c derives
 * the name from the socket), claimed by one connection at a time (a lock in
 * this process, flock() against other processes). In it, one small file per
 * object, each written to a temporary name and renamed into place before the
 * request's answer goes back:
 *
 *   ids               the id counters: every id ever given is <= these
 *   s-<id>            a session: its flags
 *   r-<id>            a resource: its type and its files (names and contents,
 *                     so the guest never sends them again)
 *   l-<sid>-<rid>     resource rid is registered with session sid
 *
 * A record is removed when its object is released. The counters are written
 * ahead in blocks of STATE_ID_BLOCK, so a restored connection continues past
 * every id it ever gave (spec §6: never reused) at one write per block.
 *
 * Nothing read back is trusted: a record must be a regular file of a bounded
 * size whose name parses exactly, whose header, counts and sizes agree with
 * its length, whose checksum matches, and whose names follow the wire rules
 * (§6.1). The connection's quotas apply to what is restored as to what the
 * guest creates. A bad record is logged, removed and skipped; without a valid
 * counters file nothing is restored (an id could otherwise be given twice).
 *
 * Durability: no fsync. The journal must survive the daemon, not the host:
 * the daemon shares guest memory (memfd) and a unix socket with the VMM, so
 * it runs under the same kernel, and whatever loses the page cache (a host
 * crash, a power cut) ends the VM too. What a daemon crash needs is that a
 * record is either whole or absent, which the rename gives. (Syncing cost
 * ~20 ms per session created on a loaded disk.)
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <vaccel.h>

#include "daemon.h"

#define STATE_MAGIC 0x4a415556u /* "VUAJ" little-endian */
#define STATE_VERSION 1u
#define STATE_ID_BLOCK 1024u
#define STATE_NAME_MAX 255u /* a resource file name without its NUL (as on the wire) */
/* Directory entries looked at per pass: a directory stuffed with junk costs bounded time. */
#define STATE_MAX_ENTRIES (1u << 20)

enum state_rec { REC_IDS = 1, REC_SESS, REC_RES, REC_LINK };

/* Every record: this header, a payload of `len` bytes, then a le64 checksum of both. */
struct state_hdr {
	uint32_t magic;
	uint32_t version;
	uint32_t kind; /* enum state_rec */
	uint32_t a;    /* session flags, resource type */
	uint64_t id;   /* object id; ids: session counter; link: session */
	uint64_t b;    /* ids: resource counter; resource: nr of files; link: resource */
	uint64_t len;  /* payload bytes */
};

/* Resource payload: per file this entry, its name (no NUL), its contents. */
struct state_file {
	uint32_t name_len;
	uint32_t zero;
	uint64_t size;
};

struct state_link {
	uint64_t sid, rid;
};

struct state {
	pthread_mutex_t lock; /* hw, links, off */
	char name[STATE_SUBDIR_MAX];
	char *path; /* <state-dir>/<name> */
	int dfd;    /* the subdirectory */
	int lock_fd;
	bool off;      /* closed: records are neither written nor removed */
	bool restored; /* state_restore found a previous daemon's counters */
	uint64_t hw[CONN_KINDS];
	struct state_link *links;
	unsigned nr_links, cap_links;
	const struct conn_limits *lim;
	struct state *next; /* claimed subdirectories of this process */
};

static pthread_mutex_t claims_lock = PTHREAD_MUTEX_INITIALIZER;
static struct state *claims;

/* ------------------------------------------------------------- helpers */

/* 64-bit FNV-1a over a byte stream, word at a time where it can. */
static uint64_t st_hash(uint64_t h, const void *p, size_t n)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x100000001b3ull;
	return h;
}

#define HASH_SEED 0xcbf29ce484222325ull

static int write_all(int fd, const void *p, size_t len)
{
	const uint8_t *b = p;

	while (len) {
		ssize_t n = write(fd, b, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		b += n;
		len -= (size_t)n;
	}
	return 0;
}

/* A decimal id: digits only, no leading zero, not 0, no overflow. Returns the rest. */
static const char *parse_id(const char *s, uint64_t *id)
{
	uint64_t v = 0;
	const char *p = s;

	if (*p < '1' || *p > '9')
		return NULL;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return NULL;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	*id = v;
	return p;
}

/* A record's name: which kind, and its ids. false: not a record name. */
static bool parse_name(const char *n, enum state_rec *kind, uint64_t *x, uint64_t *y)
{
	const char *p;

	*y = 0;
	if (!strcmp(n, "ids")) {
		*kind = REC_IDS;
		*x = 0;
		return true;
	}
	if ((n[0] != 's' && n[0] != 'r' && n[0] != 'l') || n[1] != '-')
		return false;
	p = parse_id(n + 2, x);
	if (!p)
		return false;
	if (n[0] == 'l') {
		if (*p != '-')
			return false;
		p = parse_id(p + 1, y);
		if (!p)
			return false;
		*kind = REC_LINK;
	} else {
		*kind = n[0] == 's' ? REC_SESS : REC_RES;
	}
	return *p == '\0';
}

static void rec_name(char *buf, size_t n, enum state_rec kind, uint64_t x, uint64_t y)
{
	switch (kind) {
	case REC_IDS:
		snprintf(buf, n, "ids");
		break;
	case REC_SESS:
		snprintf(buf, n, "s-%" PRIu64, x);
		break;
	case REC_RES:
		snprintf(buf, n, "r-%" PRIu64, x);
		break;
	case REC_LINK:
		snprintf(buf, n, "l-%" PRIu64 "-%" PRIu64, x, y);
		break;
	}
}

/* A name the guest may give a file (spec §6.1): 1..255 bytes, no NUL or '/', not . or .. */
static bool file_name_ok(const char *n, size_t len)
{
	if (len < 1 || len > STATE_NAME_MAX || memchr(n, '\0', len) || memchr(n, '/', len))
		return false;
	return !(len == 1 && n[0] == '.') && !(len == 2 && n[0] == '.' && n[1] == '.');
}

/* ------------------------------------------------------------- writing */

/*
 * Write one record: header, payload pieces, checksum, to a temporary name,
 * then into place. Locked or not: record names are unique (ids are).
 */
static int put_record(struct state *st, const struct state_hdr *h, const struct iovec *pl,
		      unsigned npl, const char *name)
{
	char tmp[STATE_SUBDIR_MAX + 16];
	uint64_t sum = st_hash(HASH_SEED, h, sizeof(*h));
	int fd, ret;

	snprintf(tmp, sizeof(tmp), ".tmp-%s", name);
	fd = openat(st->dfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	ret = write_all(fd, h, sizeof(*h));
	for (unsigned i = 0; !ret && i < npl; i++) {
		sum = st_hash(sum, pl[i].iov_base, pl[i].iov_len);
		ret = write_all(fd, pl[i].iov_base, pl[i].iov_len);
	}
	if (!ret)
		ret = write_all(fd, &sum, sizeof(sum));
	if (close(fd) && !ret)
		ret = -errno;
	if (!ret && renameat(st->dfd, tmp, st->dfd, name))
		ret = -errno;
	if (ret) {
		unlinkat(st->dfd, tmp, 0);
		vaccel_warn("state %s: could not write %s: %s", st->name, name, strerror(-ret));
	}
	return ret;
}

static void drop_record(struct state *st, enum state_rec kind, uint64_t x, uint64_t y)
{
	char name[64];

	rec_name(name, sizeof(name), kind, x, y);
	if (unlinkat(st->dfd, name, 0) && errno != ENOENT)
		vaccel_warn("state %s: could not remove %s: %s", st->name, name, strerror(errno));
}

static int put_ids_locked(struct state *st)
{
	struct state_hdr h = {STATE_MAGIC,	 STATE_VERSION,	   REC_IDS, 0,
			      st->hw[CONN_SESS], st->hw[CONN_RES], 0};

	return put_record(st, &h, NULL, 0, "ids");
}

/* Make sure the counters on disk cover id (written ahead, a block at a time). Locked. */
static int cover_id_locked(struct state *st, enum conn_kind k, uint64_t id)
{
	uint64_t old = st->hw[k];
	int ret;

	if (id <= old)
		return 0;
	st->hw[k] = id > UINT64_MAX - STATE_ID_BLOCK ? UINT64_MAX : id + STATE_ID_BLOCK;
	ret = put_ids_locked(st);
	if (ret)
		st->hw[k] = old;
	return ret;
}

int state_note_session(struct state *st, uint64_t id, uint32_t flags)
{
	struct state_hdr h = {STATE_MAGIC, STATE_VERSION, REC_SESS, flags, id, 0, 0};
	char name[64];
	int ret;

	if (!st)
		return 0;
	pthread_mutex_lock(&st->lock);
	ret = st->off ? 1 : cover_id_locked(st, CONN_SESS, id);
	pthread_mutex_unlock(&st->lock);
	if (ret)
		return ret < 0 ? ret : 0;
	rec_name(name, sizeof(name), REC_SESS, id, 0);
	return put_record(st, &h, NULL, 0, name);
}

int state_note_resource(struct state *st, uint64_t id, int type, const struct vaccel_blob *files,
			unsigned n)
{
	struct state_hdr h = {STATE_MAGIC, STATE_VERSION, REC_RES, (uint32_t)type, id, n, 0};
	struct state_file *fe;
	struct iovec *pl;
	char name[64];
	int ret;

	if (!st)
		return 0;
	pthread_mutex_lock(&st->lock);
	ret = st->off ? 1 : cover_id_locked(st, CONN_RES, id);
	pthread_mutex_unlock(&st->lock);
	if (ret)
		return ret < 0 ? ret : 0;
	fe = calloc(n, sizeof(*fe));
	pl = calloc(3 * (size_t)n, sizeof(*pl));
	if (!fe || !pl) {
		free(fe);
		free(pl);
		return -ENOMEM;
	}
	for (unsigned i = 0; i < n; i++) {
		fe[i].name_len = (uint32_t)strlen(files[i].name);
		fe[i].size = files[i].size;
		pl[3 * i] = (struct iovec){&fe[i], sizeof(fe[i])};
		pl[3 * i + 1] = (struct iovec){files[i].name, fe[i].name_len};
		pl[3 * i + 2] = (struct iovec){files[i].data, files[i].size};
		h.len += sizeof(fe[i]) + fe[i].name_len + fe[i].size;
	}
	rec_name(name, sizeof(name), REC_RES, id, 0);
	ret = put_record(st, &h, pl, 3 * n, name);
	free(fe);
	free(pl);
	return ret;
}

int state_note_link(struct state *st, uint64_t sid, uint64_t rid)
{
	struct state_hdr h = {STATE_MAGIC, STATE_VERSION, REC_LINK, 0, sid, rid, 0};
	char name[64];
	int ret = 0;

	if (!st)
		return 0;
	pthread_mutex_lock(&st->lock);
	if (st->off) {
		pthread_mutex_unlock(&st->lock);
		return 0;
	}
	for (unsigned i = 0; i < st->nr_links; i++)
		if (st->links[i].sid == sid && st->links[i].rid == rid)
			goto out; /* registered twice: one record */
	if (st->nr_links == st->cap_links) {
		unsigned cap = st->cap_links ? 2 * st->cap_links : 16;
		struct state_link *v = realloc(st->links, cap * sizeof(*v));

		if (!v) {
			ret = -ENOMEM;
			goto out;
		}
		st->links = v;
		st->cap_links = cap;
	}
	st->links[st->nr_links++] = (struct state_link){sid, rid};
	rec_name(name, sizeof(name), REC_LINK, sid, rid);
	ret = put_record(st, &h, NULL, 0, name);
	if (ret)
		st->nr_links--;
out:
	pthread_mutex_unlock(&st->lock);
	return ret;
}

/* Remove the links that match (sid, rid); 0 matches any. Locked. */
static void forget_links_locked(struct state *st, uint64_t sid, uint64_t rid)
{
	for (unsigned i = 0; i < st->nr_links;) {
		struct state_link *l = &st->links[i];

		if ((sid && l->sid != sid) || (rid && l->rid != rid)) {
			i++;
			continue;
		}
		drop_record(st, REC_LINK, l->sid, l->rid);
		*l = st->links[--st->nr_links];
	}
}

void state_forget_link(struct state *st, uint64_t sid, uint64_t rid)
{
	if (!st)
		return;
	pthread_mutex_lock(&st->lock);
	if (!st->off)
		forget_links_locked(st, sid, rid);
	pthread_mutex_unlock(&st->lock);
}

void state_forget(struct state *st, enum conn_kind k, uint64_t id)
{
	if (!st)
		return;
	pthread_mutex_lock(&st->lock);
	if (!st->off) {
		forget_links_locked(st, k == CONN_SESS ? id : 0, k == CONN_RES ? id : 0);
		drop_record(st, k == CONN_SESS ? REC_SESS : REC_RES, id, 0);
	}
	pthread_mutex_unlock(&st->lock);
}

/* ------------------------------------------------------------- reading */

/* A record file, checked to be whole: its header and payload (mapped). */
struct rec {
	struct state_hdr h;
	const uint8_t *pl; /* h.len bytes */
	void *map;
	size_t map_len;
};

static void rec_free(struct rec *r)
{
	if (r->map)
		munmap(r->map, r->map_len);
	memset(r, 0, sizeof(*r));
}

/* The largest a record of this kind may be (the resource quota bounds the payload). */
static uint64_t rec_max(const struct state *st, enum state_rec kind)
{
	uint64_t base = sizeof(struct state_hdr) + sizeof(uint64_t);

	if (kind != REC_RES)
		return base;
	return base + st->lim->upload_bytes +
	       (uint64_t)st->lim->mappings * (sizeof(struct state_file) + STATE_NAME_MAX);
}

/* Open, bound, map and checksum one record. 0, or a reason for the log. */
static const char *rec_read(struct state *st, const char *name, enum state_rec kind, struct rec *r)
{
	struct stat sb;
	uint64_t sum, want;
	const char *why = NULL;
	int fd;

	memset(r, 0, sizeof(*r));
	fd = openat(st->dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return "cannot open";
	if (fstat(fd, &sb) || !S_ISREG(sb.st_mode)) {
		why = "not a regular file";
		goto out;
	}
	if ((uint64_t)sb.st_size < sizeof(r->h) + sizeof(sum)) {
		why = "truncated";
		goto out;
	}
	if ((uint64_t)sb.st_size > rec_max(st, kind)) {
		why = "too large";
		goto out;
	}
	r->map_len = (size_t)sb.st_size;
	r->map = mmap(NULL, r->map_len, PROT_READ, MAP_PRIVATE, fd, 0);
	if (r->map == MAP_FAILED) {
		r->map = NULL;
		why = "cannot map";
		goto out;
	}
	memcpy(&r->h, r->map, sizeof(r->h));
	if (r->h.magic != STATE_MAGIC || r->h.version != STATE_VERSION || r->h.kind != kind) {
		why = "not a record of this kind";
		goto out;
	}
	if (r->h.len != r->map_len - sizeof(r->h) - sizeof(sum)) {
		why = r->h.len > r->map_len - sizeof(r->h) - sizeof(sum) ? "truncated"
									 : "trailing bytes";
		goto out;
	}
	r->pl = (const uint8_t *)r->map + sizeof(r->h);
	memcpy(&want, r->pl + r->h.len, sizeof(want));
	/* The writer hashed header, then each payload piece: one stream, the same bytes. */
	sum = st_hash(st_hash(HASH_SEED, &r->h, sizeof(r->h)), r->pl, r->h.len);
	if (sum != want)
		why = "checksum mismatch";
out:
	close(fd);
	if (why)
		rec_free(r);
	return why;
}

static void reject(struct state *st, const char *name, const char *why)
{
	vaccel_warn("state %s: record %s rejected (%s): removed", st->name, name, why);
	if (unlinkat(st->dfd, name, 0) && errno != ENOENT)
		vaccel_warn("state %s: could not remove %s: %s", st->name, name, strerror(errno));
}

/*
 * Walk the directory once, calling fn for each record of `kind` (parsed
 * name). Leftover temporaries and unknown names go in the first pass.
 */
typedef void (*rec_fn)(struct state *st, struct conn *c, const char *name, uint64_t x, uint64_t y);

static void walk(struct state *st, struct conn *c, enum state_rec kind, rec_fn fn)
{
	int fd = dup(st->dfd);
	unsigned seen = 0;
	struct dirent *de;
	DIR *dir;

	if (fd < 0 || !(dir = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		vaccel_warn("state %s: cannot read the directory: %s", st->name, strerror(errno));
		return;
	}
	rewinddir(dir);
	while ((de = readdir(dir))) {
		enum state_rec k;
		uint64_t x, y;

		if (++seen > STATE_MAX_ENTRIES) {
			vaccel_warn("state %s: more than %u entries: the rest is ignored", st->name,
				    STATE_MAX_ENTRIES);
			break;
		}
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    !strcmp(de->d_name, "lock"))
			continue;
		if (!parse_name(de->d_name, &k, &x, &y)) {
			if (kind == REC_IDS)
				reject(st, de->d_name,
				       strncmp(de->d_name, ".tmp-", 5) ? "unknown name"
								       : "unfinished write");
			continue;
		}
		if (k == kind)
			fn(st, c, de->d_name, x, y);
	}
	closedir(dir);
}

static void restore_ids(struct state *st, struct conn *c, const char *name, uint64_t x, uint64_t y)
{
	struct rec r;
	const char *why = rec_read(st, name, REC_IDS, &r);

	(void)c;
	(void)x;
	(void)y;
	if (why) {
		reject(st, name, why);
		return;
	}
	st->hw[CONN_SESS] = r.h.id;
	st->hw[CONN_RES] = r.h.b;
	st->restored = true;
	rec_free(&r);
}

static void restore_session(struct state *st, struct conn *c, const char *name, uint64_t id,
			    uint64_t y)
{
	static const struct conn_charge none;
	struct vaccel_session *s;
	struct rec r;
	const char *why = rec_read(st, name, REC_SESS, &r);
	int ret;

	(void)y;
	if (!why && (r.h.id != id || r.h.b || r.h.len))
		why = "does not match its name";
	if (!why && id > st->hw[CONN_SESS])
		why = "id past the counters";
	if (!why && conn_reserve(c, CONN_SESS, &none))
		why = "over the session quota";
	if (why) {
		rec_free(&r);
		reject(st, name, why);
		return;
	}
	ret = hostrt_session_new(&s, r.h.a & ~(uint32_t)VACCEL_PLUGIN_REMOTE);
	rec_free(&r);
	if (!ret && conn_add_as(c, CONN_SESS, s, &none, id)) {
		hostrt_session_delete(s);
		ret = VACCEL_ENOMEM;
		/* conn_add_as gave the reservation back */
	} else if (ret) {
		conn_unreserve(c, CONN_SESS, &none);
	}
	if (ret)
		reject(st, name, "the host runtime refused it");
}

/* Check a resource payload and point blobs at its files. NULL or a reason. */
static const char *res_files(const struct rec *r, struct vaccel_blob *blobs, char **names,
			     struct conn_charge *ch)
{
	uint64_t off = 0, n = r->h.b;

	for (uint64_t i = 0; i < n; i++) {
		struct state_file fe;

		if (r->h.len - off < sizeof(fe))
			return "file table truncated";
		memcpy(&fe, r->pl + off, sizeof(fe));
		off += sizeof(fe);
		if (fe.zero || r->h.len - off < fe.name_len)
			return "file name truncated";
		if (!file_name_ok((const char *)r->pl + off, fe.name_len))
			return "bad file name";
		names[i] = strndup((const char *)r->pl + off, fe.name_len);
		if (!names[i])
			return "out of memory";
		for (uint64_t j = 0; j < i; j++)
			if (!strcmp(names[j], names[i]))
				return "file name repeated";
		off += fe.name_len;
		if (fe.size == 0 || r->h.len - off < fe.size)
			return "file contents truncated";
		blobs[i] = (struct vaccel_blob){.type = VACCEL_BLOB_MAPPED,
						.name = names[i],
						.data = (uint8_t *)r->pl + off,
						.size = fe.size};
		off += fe.size;
		ch->bytes += fe.size;
	}
	return off == r->h.len ? NULL : "trailing bytes";
}

static void restore_resource(struct state *st, struct conn *c, const char *name, uint64_t id,
			     uint64_t y)
{
	struct vaccel_blob *blobs = NULL;
	const struct vaccel_blob **bp = NULL;
	char **names = NULL;
	struct conn_charge ch = {0, 0};
	struct vaccel_resource *res;
	struct rec r;
	const char *why = rec_read(st, name, REC_RES, &r);
	unsigned n = 0;

	(void)y;
	if (!why && r.h.id != id)
		why = "does not match its name";
	if (!why && id > st->hw[CONN_RES])
		why = "id past the counters";
	if (!why && (r.h.b == 0 || r.h.b > st->lim->mappings || r.h.a >= VACCEL_RESOURCE_MAX))
		why = "bad file count or type";
	if (!why) {
		n = (unsigned)r.h.b;
		ch.files = n;
		blobs = calloc(n, sizeof(*blobs));
		bp = calloc(n, sizeof(*bp));
		names = calloc(n, sizeof(*names));
		why = blobs && bp && names ? res_files(&r, blobs, names, &ch) : "out of memory";
	}
	if (!why && conn_reserve(c, CONN_RES, &ch))
		why = "over the resource quotas";
	if (!why) {
		for (unsigned i = 0; i < n; i++)
			bp[i] = &blobs[i];
		if (hostrt_resource_new(&res, bp, n, (int)r.h.a)) {
			conn_unreserve(c, CONN_RES, &ch);
			why = "the host runtime refused it";
		} else if (conn_add_as(c, CONN_RES, res, &ch, id)) {
			hostrt_resource_delete(res);
			why = "out of memory";
		}
	}
	for (unsigned i = 0; names && i < n; i++)
		free(names[i]);
	free(names);
	free(bp);
	free(blobs);
	rec_free(&r);
	if (why)
		reject(st, name, why);
}

static void restore_link(struct state *st, struct conn *c, const char *name, uint64_t sid,
			 uint64_t rid)
{
	struct conn_entry *s = NULL, *r = NULL;
	struct rec rc;
	const char *why = rec_read(st, name, REC_LINK, &rc);

	if (!why && (rc.h.id != sid || rc.h.b != rid || rc.h.len))
		why = "does not match its name";
	rec_free(&rc);
	if (!why && !(s = conn_get(c, CONN_SESS, sid)))
		why = "no such session";
	if (!why && !(r = conn_get(c, CONN_RES, rid)))
		why = "no such resource";
	if (!why && conn_register(c, s, r))
		why = "the host runtime refused it";
	if (!why && st->nr_links == st->cap_links) {
		unsigned cap = st->cap_links ? 2 * st->cap_links : 16;
		struct state_link *v = realloc(st->links, cap * sizeof(*v));

		if (v) {
			st->links = v;
			st->cap_links = cap;
		}
	}
	if (!why && st->nr_links < st->cap_links)
		st->links[st->nr_links++] = (struct state_link){sid, rid};
	if (r)
		conn_put(c, r);
	if (s)
		conn_put(c, s);
	if (why)
		reject(st, name, why);
}

int state_restore(struct state *st, struct conn *c)
{
	unsigned ns, nr, orphans;
	struct conn_usage u;

	pthread_mutex_lock(&st->lock);
	walk(st, c, REC_IDS, restore_ids);
	if (!st->restored) {
		pthread_mutex_unlock(&st->lock);
		/* No counters: any record left could reuse an id. Start empty. */
		state_clear(st);
		return 0;
	}
	walk(st, c, REC_SESS, restore_session);
	walk(st, c, REC_RES, restore_resource);
	walk(st, c, REC_LINK, restore_link);
	pthread_mutex_unlock(&st->lock);
	/* A resource no session holds would have been released: release it now. */
	orphans = conn_drop_orphans(c);
	conn_set_last_ids(c, st->hw[CONN_SESS], st->hw[CONN_RES]);
	conn_usage(c, &u);
	ns = u.count[CONN_SESS];
	nr = u.count[CONN_RES];
	vaccel_info("state %s: restored %u sessions, %u resources (%u unheld resources "
		    "dropped); ids continue after %" PRIu64 " and %" PRIu64,
		    st->name, ns, nr, orphans, st->hw[CONN_SESS], st->hw[CONN_RES]);
	return 1;
}

int state_attach(struct conn *c, const char *root, const char *name, const struct conn_limits *lim)
{
	int ret = state_open(&c->st, root, name, lim);

	return ret ? ret : state_restore(c->st, c);
}

bool state_restored(const struct state *st)
{
	return st && st->restored;
}

/* ------------------------------------------------------------- lifetime */

int state_open(struct state **sp, const char *root, const char *name, const struct conn_limits *lim)
{
	struct state *st;
	int ret;

	*sp = NULL;
	pthread_mutex_lock(&claims_lock);
	for (st = claims; st; st = st->next) {
		if (!strcmp(st->name, name)) {
			pthread_mutex_unlock(&claims_lock);
			return -EBUSY;
		}
	}
	st = calloc(1, sizeof(*st));
	if (!st) {
		pthread_mutex_unlock(&claims_lock);
		return -ENOMEM;
	}
	pthread_mutex_init(&st->lock, NULL);
	snprintf(st->name, sizeof(st->name), "%s", name);
	st->lim = lim;
	st->dfd = st->lock_fd = -1;
	if (asprintf(&st->path, "%s/%s", root, name) < 0) {
		st->path = NULL;
		ret = -ENOMEM;
		goto fail;
	}
	if (mkdir(st->path, 0700) && errno != EEXIST) {
		ret = -errno;
		goto fail;
	}
	st->dfd = open(st->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (st->dfd < 0) {
		ret = -errno;
		goto fail;
	}
	st->lock_fd = openat(st->dfd, "lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (st->lock_fd < 0) {
		ret = -errno;
		goto fail;
	}
	if (flock(st->lock_fd, LOCK_EX | LOCK_NB)) {
		ret = errno == EWOULDBLOCK ? -EBUSY : -errno;
		goto fail;
	}
	st->next = claims;
	claims = st;
	pthread_mutex_unlock(&claims_lock);
	*sp = st;
	return 0;
fail:
	pthread_mutex_unlock(&claims_lock);
	if (st->lock_fd >= 0)
		close(st->lock_fd);
	if (st->dfd >= 0)
		close(st->dfd);
	free(st->path);
	pthread_mutex_destroy(&st->lock);
	free(st);
	return ret;
}

void state_clear(struct state *st)
{
	int fd;
	DIR *dir;
	struct dirent *de;

	if (!st)
		return;
	pthread_mutex_lock(&st->lock);
	st->restored = false;
	st->nr_links = 0;
	fd = st->off ? -1 : dup(st->dfd);
	dir = fd >= 0 ? fdopendir(fd) : NULL;
	if (!dir && fd >= 0)
		close(fd);
	if (dir)
		rewinddir(dir); /* the dup shares its offset with st->dfd */
	while (dir && (de = readdir(dir))) {
		enum state_rec k;
		uint64_t x, y;

		/* The counters stay: the connection goes on, its ids keep growing. */
		if (parse_name(de->d_name, &k, &x, &y) && k != REC_IDS)
			unlinkat(st->dfd, de->d_name, 0);
	}
	if (dir)
		closedir(dir);
	pthread_mutex_unlock(&st->lock);
}

void state_close(struct state *st, bool keep)
{
	if (!st)
		return;
	if (!keep)
		state_clear(st);
	pthread_mutex_lock(&st->lock);
	if (!st->off && !keep) {
		unlinkat(st->dfd, "ids", 0);
		unlinkat(st->dfd, "lock", 0);
		if (rmdir(st->path) && errno != ENOENT)
			vaccel_warn("state %s: could not remove %s: %s", st->name, st->path,
				    strerror(errno));
	}
	st->off = true;
	pthread_mutex_unlock(&st->lock);
	vaccel_debug("state %s: %s", st->name, keep ? "kept for a successor" : "removed");
	/* Let the next connection (or daemon) claim it. */
	pthread_mutex_lock(&claims_lock);
	for (struct state **pp = &claims; *pp; pp = &(*pp)->next) {
		if (*pp == st) {
			*pp = st->next;
			break;
		}
	}
	pthread_mutex_unlock(&claims_lock);
	if (st->lock_fd >= 0)
		close(st->lock_fd); /* drops the flock */
	st->lock_fd = -1;
}

void state_free(struct state *st)
{
	if (!st)
		return;
	if (!st->off)
		state_close(st, true);
	if (st->dfd >= 0)
		close(st->dfd);
	free(st->links);
	free(st->path);
	pthread_mutex_destroy(&st->lock);
	free(st);
}

int state_subdir_name(char *buf, size_t n, const char *socket_path)
{
	const char *base;
	size_t len = 0;
	uint64_t h;

	if (!socket_path || !socket_path[0])
		return snprintf(buf, n, "fd") >= (int)n ? -ENAMETOOLONG : 0;
	base = strrchr(socket_path, '/');
	base = base ? base + 1 : socket_path;
	h = st_hash(HASH_SEED, socket_path, strlen(socket_path));
	if (n < 24)
		return -ENAMETOOLONG;
	/* A readable part from the socket's name, then a hash of its whole path. */
	for (; base[len] && len < 64 && len < n - 19; len++) {
		char ch = base[len];

		buf[len] = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
				   (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' ||
				   (ch == '.' && len)
			       ? ch
			       : '_';
	}
	snprintf(buf + len, n - len, "-%016" PRIx64, h);
	return 0;
}
