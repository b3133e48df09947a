/* test_http.c: unit tests of the client wire (http.c): -H checks, requests, response
 * parsing. */
#include "http.h"
#include "unit.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

void suite_http(void);

/* A string literal that may hold NUL bytes, with its length. */
#define BYTES(s) s, sizeof(s) - 1

/* ---- requests and -H ------------------------------------------------------------------ */

static void test_header_checks(void)
{
	static const struct {
		const char *h;
		bool valid;
	} cases[] = {
	    {"X-A: y", true},      {"X-A:y", true},       {"X-A:", true},
	    {"X-A: \ty", true},    {"X: \xc3\xa9", true}, {"!#$%&'*+-.^_`|~09aZ: v", true},
	    {"X-A", false},        {": y", false},        {"X-A : y", false},
	    {" X-A: y", false},    {"X-A: a\rb", false},  {"X-A: a\nb", false},
	    {"X-A: a\r\n", false}, {"X\x01: y", false},   {"X: \x7f", false},
	    {"Na(me: v", false},   {"", false},           {"X: a\x1b[1m", false},
	};
	const char *err;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		err = NULL;
		CHECK_INT(http_header_valid(cases[i].h, &err), cases[i].valid ? 0 : -1);
		CHECK(cases[i].valid || err != NULL);
	}
	CHECK(http_header_is_sensitive("Authorization: Bearer x"));
	CHECK(http_header_is_sensitive("authorization:x"));
	CHECK(http_header_is_sensitive("COOKIE: a=b"));
	CHECK(http_header_is_sensitive("Cookie"));
	CHECK(!http_header_is_sensitive("Cookie2: a"));
	CHECK(!http_header_is_sensitive("X-Cookie: a"));
	CHECK(!http_header_is_sensitive("Proxy-Authorization: a"));
	CHECK(!http_header_is_sensitive("Accept: */*"));
}

static void test_request(void)
{
	static const char want1[] =
	    "GET /x?y HTTP/1.1\r\nHost: h:8080\r\nUser-Agent: sockit/0.1\r\n"
	    "Accept: */*\r\nConnection: close\r\n\r\n";
	static const char want2[] = "HEAD / HTTP/1.1\r\nHost: [::1]\r\nConnection: close\r\n"
	                            "X-A: 1\r\nAccept: text/html\r\n\r\n";
	const char *extra[] = {"X-A: 1", "Accept: text/html", "user-agent:  ", "X-Empty:"};
	const char *bad_extra[] = {"X-A: 1\r\nInjected: yes"};
	struct http_url u;
	const char *err;
	char buf[HTTP_REQ_FIXED + 256];
	size_t n;

	CHECK_INT(http_url_parse(&u, BYTES("http://h:8080/x?y#f"), &err), HTTP_URL_OK);
	n = http_request_build(buf, sizeof buf, "GET", &u, "sockit/0.1", NULL, 0);
	CHECK_STR(buf, want1);
	CHECK_INT(n, sizeof want1 - 1);
	CHECK_INT(http_request_build(buf, sizeof want1, "GET", &u, "sockit/0.1", NULL, 0), n);
	CHECK_INT(http_request_build(buf, sizeof want1 - 1, "GET", &u, "sockit/0.1", NULL, 0),
	          0);
	CHECK_INT(http_request_build(buf, 0, "GET", &u, "sockit/0.1", NULL, 0), 0);
	CHECK_INT(http_request_build(buf, sizeof buf, "GET", &u, "a\r\nb", NULL, 0), 0);
	CHECK_INT(http_request_build(buf, sizeof buf, "G T", &u, "ua", NULL, 0), 0);
	CHECK_INT(http_request_build(buf, sizeof buf, "", &u, "ua", NULL, 0), 0);
	CHECK_INT(http_request_build(buf, sizeof buf, "GET", &u, "ua", bad_extra, 1), 0);

	CHECK_INT(http_url_parse(&u, BYTES("[::1]"), &err), HTTP_URL_OK);
	n = http_request_build(buf, sizeof buf, "HEAD", &u, "ua", extra, 4);
	CHECK_STR(buf, want2);
	CHECK_INT(n, sizeof want2 - 1);
	n = http_request_build(buf, sizeof buf, "HEAD", &u, NULL, NULL, 0);
	CHECK_STR(buf,
	          "HEAD / HTTP/1.1\r\nHost: [::1]\r\nAccept: */*\r\nConnection: close\r\n\r\n");
	n = http_request_build(buf, sizeof buf, "GET", &u, "", extra + 3, 1);
	CHECK_STR(buf,
	          "GET / HTTP/1.1\r\nHost: [::1]\r\nAccept: */*\r\nConnection: close\r\n\r\n");
	n = http_request_build(buf, sizeof buf, "GET", &u, "", (const char *[]){"host: other"},
	                       1);
	CHECK_STR(buf,
	          "GET / HTTP/1.1\r\nAccept: */*\r\nConnection: close\r\nhost: other\r\n\r\n");

	/* the documented bound holds for the longest URL */
	memset(buf, 'a', 255);
	memcpy(buf + 255, ":65535", 7);
	CHECK_INT(http_url_parse(&u, buf, strlen(buf), &err), HTTP_URL_OK);
	memset(u.target + 1, 'p', HTTP_TARGET_MAX - 1);
	u.target[HTTP_TARGET_MAX] = '\0';
	n = http_request_build(buf, HTTP_REQ_FIXED + 4 + 2, "HEAD", &u, "ua", NULL, 0);
	CHECK(n > HTTP_TARGET_MAX + 255);
}

