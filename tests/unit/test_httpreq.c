/* test_httpreq.c: unit tests of the request side of the http module: the request reader
 * (the same answers however the input is split), paths, ranges and dates. */
#include "http_req.h"
#include "unit.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

void suite_httpreq(void);

#define LOG_MAX 4096

/* Appends one event of the reader to a transcript. */
static void note(char *log, int ev, const struct http_req *q)
{
	size_t n = strlen(log);

	if (ev == HTTP_REQ_ERROR) {
		snprintf(log + n, LOG_MAX - n, "E%d;", q->status);
		return;
	}
	snprintf(log + n, LOG_MAX - n, "%.*s %.*s 1.%d%s%s%s r=%.*s i=%.*s;", (int)q->methodlen,
	         q->method, (int)(q->targetlen > 40 ? 40 : q->targetlen), q->target, q->minor,
	         q->keep_alive ? " ka" : "", q->body ? " body" : "",
	         q->get    ? " G"
	         : q->head ? " H"
	                   : "",
	         q->range ? (int)q->rangelen : 1, q->range ? q->range : "-",
	         q->ims ? (int)q->imslen : 1, q->ims ? q->ims : "-");
}

/* Feeds in as pieces cut at the given points (each piece its own allocation, freed after
 * use, so a pointer kept into an old piece is caught by ASan), with a hold after every
 * request; writes the transcript into log. */
static void read_all(const char *in, size_t len, const size_t *cuts, size_t ncuts, char *log)
{
	struct http_reqreader r;
	struct http_req q;
	size_t start = 0;

	log[0] = '\0';
	http_req_init(&r);
	for (size_t k = 0; k <= ncuts; k++) {
		size_t end = k < ncuts ? cuts[k] : len;
		char *piece = malloc(end - start + 1);
		int ev;

		memcpy(piece, in + start, end - start);
		http_req_feed(&r, piece, end - start);
		while ((ev = http_req_next(&r, &q)) != HTTP_REQ_MORE) {
			note(log, ev, &q);
			if (ev == HTTP_REQ_ERROR)
				break;
			CHECK(http_req_hold(&r));
		}
		free(piece);
		start = end;
		if (ev == HTTP_REQ_ERROR)
			break;
	}
	http_req_free(&r);
}

/* The transcript of in whole, and the same for every cut in two and a byte at a time. */
static void check_splits(const char *in, size_t len, const char *want)
{
	char *whole = malloc(LOG_MAX), *split = malloc(LOG_MAX);
	size_t *cuts = malloc((len + 1) * sizeof *cuts);

	read_all(in, len, NULL, 0, whole);
	CHECK_STR(whole, want);
	for (size_t i = 0; i <= len; i++) {
		read_all(in, len, &i, 1, split);
		if (strcmp(split, whole) != 0) {
			CHECK_STR(split, whole);
			printf("     cut at %zu\n", i);
			break;
		}
	}
	for (size_t i = 0; i < len; i++)
		cuts[i] = i + 1;
	read_all(in, len, cuts, len > 0 ? len - 1 : 0, split);
	CHECK_STR(split, whole);
	free(whole);
	free(split);
	free(cuts);
}

struct req_case {
	const char *in;
	const char *want;
};

