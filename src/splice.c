/* splice.c: the one zero-copy mover (relay, the HTTP body, net): splice(2) through a
 * kernel pipe on Linux, with one fallback to a plain copy for fds it refuses. */
#include "splice.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/sendfile.h>
#include <sys/sysmacros.h>
#endif

/* The copy's room for reads beyond the bytes carried over from the pipe. */
#define COPY_SIZE (128 * 1024)

/* held: bytes the buffer must take from the pipe first, with room to read still. */
static int copy_start(struct splice_mover *m, size_t held)
{
	size_t size = held + COPY_SIZE;

	m->copying = true;
	m->direct = false;
	m->buf = malloc(size);
	m->cap = size;
	m->off = 0;
	return m->buf ? 0 : -1;
}

#ifdef __linux__
/* splice(2) needs a pipe, a socket or a regular file at each end; /dev/null takes it too. */
static bool spliceable(int fd, bool as_dst)
{
	struct stat st;

	if (fd < 0 || fstat(fd, &st) < 0)
		return false;
	if (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) || S_ISREG(st.st_mode))
		return true;
	return as_dst && S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3);
}

static bool is_pipe(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode);
}

static int open_pipe(struct splice_mover *m)
{
	int cap;

	if (pipe2(m->pipe, O_CLOEXEC | (m->nonblock ? O_NONBLOCK : 0)) < 0) {
		m->pipe[0] = m->pipe[1] = -1;
		return -1;
	}
	cap = fcntl(m->pipe[1], F_SETPIPE_SZ, SPLICE_PIPE_SIZE);
	if (cap < 0) /* over the user's pipe quota: the default size will do */
		cap = fcntl(m->pipe[1], F_GETPIPE_SZ);
	m->cap = cap > 0 ? (size_t)cap : 65536;
	return 0;
}

static void close_pipe(struct splice_mover *m)
{
	if (m->pipe[0] >= 0) {
		close(m->pipe[0]);
		close(m->pipe[1]);
	}
	m->pipe[0] = m->pipe[1] = -1;
}

/* The kernel said these fds cannot be spliced (it says so before moving a byte). */
static bool refused(int e)
{
	return e == EINVAL || e == ENOSYS;
}

/* The one fallback: from now on a plain copy, starting with the bytes in the pipe. */
static int fall_back(struct splice_mover *m)
{
	size_t held = m->held;
	ssize_t n;

	if (copy_start(m, held) < 0)
		return -1;
	m->held = 0;
	while (m->held < held) {
		n = read(m->pipe[0], m->buf + m->held, held - m->held);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* cannot happen: they are in our own pipe */
		m->held += (size_t)n;
	}
	close_pipe(m);
	return 0;
}

static unsigned flags(const struct splice_mover *m)
{
	return SPLICE_F_MOVE | (m->nonblock ? SPLICE_F_NONBLOCK : 0);
}

/* One end is a pipe: no pipe of ours between them. Only a reader's leaving (EPIPE) is
 * the destination's fault; anything else is the source's. */
static ssize_t direct_move(struct splice_mover *m, int src, int dst, size_t max)
{
	ssize_t n;

	do
		n = splice(src, NULL, dst, NULL, max, flags(m));
	while (n < 0 && errno == EINTR);
	if (n < 0 && refused(errno)) {
		if (copy_start(m, 0) < 0)
			return SPLICE_ESRC;
		return splice_move(m, src, dst, max);
	}
	if (n < 0)
		return errno == EPIPE ? SPLICE_EDST : SPLICE_ESRC;
	return n;
}
#endif

int splice_open(struct splice_mover *m, int src, int dst, bool nonblock)
{
	*m = (struct splice_mover){.pipe = {-1, -1}, .nonblock = nonblock};
#ifdef __linux__
	if (spliceable(src, false) && spliceable(dst, true)) {
		if (!nonblock && (is_pipe(src) || is_pipe(dst))) {
			m->direct = true;
			m->cap = SPLICE_PIPE_SIZE;
			return 0;
		}
		if (open_pipe(m) == 0)
			return 0;
	}
#else
	(void)src, (void)dst;
#endif
	return copy_start(m, 0);
}

void splice_close(struct splice_mover *m)
{
#ifdef __linux__
	close_pipe(m);
#endif
	free(m->buf);
	m->buf = NULL;
	m->held = 0;
}