/* ---- the response parser -------------------------------------------------------------- */

/* What a run saw: a transcript of the events but BODY, and the body bytes joined. */
struct run {
	char log[1 << 14];
	size_t loglen;
	char body[1 << 20];
	size_t bodylen;
	bool overflow; /* the transcript or body did not fit */
	bool
	    bad_span; /* a BODY span outside the piece fed, or a HEADER name outside its line */
};

static void log_put(struct run *r, const char *s, size_t n)
{
	if (n >= sizeof r->log - r->loglen) {
		r->overflow = true;
		return;
	}
	memcpy(r->log + r->loglen, s, n);
	r->loglen += n;
	r->log[r->loglen] = '\0';
}

static void log_fmt(struct run *r, const char *fmt, long long a, const char *s, size_t n)
{
	char tmp[64];
	int k = snprintf(tmp, sizeof tmp, fmt, a);

	log_put(r, tmp, (size_t)k);
	log_put(r, s, n);
	log_put(r, "\n", 1);
}

static void log_event(struct run *r, const struct http_resp *p, const struct http_event *ev,
                      const char *piece, size_t plen)
{
	static const char *const modes[] = {"none", "length", "chunked", "close"};

	switch (ev->type) {
	case HTTP_EV_STATUS:
		log_fmt(r, "S %lld ", ev->status, ev->line, ev->len);
		break;
	case HTTP_EV_HEADER:
		if (ev->name != ev->line || ev->value < ev->name + ev->namelen ||
		    ev->value + ev->valuelen > ev->line + ev->len)
			r->bad_span = true;
		log_put(r, "H ", 2);
		log_put(r, ev->name, ev->namelen);
		log_put(r, "|", 1);
		log_put(r, ev->value, ev->valuelen);
		log_put(r, "\n", 1);
		break;
	case HTTP_EV_HEADERS_DONE:
		log_fmt(r, "D %lld ", ev->status, modes[p->body], strlen(modes[p->body]));
		if (p->body == HTTP_BODY_LENGTH)
			log_fmt(r, "L %lld", p->length, "", 0);
		break;
	case HTTP_EV_BODY:
		if (ev->len == 0 || ev->line < piece || ev->line + ev->len > piece + plen)
			r->bad_span = true;
		if (ev->len > sizeof r->body - r->bodylen) {
			r->overflow = true;
			break;
		}
		memcpy(r->body + r->bodylen, ev->line, ev->len);
		r->bodylen += ev->len;
		break;
	case HTTP_EV_DONE:
		log_put(r, "END\n", 4);
		break;
	case HTTP_EV_ERROR:
		log_fmt(r, "ERR%.0lld ", 0, ev->msg, strlen(ev->msg));
		break;
	default:
		log_put(r, "?\n", 2);
	}
}

/*
 * Feeds in[0..len) cut at cuts[0..ncuts) (ascending), each piece from its own allocation so
 * a parser keeping a pointer into an old piece is caught by ASan; at the end, EOF.
 */
static void run_resp(struct run *r, bool head, const char *in, size_t len, const size_t *cuts,
                     size_t ncuts)
{
	struct http_resp *p = malloc(sizeof *p);
	struct http_event ev;
	size_t start = 0, k;
	bool ended = false;

	r->loglen = r->bodylen = 0;
	r->log[0] = '\0';
	r->overflow = r->bad_span = false;
	http_resp_init(p, head);
	for (k = 0; k <= ncuts && !ended; k++) {
		size_t end = k < ncuts ? cuts[k] : len;
		char *piece = malloc(end - start + 1);

		memcpy(piece, in + start, end - start);
		http_resp_feed(p, piece, end - start);
		for (;;) {
			enum http_ev t = http_resp_next(p, &ev);

			if (t == HTTP_EV_NEED_MORE)
				break;
			log_event(r, p, &ev, piece, end - start);
			if (t == HTTP_EV_DONE || t == HTTP_EV_ERROR) {
				ended = true;
				break;
			}
		}
		free(piece);
		start = end;
	}
	if (!ended) {
		http_resp_eof(p, &ev);
		log_event(r, p, &ev, NULL, 0);
	}
	http_resp_free(p);
	free(p);
}

