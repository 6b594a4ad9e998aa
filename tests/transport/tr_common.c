/* SPDX-License-Identifier: Apache-2.0 */
#include "tr_common.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <vaccel.h>

static void sleep_ms(int ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

static int spawn(struct tr_daemon *d)
{
	/* Cross builds: meson runs this test under an emulator (qemu-aarch64) and
	 * names it here; the daemon is a target binary too. One word, no arguments. */
	const char *wrapper = getenv("MESON_EXE_WRAPPER");
	const char *argv[17];
	char sockarg[160];
	int n = 0, fd;
	pid_t pid;

	snprintf(sockarg, sizeof(sockarg), "--socket-path=%s", d->sock);
	if (wrapper && wrapper[0])
		argv[n++] = wrapper;
	argv[n++] = TR_DAEMON;
	argv[n++] = sockarg;
	for (int i = 0; d->extra[i] && n < 15; i++)
		argv[n++] = d->extra[i];
	argv[n] = NULL;
	unlink(d->sock);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		fd = open(d->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		if (fd < 0)
			_exit(127);
		dup2(fd, 1);
		dup2(fd, 2);
		/* The daemon is a host: its own runtime, its own plugin. */
		unsetenv("VACCEL_BOOTSTRAP_ENABLED");
		unsetenv("VACCEL_VIRTIO_SOCKET");
		unsetenv("VACCEL_LOG_FILE");
		setenv("VACCEL_PLUGINS", d->plugin, 1);
		setenv("VACCEL_LOG_LEVEL", "4", 1);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	d->pid = pid;
	/* Ready when the socket exists (bind and listen are back to back). */
	for (int i = 0; i < 1000; i++) {
		struct stat st;
		int status;

		if (stat(d->sock, &st) == 0 && S_ISSOCK(st.st_mode)) {
			sleep_ms(20);
			return 0;
		}
		if (waitpid(pid, &status, WNOHANG) == pid) {
			d->pid = 0;
			tr_log_dump(d);
			return -ECHILD;
		}
		sleep_ms(10);
	}
	return -ETIMEDOUT;
}

int tr_daemon_start(struct tr_daemon *d, const char *plugin, const char *const *extra)
{
	memset(d, 0, sizeof(*d));
	snprintf(d->dir, sizeof(d->dir), "/tmp/vaccel-tr-XXXXXX");
	if (!mkdtemp(d->dir))
		return -errno;
	snprintf(d->sock, sizeof(d->sock), "%s/accel.sock", d->dir);
	snprintf(d->log, sizeof(d->log), "%s/daemon.log", d->dir);
	d->plugin = plugin;
	for (int i = 0; extra && extra[i] && i < 7; i++)
		d->extra[i] = extra[i];
	return spawn(d);
}

int tr_daemon_restart(struct tr_daemon *d)
{
	return spawn(d);
}

void tr_daemon_kill(struct tr_daemon *d, int sig)
{
	if (d->pid <= 0)
		return;
	kill(d->pid, sig);
	waitpid(d->pid, NULL, 0);
	d->pid = 0;
}

void tr_daemon_stop(struct tr_daemon *d)
{
	if (d->pid > 0) {
		int status;

		kill(d->pid, SIGTERM);
		for (int i = 0; i < 300; i++) {
			if (waitpid(d->pid, &status, WNOHANG) == d->pid) {
				d->pid = 0;
				break;
			}
			sleep_ms(10);
		}
		tr_daemon_kill(d, SIGKILL);
	}
	if (getenv("TR_KEEP_LOGS"))
		return;
	unlink(d->sock);
	unlink(d->log);
	rmdir(d->dir);
}

static char *read_log(const struct tr_daemon *d)
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

int tr_log_count(const struct tr_daemon *d, const char *needle)
{
	char *log = read_log(d), *p;
	int n = 0;

	if (!log)
		return 0;
	for (p = log; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	free(log);
	return n;
}

bool tr_log_wait(const struct tr_daemon *d, const char *needle, int n, int ms)
{
	for (int t = 0; t <= ms; t += 10) {
		if (tr_log_count(d, needle) >= n)
			return true;
		sleep_ms(10);
	}
	return false;
}

void tr_log_dump(const struct tr_daemon *d)
{
	char *log = read_log(d);

	fprintf(stderr, "---- daemon log %s ----\n%s\n---- end ----\n", d->log,
		log ? log : "(none)");
	free(log);
}

int tr_guest_bootstrap(const struct tr_daemon *d, const char *plugins)
{
	setenv("VACCEL_PLUGINS", plugins, 1);
	setenv("VACCEL_VIRTIO_SOCKET", d->sock, 1);
	return vaccel_bootstrap();
}