size_t splice_held(const struct splice_mover *m)
{
	return m->held;
}

bool splice_room(const struct splice_mover *m)
{
	return m->off + m->held < m->cap;
}

bool splice_zero_copy(const struct splice_mover *m)
{
	return !m->copying;
}

/* One attempt to take up to max bytes from src: into the pipe, or the buffer's room. */
static ssize_t fill_once(struct splice_mover *m, int src, size_t max)
{
#ifdef __linux__
	if (!m->copying)
		return splice(src, NULL, m->pipe[1], NULL, max, flags(m));
#endif
	return read(src, m->buf + m->off + m->held, max);
}

/* One attempt to give up to want held bytes to dst. */
static ssize_t drain_once(struct splice_mover *m, int dst, size_t want)
{
#ifdef __linux__
	if (!m->copying)
		return splice(m->pipe[0], NULL, dst, NULL, want, flags(m));
#endif
	return write(dst, m->buf + m->off, want);
}

/* The kernel refused to splice these fds (before moving a byte): the copy from now on. */
static bool splice_refused(const struct splice_mover *m, ssize_t n)
{
#ifdef __linux__
	return n < 0 && !m->copying && refused(errno);
#else
	(void)m, (void)n;
	return false;
#endif
}

ssize_t splice_fill(struct splice_mover *m, int src, size_t max)
{
	size_t room = m->cap - m->off - m->held; /* the pipe's off stays 0 */
	ssize_t n;

	if (max > room)
		max = room;
	do
		n = fill_once(m, src, max);
	while (n < 0 && errno == EINTR);
	if (splice_refused(m, n))
		return fall_back(m) < 0 ? SPLICE_ESRC : splice_fill(m, src, max);
	if (n < 0)
		return SPLICE_ESRC;
	m->held += (size_t)n;
	return n;
}

ssize_t splice_drain(struct splice_mover *m, int dst, size_t max)
{
	size_t want = m->held < max ? m->held : max;
	ssize_t n;

	do
		n = drain_once(m, dst, want);
	while (n < 0 && errno == EINTR);
	if (splice_refused(m, n))
		return fall_back(m) < 0 ? SPLICE_EDST : splice_drain(m, dst, max);
	if (n < 0)
		return SPLICE_EDST;
	m->held -= (size_t)n;
	if (m->copying) /* the buffer's bytes start at off; an empty one starts over */
		m->off = m->held == 0 ? 0 : m->off + (size_t)n;
	return n;
}

void splice_discard(struct splice_mover *m)
{
	char sink[16384];
	ssize_t n;

	while (m->pipe[0] >= 0 && m->held > 0) {
		n = read(m->pipe[0], sink, m->held < sizeof sink ? m->held : sizeof sink);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		m->held -= (size_t)n;
	}
	m->held = m->off = 0;
}

ssize_t splice_move(struct splice_mover *m, int src, int dst, size_t max)
{
	ssize_t n, w;

#ifdef __linux__
	if (m->direct)
		return direct_move(m, src, dst, max);
#endif
	if ((n = splice_fill(m, src, max)) <= 0)
		return n;
	while (m->held > 0)
		if ((w = splice_drain(m, dst, SIZE_MAX)) < 0)
			return w;
	return n;
}

/* The portable way, and Linux's for a file sendfile(2) refuses: through a small buffer. */
static ssize_t file_copy(int dst, int src, off_t *off, size_t max)
{
	char buf[65536];
	ssize_t n, w;

	if (max > sizeof buf)
		max = sizeof buf;
	do
		n = pread(src, buf, max, *off);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return n < 0 ? SPLICE_ESRC : 0;
	for (ssize_t done = 0; done < n; done += w) {
		do
			w = write(dst, buf + done, (size_t)(n - done));
		while (w < 0 && errno == EINTR);
		if (w < 0)
			return SPLICE_EDST; /* what went before is lost with the connection */
	}
	*off += n;
	return n;
}

ssize_t splice_file(int dst, int src, off_t *off, size_t max)
{
#ifdef __linux__
	ssize_t n;

	do
		n = sendfile(dst, src, off, max);
	while (n < 0 && errno == EINTR);
	if (n >= 0)
		return n;
	if (refused(errno))
		return file_copy(dst, src, off, max);
	return errno == EIO ? SPLICE_ESRC : SPLICE_EDST;
#else
	return file_copy(dst, src, off, max);
#endif
}
