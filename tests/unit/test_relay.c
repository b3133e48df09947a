/* test_relay.c: relay_run's early failures leave the caller's descriptors alone. */
#include "diag.h"
#include "relay.h"
#include "unit.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

/* The identity of an open fd (device and inode), or 0 if it is closed. */
static unsigned long long fd_id(int fd)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return 0;
	return ((unsigned long long)st.st_dev << 32) ^ (unsigned long long)st.st_ino ^ 1;
}

/* relay_run on a socket that is not one: it fails before pumping, quietly here. */
static int run_on_bad_socket(int in_fd, int out_fd)
{
	struct relay_opts o = {.in_fd = in_fd, .out_fd = out_fd, .sock = -1, .linger_ms = -1};
	struct relay_stats st;
	int saved = dup(2), null = open("/dev/null", O_WRONLY);
	int rc;

	dup2(null, 2); /* its one error line is expected: keep the runner's output clean */
	rc = relay_run(&o, &st);
	dup2(saved, 2);
	close(saved);
	close(null);
	return rc;
}

void suite_relay(void);
void suite_relay(void)
{
	int opened = -1;

	/* the runner may start without a stdin: give it one to watch */
	if (fd_id(0) == 0)
		opened = open("/dev/null", O_RDONLY);
	unsigned long long in0 = fd_id(0), out1 = fd_id(1);

	CHECK(in0 != 0);
	CHECK_INT(run_on_bad_socket(0, 1), EXIT_IO);
	CHECK(fd_id(0) == in0);
	CHECK(fd_id(1) == out1);
	/* with no input at all (--send or a stdin already at EOF) as well */
	CHECK_INT(run_on_bad_socket(-1, 1), EXIT_IO);
	CHECK(fd_id(0) == in0);
	CHECK(fd_id(1) == out1);
	if (opened == 0)
		close(opened);
}
