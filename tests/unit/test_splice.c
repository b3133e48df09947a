/* test_splice.c: unit tests of the zero-copy mover: every byte arrives, in order, on the
 * splice(2) path and across its one fallback to a plain copy. */
#include "splice.h"

#include "unit.h"
#include <stdint.h>

#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#ifdef __linux__
#define SPLICES true /* the mover starts on the splice(2) path */
#else
#define SPLICES false
#endif
#define BIG (300 * 1024) /* more than the copy's own room: the fallback must take it all */

static unsigned char data[BIG];

/* An unlinked temporary file holding data[0..n), at offset 0. */
static int source_file(size_t n)
{
	char path[] = "/tmp/sockit-unit-splice.XXXXXX";
	int fd = mkstemp(path);

	if (fd < 0)
		return -1;
	unlink(path);
	if (write(fd, data, n) != (ssize_t)n || lseek(fd, 0, SEEK_SET) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* An unlinked temporary file opened for appending, holding "old\n": splice(2) refuses it. */
static int append_file(void)
{
	char path[] = "/tmp/sockit-unit-splice.XXXXXX";
	int fd = mkstemp(path);
	int afd;

	if (fd < 0)
		return -1;
	afd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	unlink(path);
	close(fd);
	if (afd >= 0 && write(afd, "old\n", 4) != 4) {
		close(afd);
		return -1;
	}
	return afd;
}

/* The whole content of the file at fd, compared with "old\n" then data[0..n). */
static void check_appended(int fd, size_t n)
{
	static unsigned char back[BIG + 4];
	char proc[64];
	int rfd;
	ssize_t got;

	snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
	rfd = open(proc, O_RDONLY | O_CLOEXEC);
	CHECK(rfd >= 0);
	if (rfd < 0)
		return;
	got = read(rfd, back, sizeof back);
	close(rfd);
	CHECK_INT(got, (long long)n + 4);
	CHECK_MEM(back, got > 4 ? 4 : 0, "old\n", 4);
	if (got >= 4)
		CHECK_MEM(back + 4, (size_t)got - 4, data, n);
}

/* A regular file into a socket: spliced, never copied, every byte in order. */
static void test_file_to_socket(void)
{
	static unsigned char back[4096];
	struct splice_mover m;
	int sv[2], src = source_file(sizeof back);
	ssize_t n, total = 0;

	CHECK(src >= 0);
	CHECK_INT(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	CHECK_INT(splice_open(&m, src, sv[0], false), 0);
	CHECK(splice_zero_copy(&m) == SPLICES);
	while ((n = splice_move(&m, src, sv[0], 1000)) > 0)
		total += n;
	CHECK_INT(n, 0);
	CHECK_INT(total, (long long)sizeof back);
	CHECK(splice_zero_copy(&m) == SPLICES);
	CHECK_INT(read(sv[1], back, sizeof back), (long long)sizeof back);
	CHECK_MEM(back, sizeof back, data, sizeof back);
	splice_close(&m);
	close(sv[0]);
	close(sv[1]);
	close(src);
}

/* An O_APPEND file refuses splice(2) after the bytes are in the pipe: they are copied out
 * of it, and the rest is copied too. */
static void test_fallback_blocking(void)
{
	struct splice_mover m;
	int src = source_file(BIG), dst = append_file();
	ssize_t n, total = 0;

	CHECK(src >= 0 && dst >= 0);
	CHECK_INT(splice_open(&m, src, dst, false), 0);
	CHECK(splice_zero_copy(&m) == SPLICES);
	while ((n = splice_move(&m, src, dst, BIG)) > 0)
		total += n;
	CHECK_INT(n, 0);
	CHECK_INT(total, BIG);
	CHECK(!splice_zero_copy(&m));
	check_appended(dst, BIG);
	splice_close(&m);
	close(src);
	close(dst);
}

/* The same with fill and drain apart, as the relay does: the pipe holds more than the
 * copy's room when the destination refuses it. */
static void test_fallback_held(void)
{
	struct splice_mover m;
	int src = source_file(BIG), dst = append_file();
	ssize_t n;

	CHECK(src >= 0 && dst >= 0);
	CHECK_INT(splice_open(&m, src, dst, true), 0);
	CHECK_INT(splice_fill(&m, src, BIG - 1000), BIG - 1000);
	CHECK_INT((long long)splice_held(&m), BIG - 1000);
	CHECK(splice_room(&m));
	while (splice_held(&m) > 0)
		if (splice_drain(&m, dst, SIZE_MAX) < 0)
			break;
	CHECK(!splice_zero_copy(&m));
	CHECK_INT((long long)splice_held(&m), 0);
	CHECK_INT(splice_fill(&m, src, BIG), 1000);
	CHECK_INT(splice_drain(&m, dst, SIZE_MAX), 1000);
	n = splice_fill(&m, src, BIG);
	CHECK_INT(n, 0);
	check_appended(dst, BIG);
	splice_close(&m);
	close(src);
	close(dst);
}

/* Bytes whose destination has gone are dropped, the pipe emptied with them. */
static void test_discard(void)
{
	struct splice_mover m;
	int sv[2], src = source_file(BIG);
	char one;

	CHECK(src >= 0);
	CHECK_INT(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	CHECK_INT(splice_open(&m, src, sv[0], true), 0);
	CHECK_INT(splice_fill(&m, src, 5000), 5000);
	splice_discard(&m);
	CHECK_INT((long long)splice_held(&m), 0);
	CHECK_INT(splice_fill(&m, src, 1), 1);
	CHECK_INT(splice_drain(&m, sv[0], SIZE_MAX), 1);
	CHECK_INT(read(sv[1], &one, 1), 1);
	CHECK_INT((unsigned char)one, data[5000]);
	splice_close(&m);
	close(sv[0]);
	close(sv[1]);
	close(src);
}

/* splice_file: a file from an offset to a socket, its own offset left alone; 0 at the end. */
static void test_send_file(void)
{
	int src = source_file(BIG), sv[2];
	static unsigned char got[BIG];
	off_t off = 1000;
	size_t have = 0;
	ssize_t n;

	CHECK(src >= 0);
	CHECK_INT(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	while (have < BIG - 1000) {
		n = splice_file(sv[0], src, &off, 16384);
		CHECK(n > 0);
		if (n <= 0)
			break;
		for (ssize_t k = 0; k < n;) { /* the peer reads what was sent, so none blocks */
			ssize_t r = read(sv[1], got + have + k, (size_t)(n - k));
			CHECK(r > 0);
			if (r <= 0)
				break;
			k += r;
		}
		have += (size_t)n;
	}
	CHECK_MEM(got, have, data + 1000, BIG - 1000);
	CHECK_INT(splice_file(sv[0], src, &off, 16384), 0);
	CHECK_INT(lseek(src, 0, SEEK_CUR), 0);
	close(sv[0]);
	close(sv[1]);
	close(src);
}

void suite_splice(void);
void suite_splice(void)
{
	for (size_t i = 0; i < sizeof data; i++)
		data[i] = (unsigned char)(i * 7 + i / 251);
	test_file_to_socket();
	test_fallback_blocking();
	test_fallback_held();
	test_discard();
	test_send_file();
}