struct resp_case {
	const char *name;
	bool head;
	const char *in;
	size_t len;
	const char *log; /* the transcript: S(tatus) H(eader) D(one headers) L(ength) END ERR */
	const char *body; /* the body bytes written, NUL-free in these tables */
};

#define OK200 "HTTP/1.1 200 OK\r\n"
#define S200  "S 200 HTTP/1.1 200 OK\n"

/* A dozen valid responses: the property test feeds each of them split every way. */
static const struct resp_case good_cases[] = {
    {"chunked, extensions, trailers", false,
     BYTES(OK200 "Transfer-Encoding: chunked\r\n\r\n"
                 "5;ext=1\r\nhello\r\n6 ; a=\"b;c\"\r\n world\r\nA\r\n0123456789\r\n"
                 "0;last\r\nX-Trailer: t\r\nX-Other: u\r\n\r\n"),
     S200 "H Transfer-Encoding|chunked\nD 200 chunked\nEND\n", "hello world0123456789"},
    {"content-length", false, BYTES(OK200 "Content-Length: 5\r\nServer: x\r\n\r\nhello"),
     S200 "H Content-Length|5\nH Server|x\nD 200 length\nL 5\nEND\n", "hello"},
    {"read to close", false, BYTES("HTTP/1.0 200 OK\r\nServer: x\r\n\r\nuntil\r\nthe end\n"),
     "S 200 HTTP/1.0 200 OK\nH Server|x\nD 200 close\nEND\n", "until\r\nthe end\n"},
    {"100-continue then 200", false,
     BYTES("HTTP/1.1 100 Continue\r\nX-Interim: 1\r\n\r\n" OK200 "Content-Length: 2\r\n\r\nhi"),
     S200 "H Content-Length|2\nD 200 length\nL 2\nEND\n", "hi"},
    {"103 twice, then chunked", false,
     BYTES(
         "HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 103 Early Hints\r\n\r\n" OK200
         "transfer-encoding:  CHUNKED \r\n\r\n3\r\nabc\r\n0\r\n\r\n"),
     S200 "H transfer-encoding|CHUNKED\nD 200 chunked\nEND\n", "abc"},
    {"204 with content-length", false,
     BYTES("HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n"),
     "S 204 HTTP/1.1 204 No Content\nH Content-Length|10\nD 204 none\nEND\n", ""},
    {"304 with transfer-encoding", false,
     BYTES("HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: gzip\r\n\r\n"),
     "S 304 HTTP/1.1 304 Not Modified\nH Transfer-Encoding|gzip\nD 304 none\nEND\n", ""},
    {"HEAD with content-length", true,
     BYTES(OK200 "Content-Length: 1000\r\nContent-Length: 7\r\n\r\n"),
     S200 "H Content-Length|1000\nH Content-Length|7\nD 200 none\nEND\n", ""},
    {"bare LF everywhere", false,
     BYTES("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n2\nab\n0\nT: 1\n\n"),
     S200 "H Transfer-Encoding|chunked\nD 200 chunked\nEND\n", "ab"},
    {"content-length 0, no reason", false, BYTES("HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n"),
     "S 200 HTTP/1.1 200\nH Content-Length|0\nD 200 length\nL 0\nEND\n", ""},
    {"chunked wins over content-length", false,
     BYTES("HTTP/1.1 999 Odd\r\nContent-Length: 99\r\nTransfer-Encoding: chunked\r\n\r\n"
           "1\r\nx\r\n0\r\n\r\n"),
     "S 999 HTTP/1.1 999 Odd\nH Content-Length|99\nH Transfer-Encoding|chunked\n"
     "D 999 chunked\nEND\n",
     "x"},
    {"uppercase hex, leading zeros, long chunk", false,
     BYTES(OK200 "Transfer-Encoding: chunked\r\n\r\n00000000000000B\r\n0123456789A\r\n"
                 "0\r\n\r\n"),
     S200 "H Transfer-Encoding|chunked\nD 200 chunked\nEND\n", "0123456789A"},
    {"bytes after the body are ignored", false,
     BYTES("HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\nX:\r\n\r\nabcHTTP/1.1 200 OK\r\n"),
     "S 404 HTTP/1.1 404 Not Found\nH Content-Length|3\nH X|\nD 404 length\nL 3\nEND\n", "abc"},
    {"header values: OWS, tabs, obs-text", false,
     BYTES(OK200 "A:\t x \t\r\nB: \xc3\xa9\t\xff\r\nContent-Length: 5, 5 ,5\r\n\r\n12345"),
     S200 "H A|x\nH B|\xc3\xa9\t\xff\nH Content-Length|5, 5 ,5\nD 200 length\nL 5\nEND\n",
     "12345"},
};

