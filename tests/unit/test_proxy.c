/* test_proxy.c: unit tests of proxy.c's pure part: proxy URLs, users, the no-proxy list,
 * Basic credentials, and every handshake fed canned replies (RFC 1928, RFC 1929, SOCKS4/4a,
 * HTTP CONNECT). */
#include "proxy.h"
#include "unit.h"

#include <stdbool.h>
#include <stdint.h>

#define CHECK_INT_AT(got, want, what) unit_check_int((got), (want), (what), __FILE__, __LINE__)
#define CHECK_STR_AT(got, want, what) unit_check_str((got), (want), (what), __FILE__, __LINE__)

static void test_parse(void)
{
	static const struct {
		const char *in;
		int rc;
		enum proxy_kind kind;
		const char *host, *port, *user, *pass;
	} cases[] = {
	    {"socks5://127.0.0.1:1080", 0, PROXY_SOCKS5, "127.0.0.1", "1080", "", ""},
	    {"SOCKS5H://proxy.example:9050/", 0, PROXY_SOCKS5H, "proxy.example", "9050", "",
	     ""},
	    {"socks4://10.0.0.1", 0, PROXY_SOCKS4, "10.0.0.1", "1080", "", ""},
	    {"socks4a://[::1]:1", 0, PROXY_SOCKS4A, "::1", "1", "", ""},
	    {"http://[::1]", 0, PROXY_HTTP, "::1", "1080", "", ""},
	    {"proxy:3128", 0, PROXY_HTTP, "proxy", "3128", "", ""},
	    {"http://al%40x:p%3Ass@h:8", 0, PROXY_HTTP, "h", "8", "al@x", "p:ss"},
	    {"socks5://u@h", 0, PROXY_SOCKS5, "h", "1080", "u", ""},
	    {"", 0, PROXY_NONE, "", "", "", ""},
	    {"https://h:443", -1, 0, NULL, NULL, NULL, NULL},
	    {"ftp://h", -1, 0, NULL, NULL, NULL, NULL},
	    {"socks5://", -1, 0, NULL, NULL, NULL, NULL},
	    {"socks5://h:0", -1, 0, NULL, NULL, NULL, NULL},
	    {"socks5://h:65536", -1, 0, NULL, NULL, NULL, NULL},
	    {"socks5://h:12345678", -1, 0, NULL, NULL, NULL, NULL},
	    {"socks5://h:x", -1, 0, NULL, NULL, NULL, NULL},
	    {"socks5://h/path", -1, 0, NULL, NULL, NULL, NULL},
	    {"socks5://[::1", -1, 0, NULL, NULL, NULL, NULL},
	    {"socks5://[::1]x", -1, 0, NULL, NULL, NULL, NULL},
	    {"socks5://h :1", -1, 0, NULL, NULL, NULL, NULL},
	    {"socks5://:pw@h", -1, 0, NULL, NULL, NULL, NULL},
	    {"socks5://u%4@h", -1, 0, NULL, NULL, NULL, NULL},
	    {"socks5://u%00@h", -1, 0, NULL, NULL, NULL, NULL},
	};
	struct proxy p;
	const char *err;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int rc = proxy_parse(&p, cases[i].in, &err);

		CHECK_INT_AT(rc, cases[i].rc, cases[i].in);
		if (rc < 0 || cases[i].rc < 0)
			continue;
		CHECK_INT_AT(p.kind, cases[i].kind, cases[i].in);
		CHECK_STR_AT(p.host, cases[i].host, cases[i].in);
		CHECK_STR_AT(p.port, cases[i].port, cases[i].in);
		CHECK_STR_AT(p.user, cases[i].user, cases[i].in);
		CHECK_STR_AT(p.pass, cases[i].pass, cases[i].in);
		CHECK_INT_AT(p.has_user, cases[i].user[0] != '\0', cases[i].in);
	}
	CHECK_INT(proxy_parse(&p, "https://h", &err), -1);
	CHECK_STR(err, "https proxies need TLS, which sockit has not (use curl)");
}