static const struct req_case req_cases[] = {
    {"GET / HTTP/1.1\r\nHost: h\r\n\r\n", "GET / 1.1 ka G r=- i=-;"},
    {"HEAD /a?b HTTP/1.1\nHost: h\n\n", "HEAD /a?b 1.1 ka H r=- i=-;"},
    {"GET / HTTP/1.0\r\n\r\n", "GET / 1.0 G r=- i=-;"},
    {"GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", "GET / 1.0 ka G r=- i=-;"},
    {"GET / HTTP/1.1\r\nHost: h\r\nConnection: foo, close\r\n\r\n", "GET / 1.1 G r=- i=-;"},
    {"\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n", "GET / 1.1 ka G r=- i=-;"},
    {"GET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HTTP/1.1\r\nHost: h\r\n\r\nHEAD /3 "
     "HTTP/1.0\r\n\r\n",
     "GET /1 1.1 ka G r=- i=-;GET /2 1.1 ka G r=- i=-;HEAD /3 1.0 H r=- i=-;"},
    {"DELETE /x HTTP/1.1\r\nHost: h\r\n\r\n", "DELETE /x 1.1 ka r=- i=-;"},
    {"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello",
     "POST / 1.1 ka body r=- i=-;"},
    {"GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n", "GET / 1.1 ka G r=- i=-;"},
    {"GET / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n",
     "GET / 1.1 ka body G r=- i=-;"},
    {"GET / HTTP/1.1\r\nHost: h\r\nContent-Length: x\r\n\r\n", "E400;"},
    {"GET / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n", "E400;"},
    {"GET / HTTP/1.1\r\n\r\n", "E400;"},
    {"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", "E400;"},
    {"GET / HTTP/2.0\r\n\r\n", "E505;"},
    {"GET / HTTP/1.1 x\r\n\r\n", "E400;"},
    {"GET /\r\n\r\n", "E400;"},
    {"GET  / HTTP/1.1\r\n\r\n", "E400;"},
    {"G(T / HTTP/1.1\r\n\r\n", "E400;"},
    {"GET /\x01 HTTP/1.1\r\n\r\n", "E400;"},
    {"GET /\xc3\xa9 HTTP/1.1\r\n\r\n", "E400;"},
    {"GET / HTTP/1.1\r\nHost: h\r\n folded\r\n\r\n", "E400;"},
    {"GET / HTTP/1.1\r\nHost : h\r\n\r\n", "E400;"},
    {"GET / HTTP/1.1\r\nHost: h\r\nX: a\rb\r\n\r\n", "E400;"},
    {"GET / HTTP/1.1\r\nHost: h\r\nRange: bytes=0-9\r\n"
     "If-Modified-Since: Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n",
     "GET / 1.1 ka G r=bytes=0-9 i=Sun, 06 Nov 1994 08:49:37 GMT;"},
    {"GET / HTTP/1.1\r\nHost: h\r\nRange: bytes=0-9\r\nRange: bytes=1-2\r\n\r\n",
     "GET / 1.1 ka G r=- i=-;"},
    /* an error ends reading: what follows is never parsed */
    {"BAD\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n", "E400;"},
};

static void test_reader_cases(void)
{
	for (size_t i = 0; i < sizeof req_cases / sizeof *req_cases; i++)
		check_splits(req_cases[i].in, strlen(req_cases[i].in), req_cases[i].want);
	/* a NUL inside a field value */
	check_splits("GET / HTTP/1.1\r\nHost: h\0x\r\n\r\n", 29, "E400;");
}

/* A string of n bytes: prefix, then c repeated, then suffix. */
static char *make(const char *prefix, char c, size_t n, const char *suffix, size_t *len)
{
	size_t p = strlen(prefix), s = strlen(suffix);
	char *b = malloc(p + n + s + 1);

	memcpy(b, prefix, p);
	memset(b + p, c, n);
	memcpy(b + p + n, suffix, s + 1);
	*len = p + n + s;
	return b;
}

static void check_once(const char *in, size_t len, const char *want)
{
	char log[LOG_MAX];
	size_t cut = len / 3;

	read_all(in, len, NULL, 0, log);
	CHECK_STR(log, want);
	read_all(in, len, &cut, 1, log);
	CHECK_STR(log, want);
}

