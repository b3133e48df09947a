/* test_keepalive.c: unit tests of what the http module tells a kept-alive connection: the
 * response's keep_alive and surplus, the request without Connection: close. */
#include "http.h"
#include "unit.h"

#include <stdbool.h>
#include <string.h>

void suite_keepalive(void);

/* Feeds resp[0..len) in one piece (or byte by byte) to a parser for a GET (or HEAD), then
 * the end of the stream if it still wants more; returns the last event, p left as it ended. */
static enum http_ev run(struct http_resp *p, const char *resp, size_t len, bool head,
                        bool bytewise)
{
	struct http_event ev;
	enum http_ev e = HTTP_EV_NEED_MORE;
	size_t step = bytewise ? 1 : len;

	http_resp_init(p, head);
	for (size_t off = 0; off < len; off += step) {
		size_t n = len - off < step ? len - off : step;

		http_resp_feed(p, resp + off, n);
		while ((e = http_resp_next(p, &ev)) != HTTP_EV_NEED_MORE && e != HTTP_EV_DONE &&
		       e != HTTP_EV_ERROR)
			;
		if (e == HTTP_EV_DONE || e == HTTP_EV_ERROR)
			break;
	}
	if (e == HTTP_EV_NEED_MORE) /* a body read to the close: the close */
		e = http_resp_eof(p, &ev);
	http_resp_free(p);
	return e;
}

struct ka_case {
	const char *resp;
	bool head;
	bool keep;      /* keep_alive */
	size_t surplus; /* with the whole response fed at once */
};

static const struct ka_case ka_cases[] = {
    {"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", false, true, 0},
    {"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokXY", false, true, 2},
    {"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok", false, false, 0},
    {"HTTP/1.1 200 OK\r\nConnection: Keep-Alive, CLOSE\r\nContent-Length: 0\r\n\r\n", false,
     false, 0},
    {"HTTP/1.1 200 OK\r\nConnection: upgrade\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
     false, false, 0},
    {"HTTP/1.1 200 OK\r\nConnection: closed\r\nContent-Length: 0\r\n\r\n", false, true, 0},
    {"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", false, false, 0},
    {"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok", false, true,
     0},
    {"HTTP/1.0 200 OK\r\nConnection:  x , Keep-Alive \r\nContent-Length: 0\r\n\r\n", false,
     true, 0},
    /* a body read to the close uses the connection up */
    {"HTTP/1.1 200 OK\r\n\r\n", false, false, 0},
    {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\nT: x\r\n\r\nZ",
     false, true, 1},
    {"HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\nHTTP/", false, true, 5},
    {"HTTP/1.1 304 Not Modified\r\n\r\n", false, true, 0},
    {"HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n", true, true, 0},
    {"HTTP/1.1 200 OK\r\n\r\n", true, true, 0}, /* HEAD: no body, nothing to read to a close */
    /* a 1xx's Connection field is not the final response's */
    {"HTTP/1.1 100 Continue\r\nConnection: close\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: "
     "0\r\n\r\n",
     false, true, 0},
};

static void test_keep_alive(void)
{
	struct http_resp p;

	for (size_t i = 0; i < sizeof ka_cases / sizeof ka_cases[0]; i++) {
		const struct ka_case *c = &ka_cases[i];
		size_t len = strlen(c->resp);

		CHECK_INT(run(&p, c->resp, len, c->head, false), HTTP_EV_DONE);
		CHECK_INT(p.keep_alive, c->keep);
		CHECK_INT((long long)p.surplus, (long long)c->surplus);
		/* byte by byte: the response ends before its surplus is fed */
		CHECK_INT(run(&p, c->resp, len, c->head, true), HTTP_EV_DONE);
		CHECK_INT(p.keep_alive, c->keep);
		CHECK_INT((long long)p.surplus, 0);
	}
}

/* Bytes fed after DONE are counted, never reported as body. */
static void test_surplus_later(void)
{
	struct http_resp p;
	struct http_event ev;
	const char r[] = "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx";

	http_resp_init(&p, false);
	http_resp_feed(&p, r, sizeof r - 1);
	while (http_resp_next(&p, &ev) != HTTP_EV_DONE)
		;
	http_resp_feed(&p, "abc", 3);
	CHECK_INT(http_resp_next(&p, &ev), HTTP_EV_DONE);
	CHECK_INT((long long)p.surplus, 3);
	http_resp_free(&p);
}

static void test_request_keep(void)
{
	struct http_url u;
	const char *err, *extra[] = {"Connection: close"};
	char req[512];
	size_t n;

	CHECK_INT(http_url_parse(&u, "http://h:81/p", 13, &err), HTTP_URL_OK);
	n = http_request_build_keep(req, sizeof req, "GET", &u, "ua", NULL, 0);
	CHECK_STR(req,
	          "GET /p HTTP/1.1\r\nHost: h:81\r\nUser-Agent: ua\r\nAccept: */*\r\n\r\n");
	CHECK_INT((long long)n, (long long)strlen(req));
	http_request_build(req, sizeof req, "GET", &u, "ua", NULL, 0);
	CHECK(strstr(req, "\r\nConnection: close\r\n") != NULL);
	/* the user's own Connection is sent either way */
	http_request_build_keep(req, sizeof req, "HEAD", &u, NULL, extra, 1);
	CHECK_STR(req,
	          "HEAD /p HTTP/1.1\r\nHost: h:81\r\nAccept: */*\r\nConnection: close\r\n\r\n");
	CHECK_INT((long long)http_request_build_keep(req, 20, "GET", &u, "ua", NULL, 0), 0);
}

void suite_keepalive(void)
{
	test_keep_alive();
	test_surplus_later();
	test_request_keep();
}