/* Every hostile response the man page's http-get section names, and a few more. */
static const struct resp_case bad_cases[] = {
    {"17 hex digits", false,
     BYTES(OK200 "Transfer-Encoding: chunked\r\n\r\n2\r\nok\r\n10000000000000000\r\n"),
     S200 "H Transfer-Encoding|chunked\nD 200 chunked\nERR chunk size too large\n", "ok"},
    {"chunk size above INT64_MAX", false,
     BYTES(OK200 "Transfer-Encoding: chunked\r\n\r\n8000000000000000\r\n"),
     S200 "H Transfer-Encoding|chunked\nD 200 chunked\nERR chunk size too large\n", ""},
    {"chunk size INT64_MAX, then EOF", false,
     BYTES(OK200 "Transfer-Encoding: chunked\r\n\r\n7fffffffffffffff\r\nabc"),
     S200 "H Transfer-Encoding|chunked\nD 200 chunked\nERR truncated chunked body\n", "abc"},
    {"chunk size -1", false, BYTES(OK200 "Transfer-Encoding: chunked\r\n\r\n2\r\nok\r\n-1\r\n"),
     S200 "H Transfer-Encoding|chunked\nD 200 chunked\nERR bad chunk size\n", "ok"},
    {"chunk size 0x5", false, BYTES(OK200 "Transfer-Encoding: chunked\r\n\r\n0x5\r\nhello"),
     S200 "H Transfer-Encoding|chunked\nD 200 chunked\nERR bad chunk size\n", ""},
    {"chunk size with leading space", false,
     BYTES(OK200 "Transfer-Encoding: chunked\r\n\r\n 5\r\nhello"),
     S200 "H Transfer-Encoding|chunked\nD 200 chunked\nERR bad chunk size\n", ""},
    {"chunk size with trailing space", false,
     BYTES(OK200 "Transfer-Encoding: chunked\r\n\r\n5 \r\nhello"),
     S200 "H Transfer-Encoding|chunked\nD 200 chunked\nERR bad chunk size\n", ""},
    {"empty chunk size", false, BYTES(OK200 "Transfer-Encoding: chunked\r\n\r\n1\r\na\r\n\r\n"),
     S200 "H Transfer-Encoding|chunked\nD 200 chunked\nERR bad chunk size\n", "a"},
    {"chunk size ZZ", false, BYTES(OK200 "Transfer-Encoding: chunked\r\n\r\nZZ\r\n"),
     S200 "H Transfer-Encoding|chunked\nD 200 chunked\nERR bad chunk size\n", ""},
    {"NUL in chunk extension", false,
     BYTES(OK200 "Transfer-Encoding: chunked\r\n\r\n1;a\0\r\nx\r\n"),
     S200 "H Transfer-Encoding|chunked\nD 200 chunked\nERR bad chunk size\n", ""},
    {"chunk data longer than declared", false,
     BYTES(OK200 "Transfer-Encoding: chunked\r\n\r\n3\r\nabcdef\r\n0\r\n\r\n"),
     S200
     "H Transfer-Encoding|chunked\nD 200 chunked\nERR chunk data does not match its size\n",
     "abc"},
    {"chunk data shorter than declared", false,
     BYTES(OK200 "Transfer-Encoding: chunked\r\n\r\n5\r\nhel\r\n0\r\n\r\n"),
     S200
     "H Transfer-Encoding|chunked\nD 200 chunked\nERR chunk data does not match its size\n",
     "hel\r\n"},
    {"CR but no LF after chunk data", false,
     BYTES(OK200 "Transfer-Encoding: chunked\r\n\r\n1\r\na\rb\n0\r\n\r\n"),
     S200
     "H Transfer-Encoding|chunked\nD 200 chunked\nERR chunk data does not match its size\n",
     "a"},
    {"closed before the last chunk", false,
     BYTES(OK200 "Transfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n"),
     S200 "H Transfer-Encoding|chunked\nD 200 chunked\nERR truncated chunked body\n", "abcd"},
    {"closed inside a chunk", false, BYTES(OK200 "Transfer-Encoding: chunked\r\n\r\n4\r\nab"),
     S200 "H Transfer-Encoding|chunked\nD 200 chunked\nERR truncated chunked body\n", "ab"},
    {"closed inside the trailers", false,
     BYTES(OK200 "Transfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\nT: 1\r\n"),
     S200 "H Transfer-Encoding|chunked\nD 200 chunked\nERR truncated chunked body\n", "a"},
    {"closed after the last chunk", false,
     BYTES(OK200 "Transfer-Encoding: chunked\r\n\r\n0\r\n"),
     S200 "H Transfer-Encoding|chunked\nD 200 chunked\nERR truncated chunked body\n", ""},
    {"bad trailer", false,
     BYTES(OK200 "Transfer-Encoding: chunked\r\n\r\n0\r\n folded\r\n\r\n"),
     S200 "H Transfer-Encoding|chunked\nD 200 chunked\nERR obsolete line folding in header\n",
     ""},
    {"content-length 100, 40 bytes", false,
     BYTES(OK200 "Content-Length: 100\r\n\r\n0123456789012345678901234567890123456789"),
     S200 "H Content-Length|100\nD 200 length\nL 100\nERR 60 bytes missing\n",
     "0123456789012345678901234567890123456789"},
    {"content-length -6", false, BYTES(OK200 "Content-Length: -6\r\n\r\n"),
     S200 "H Content-Length|-6\nERR bad content-length\n", ""},
    {"content-length abc", false, BYTES(OK200 "Content-Length: abc\r\n\r\n"),
     S200 "H Content-Length|abc\nERR bad content-length\n", ""},
    {"content-length +5", false, BYTES(OK200 "Content-Length: +5\r\n\r\nhello"),
     S200 "H Content-Length|+5\nERR bad content-length\n", ""},
    {"content-length 1 2", false, BYTES(OK200 "Content-Length: 1 2\r\n\r\n"),
     S200 "H Content-Length|1 2\nERR bad content-length\n", ""},
    {"content-length 2^65", false, BYTES(OK200 "Content-Length: 36893488147419103232\r\n\r\n"),
     S200 "H Content-Length|36893488147419103232\nERR bad content-length\n", ""},
    {"content-length 2^63", false, BYTES(OK200 "Content-Length: 9223372036854775808\r\n\r\n"),
     S200 "H Content-Length|9223372036854775808\nERR bad content-length\n", ""},
    {"content-length empty", false, BYTES(OK200 "Content-Length:\r\n\r\n"),
     S200 "H Content-Length|\nERR bad content-length\n", ""},
    {"content-length 0x10", false, BYTES(OK200 "Content-Length: 0x10\r\n\r\n"),
     S200 "H Content-Length|0x10\nERR bad content-length\n", ""},
    {"content-length 5,", false, BYTES(OK200 "Content-Length: 5,\r\n\r\n"),
     S200 "H Content-Length|5,\nERR bad content-length\n", ""},
    {"content-length 5, 6", false, BYTES(OK200 "Content-Length: 5, 6\r\n\r\n"),
     S200 "H Content-Length|5, 6\nERR conflicting content-length\n", ""},
    {"two different content-lengths", false,
     BYTES(OK200 "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"),
     S200 "H Content-Length|5\nH Content-Length|6\nERR conflicting content-length\n", ""},
    {"transfer-encoding gzip", false, BYTES(OK200 "Transfer-Encoding: gzip\r\n\r\n"),
     S200 "H Transfer-Encoding|gzip\nERR unsupported transfer-encoding\n", ""},
    {"transfer-encoding gzip, chunked", false,
     BYTES(OK200 "Transfer-Encoding: gzip, chunked\r\n\r\n"),
     S200 "H Transfer-Encoding|gzip, chunked\nERR unsupported transfer-encoding\n", ""},
    {"transfer-encoding chunked, chunked", false,
     BYTES(OK200 "Transfer-Encoding: chunked, chunked\r\n\r\n"),
     S200 "H Transfer-Encoding|chunked, chunked\nERR unsupported transfer-encoding\n", ""},
    {"transfer-encoding chunked twice", false,
     BYTES(OK200 "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"),
     S200 "H Transfer-Encoding|chunked\nH Transfer-Encoding|chunked\n"
          "ERR unsupported transfer-encoding\n",
     ""},
    {"transfer-encoding empty", false, BYTES(OK200 "Transfer-Encoding:\r\n\r\n"),
     S200 "H Transfer-Encoding|\nERR unsupported transfer-encoding\n", ""},
    {"NUL in a header", false, BYTES(OK200 "X-A: a\0b\r\n\r\n"),
     S200 "ERR NUL byte in header\n", ""},
    {"NUL in a header name", false, BYTES(OK200 "X\0: a\r\n\r\n"),
     S200 "ERR NUL byte in header\n", ""},
    {"obs-fold", false, BYTES(OK200 "X-A: a\r\n b\r\n\r\n"),
     S200 "H X-A|a\nERR obsolete line folding in header\n", ""},
    {"obs-fold with a tab", false, BYTES(OK200 "X-A: a\r\n\tb\r\n\r\n"),
     S200 "H X-A|a\nERR obsolete line folding in header\n", ""},
    {"space before the colon", false, BYTES(OK200 "X-A : a\r\n\r\n"),
     S200 "ERR bad header name\n", ""},
    {"no colon", false, BYTES(OK200 "X-A\r\n\r\n"), S200 "ERR bad header name\n", ""},
    {"empty name", false, BYTES(OK200 ": a\r\n\r\n"), S200 "ERR bad header name\n", ""},
    {"bare CR in a value", false, BYTES(OK200 "X-A: a\rb\r\n\r\n"),
     S200 "ERR control byte in header\n", ""},
    {"DEL in a value", false, BYTES(OK200 "X-A: a\x7f\r\n\r\n"),
     S200 "ERR control byte in header\n", ""},
    {"status HTTP/1.1 2000 OK", false, BYTES("HTTP/1.1 2000 OK\r\n\r\n"),
     "ERR bad status line\n", ""},
    {"status HTTP/1.1 -1 x", false, BYTES("HTTP/1.1 -1 x\r\n\r\n"), "ERR bad status line\n",
     ""},
    {"status HTTP/1.1 2 OK", false, BYTES("HTTP/1.1 2 OK\r\n\r\n"), "ERR bad status line\n",
     ""},
    {"status ICY 200 OK", false, BYTES("ICY 200 OK\r\n\r\n"), "ERR bad status line\n", ""},
    {"status HTTP/2 200", false, BYTES("HTTP/2 200\r\n\r\n"), "ERR bad status line\n", ""},
    {"status http/1.1", false, BYTES("http/1.1 200 OK\r\n\r\n"), "ERR bad status line\n", ""},
    {"status 099", false, BYTES("HTTP/1.1 099 Low\r\n\r\n"), "ERR bad status line\n", ""},
    {"status with two spaces", false, BYTES("HTTP/1.1  200 OK\r\n\r\n"),
     "ERR bad status line\n", ""},
    {"status with CR in the reason", false, BYTES("HTTP/1.1 200 O\rK\r\n\r\n"),
     "ERR bad status line\n", ""},
    {"HTTP/0.9 body", false, BYTES("<html>hello</html>\n"), "ERR bad status line\n", ""},
    {"empty line first", false, BYTES("\r\nHTTP/1.1 200 OK\r\n\r\n"), "ERR bad status line\n",
     ""},
    {"no bytes at all", false, BYTES(""), "ERR empty reply from server\n", ""},
    {"closed in the status line", false, BYTES("HTTP/1.1 200"), "ERR truncated headers\n", ""},
    {"closed in the headers", false, BYTES(OK200 "X-A: 1\r\n"),
     S200 "H X-A|1\nERR truncated headers\n", ""},
    {"closed after a 100", false, BYTES("HTTP/1.1 100 Continue\r\n\r\n"),
     "ERR truncated headers\n", ""},
    {"101 switching protocols", false, BYTES("HTTP/1.1 101 Switching\r\n\r\n"),
     "ERR unexpected 101 response\n", ""},
    {"bad field in a 100", false, BYTES("HTTP/1.1 100 Continue\r\nA : b\r\n\r\n" OK200 "\r\n"),
     "ERR bad header name\n", ""},
};

