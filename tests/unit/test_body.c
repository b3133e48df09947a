/* test_body.c: unit tests of the pure parts of request bodies: the multipart/form-data
 * writer, -F's parsing, the boundary check and the type of a file from its name; and the
 * sending steps over a socket pair, zero-copy and copied (as into a TLS session) alike. */
#include "body.h"
#include "net.h"
#include "unit.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

/* buf[0..n) is exactly the string literal S. */
#define IS(buf, n, S) CHECK_MEM(buf, n, S, sizeof S - 1)

static void test_mime(void)
{
	CHECK_STR(body_mime_type("a.png"), "image/png");
	CHECK_STR(body_mime_type("/x/y/DATA.CSV"), "text/csv");
	CHECK_STR(body_mime_type("archive.tar.gz"), "application/gzip");
	CHECK_STR(body_mime_type("dir.d/noext"), "application/octet-stream");
	CHECK_STR(body_mime_type("file."), "application/octet-stream");
	CHECK_STR(body_mime_type(".json"), "application/json");
}

static void test_head(void)
{
	char buf[256];
	size_t n;

	n = body_form_head(buf, sizeof buf, "B", "field", 5, NULL, NULL);
	IS(buf, n, "--B\r\nContent-Disposition: form-data; name=\"field\"\r\n\r\n");
	n = body_form_head(buf, sizeof buf, "B", "f", 1, "a\"b\r\n.png", "image/png");
	IS(buf, n,
	   "--B\r\nContent-Disposition: form-data; name=\"f\"; "
	   "filename=\"a%22b%0D%0A.png\"\r\nContent-Type: image/png\r\n\r\n");
	/* too small a buffer: nothing, never a cut head */
	CHECK_INT((long long)body_form_head(buf, 20, "B", "field", 5, NULL, NULL), 0);
	n = body_form_tail(buf, sizeof buf, "B");
	IS(buf, n, "--B--\r\n");
}

static void test_parse(void)
{
	struct body_part p;

	CHECK_INT(body_form_parse(&p, "a=b=c"), 0);
	CHECK_MEM(p.name, p.namelen, "a", 1);
	CHECK_STR(p.value, "b=c");
	CHECK(p.path == NULL && p.fd == -1);
	CHECK_INT(body_form_parse(&p, "file=@/tmp/x.txt"), 0);
	CHECK_STR(p.path, "/tmp/x.txt");
	CHECK(p.value == NULL);
	CHECK_INT(body_form_parse(&p, "e="), 0);
	CHECK_INT((long long)p.valuelen, 0);
	CHECK_INT(body_form_parse(&p, "novalue"), -1);
	CHECK_INT(body_form_parse(&p, "=x"), -1);
	CHECK_INT(body_form_parse(&p, "f=@"), -1);
}

static void test_length(void)
{
	struct body b = {.kind = BODY_FORM, .nparts = 2};
	char head[256];
	uint64_t want;

	memcpy(b.boundary, "xyz", 4);
	body_form_parse(&b.part[0], "a=hello");
	body_form_parse(&b.part[1], "f=@dir/pic.png");
	b.part[1].size = 1000;
	want = body_form_head(head, sizeof head, "xyz", "a", 1, NULL, NULL) + 5 + 2 +
	       body_form_head(head, sizeof head, "xyz", "f", 1, "pic.png", "image/png") + 1000 +
	       2 + body_form_tail(head, sizeof head, "xyz");
	CHECK_INT((long long)body_form_length(&b), (long long)want);
	CHECK_INT((long long)body_length(&b), (long long)want);
	b.kind = BODY_PIPE;
	CHECK_INT((long long)body_length(&b), -1);
}

static void test_boundary(void)
{
	CHECK(body_boundary_free("sockit-abc", "text without it", 15));
	CHECK(!body_boundary_free("sockit-abc", "x--sockit-abcx", 14));
	CHECK(body_boundary_free("sockit-abc", "sockit-ab", 9));
}

/* Sends b whole through a plain transport of a socket pair, zero-copy or not, and reads
 * back what arrived into got (at most cap; the bodies here fit the socket's buffer). */