static void test_reader_limits(void)
{
	size_t len;
	char *b;

	/* a request line of 8192 bytes is read; one byte more is 414 */
	b = make("GET /", 'a', 8192 - 14, " HTTP/1.1\r\nHost: h\r\n\r\n", &len);
	check_once(b, len, "GET /aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa 1.1 ka G r=- i=-;");
	free(b);
	b = make("GET /", 'a', 8192 - 13, " HTTP/1.1\r\nHost: h\r\n\r\n", &len);
	check_once(b, len, "E414;");
	free(b);
	b = make("GET /", 'a', 100000, " HTTP/1.1\r\n\r\n", &len);
	check_once(b, len, "E414;");
	free(b);
	/* a header line over 8 KiB */
	b = make("GET / HTTP/1.1\r\nHost: h\r\nX: ", 'v', 9000, "\r\n\r\n", &len);
	check_once(b, len, "E431;");
	free(b);
	/* 100 fields are fine, 101 are not */
	for (int fields = 100; fields <= 101; fields++) {
		char *s = malloc(64 + (size_t)fields * 8);
		size_t n = (size_t)sprintf(s, "GET / HTTP/1.1\r\n");
		for (int i = 0; i < fields - 1; i++)
			n += (size_t)sprintf(s + n, "X%02d: v\r\n", i % 100);
		n += (size_t)sprintf(s + n, "Host: h\r\n\r\n");
		check_once(s, n, fields == 100 ? "GET / 1.1 ka G r=- i=-;" : "E431;");
		free(s);
	}
	/* a section over 64 KiB in fewer than 100 fields */
	{
		char *s = malloc(100 * 8200);
		size_t n = (size_t)sprintf(s, "GET / HTTP/1.1\r\nHost: h\r\n");
		for (int i = 0; i < 9; i++) {
			n += (size_t)sprintf(s + n, "X%d: ", i);
			memset(s + n, 'v', 8000);
			n += 8000;
			n += (size_t)sprintf(s + n, "\r\n");
		}
		n += (size_t)sprintf(s + n, "\r\n");
		check_once(s, n, "E431;");
		free(s);
	}
}

/* Idle, and between requests read whole, the reader holds no memory. */
static void test_reader_memory(void)
{
	struct http_reqreader r;
	struct http_req q;
	static const char two[] = "GET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HTTP/1.1\r\nHo";

	http_req_init(&r);
	CHECK(!http_req_pending(&r));
	http_req_feed(&r, two, sizeof two - 1);
	CHECK_INT(http_req_next(&r, &q), HTTP_REQ_READY);
	CHECK_INT(http_req_next(&r, &q), HTTP_REQ_MORE);
	CHECK(http_req_pending(&r));
	http_req_feed(&r, "st: h\r\n\r\n", 9);
	CHECK_INT(http_req_next(&r, &q), HTTP_REQ_READY);
	CHECK_MEM(q.target, q.targetlen, "/2", 2);
	CHECK_INT(http_req_next(&r, &q), HTTP_REQ_MORE);
	CHECK(!http_req_pending(&r));
	CHECK(r.spill == NULL && r.held == NULL && r.fr.partial == NULL);
	http_req_free(&r);
}

/* What is not read after a head can be taken out (to be fed again later): the reader is
 * left empty, and the bytes fed again give the same requests; held input is taken too. */
static void test_reader_take(void)
{
	struct http_reqreader r;
	struct http_req q;
	static const char three[] =
	    "GET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HTTP/1.1\r\nHost: h\r\n"
	    "\r\nGET /3 HTTP/1.1\r\nHo";
	char *rest;
	long n;

	http_req_init(&r);
	CHECK_INT(http_req_take(&r, &rest), 0);
	CHECK(rest == NULL);
	http_req_feed(&r, three, sizeof three - 1);
	CHECK_INT(http_req_next(&r, &q), HTTP_REQ_READY);
	CHECK_MEM(q.target, q.targetlen, "/1", 2);
	n = http_req_take(&r, &rest);
	CHECK_MEM(rest, (size_t)n, three + 28, sizeof three - 1 - 28);
	CHECK(!http_req_pending(&r));
	CHECK_INT(http_req_next(&r, &q), HTTP_REQ_MORE);
	http_req_feed(&r, rest, (size_t)n);
	CHECK_INT(http_req_next(&r, &q), HTTP_REQ_READY);
	CHECK_MEM(q.target, q.targetlen, "/2", 2);
	CHECK(http_req_hold(&r)); /* the rest set aside, then taken: the same bytes */
	free(rest);
	n = http_req_take(&r, &rest);
	CHECK_MEM(rest, (size_t)n, "GET /3 HTTP/1.1\r\nHo", 19);
	CHECK(r.held == NULL && !http_req_pending(&r));
	http_req_feed(&r, rest, (size_t)n);
	CHECK_INT(http_req_next(&r, &q), HTTP_REQ_MORE);
	free(rest);
	http_req_feed(&r, "st: h\r\n\r\n", 9);
	CHECK_INT(http_req_next(&r, &q), HTTP_REQ_READY);
	CHECK_MEM(q.target, q.targetlen, "/3", 2);
	CHECK_INT(http_req_next(&r, &q), HTTP_REQ_MORE);
	http_req_free(&r);
}