static void test_user(void)
{
	char longname[300];
	struct proxy p = {0};
	const char *err;

	CHECK_INT(proxy_set_user(&p, "alice:se:cret", &err), 0);
	CHECK_STR(p.user, "alice");
	CHECK_STR(p.pass, "se:cret");
	CHECK_INT(proxy_set_user(&p, "bob", &err), 0);
	CHECK_STR(p.pass, "");
	CHECK_INT(proxy_set_user(&p, ":x", &err), -1);
	CHECK_STR(err, "empty user name");
	memset(longname, 'a', 256);
	longname[256] = '\0';
	CHECK_INT(proxy_set_user(&p, longname, &err), -1);
	longname[255] = '\0';
	CHECK_INT(proxy_set_user(&p, longname, &err), 0);
}

/* The password as proxy_parse finds it, shown as *** and blanked in place; nothing else. */
static void test_redact(void)
{
	static const struct {
		const char *url, *shown, *blanked;
	} cases[] = {
	    {"http://alice:S3cret@127.0.0.1:3128", "http://alice:***@127.0.0.1:3128",
	     "http://alice:******@127.0.0.1:3128"},
	    {"socks5://al@ice:p@ss@h:0", "socks5://al@ice:***@h:0", "socks5://al@ice:****@h:0"},
	    {"u:p:q@h", "u:***@h", "u:***@h"},
	    {"ftp://a:b c@h", "ftp://a:***@h", "ftp://a:***@h"},
	    {"socks5://u@h", "socks5://u@h", "socks5://u@h"},
	    {"socks5://u:@h", "socks5://u:@h", "socks5://u:@h"},
	    {"http://h:3128", "http://h:3128", "http://h:3128"},
	    {"", "", ""},
	};
	char shown[64], buf[64];

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		CHECK_STR_AT(proxy_redact(shown, sizeof shown, cases[i].url), cases[i].shown,
		             cases[i].url);
		snprintf(buf, sizeof buf, "%s", cases[i].url);
		proxy_blank_password(buf, false);
		CHECK_STR_AT(buf, cases[i].blanked, cases[i].url);
	}
	CHECK_STR(proxy_redact(shown, 12, "http://a:b@h"), "http://a:**");
	snprintf(buf, sizeof buf, "alice:se:cret");
	proxy_blank_password(buf, true);
	CHECK_STR(buf, "alice:*******");
	snprintf(buf, sizeof buf, "bob");
	proxy_blank_password(buf, true);
	CHECK_STR(buf, "bob");
}

