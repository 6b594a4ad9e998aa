/* SPDX-License-Identifier: Apache-2.0 */
#include "td.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vaccel_common.h"

/* What td_start prints when the daemon is up (backend/main.c). */
#define TD_READY_LINE "listening on "
#define TD_MAX_DAEMONS 64

/* Directories of every daemon this process started, for td_finish(). */
static char started[TD_MAX_DAEMONS][64];
static unsigned nr_started;

long td_now_ms(void)
{
	return (long)(vaccel_clock_ns(CLOCK_MONOTONIC) / 1000000u);
}

void td_sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static void child(struct td *d)
{
	int fd = open(d->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	char level[16];

	if (fd < 0)
		_exit(127);
	dup2(fd, 1);
	dup2(fd, 2);
	/* The daemon is a host: its own runtime, plugin and log level. */
	unsetenv("VACCEL_BOOTSTRAP_ENABLED");
	unsetenv("VACCEL_VIRTIO_SOCKET");
	unsetenv("VACCEL_LOG_FILE");
	setenv("VACCEL_PLUGINS", d->opts.plugin, 1);
	snprintf(level, sizeof(level), "%d", d->opts.log_level);
	setenv("VACCEL_LOG_LEVEL", level, 1);
	for (unsigned i = 0; d->opts.env && d->opts.env[i]; i++)
		putenv((char *)d->opts.env[i]);
	if (d->opts.ld_library_path)
		setenv("LD_LIBRARY_PATH", d->opts.ld_library_path, 1);
	if (d->opts.max_fds) {
		struct rlimit rl = {d->opts.max_fds, d->opts.max_fds};

		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			_exit(126);
	}
	execvp(d->argv[0], (char *const *)d->argv);
	_exit(127);
}

static int spawn(struct td *d)
{
	int before = td_log_count(d, TD_READY_LINE);
	pid_t pid;

	unlink(d->sock);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0)
		child(d);
	d->pid = pid;
	for (int i = 0; i < 1000; i++) {
		struct stat st;

		if (stat(d->sock, &st) == 0 && S_ISSOCK(st.st_mode) &&
		    td_log_count(d, TD_READY_LINE) > before)
			return 0;
		if (!td_alive(d)) {
			fprintf(stderr, "td: %s exited at start\n", d->daemon);
			td_log_dump(d);
			return -ECHILD;
		}
		td_sleep_ms(10);
	}
	fprintf(stderr, "td: %s not listening after 10 s\n", d->daemon);
	td_log_dump(d);
	return -ETIMEDOUT;
}

int td_start(struct td *d, const char *daemon, const struct td_opts *o)
{
	const char *wrapper;
	unsigned n = 0, first;

	memset(d, 0, sizeof(*d));
	if (o)
		d->opts = *o;
	if (!d->opts.plugin)
		d->opts.plugin = "libvaccel-noop.so";
	if (getenv("TD_LOG_LEVEL")) /* e.g. 4 to debug a test */
		d->opts.log_level = atoi(getenv("TD_LOG_LEVEL"));
	if (d->opts.log_level < 3) /* readiness is an info line */
		d->opts.log_level = 3;
	d->daemon = daemon;
	snprintf(d->dir, sizeof(d->dir), "/tmp/vaccel-td-XXXXXX");
	if (!mkdtemp(d->dir))
		return -errno;
	if (nr_started < TD_MAX_DAEMONS)
		memcpy(started[nr_started++], d->dir, sizeof(d->dir));
	snprintf(d->sock, sizeof(d->sock), "%s/accel.sock", d->dir);
	snprintf(d->log, sizeof(d->log), "%s/daemon.log", d->dir);
	snprintf(d->sockarg, sizeof(d->sockarg), "--socket-path=%s", d->sock);
	/* A cross build's tests run under an emulator (meson's exe_wrapper, e.g.
	 * qemu-aarch64, one word) that it names here: the daemon is a target
	 * program too. */
	wrapper = getenv("MESON_EXE_WRAPPER");
	if (wrapper && wrapper[0])
		d->argv[n++] = wrapper;
	d->argv[n++] = daemon;
	d->argv[n++] = d->sockarg;
	first = n;
	for (unsigned i = 0; d->opts.args && d->opts.args[i]; i++) {
		if (n - first >= TD_MAX_ARGS - 1) {
			fprintf(stderr, "td: more than %d daemon options\n", TD_MAX_ARGS - 1);
			return -E2BIG;
		}
		d->argv[n++] = d->opts.args[i];
	}
	d->argv[n] = NULL;
	d->opts.args = NULL; /* argv holds them now */
	return spawn(d);
}