struct path_case {
	const char *target;
	int status;
	const char *rel; /* OK: the decoded path; then slash, path and query as sent */
	bool slash;
	const char *path;
	const char *query;
};

static const struct path_case path_cases[] = {
    {"/", 0, "", true, "/", ""},
    {"/a/b.txt", 0, "a/b.txt", false, "/a/b.txt", ""},
    {"/a/b/", 0, "a/b", true, "/a/b/", ""},
    {"/a//b/./c", 0, "a/b/c", false, "/a//b/./c", ""},
    {"/a/.", 0, "a", false, "/a/.", ""},
    {"/a%20b?x=1&y", 0, "a b", false, "/a%20b", "?x=1&y"},
    {"/%61%2Fb", 0, "a/b", false, "/%61%2Fb", ""},
    {"/%252e%252e/x", 0, "%2e%2e/x", false, "/%252e%252e/x", ""},
    {"/...", 0, "...", false, "/...", ""},
    {"/a..b/..c", 0, "a..b/..c", false, "/a..b/..c", ""},
    {"/%C3%A9", 0, "\xc3\xa9", false, "/%C3%A9", ""},
    {"http://host:8000/a/b?q", 0, "a/b", false, "/a/b", "?q"},
    {"HTTP://host", 0, "", true, "/", ""},
    {"http://host?q", 0, "", true, "/", "?q"},
    {"/..", 400, NULL, false, NULL, NULL},
    {"/../etc/passwd", 400, NULL, false, NULL, NULL},
    {"/a/../b", 400, NULL, false, NULL, NULL},
    {"/%2e%2e/x", 400, NULL, false, NULL, NULL},
    {"/%2E%2e", 400, NULL, false, NULL, NULL},
    {"/.%2e/x", 400, NULL, false, NULL, NULL},
    {"/..%2fetc", 400, NULL, false, NULL, NULL},
    {"/a/%2e%2e%2f%2e%2e%2fetc", 400, NULL, false, NULL, NULL},
    {"/a%00b", 400, NULL, false, NULL, NULL},
    {"/a%0ab", 400, NULL, false, NULL, NULL},
    {"/a\\b", 400, NULL, false, NULL, NULL},
    {"/a%5c..%5cb", 400, NULL, false, NULL, NULL},
    {"/a%zz", 400, NULL, false, NULL, NULL},
    {"/a%4", 400, NULL, false, NULL, NULL},
    {"/a#frag", 400, NULL, false, NULL, NULL},
    {"a/b", 400, NULL, false, NULL, NULL},
    {"*", 400, NULL, false, NULL, NULL},
    {"https://host/", 400, NULL, false, NULL, NULL},
    {"http://host/../x", 400, NULL, false, NULL, NULL},
};

static void test_paths(void)
{
	static struct http_path p;

	for (size_t i = 0; i < sizeof path_cases / sizeof *path_cases; i++) {
		const struct path_case *c = &path_cases[i];
		int st = http_path_parse(&p, c->target, strlen(c->target));

		CHECK_INT(st, c->status);
		if (st != 0 || c->status != 0)
			continue;
		CHECK_STR(p.rel, c->rel);
		CHECK_INT(p.rellen, strlen(c->rel));
		CHECK_INT(p.slash, c->slash);
		CHECK_MEM(p.path, p.pathlen, c->path, strlen(c->path));
		CHECK_MEM(p.query, p.querylen, c->query, strlen(c->query));
	}
}

struct range_case {
	const char *v;
	uint64_t size;
	enum http_range_result want;
	uint64_t first, last;
};