static size_t sent_bytes(struct body *b, bool zero_copy, char *got, size_t cap)
{
	char err[NET_ERR_LEN];
	struct body_send s = {0};
	struct transport t;
	size_t len = 0;
	ssize_t n;
	int sv[2];

	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	transport_plain(&t, sv[0]);
	t.zero_copy_out = zero_copy;
	body_send_start(&s, b);
	while ((n = body_send_step(err, &s, &t)) != BODY_DONE && n >= 0)
		;
	CHECK_INT(n, BODY_DONE);
	close(sv[0]);
	while (len < cap && (n = read(sv[1], got + len, cap - len)) > 0)
		len += (size_t)n;
	close(sv[1]);
	return len;
}

/* A pipe holding text, its write end closed. */
static int pipe_of(const char *text)
{
	int p[2];

	CHECK(pipe(p) == 0);
	CHECK(write(p[1], text, strlen(text)) == (ssize_t)strlen(text));
	close(p[1]);
	return p[0];
}

static void test_send(void)
{
	static char got[8192];
	char path[] = "/tmp/sockit-unit-XXXXXX";
	struct body b = {.kind = BODY_TEXT, .text = "hello", .textlen = 5, .fd = -1};
	int fd = mkstemp(path);

	CHECK(fd >= 0);
	unlink(path);
	CHECK(write(fd, "0123456789", 10) == 10);
	for (int zc = 0; zc < 2; zc++) {
		b = (struct body){.kind = BODY_TEXT, .text = "hello", .textlen = 5, .fd = -1};
		IS(got, sent_bytes(&b, zc, got, sizeof got), "hello");
		/* a file from where it stood, to its end */
		b = (struct body){.kind = BODY_FILE, .fd = fd, .start = 3, .size = 5};
		IS(got, sent_bytes(&b, zc, got, sizeof got), "34567");
		/* a pipe: chunked (RFC 9112 §7.1), the last chunk after its end */
		b = (struct body){.kind = BODY_PIPE, .fd = pipe_of("abcdefghijklmnopq")};
		IS(got, sent_bytes(&b, zc, got, sizeof got),
		   "11\r\nabcdefghijklmnopq\r\n0\r\n\r\n");
		close(b.fd);
		b = (struct body){.kind = BODY_PIPE, .fd = pipe_of("")};
		IS(got, sent_bytes(&b, zc, got, sizeof got), "0\r\n\r\n");
		close(b.fd);
		/* a form: a text part, a file part, the tail */
		b = (struct body){.kind = BODY_FORM, .nparts = 2, .fd = -1};
		memcpy(b.boundary, "B", 2);
		body_form_parse(&b.part[0], "a=x");
		body_form_parse(&b.part[1], "f=@d/n.txt");
		b.part[1].fd = fd;
		b.part[1].size = 10;
		IS(got, sent_bytes(&b, zc, got, sizeof got),
		   "--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n"
		   "--B\r\nContent-Disposition: form-data; name=\"f\"; filename=\"n.txt\"\r\n"
		   "Content-Type: text/plain\r\n\r\n0123456789\r\n--B--\r\n");
	}
	close(fd);
}

/* A pipe's bytes, once read, are gone even when the write after the read fails (the peer
 * reset): the body cannot be sent again, so --retry must not try (a retry would send the
 * body without them). */
static void test_taken_on_failed_write(void)
{
	char err[NET_ERR_LEN];
	struct transport t;
	int sv[2];

	signal(SIGPIPE, SIG_IGN);
	for (int zc = 0; zc < 2; zc++) {
		struct body b = {.kind = BODY_PIPE, .fd = pipe_of("abc")};
		struct body_send s = {0};

		CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
		close(sv[1]); /* the peer has gone: every write fails */
		transport_plain(&t, sv[0]);
		t.zero_copy_out = zc;
		body_send_start(&s, &b);
		CHECK(body_again(&b, &s));
		CHECK(body_send_step(err, &s, &t) < 0);
		CHECK(!body_again(&b, &s));
		close(sv[0]);
		close(b.fd);
	}
}

void suite_body(void);
void suite_body(void)
{
	test_taken_on_failed_write();
	test_mime();
	test_head();
	test_parse();
	test_length();
	test_boundary();
	test_send();
}
