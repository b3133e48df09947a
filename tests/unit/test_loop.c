/* test_loop.c: unit tests of the event loop's two promises beyond interest and callbacks:
 * a failed connect(2) is flagged LOOP_ERROR (the forwarder asks SO_ERROR only then), and
 * a forgotten fd is never called back. Built for either backend (make poll). */
#include "loop.h"

#include "unit.h"

#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

static int seen_mask, calls;

static void record(struct loop *l, int fd, void *data, int mask)
{
	(void)l, (void)fd, (void)data;
	seen_mask = mask;
	calls++;
}

/* A loopback port nothing listens on: bound, never listening, then closed. */
static int closed_port(struct sockaddr_in *sa)
{
	socklen_t len = sizeof *sa;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	*sa = (struct sockaddr_in){.sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001)};
	if (fd < 0 || bind(fd, (struct sockaddr *)sa, sizeof *sa) < 0 ||
	    getsockname(fd, (struct sockaddr *)sa, &len) < 0)
		return -1;
	close(fd);
	return 0;
}

static void refused_connect_is_an_error(void)
{
	struct sockaddr_in sa;
	struct loop *l = loop_new();
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

	CHECK(l != NULL && fd >= 0 && closed_port(&sa) == 0);
	int rc = connect(fd, (struct sockaddr *)&sa, sizeof sa);
	CHECK(rc == 0 || errno == EINPROGRESS || errno == ECONNREFUSED);
	CHECK_INT(loop_watch(l, fd, LOOP_WRITE, record, NULL), 0);
	seen_mask = calls = 0;
	CHECK_INT(loop_run_once(l, 2000), 1);
	CHECK(seen_mask & LOOP_WRITE);
	CHECK(seen_mask & LOOP_ERROR);
	close(fd);
	loop_free(l);
}

static void connected_is_no_error(void)
{
	int sv[2];
	struct loop *l = loop_new();

	CHECK_INT(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	CHECK_INT(loop_watch(l, sv[0], LOOP_WRITE, record, NULL), 0);
	seen_mask = calls = 0;
	CHECK_INT(loop_run_once(l, 2000), 1);
	CHECK_INT(seen_mask, LOOP_WRITE);
	close(sv[0]);
	close(sv[1]);
	loop_free(l);
}

static void forgotten_fd_is_not_called(void)
{
	int sv[2];
	struct loop *l = loop_new();

	CHECK_INT(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	CHECK_INT(loop_watch(l, sv[0], LOOP_READ, record, NULL), 0);
	CHECK_INT(write(sv[1], "x", 1), 1);
	loop_forget(l, sv[0]);
	CHECK_INT(loop_mask(l, sv[0]), 0);
	close(sv[0]); /* as its owner does before the next round */
	calls = 0;
	CHECK_INT(loop_run_once(l, 50), 0);
	CHECK_INT(calls, 0);
	close(sv[1]);
	loop_free(l);
}

void suite_loop(void);
void suite_loop(void)
{
	refused_connect_is_an_error();
	connected_is_no_error();
	forgotten_fd_is_not_called();
}