static void check_resp_case(struct run *r, const struct resp_case *c)
{
	run_resp(r, c->head, c->in, c->len, NULL, 0);
	CHECK_STR(r->log, c->log);
	CHECK_MEM(r->body, r->bodylen, c->body, strlen(c->body));
	CHECK(!r->overflow && !r->bad_span);
	if (strcmp(r->log, c->log) != 0)
		printf("     in case \"%s\"\n", c->name);
}

static struct run whole, part;

/* True if feeding c cut at cuts gives what feeding it whole gave (in `whole`). */
static bool same_as_whole(const struct resp_case *c, const size_t *cuts, size_t n)
{
	run_resp(&part, c->head, c->in, c->len, cuts, n);
	return strcmp(part.log, whole.log) == 0 && part.bodylen == whole.bodylen &&
	       memcmp(part.body, whole.body, whole.bodylen) == 0 && !part.bad_span;
}

/* The property: any split of the input gives the same events and body bytes. */
static void check_splits(const struct resp_case *c)
{
	static size_t cuts[1 << 12];
	size_t i, j, bad1 = 0, bad2 = 0, badbytes = 0;

	run_resp(&whole, c->head, c->in, c->len, NULL, 0);
	for (i = 0; i <= c->len; i++)
		if (!same_as_whole(c, &i, 1))
			bad1++;
	/* two cuts, everywhere, for the short ones: a line may span three pieces */
	for (i = 0; c->len <= 200 && i <= c->len; i++) {
		for (j = i; j <= c->len; j++) {
			cuts[0] = i;
			cuts[1] = j;
			if (!same_as_whole(c, cuts, 2))
				bad2++;
		}
	}
	for (i = 0; i + 1 < c->len && i < sizeof cuts / sizeof cuts[0]; i++)
		cuts[i] = i + 1;
	if (!same_as_whole(c, cuts, i))
		badbytes++;
	CHECK_INT(bad1, 0);
	CHECK_INT(bad2, 0);
	CHECK_INT(badbytes, 0);
	if (bad1 + bad2 + badbytes > 0)
		printf("     in case \"%s\"\n", c->name);
}

