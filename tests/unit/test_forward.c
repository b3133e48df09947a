/* test_forward.c: unit tests of forward.c's pure part: --to targets, and the PROXY
 * protocol headers (v1 text, v2 binary) for IPv4, IPv6, IPv4-mapped and unknown origins. */
#include "forward.h"
#include "unit.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

static struct sockaddr_in v4(const char *a, unsigned port)
{
	struct sockaddr_in s = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	inet_pton(AF_INET, a, &s.sin_addr);
	return s;
}

static struct sockaddr_in6 v6(const char *a, unsigned port)
{
	struct sockaddr_in6 s = {.sin6_family = AF_INET6, .sin6_port = htons((uint16_t)port)};
	inet_pton(AF_INET6, a, &s.sin6_addr);
	return s;
}

static void test_targets(void)
{
	static const struct {
		const char *in;
		int rc;
		const char *host, *port, *path;
	} cases[] = {
	    {"127.0.0.1:80", 0, "127.0.0.1", "80", NULL},
	    {"[::1]:8080", 0, "::1", "8080", NULL},
	    {"example.org:http", 0, "example.org", "http", NULL},
	    {"unix:/run/x.sock", 0, "", "", "/run/x.sock"},
	    {"unix:", -1, NULL, NULL, NULL},
	    {"host", -1, NULL, NULL, NULL},
	    {":80", -1, NULL, NULL, NULL},
	    {"host:0", -1, NULL, NULL, NULL},
	    {"host:99999", -1, NULL, NULL, NULL},
	};
	char err[NET_ERR_LEN];
	struct forward_target t;

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		int rc = forward_parse_target(err, cases[i].in, &t);
		CHECK_INT(rc, cases[i].rc);
		if (rc < 0)
			continue;
		CHECK_STR(t.host, cases[i].host);
		CHECK_STR(t.port, cases[i].port);
		CHECK_STR(t.path, cases[i].path);
		CHECK_STR(t.spec, cases[i].in);
	}
}

static void test_v1(void)
{
	char buf[128];
	struct sockaddr_in s = v4("192.0.2.1", 51000), d = v4("198.51.100.2", 443);
	struct sockaddr_in6 s6 = v6("2001:db8::1", 1), d6 = v6("2001:db8::2", 65535);
	struct sockaddr_in6 m = v6("::ffff:192.0.2.9", 7);
	struct sockaddr u = {.sa_family = AF_UNIX};
	size_t n;

	n = forward_proxy_header(buf, sizeof buf, 1, (struct sockaddr *)&s,
	                         (struct sockaddr *)&d);
	CHECK_MEM(buf, n, "PROXY TCP4 192.0.2.1 198.51.100.2 51000 443\r\n", 45);
	n = forward_proxy_header(buf, sizeof buf, 1, (struct sockaddr *)&s6,
	                         (struct sockaddr *)&d6);
	CHECK_MEM(buf, n, "PROXY TCP6 2001:db8::1 2001:db8::2 1 65535\r\n", 44);
	/* a dual-stack listener's IPv4 client: both ends shown as IPv4 */
	struct sockaddr_in6 md = v6("::ffff:192.0.2.10", 80);
	n = forward_proxy_header(buf, sizeof buf, 1, (struct sockaddr *)&m,
	                         (struct sockaddr *)&md);
	CHECK_MEM(buf, n, "PROXY TCP4 192.0.2.9 192.0.2.10 7 80\r\n", 38);
	n = forward_proxy_header(buf, sizeof buf, 1, &u, &u);
	CHECK_MEM(buf, n, "PROXY UNKNOWN\r\n", 15);
	/* mixed families: unknown */
	n = forward_proxy_header(buf, sizeof buf, 1, (struct sockaddr *)&s,
	                         (struct sockaddr *)&d6);
	CHECK_MEM(buf, n, "PROXY UNKNOWN\r\n", 15);
	CHECK_INT(
	    forward_proxy_header(buf, 10, 1, (struct sockaddr *)&s, (struct sockaddr *)&d), 0);
}

static void test_v2(void)
{
	unsigned char buf[128];
	static const unsigned char want4[] = {
	    0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A, 0x21, 0x11,
	    0x00, 0x0C, 192,  0,    2,    1,    198,  51,   100,  2,    0xC7, 0x38, 0x01, 0xBB};
	static const unsigned char want_local[] = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D,
	                                           0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A,
	                                           0x20, 0x00, 0x00, 0x00};
	struct sockaddr_in s = v4("192.0.2.1", 51000), d = v4("198.51.100.2", 443);
	struct sockaddr_in6 s6 = v6("2001:db8::1", 1), d6 = v6("2001:db8::2", 2);
	struct sockaddr u = {.sa_family = AF_UNIX};
	size_t n;

	n = forward_proxy_header(buf, sizeof buf, 2, (struct sockaddr *)&s,
	                         (struct sockaddr *)&d);
	CHECK_MEM(buf, n, want4, sizeof want4);
	n = forward_proxy_header(buf, sizeof buf, 2, (struct sockaddr *)&s6,
	                         (struct sockaddr *)&d6);
	CHECK_INT(n, 16 + 36);
	CHECK_INT(buf[13], 0x21);
	CHECK_INT(buf[15], 36);
	CHECK_INT(buf[16], 0x20);
	CHECK_INT(buf[16 + 32 + 1], 1);
	CHECK_INT(buf[16 + 34 + 1], 2);
	n = forward_proxy_header(buf, sizeof buf, 2, &u, &u);
	CHECK_MEM(buf, n, want_local, sizeof want_local);
	CHECK_INT(
	    forward_proxy_header(buf, 20, 2, (struct sockaddr *)&s, (struct sockaddr *)&d), 0);
}

static void test_target_words(void)
{
	char buf[128], small[12];

	CHECK_STR(forward_target_words(
	              buf, sizeof buf,
	              "self-signed certificate: trust it with --cacert FILE or --pin"),
	          "self-signed certificate: trust it with --to-cacert FILE or --pin");
	CHECK_STR(forward_target_words(buf, sizeof buf, "cannot use --cert a.pem: no; --key k"),
	          "cannot use --to-cert a.pem: no; --to-key k");
	CHECK_STR(forward_target_words(buf, sizeof buf, "--certs and --key-file stay, --key"),
	          "--certs and --key-file stay, --to-key");
	CHECK_STR(forward_target_words(buf, sizeof buf, ""), "");
	/* truncated, never overrun */
	CHECK_STR(forward_target_words(small, sizeof small, "use --cacert F"), "use --to-ca");
}

void suite_forward(void);
void suite_forward(void)
{
	test_targets();
	test_v1();
	test_v2();
	test_target_words();
}
