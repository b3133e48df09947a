/* loop.c: the event loop. The fd table is shared; each backend is the same three static
 * functions (backend_init, backend_set, backend_wait), chosen at compile time. */
#if defined(__linux__) && !defined(LOOP_POLL)
#define LOOP_EPOLL 1
#endif

#include "loop.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#ifdef LOOP_EPOLL
#include <sys/epoll.h>
#endif

struct watch {
	loop_fn *fn;
	void *data;
	int mask;
};

#define READY_MAX 256

struct loop {
	struct watch *fds; /* indexed by fd */
	int size;          /* entries in fds */
	int ready_fd[READY_MAX], ready_mask[READY_MAX];
#ifdef LOOP_EPOLL
	int epfd;
	struct epoll_event events[READY_MAX];
#else
	struct pollfd *pfd; /* rebuilt for each wait */
	int npfd, pfdcap;
#endif
};

#ifdef LOOP_EPOLL
static int backend_init(struct loop *l)
{
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	return l->epfd < 0 ? -1 : 0;
}

static void backend_free(struct loop *l)
{
	close(l->epfd);
}

static int backend_set(struct loop *l, int fd, int old, int mask)
{
	struct epoll_event ev = {.events = 0, .data.fd = fd};
	int op = old == 0 ? EPOLL_CTL_ADD : mask == 0 ? EPOLL_CTL_DEL : EPOLL_CTL_MOD;

	if (mask & LOOP_READ)
		ev.events |= EPOLLIN;
	if (mask & LOOP_WRITE)
		ev.events |= EPOLLOUT;
	if (epoll_ctl(l->epfd, op, fd, &ev) == 0)
		return 0;
	/* a closed fd has left epoll by itself */
	return op == EPOLL_CTL_DEL && (errno == EBADF || errno == ENOENT) ? 0 : -1;
}

static int backend_wait(struct loop *l, int timeout_ms)
{
	int n = epoll_wait(l->epfd, l->events, READY_MAX, timeout_ms);

	for (int i = 0; i < n; i++) {
		unsigned ev = l->events[i].events;
		int mask = 0;

		if (ev & (EPOLLIN | EPOLLHUP | EPOLLERR))
			mask |= LOOP_READ;
		if (ev & (EPOLLOUT | EPOLLHUP | EPOLLERR))
			mask |= LOOP_WRITE;
		if (ev & (EPOLLHUP | EPOLLERR))
			mask |= LOOP_ERROR;
		l->ready_fd[i] = l->events[i].data.fd;
		l->ready_mask[i] = mask;
	}
	return n;
}

#else
static int backend_init(struct loop *l)
{
	l->pfd = NULL;
	l->npfd = l->pfdcap = 0;
	return 0;
}

static void backend_free(struct loop *l)
{
	free(l->pfd);
}

static int backend_set(struct loop *l, int fd, int old, int mask)
{
	(void)l, (void)fd, (void)old, (void)mask;
	return 0; /* the poll set is rebuilt from the table for each wait */
}

static int build_pollset(struct loop *l)
{
	l->npfd = 0;
	for (int fd = 0; fd < l->size; fd++) {
		int mask = l->fds[fd].mask;
		if (!mask)
			continue;
		if (l->npfd == l->pfdcap) {
			int cap = l->pfdcap ? l->pfdcap * 2 : 64;
			struct pollfd *p = realloc(l->pfd, (size_t)cap * sizeof *p);
			if (!p)
				return -1;
			l->pfd = p;
			l->pfdcap = cap;
		}
		l->pfd[l->npfd].fd = fd;
		l->pfd[l->npfd].events = (short)(((mask & LOOP_READ) ? POLLIN : 0) |
		                                 ((mask & LOOP_WRITE) ? POLLOUT : 0));
		l->pfd[l->npfd++].revents = 0;
	}
	return 0;
}

static int backend_wait(struct loop *l, int timeout_ms)
{
	int n, k = 0;

	if (build_pollset(l) < 0)
		return -1;
	n = poll(l->pfd, (nfds_t)l->npfd, timeout_ms);
	for (int i = 0; i < l->npfd && k < n && k < READY_MAX; i++) {
		short ev = l->pfd[i].revents;
		int mask = 0;

		if (!ev)
			continue;
		if (ev & (POLLIN | POLLHUP | POLLERR | POLLNVAL))
			mask |= LOOP_READ;
		if (ev & (POLLOUT | POLLHUP | POLLERR | POLLNVAL))
			mask |= LOOP_WRITE;
		if (ev & (POLLHUP | POLLERR | POLLNVAL))
			mask |= LOOP_ERROR;
		l->ready_fd[k] = l->pfd[i].fd;
		l->ready_mask[k++] = mask;
	}
	return n < 0 ? n : k;
}

#endif

struct loop *loop_new(void)
{
	struct loop *l = calloc(1, sizeof *l);

	if (!l)
		return NULL;
	if (backend_init(l) < 0) {
		free(l);
		return NULL;
	}
	return l;
}

void loop_free(struct loop *l)
{
	if (!l)
		return;
	backend_free(l);
	free(l->fds);
	free(l);
}

static int grow(struct loop *l, int fd)
{
	int size = l->size ? l->size : 64;
	struct watch *w;

	while (size <= fd)
		size *= 2;
	w = realloc(l->fds, (size_t)size * sizeof *w);
	if (!w)
		return -1;
	memset(w + l->size, 0, (size_t)(size - l->size) * sizeof *w);
	l->fds = w;
	l->size = size;
	return 0;
}

int loop_watch(struct loop *l, int fd, int mask, loop_fn *fn, void *data)
{
	if (fd >= l->size && (mask == 0 || grow(l, fd) < 0))
		return mask == 0 ? 0 : -1;
	struct watch *w = &l->fds[fd];
	if (w->mask != mask && backend_set(l, fd, w->mask, mask) < 0)
		return -1;
	w->mask = mask;
	w->fn = mask ? fn : NULL;
	w->data = mask ? data : NULL;
	return 0;
}

void loop_forget(struct loop *l, int fd)
{
	if (fd < l->size)
		l->fds[fd] = (struct watch){0};
}

int loop_mask(const struct loop *l, int fd)
{
	return fd < l->size ? l->fds[fd].mask : 0;
}

int loop_run_once(struct loop *l, int timeout_ms)
{
	int n = backend_wait(l, timeout_ms), ran = 0;

	if (n < 0)
		return errno == EINTR ? 0 : -1;
	for (int i = 0; i < n; i++) {
		int fd = l->ready_fd[i];
		/* an earlier callback of this round may have closed or changed this fd */
		if (fd >= l->size || !(l->fds[fd].mask & l->ready_mask[i]))
			continue;
		struct watch w = l->fds[fd];
		w.fn(l, fd, w.data, l->ready_mask[i] & (w.mask | LOOP_ERROR));
		ran++;
	}
	return ran;
}
