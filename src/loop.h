/* loop.h: a tiny event loop, as redis's ae: fd interest with callbacks, one backend
 * compiled in (epoll on Linux, poll elsewhere or with -DLOOP_POLL). Timers are the
 * caller's: it passes the time to wait to loop_run_once (measured on clock.h). */
#ifndef LOOP_H
#define LOOP_H

/* LOOP_ERROR is only ever in a ready mask, beside READ and WRITE: the fd has an error
 * or a hang-up (EPOLLERR/EPOLLHUP, POLLERR/POLLHUP), as a refused connect(2) does. */
enum { LOOP_READ = 1, LOOP_WRITE = 2, LOOP_ERROR = 4 };

struct loop;
/* Called with the fd, the data given to loop_watch, and the ready mask (LOOP_*). */
typedef void loop_fn(struct loop *l, int fd, void *data, int mask);

/* A new loop; NULL if out of memory or the backend cannot start. */
struct loop *loop_new(void);
void loop_free(struct loop *l);
/* Sets fd's interest to mask (LOOP_READ|LOOP_WRITE); 0 stops watching it.
 * Returns 0, or -1 with errno set. */
int loop_watch(struct loop *l, int fd, int mask, loop_fn *fn, void *data);
/* Stops watching fd without a system call: for an fd that is closed before the next
 * loop_run_once, as close(2) takes it out of the kernel's set (epoll) by itself. */
void loop_forget(struct loop *l, int fd);
/* The interest currently set for fd. */
int loop_mask(const struct loop *l, int fd);
/* Waits at most timeout_ms (-1: forever) and runs the callbacks of the ready fds.
 * Returns how many ran; 0 on timeout or signal; -1 on a failure of the backend. */
int loop_run_once(struct loop *l, int timeout_ms);

#endif