static void test_no_proxy(void)
{
	static const struct {
		const char *list, *host;
		bool match;
	} cases[] = {
	    {"*", "anything.example", true},
	    {"example.com", "example.com", true},
	    {"example.com", "www.EXAMPLE.com", true},
	    {"example.com", "www.example.com.", true},
	    {".example.com", "www.example.com", true},
	    {".example.com", "example.com", true},
	    {"example.com", "badexample.com", false},
	    {"example.com", "example.com.evil", false},
	    {"a, b ,localhost", "localhost", true},
	    {"a,,b", "c", false},
	    {"", "localhost", false},
	    {"127.0.0.1", "127.0.0.1", true},
	    {"127.0.0.0/8", "127.9.9.9", true},
	    {"10.0.0.0/8", "127.0.0.1", false},
	    {"[::1]", "::1", true},
	    {"::1", "::1", true},
	    {"0.0.0.1", "localhost1", false},
	    {"localhost", "127.0.0.1", false}, /* a name never matches an address */
	    {"*.example.com", "www.example.com", false},
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		CHECK_INT_AT(proxy_no_proxy(cases[i].list, cases[i].host), cases[i].match,
		             cases[i].list);
	CHECK(!proxy_no_proxy(NULL, "localhost"));
}

static void test_auth_header(void)
{
	char buf[PROXY_AUTH_MAX];
	struct proxy p = {0};
	const char *err;

	CHECK_INT(proxy_auth_header(buf, sizeof buf, &p), 0);
	proxy_set_user(&p, "Aladdin:open sesame", &err); /* RFC 7617's example */
	CHECK_INT(proxy_auth_header(buf, sizeof buf, &p), 55);
	CHECK_STR(buf, "Proxy-Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
	proxy_set_user(&p, "ab:", &err);
	proxy_auth_header(buf, sizeof buf, &p);
	CHECK_STR(buf, "Proxy-Authorization: Basic YWI6");
	proxy_set_user(&p, "a:", &err);
	proxy_auth_header(buf, sizeof buf, &p);
	CHECK_STR(buf, "Proxy-Authorization: Basic YTo=");
}

/* ---- handshakes ----------------------------------------------------------------------- */

static struct proxy px(const char *url, const char *user)
{
	struct proxy p;
	const char *err;

	proxy_parse(&p, url, &err);
	if (user)
		proxy_set_user(&p, user, &err);
	return p;
}

/* The request is exactly want; then it is sent. */
static void sends(struct proxy_hs *h, const void *want, size_t len, int line)
{
	unit_check_int(h->step, PROXY_SEND, "step (SEND)", __FILE__, line);
	unit_check_mem(h->out, h->outlen, want, len, "request", __FILE__, line);
	proxy_hs_sent(h);
	unit_check_int(h->step, PROXY_RECV, "step (RECV)", __FILE__, line);
}
#define SENDS(h, bytes) sends((h), (bytes), sizeof(bytes) - 1, __LINE__)

static void test_socks5(void)
{
	struct proxy p = px("socks5://127.0.0.1:1080", NULL);
	struct proxy_hs h;
	const char *err;

	CHECK_INT(proxy_hs_init(&h, &p, "10.0.0.1", 80, &err), 0);
	SENDS(&h, "\x05\x01\x00");
	CHECK_INT(h.want, 2);
	CHECK_INT(proxy_hs_feed(&h, "\x05", 1), 1);
	CHECK_INT(h.want, 1);
	CHECK_INT(proxy_hs_feed(&h, "\x00", 1), 1);
	CHECK_STR(h.note, "SOCKS5 method: no authentication");
	SENDS(&h, "\x05\x01\x00\x01\x0a\x00\x00\x01\x00\x50");
	CHECK_INT(h.want, 5);
	/* the reply, then the target's first bytes: those are left alone */
	CHECK_INT(proxy_hs_feed(&h,
	                        "\x05\x00\x00\x01\x7f\x00\x00\x01\x04\x38"
	                        "HELLO",
	                        15),
	          10);
	CHECK_INT(h.step, PROXY_DONE);
	CHECK_STR(h.note, "SOCKS5 reply 0: succeeded, bound 127.0.0.1:1080");
	CHECK_INT(proxy_hs_feed(&h, "x", 1), 0);
	proxy_hs_free(&h);
}

static void test_socks5_auth_name(void)
{
	struct proxy p = px("socks5h://127.0.0.1:1080", "user:pw");
	struct proxy_hs h;
	const char *err;

	CHECK_INT(proxy_hs_init(&h, &p, "localhost", 8080, &err), 0);
	SENDS(&h, "\x05\x02\x00\x02");
	proxy_hs_feed(&h, "\x05\x02", 2);
	SENDS(&h, "\x01\x04user\x02pw");
	proxy_hs_feed(&h, "\x01\x00", 2);
	CHECK_STR(h.note, "SOCKS5 authentication accepted");
	SENDS(&h, "\x05\x01\x00\x03\x09localhost\x1f\x90");
	/* a bound name: the length is known after the fifth byte */
	CHECK_INT(proxy_hs_feed(&h, "\x05\x00\x00\x03\x03", 5), 5);
	CHECK_INT(h.want, 5);
	CHECK_INT(proxy_hs_feed(&h, "abc\x00\x01zz", 7), 5);
	CHECK_INT(h.step, PROXY_DONE);
	CHECK_STR(h.note, "SOCKS5 reply 0: succeeded, bound abc:1");

	CHECK_INT(proxy_hs_init(&h, &p, "::1", 22, &err), 0);
	proxy_hs_sent(&h);
	proxy_hs_feed(&h, "\x05\x00", 2); /* no authentication after all */
	SENDS(&h, "\x05\x01\x00\x04\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x01\x00\x16");
	CHECK_INT(proxy_hs_feed(&h, "\x05\x00\x00\x04\0", 5), 5);
	CHECK_INT(h.want, 17);
}

/* A handshake through p to host:port fed reply (all at once) ends with step and msg. */
static void verdict(const char *url, const char *user, const char *host, const void *reply,
                    size_t len, bool eof, enum proxy_step step, const char *msg, int line)
{
	struct proxy p = px(url, user);
	const uint8_t *r = reply;
	struct proxy_hs h;
	const char *err;

	unit_check_int(proxy_hs_init(&h, &p, host, 80, &err), 0, "init", __FILE__, line);
	while (h.step == PROXY_SEND || h.step == PROXY_RECV) {
		if (h.step == PROXY_SEND) {
			proxy_hs_sent(&h);
		} else if (len > 0) {
			size_t used = proxy_hs_feed(&h, r, len);
			r += used;
			len -= used;
		} else if (eof) {
			proxy_hs_eof(&h);
		} else {
			break;
		}
	}
	unit_check_int(h.step, step, "step", __FILE__, line);
	unit_check_str(h.msg, msg, "msg", __FILE__, line);
	proxy_hs_free(&h);
}
#define VERDICT(url, user, host, reply, eof, step, msg)                                        \
	verdict(url, user, host, reply, sizeof(reply) - 1, eof, step, msg, __LINE__)

static void test_refusals(void)
{
	static const char s5[] = "socks5://127.0.0.1:1080", s4[] = "socks4a://127.0.0.1:1080";

	VERDICT(
	    s5, NULL, "10.0.0.1", "\x05\x00\x05\x05\x00\x01\0\0\0\0\0\0", false, PROXY_REFUSED,
	    "proxy 127.0.0.1:1080 refused 10.0.0.1:80: connection refused (SOCKS5 reply 5)");
	VERDICT(s5, NULL, "10.0.0.1", "\x05\x00\x05\x02\x00\x01\0\0\0\0\0\0", false,
	        PROXY_REFUSED,
	        "proxy 127.0.0.1:1080 refused 10.0.0.1:80: connection not allowed by ruleset "
	        "(SOCKS5 reply 2)");
	VERDICT(
	    s5, NULL, "10.0.0.1", "\x05\x00\x05\x09\x00\x01\0\0\0\0\0\0", false, PROXY_REFUSED,
	    "proxy 127.0.0.1:1080 refused 10.0.0.1:80: unassigned reply code (SOCKS5 reply 9)");
	/* the refusal came, its bound address did not */
	VERDICT(s5, NULL, "10.0.0.1", "\x05\x00\x05\x04", true, PROXY_REFUSED,
	        "proxy 127.0.0.1:1080 refused 10.0.0.1:80: host unreachable (SOCKS5 reply 4)");
	VERDICT(s5, NULL, "h", "\x05\xff", false, PROXY_AUTH,
	        "proxy authentication failed (it wants a user: --proxy-user)");
	VERDICT(s5, "u:p", "h", "\x05\xff", false, PROXY_AUTH, "proxy authentication failed");
	VERDICT(s5, "u:p", "h", "\x05\x02\x01\x01", false, PROXY_AUTH,
	        "proxy authentication failed");
	VERDICT(s5, NULL, "h", "\x05\x02", false, PROXY_BAD,
	        "proxy 127.0.0.1:1080: chose SOCKS5 method 2, which was not offered");
	VERDICT(s5, NULL, "h", "\x04\x00", false, PROXY_BAD,
	        "proxy 127.0.0.1:1080: not a SOCKS5 reply (version 4)");
	VERDICT(s5, NULL, "h", "\x05\x00\x05\x00\x00\x07\x00", false, PROXY_BAD,
	        "proxy 127.0.0.1:1080: SOCKS5 reply with address type 7");
	VERDICT(s5, NULL, "h", "\x05", true, PROXY_BAD,
	        "proxy 127.0.0.1:1080 closed the connection during the SOCKS5 handshake");
	VERDICT(s5, NULL, "h", "", true, PROXY_BAD,
	        "proxy 127.0.0.1:1080 closed the connection during the SOCKS5 handshake");

	VERDICT(s4, NULL, "10.1.2.3", "\x00\x5a\0\0\0\0\0\0", false, PROXY_DONE, "");
	VERDICT(s4, NULL, "10.1.2.3", "\x00\x5b\0\0\0\0\0\0", false, PROXY_REFUSED,
	        "proxy 127.0.0.1:1080 refused 10.1.2.3:80: request rejected or failed "
	        "(SOCKS4a reply 91)");
	VERDICT(s4, NULL, "h", "\x00\x5c\0\0\0\0\0\0", false, PROXY_REFUSED,
	        "proxy 127.0.0.1:1080 refused h:80: request rejected: the proxy cannot reach "
	        "identd here (SOCKS4a reply 92)");
	VERDICT(s4, NULL, "h", "\x00\x5d\0\0\0\0\0\0", false, PROXY_REFUSED,
	        "proxy 127.0.0.1:1080 refused h:80: request rejected: identd reports another "
	        "user id (SOCKS4a reply 93)");
	VERDICT(s4, NULL, "h", "\x04\x5a\0\0\0\0\0\0", false, PROXY_BAD,
	        "proxy 127.0.0.1:1080: not a SOCKS4 reply (version 4)");
	VERDICT(s4, NULL, "h", "\x00\x01\0\0\0\0\0\0", false, PROXY_BAD,
	        "proxy 127.0.0.1:1080: unknown SOCKS4 reply code 1");
	VERDICT(s4, NULL, "h", "\x00\x5a\0\0", true, PROXY_BAD,
	        "proxy 127.0.0.1:1080 closed the connection during the SOCKS4a handshake");
}

static void test_socks4_requests(void)
{
	struct proxy p4 = px("socks4://h", "bob:ignored"), p4a = px("socks4a://h", NULL);
	struct proxy_hs h;
	const char *err;

	CHECK_INT(proxy_hs_init(&h, &p4, "10.1.2.3", 443, &err), 0);
	SENDS(&h, "\x04\x01\x01\xbb\x0a\x01\x02\x03"
	          "bob\0");
	CHECK_INT(h.want, 8);
	CHECK_INT(proxy_hs_init(&h, &p4a, "example.org", 80, &err), 0);
	SENDS(&h, "\x04\x01\x00\x50\0\0\0\x01\0example.org\0");
	CHECK_INT(proxy_hs_init(&h, &p4a, "10.1.2.3", 80, &err), 0);
	SENDS(&h, "\x04\x01\x00\x50\x0a\x01\x02\x03\0");
	CHECK_INT(proxy_hs_init(&h, &p4, "::1", 80, &err), -1);
	CHECK_STR(err, "a SOCKS4 proxy reaches IPv4 addresses only");
	CHECK_INT(proxy_hs_init(&h, &p4a, "::1", 80, &err), -1);
	CHECK_INT(proxy_hs_init(&h, &p4, "name", 80, &err), -1);
	CHECK_INT(proxy_hs_init(&h, &p4a, "a b", 80, &err), -1);
	CHECK_STR(err, "space or control byte in host name");
}

static void test_long_name(void)
{
	struct proxy p = px("socks5h://h", NULL);
	char name[300];
	struct proxy_hs h;
	const char *err;

	memset(name, 'a', 256);
	name[256] = '\0';
	CHECK_INT(proxy_hs_init(&h, &p, name, 80, &err), -1);
	CHECK_STR(err, "host name too long for a proxy (at most 255 bytes)");
	name[255] = '\0';
	CHECK_INT(proxy_hs_init(&h, &p, name, 80, &err), 0);
	CHECK_INT(h.outlen, 3); /* the greeting; CONNECT carries a 255-byte name later */
	proxy_hs_sent(&h);
	proxy_hs_feed(&h, "\x05\x00", 2);
	CHECK_INT(h.outlen, 4 + 1 + 255 + 2);
}

static void test_http(void)
{
	static const char reply[] =
	    "HTTP/1.1 200 Connection established\r\nVia: x\r\n\r\nSSH-2.0";
	struct proxy p = px("http://127.0.0.1:3128", "Aladdin:open sesame");
	struct proxy_hs h;
	const char *err;

	CHECK_INT(proxy_hs_init(&h, &p, "::1", 22, &err), 0);
	SENDS(
	    &h,
	    "CONNECT [::1]:22 HTTP/1.1\r\nHost: [::1]:22\r\nUser-Agent: sockit/" SOCKIT_VERSION
	    "\r\nProxy-Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n\r\n");
	CHECK_INT(h.want, 1);
	CHECK_INT(proxy_hs_feed(&h, reply, sizeof reply - 1), sizeof reply - 1 - 7);
	CHECK_INT(h.step, PROXY_DONE);
	proxy_hs_free(&h);

	p = px("http://h:1", NULL); /* no user: no Proxy-Authorization */
	CHECK_INT(proxy_hs_init(&h, &p, "example.org", 80, &err), 0);
	SENDS(&h, "CONNECT example.org:80 HTTP/1.1\r\nHost: example.org:80\r\nUser-Agent: "
	          "sockit/" SOCKIT_VERSION "\r\n\r\n");
	proxy_hs_free(&h);

	VERDICT("http://h:1", NULL, "t", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.0 200 OK\r\n\r\n",
	        false, PROXY_DONE, "");
	VERDICT("http://h:1", NULL, "t",
	        "HTTP/1.1 403 Forbidden\r\nContent-Length: 3\r\n\r\nno!", false, PROXY_REFUSED,
	        "proxy said 403 Forbidden");
	VERDICT("http://h:1", NULL, "t", "HTTP/1.1 502 \r\n\r\n", false, PROXY_REFUSED,
	        "proxy said 502");
	VERDICT("http://h:1", "u:p", "t", "HTTP/1.1 407 Proxy Authentication Required\r\n\r\n",
	        false, PROXY_AUTH, "proxy authentication failed");
	VERDICT("http://h:1", "u:p", "t", "HTTP/1.0 401 Unauthorized\r\n\r\n", false,
	        PROXY_AUTH, "proxy authentication failed");
	VERDICT("http://h:1", NULL, "t", "SSH-2.0-OpenSSH\r\n\r\n", false, PROXY_BAD,
	        "proxy h:1: bad status line");
	VERDICT("http://h:1", NULL, "t", "HTTP/1.1 200 OK\r\n", true, PROXY_BAD,
	        "proxy h:1 closed the connection during the HTTP CONNECT handshake");
}

void suite_proxy(void);
void suite_proxy(void)
{
	test_parse();
	test_user();
	test_redact();
	test_no_proxy();
	test_auth_header();
	test_socks5();
	test_socks5_auth_name();
	test_refusals();
	test_socks4_requests();
	test_long_name();
	test_http();
}
