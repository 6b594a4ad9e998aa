/* SPDX-License-Identifier: Apache-2.0 */
/* Capture what is written to a file descriptor (stderr/stdout) into a string. */
#ifndef CAPTURE_H
#define CAPTURE_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

struct capture {
	int fd, saved;
	FILE *tmp;
};

static inline void capture_start(struct capture *c, int fd)
{
	fflush(NULL);
	c->fd = fd;
	c->tmp = tmpfile();
	c->saved = dup(fd);
	dup2(fileno(c->tmp), fd);
}

/* Stop capturing; returns the captured text (caller frees). */
static inline char *capture_end(struct capture *c)
{
	long len;
	char *buf;

	fflush(NULL);
	dup2(c->saved, c->fd);
	close(c->saved);
	len = ftell(c->tmp);
	if (len < 0)
		len = 0;
	buf = calloc(1, (size_t)len + 1);
	rewind(c->tmp);
	if (buf && len && fread(buf, 1, (size_t)len, c->tmp) != (size_t)len)
		buf[0] = '\0';
	fclose(c->tmp);
	return buf;
}

#endif /* CAPTURE_H */