int td_restart(struct td *d)
{
	if (d->pid > 0)
		return -EBUSY;
	return spawn(d);
}

bool td_alive(struct td *d)
{
	if (d->pid <= 0)
		return false;
	if (waitpid(d->pid, NULL, WNOHANG) == d->pid) {
		d->pid = 0;
		return false;
	}
	return true;
}

void td_kill(struct td *d, int sig)
{
	if (d->pid <= 0)
		return;
	kill(d->pid, sig);
	waitpid(d->pid, NULL, 0);
	d->pid = 0;
}

int td_stop(struct td *d)
{
	long t0 = td_now_ms();

	if (d->pid <= 0)
		return -1;
	kill(d->pid, SIGTERM);
	for (int i = 0; i < 2500; i++) {
		if (waitpid(d->pid, NULL, WNOHANG) == d->pid) {
			d->pid = 0;
			return (int)(td_now_ms() - t0);
		}
		td_sleep_ms(2);
	}
	fprintf(stderr, "td: %s ignored SIGTERM for 5 s: SIGKILL\n", d->daemon);
	td_kill(d, SIGKILL);
	return -1;
}

static FILE *proc_file(const struct td *d, const char *name)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)d->pid, name);
	return d->pid > 0 ? fopen(path, "r") : NULL;
}

long td_status_kib(const struct td *d, const char *field)
{
	FILE *f = proc_file(d, "status");
	size_t n = strlen(field);
	char line[256];
	long v = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, n) && line[n] == ':' &&
		    sscanf(line + n + 1, "%ld", &v) == 1)
			break;
	fclose(f);
	return v;
}

long td_threads(const struct td *d)
{
	return td_status_kib(d, "Threads"); /* a plain number, read the same way */
}

long td_cpu_ticks(const struct td *d)
{
	FILE *f = proc_file(d, "stat");
	unsigned long ut = 0, st = 0;
	char buf[1024], *p;

	if (!f)
		return -1;
	p = fgets(buf, sizeof(buf), f);
	fclose(f);
	if (!p || !(p = strrchr(buf, ')')))
		return -1;
	/* after the command: state(3) ... utime(14) stime(15) */
	if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
		return -1;
	return (long)(ut + st);
}

char *td_log_read(const struct td *d)
{
	FILE *f = fopen(d->log, "r");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f)
		return NULL;
	do {
		if (cap - len < 4096) {
			char *nb = realloc(buf, cap + 65536);

			if (!nb)
				break;
			buf = nb;
			cap += 65536;
		}
		n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
	} while (n > 0);
	fclose(f);
	if (buf)
		buf[len] = '\0';
	return buf;
}

int td_log_count(const struct td *d, const char *needle)
{
	char *log = td_log_read(d), *p;
	int n = 0;

	if (!log)
		return 0;
	for (p = log; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	free(log);
	return n;
}

bool td_log_wait(const struct td *d, const char *needle, int n, int ms)
{
	long end = td_now_ms() + ms;

	do {
		if (td_log_count(d, needle) >= n)
			return true;
		td_sleep_ms(10);
	} while (td_now_ms() <= end);
	return false;
}

bool td_stats_wait(const struct td *d, const char *needle, int ms)
{
	long end = td_now_ms() + ms;
	int seen = td_log_count(d, needle);

	do {
		kill(d->pid, SIGUSR1);
		if (td_log_wait(d, needle, seen + 1, 200))
			return true;
	} while (td_now_ms() <= end);
	return false;
}

void td_log_dump(const struct td *d)
{
	char *log = td_log_read(d);

	fprintf(stderr, "---- daemon log %s ----\n%s\n---- end ----\n", d->log,
		log ? log : "(none)");
	free(log);
}

/* Remove a daemon's directory: its socket and log, nothing else. The
 * precision bounds dir by started[]'s size, which 32-bit gcc loses when
 * it inlines this (-Wformat-truncation on armhf). */
static void remove_dir(const char *dir)
{
	char path[128];

	snprintf(path, sizeof(path), "%.64s/accel.sock", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%.64s/daemon.log", dir);
	unlink(path);
	rmdir(dir);
}

int td_finish(int failed)
{
	const char *keep = getenv("TD_KEEP_LOGS");

	for (unsigned i = 0; i < nr_started; i++) {
		if (failed || (keep && *keep && strcmp(keep, "0")))
			fprintf(stderr, "td: daemon log kept: %s/daemon.log\n", started[i]);
		else
			remove_dir(started[i]);
	}
	nr_started = 0;
	return failed;
}