static void test_resp_tables(void)
{
	static struct run r;
	size_t i;

	for (i = 0; i < sizeof good_cases / sizeof good_cases[0]; i++) {
		check_resp_case(&r, &good_cases[i]);
		check_splits(&good_cases[i]);
	}
	for (i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
		check_resp_case(&r, &bad_cases[i]);
		check_splits(&bad_cases[i]);
	}
}

/* Builds "HTTP/1.1 200 OK\r\n" + n copies of line + "\r\n", into a malloc'd buffer. */
static char *repeat_headers(const char *line, size_t n, size_t *len)
{
	size_t ll = strlen(line), i;
	char *buf = malloc(sizeof OK200 + n * ll + 2), *p = buf;

	memcpy(p, OK200, sizeof OK200 - 1);
	p += sizeof OK200 - 1;
	for (i = 0; i < n; i++, p += ll)
		memcpy(p, line, ll);
	memcpy(p, "\r\n", 2);
	*len = (size_t)(p + 2 - buf);
	return buf;
}

/* The limits: exactly at them is fine, one past them is an error, never a large buffer. */
static void test_resp_limits(void)
{
	static struct run r;
	static char line[HTTP_LINE_MAX + 16];
	size_t len, cuts[3];
	char *in;

	in = repeat_headers("X: y\r\n", HTTP_FIELDS_MAX, &len);
	run_resp(&r, false, in, len, NULL, 0);
	CHECK(strstr(r.log, "D 200 close\n") != NULL);
	free(in);
	in = repeat_headers("X: y\r\n", HTTP_FIELDS_MAX + 1, &len);
	run_resp(&r, false, in, len, NULL, 0);
	CHECK(strstr(r.log, "ERR too many header fields\n") != NULL);
	free(in);

	/* a header line of exactly HTTP_LINE_MAX bytes, with either ending, then one more */
	memset(line, 'v', sizeof line);
	memcpy(line, "X: ", 3);
	memcpy(line + HTTP_LINE_MAX, "\r\n", 3);
	in = repeat_headers(line, 1, &len);
	cuts[0] = 17 + HTTP_LINE_MAX;
	cuts[1] = 18 + HTTP_LINE_MAX;
	run_resp(&r, false, in, len, cuts, 2);
	CHECK(strstr(r.log, "D 200 close\n") != NULL);
	free(in);
	memcpy(line + HTTP_LINE_MAX, "\n", 2);
	in = repeat_headers(line, 1, &len);
	run_resp(&r, false, in, len, NULL, 0);
	CHECK(strstr(r.log, "D 200 close\n") != NULL);
	free(in);
	memcpy(line + HTTP_LINE_MAX, "v\r\n", 4);
	in = repeat_headers(line, 1, &len);
	run_resp(&r, false, in, len, cuts, 1);
	CHECK_STR(r.log, S200 "ERR header line too long\n");
	free(in);

	/* a 100 KiB header line; then 64 KiB of headers in lines under the line limit */
	in = malloc(100 * 1024 + 64);
	memcpy(in, OK200 "X: ", 20);
	memset(in + 20, 'a', 100 * 1024);
	run_resp(&r, false, in, 20 + 100 * 1024, NULL, 0);
	CHECK_STR(r.log, S200 "ERR header line too long\n");
	free(in);
	memset(line, 'a', 1000);
	memcpy(line, "X: ", 3);
	memcpy(line + 998, "\r\n", 3);
	in = repeat_headers(line, 65, &len);
	run_resp(&r, false, in, len, NULL, 0);
	CHECK(strstr(r.log, "D 200") != NULL);
	free(in);
	in = repeat_headers(line, 66, &len);
	run_resp(&r, false, in, len, NULL, 0);
	CHECK(strstr(r.log, "ERR header section too large\n") != NULL);
	CHECK(strstr(r.log, "D 200") == NULL);
	free(in);
}

