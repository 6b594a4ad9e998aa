/* SPDX-License-Identifier: Apache-2.0 */
/*
 * td: one harness for tests that run a live vhost-user-accel process.
 *
 * A daemon is a child process with a private temporary directory holding
 * its socket and its log (stdout and stderr). td_start() returns once the
 * daemon listens (socket present and "listening on" in the log), or fails
 * with the log on stderr. The log can be read, counted, waited on and
 * dumped. td_stop() ends the process (SIGTERM, SIGKILL after 5 s) but keeps
 * its directory: td_finish(failed), called once with the number of failed
 * tests at the end of main(), removes every directory when nothing failed
 * and otherwise prints where the logs are (TD_KEEP_LOGS=1 keeps them always;
 * TD_LOG_LEVEL=4 runs every daemon with debug logs).
 */
#ifndef TD_H
#define TD_H

#include <stdbool.h>
#include <sys/types.h>

#define TD_MAX_ARGS 24

/* How to start a daemon. Unset fields take the defaults shown. */
struct td_opts {
	const char *plugin;	     /* VACCEL_PLUGINS (default libvaccel-noop.so) */
	const char *const *args;     /* extra options, NULL-terminated */
	const char *ld_library_path; /* LD_LIBRARY_PATH (default: inherited) */
	int log_level;		     /* VACCEL_LOG_LEVEL (default 3: info) */
	unsigned max_fds;	     /* RLIMIT_NOFILE of the daemon (0: inherited) */
	const char *const *env;	     /* more NAME=VALUE, NULL-terminated */
};

struct td {
	pid_t pid;     /* 0 when not running */
	char dir[64];  /* private temp dir */
	char sock[96]; /* its socket */
	char log[96];  /* its stdout + stderr */
	/* What td_restart() needs: */
	const char *daemon;
	struct td_opts opts;
	const char *argv[TD_MAX_ARGS + 3]; /* [wrapper] daemon socket options NULL */
	char sockarg[128];
};

/* Start `daemon` (an executable) as o says. 0 or -errno (log printed). */
int td_start(struct td *d, const char *daemon, const struct td_opts *o);
/* Start it again with the same options, socket and log (after a stop or kill). */
int td_restart(struct td *d);
/* SIGTERM and reap; milliseconds until it exited, or -1 (it was then SIGKILLed). */
int td_stop(struct td *d);
/* Send sig and reap the process. */
void td_kill(struct td *d, int sig);
/* Whether the process still runs (reaps it if it died). */
bool td_alive(struct td *d);

/* /proc/PID/status field in kB (e.g. "VmRSS", "VmHWM"), or -1. */
long td_status_kib(const struct td *d, const char *field);
/* Threads of the process, or -1. */
long td_threads(const struct td *d);
/* utime + stime in clock ticks, or -1. */
long td_cpu_ticks(const struct td *d);

/* The whole log (malloc'd, NUL-terminated), or NULL. */
char *td_log_read(const struct td *d);
/* Occurrences of needle in the log. */
int td_log_count(const struct td *d, const char *needle);
/* Wait up to ms for at least n occurrences. */
bool td_log_wait(const struct td *d, const char *needle, int n, int ms);
/*
 * Ask for the SIGUSR1 report until one contains needle, up to ms: what a
 * report says is settled only after the event that leads to it (a
 * disconnect logs before the connection leaves the daemon's list).
 */
bool td_stats_wait(const struct td *d, const char *needle, int ms);
/* Print the log to stderr. */
void td_log_dump(const struct td *d);

/* End of main(): clean up or keep logs as described above; returns failed. */
int td_finish(int failed);

/* Helpers the tests share. */
long td_now_ms(void);
void td_sleep_ms(int ms);

#endif /* TD_H */
