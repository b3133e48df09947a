/* splice.h: the one zero-copy mover. Bytes go from one fd to another through a kernel
 * pipe (Linux splice(2)), never through user memory; when the kernel refuses the fds
 * (EINVAL: a tty, an O_APPEND file, ...) the mover falls back, once and for good, to a
 * plain read(2)/write(2) copy, bytes already in the pipe included. Elsewhere: the copy. */
#ifndef SPLICE_H
#define SPLICE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* The kernel pipe's capacity: fewer, larger moves. */
#define SPLICE_PIPE_SIZE (1024 * 1024)

/* Failures, errno kept: the source side (reading) or the destination side (writing). */
enum { SPLICE_ESRC = -1, SPLICE_EDST = -2 };

struct splice_mover {
	int pipe[2];   /* the kernel pipe, or -1 when there is none */
	bool nonblock; /* each call does what it can at once: EAGAIN is that side's error */
	bool direct;   /* blocking, and one end is a pipe already: splice src to dst at once */
	bool copying;  /* the plain copy through buf */
	char *buf;     /* the copy's buffer */
	size_t off;    /* the copy: where the held bytes start in buf */
	size_t held;   /* taken from the source, not yet given to the destination */
	size_t cap;    /* how many bytes may be held */
};

/* Prepares m to move from src to dst: through a kernel pipe when splice(2) can take both
 * ends, else by copying. Returns 0, or -1 with errno set (out of memory). */
int splice_open(struct splice_mover *m, int src, int dst, bool nonblock);
/* Releases the pipe and the buffer; m may be opened again. */
void splice_close(struct splice_mover *m);
/* Bytes taken from the source and not yet written. */
size_t splice_held(const struct splice_mover *m);
/* True if m can take more from the source (splice_fill would not return at once). */
bool splice_room(const struct splice_mover *m);
/* True while the bytes move without a copy through user memory. */
bool splice_zero_copy(const struct splice_mover *m);
/* Takes at most max bytes from src in one read. Returns the count, 0 at src's end, or
 * SPLICE_ESRC (errno EAGAIN: nothing there yet, or src's own timeout ran out). */
ssize_t splice_fill(struct splice_mover *m, int src, size_t max);
/* Writes at most max of the held bytes to dst in one write. Returns the count or
 * SPLICE_EDST. */
ssize_t splice_drain(struct splice_mover *m, int dst, size_t max);
/* Drops the held bytes (their destination has gone). */
void splice_discard(struct splice_mover *m);
/* Blocking movers: takes at most max bytes from src, then writes all of them to dst.
 * Returns the count, 0 at src's end, SPLICE_ESRC or SPLICE_EDST. */
ssize_t splice_move(struct splice_mover *m, int src, int dst, size_t max);

/* Sends at most max bytes of the regular file src from *off to dst (sendfile(2) on Linux,
 * else pread and write), *off moved on and src's own offset untouched. Returns the count,
 * 0 at the file's end, SPLICE_ESRC (reading the file failed: EIO) or SPLICE_EDST. */
ssize_t splice_file(int dst, int src, off_t *off, size_t max);

#endif