/* Interim responses: skipped, but not without end. */
static void test_resp_interim(void)
{
	static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
	static const char final[] = OK200 "Content-Length: 0\r\n\r\n";
	static char in[(HTTP_INTERIM_MAX + 1) * sizeof cont + sizeof final];
	static struct run r;
	size_t n = 0, i;

	for (i = 0; i < HTTP_INTERIM_MAX; i++, n += sizeof cont - 1)
		memcpy(in + n, cont, sizeof cont - 1);
	memcpy(in + n, final, sizeof final);
	run_resp(&r, false, in, n + sizeof final - 1, NULL, 0);
	CHECK_STR(r.log, S200 "H Content-Length|0\nD 200 length\nL 0\nEND\n");
	memcpy(in + n, cont, sizeof cont - 1);
	memcpy(in + n + sizeof cont - 1, final, sizeof final);
	run_resp(&r, false, in, n + sizeof cont - 1 + sizeof final - 1, NULL, 0);
	CHECK_STR(r.log, "ERR too many 1xx responses\n");
}

/* Location is kept for -L, from the final response only; errors stay put; eof repeats. */
static void test_resp_state(void)
{
	static const char in[] =
	    "HTTP/1.1 103 Hints\r\nLocation: /early\r\n\r\n"
	    "HTTP/1.1 301 Moved\r\nLocation:  /new?x \r\nlocation: /new?x\r\n"
	    "Content-Length: 0\r\n\r\n";
	static const char in2[] = "HTTP/1.1 302 Found\r\nLocation: /a\r\nLocation: /b\r\n\r\n";
	static struct http_resp p;
	struct http_event ev;
	int n = 0;

	http_resp_init(&p, false);
	http_resp_feed(&p, in, sizeof in - 1);
	while (http_resp_next(&p, &ev) != HTTP_EV_DONE && n++ < 20)
		continue;
	CHECK_INT(p.status, 301);
	CHECK(p.has_location);
	CHECK(!p.location_conflict);
	CHECK_STR(p.location, "/new?x");
	CHECK_INT(p.location_len, 6);
	CHECK_INT(http_resp_next(&p, &ev), HTTP_EV_DONE);
	CHECK_INT(http_resp_eof(&p, &ev), HTTP_EV_DONE);
	http_resp_free(&p);

	http_resp_init(&p, true);
	http_resp_feed(&p, in2, sizeof in2 - 1);
	while (http_resp_next(&p, &ev) != HTTP_EV_DONE && n++ < 40)
		continue;
	CHECK_STR(p.location, "/a");
	CHECK(p.location_conflict);
	http_resp_free(&p);

	http_resp_init(&p, false);
	CHECK(!p.has_location);
	CHECK_INT(p.length, -1);
	http_resp_feed(&p, BYTES("XTTP/1.1 200 OK\r\n"));
	CHECK_INT(http_resp_next(&p, &ev), HTTP_EV_ERROR);
	CHECK_STR(ev.msg, "bad status line");
	http_resp_feed(&p, BYTES("HTTP/1.1 200 OK\r\n"));
	CHECK_INT(http_resp_next(&p, &ev), HTTP_EV_ERROR);
	CHECK_INT(http_resp_eof(&p, &ev), HTTP_EV_ERROR);
	CHECK_STR(ev.msg, "bad status line");
	http_resp_free(&p);

	/* read-to-close: DONE only at EOF, and an empty body is fine */
	http_resp_init(&p, false);
	http_resp_feed(&p, BYTES(OK200 "\r\n"));
	CHECK_INT(http_resp_next(&p, &ev), HTTP_EV_STATUS);
	CHECK_INT(http_resp_next(&p, &ev), HTTP_EV_HEADERS_DONE);
	CHECK_INT(p.body, HTTP_BODY_CLOSE);
	CHECK_INT(http_resp_next(&p, &ev), HTTP_EV_NEED_MORE);
	CHECK_INT(http_resp_eof(&p, &ev), HTTP_EV_DONE);
	http_resp_free(&p);
}