static const struct range_case range_cases[] = {
    {"bytes=0-9", 100, HTTP_RANGE_OK, 0, 9},
    {"bytes=10-", 100, HTTP_RANGE_OK, 10, 99},
    {"bytes=-10", 100, HTTP_RANGE_OK, 90, 99},
    {"bytes=-1000", 100, HTTP_RANGE_OK, 0, 99},
    {"bytes=90-1000", 100, HTTP_RANGE_OK, 90, 99},
    {"bytes=99-99", 100, HTTP_RANGE_OK, 99, 99},
    {"BYTES=1-2", 100, HTTP_RANGE_OK, 1, 2},
    {"bytes=0-99999999999999999999999", 100, HTTP_RANGE_OK, 0, 99},
    {"bytes=100-", 100, HTTP_RANGE_BAD, 0, 0},
    {"bytes=100-200", 100, HTTP_RANGE_BAD, 0, 0},
    {"bytes=99999999999999999999999-", 100, HTTP_RANGE_BAD, 0, 0},
    {"bytes=-0", 100, HTTP_RANGE_BAD, 0, 0},
    {"bytes=0-", 0, HTTP_RANGE_BAD, 0, 0},
    {"bytes=-5", 0, HTTP_RANGE_BAD, 0, 0},
    {"bytes=5-1", 100, HTTP_RANGE_NONE, 0, 0},
    {"bytes=0-1,5-6", 100, HTTP_RANGE_NONE, 0, 0},
    {"bytes=", 100, HTTP_RANGE_NONE, 0, 0},
    {"bytes=-", 100, HTTP_RANGE_NONE, 0, 0},
    {"bytes=a-b", 100, HTTP_RANGE_NONE, 0, 0},
    {"bytes=1-2x", 100, HTTP_RANGE_NONE, 0, 0},
    {"bytes= 1-2", 100, HTTP_RANGE_NONE, 0, 0},
    {"items=1-2", 100, HTTP_RANGE_NONE, 0, 0},
    {"", 100, HTTP_RANGE_NONE, 0, 0},
};

static void test_ranges(void)
{
	for (size_t i = 0; i < sizeof range_cases / sizeof *range_cases; i++) {
		const struct range_case *c = &range_cases[i];
		uint64_t first = 0, last = 0;
		enum http_range_result r =
		    http_range_parse(c->v, strlen(c->v), c->size, &first, &last);

		CHECK_INT(r, c->want);
		if (r == HTTP_RANGE_OK && c->want == HTTP_RANGE_OK) {
			CHECK_INT((long long)first, (long long)c->first);
			CHECK_INT((long long)last, (long long)c->last);
		}
	}
}

static void test_dates(void)
{
	char out[30];
	int64_t t = 0;

	http_date_format(784111777, out);
	CHECK_STR(out, "Sun, 06 Nov 1994 08:49:37 GMT");
	CHECK_INT(http_date_parse(out, strlen(out), &t), 0);
	CHECK_INT(t, 784111777);
	http_date_format(0, out);
	CHECK_STR(out, "Thu, 01 Jan 1970 00:00:00 GMT");
	CHECK_INT(http_date_parse("Sunday, 06-Nov-94 08:49:37 GMT", 30, &t), -1);
	CHECK_INT(http_date_parse("Sun Nov  6 08:49:37 1994", 24, &t), -1);
	CHECK_INT(http_date_parse("Sun, 06 Nov 1994 08:49:37 UTC", 29, &t), -1);
	CHECK_INT(http_date_parse("Sun, 06 Foo 1994 08:49:37 GMT", 29, &t), -1);
	CHECK_INT(http_date_parse("Sun, 06 Nov 1994 28:49:37 GMT", 29, &t), -1);
	CHECK_INT(http_date_parse("Sun, 0x Nov 1994 08:49:37 GMT", 29, &t), -1);
}

void suite_httpreq(void)
{
	test_reader_cases();
	test_reader_limits();
	test_reader_memory();
	test_reader_take();
	test_paths();
	test_ranges();
	test_dates();
}