/* A huge body in small reads: memory does not grow, and every byte comes out once. */
static void test_resp_big_body(void)
{
	static const char head[] = OK200 "Transfer-Encoding: chunked\r\n\r\n";
	static char chunk[4096 + 32];
	static struct http_resp p;
	struct http_event ev;
	unsigned long long total = 0;
	size_t n, i;

	n = (size_t)snprintf(chunk, sizeof chunk, "1000;x=y\r\n");
	memset(chunk + n, 'b', 4096);
	memcpy(chunk + n + 4096, "\r\n", 2);
	n += 4098;
	http_resp_init(&p, false);
	http_resp_feed(&p, head, sizeof head - 1);
	while (http_resp_next(&p, &ev) != HTTP_EV_NEED_MORE)
		continue;
	for (i = 0; i < 4096; i++) {
		http_resp_feed(&p, chunk, n);
		while (http_resp_next(&p, &ev) == HTTP_EV_BODY)
			total += ev.len;
	}
	http_resp_feed(&p, BYTES("0\r\n\r\n"));
	CHECK_INT(http_resp_next(&p, &ev), HTTP_EV_DONE);
	CHECK_INT((long long)total, 4096LL * 4096);
	CHECK(p.fr.partial == NULL || p.fr.plen < 64);
	http_resp_free(&p);
}

void suite_http(void)
{
	test_header_checks();
	test_request();
	test_resp_tables();
	test_resp_limits();
	test_resp_interim();
	test_resp_state();
	test_resp_big_body();
}
