/* test_net.c: unit tests of the pure part of net.c: CIDR parsing, matching, access lists;
 * and net_poll, the one wait until a deadline. */
#include "clock.h"
#include "net.h"
#include "unit.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#define CHECK_INT_AT(got, want, what) unit_check_int((got), (want), (what), __FILE__, __LINE__)

static const char *label(const char *fn, const char *a, const char *b)
{
	static char buf[200];

	snprintf(buf, sizeof buf, "%s(\"%.80s\"%s%.80s%s)", fn, a, b ? ", \"" : "", b ? b : "",
	         b ? "\"" : "");
	return buf;
}

/* A peer address as accept() would give it: sockaddr_in for dotted quads, else in6. */
union peer {
	struct sockaddr sa;
	struct sockaddr_in in;
	struct sockaddr_in6 in6;
	struct sockaddr_storage ss;
};

static union peer peer(const char *text)
{
	union peer p;

	memset(&p, 0, sizeof p);
	if (inet_pton(AF_INET, text, &p.in.sin_addr) == 1) {
		p.in.sin_family = AF_INET;
		p.in.sin_port = htons(4242);
	} else if (inet_pton(AF_INET6, text, &p.in6.sin6_addr) == 1) {
		p.in6.sin6_family = AF_INET6;
		p.in6.sin6_port = htons(4242);
	} else {
		p.sa.sa_family =
		    AF_UNSPEC; /* a test typo: matches nothing, so it fails loudly */
	}
	return p;
}

static void test_cidr_parse(void)
{
	static const struct {
		const char *in;
		int rc, family, bits;
		unsigned char first, last; /* addr[0] and the last byte of the family */
	} cases[] = {
	    {"10.0.0.0/8", 0, AF_INET, 8, 10, 0},
	    {"192.168.1.7/24", 0, AF_INET, 24, 192, 7},
	    {"1.2.3.4", 0, AF_INET, 32, 1, 4},
	    {"0.0.0.0/0", 0, AF_INET, 0, 0, 0},
	    {"1.2.3.4/32", 0, AF_INET, 32, 1, 4},
	    {"::1/128", 0, AF_INET6, 128, 0, 1},
	    {"::1", 0, AF_INET6, 128, 0, 1},
	    {"fe80::/10", 0, AF_INET6, 10, 0xfe, 0},
	    {"::/0", 0, AF_INET6, 0, 0, 0},
	    {"::ffff:10.0.0.1/104", 0, AF_INET6, 104, 0, 1},
	    {"1.2.3.4/33", -1, 0, 0, 0, 0},
	    {"::1/129", -1, 0, 0, 0, 0},
	    {"1.2.3.4/", -1, 0, 0, 0, 0},
	    {"1.2.3.4/x", -1, 0, 0, 0, 0},
	    {"1.2.3.4/-1", -1, 0, 0, 0, 0},
	    {"1.2.3.4/+8", -1, 0, 0, 0, 0},
	    {"1.2.3.4/8/8", -1, 0, 0, 0, 0},
	    {"1.2.3.4 /8", -1, 0, 0, 0, 0},
	    {"/8", -1, 0, 0, 0, 0},
	    {"1.2.3/24", -1, 0, 0, 0, 0},
	    {"256.1.1.1", -1, 0, 0, 0, 0},
	    {"localhost", -1, 0, 0, 0, 0},
	    {"garbage/12", -1, 0, 0, 0, 0},
	    {"::1%lo", -1, 0, 0, 0, 0},
	    {"", -1, 0, 0, 0, 0},
	    {"/", -1, 0, 0, 0, 0},
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct net_cidr c;
		int rc = net_cidr_parse(cases[i].in, &c);

		CHECK_INT_AT(rc, cases[i].rc, label("net_cidr_parse", cases[i].in, NULL));
		if (rc != 0 || cases[i].rc != 0)
			continue;
		CHECK_INT_AT(c.family, cases[i].family, label("family", cases[i].in, NULL));
		CHECK_INT_AT(c.bits, cases[i].bits, label("bits", cases[i].in, NULL));
		CHECK_INT_AT(c.addr[0], cases[i].first, label("addr[0]", cases[i].in, NULL));
		CHECK_INT_AT(c.addr[c.family == AF_INET ? 3 : 15], cases[i].last,
		             label("last byte", cases[i].in, NULL));
	}
}

/* Longer than any address buffer: refused, not cut to something that parses. */
static void test_cidr_parse_long(void)
{
	char s[301];
	struct net_cidr c;

	memset(s, '1', sizeof s - 1);
	s[sizeof s - 1] = '\0';
	CHECK_INT(net_cidr_parse(s, &c), -1);
	memcpy(s, "10.0.0.0/", 9); /* a good address, then 291 digits of prefix */
	CHECK_INT(net_cidr_parse(s, &c), -1);
	memset(s, ':', sizeof s - 1);
	CHECK_INT(net_cidr_parse(s, &c), -1);
}

static void test_cidr_match(void)
{
	static const struct {
		const char *cidr, *peer;
		bool want;
	} cases[] = {
	    {"10.0.0.0/8", "10.1.2.3", true},
	    {"10.0.0.0/8", "11.0.0.0", false},
	    {"10.0.0.0/8", "9.255.255.255", false},
	    {"127.0.0.0/8", "::ffff:127.0.0.1", true}, /* a dual-stack socket's IPv4 peer */
	    {"127.0.0.0/8", "::ffff:128.0.0.1", false},
	    {"127.0.0.0/8", "::127.0.0.1", false}, /* IPv4-compatible is not mapped */
	    {"127.0.0.1", "127.0.0.1", true},
	    {"127.0.0.1", "127.0.0.2", false},
	    {"0.0.0.0/0", "203.0.113.9", true},
	    {"0.0.0.0/0", "::ffff:203.0.113.9", true},
	    {"0.0.0.0/0", "::1", false}, /* an IPv4 entry never matches a real IPv6 peer */
	    {"::/0", "2001:db8::1", true},
	    {"::/0", "10.0.0.1", false}, /* an IPv6 entry never matches an IPv4 peer */
	    {"::1/128", "::1", true},
	    {"::1/128", "::2", false},
	    {"::1", "127.0.0.1", false},
	    {"::1", "::ffff:127.0.0.1", false},
	    /* prefixes that end inside a byte */
	    {"10.128.0.0/9", "10.128.0.1", true},
	    {"10.128.0.0/9", "10.255.255.255", true},
	    {"10.128.0.0/9", "10.127.255.255", false},
	    {"10.0.0.0/9", "10.127.0.1", true},
	    {"10.0.0.0/9", "10.128.0.1", false},
	    {"192.168.1.4/30", "192.168.1.7", true},
	    {"192.168.1.4/30", "192.168.1.8", false},
	    {"192.168.1.4/31", "192.168.1.5", true},
	    {"192.168.1.4/31", "192.168.1.6", false},
	    {"::/127", "::1", true},
	    {"::/127", "::2", false},
	    {"::2/127", "::3", true},
	    {"fe80::/10", "fe80::1", true},
	    {"fe80::/10", "febf::1", true},
	    {"fe80::/10", "fec0::1", false},
	    {"2001:db8::/32", "2001:db8:ffff::1", true},
	    {"2001:db8::/32", "2001:db9::1", false},
	    /* an entry written as a mapped IPv6 prefix matches mapped peers */
	    {"::ffff:10.0.0.0/104", "::ffff:10.9.9.9", true},
	    {"::ffff:10.0.0.0/104", "::ffff:11.0.0.1", false},
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct net_cidr c;
		union peer p = peer(cases[i].peer);

		CHECK_INT_AT(net_cidr_parse(cases[i].cidr, &c), 0,
		             label("net_cidr_parse", cases[i].cidr, NULL));
		CHECK_INT_AT(net_cidr_match(&c, &p.sa), cases[i].want,
		             label("net_cidr_match", cases[i].cidr, cases[i].peer));
	}
}

/* A UNIX-domain peer has no address to match: no entry takes it. */
static void test_cidr_match_unix(void)
{
	struct sockaddr_un sun;
	struct net_cidr c;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	CHECK_INT(net_cidr_parse("0.0.0.0/0", &c), 0);
	CHECK(!net_cidr_match(&c, (struct sockaddr *)&sun));
	CHECK_INT(net_cidr_parse("::/0", &c), 0);
	CHECK(!net_cidr_match(&c, (struct sockaddr *)&sun));
}

/* Parses a NULL-ended list of entries into out; returns how many. */
static size_t fill(struct net_cidr *out, size_t cap, const char *const *list)
{
	size_t n = 0;

	for (; list && *list && n < cap; list++)
		if (net_cidr_parse(*list, &out[n]) == 0)
			n++;
		else
			CHECK_INT_AT(-1, 0, label("net_cidr_parse", *list, NULL));
	return n;
}

static void test_acl(void)
{
	static const char *const none[] = {NULL};
	static const char *const lan[] = {"10.0.0.0/8", "::1", NULL};
	static const char *const lo4[] = {"127.0.0.0/8", NULL};
	static const char *const one[] = {"10.0.0.7", NULL};
	static const char *const all[] = {"0.0.0.0/0", "::/0", NULL};
	static const struct {
		const char *const *allow, *const *deny;
		const char *peer;
		bool want;
	} cases[] = {
	    {none, none, "203.0.113.1", true}, /* no lists: everyone */
	    {none, none, "::1", true},
	    {lan, none, "10.0.0.7", true},
	    {lan, none, "::1", true},
	    {lan, none, "::ffff:10.0.0.7", true},
	    {lan, none, "192.168.0.1", false}, /* an allow list: only those */
	    {lan, none, "::2", false},
	    {lan, one, "10.0.0.7", false}, /* deny wins over allow */
	    {lan, one, "::ffff:10.0.0.7", false},
	    {lan, one, "10.0.0.8", true},
	    {none, one, "10.0.0.7", false}, /* deny alone: everyone else */
	    {none, one, "10.0.0.8", true},
	    {none, lo4, "::ffff:127.0.0.1", false},
	    {none, lo4, "::1", true},
	    {all, all, "10.0.0.1", false},
	    {all, none, "2001:db8::1", true},
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct net_cidr allow[4], deny[4];
		struct net_acl acl = {.allow = allow, .deny = deny};
		union peer p = peer(cases[i].peer);

		acl.nallow = fill(allow, 4, cases[i].allow);
		acl.ndeny = fill(deny, 4, cases[i].deny);
		CHECK_INT_AT(net_acl_permits(&acl, &p.sa), cases[i].want,
		             label("net_acl_permits", cases[i].peer, NULL));
	}
}

static void on_alarm(int sig)
{
	(void)sig;
}

/* net_poll: a look, a wait that runs out, and signals in the middle that do not make the
 * wait longer or shorter than asked. */
static void test_poll(void)
{
	struct sigaction sa = {.sa_handler = on_alarm}, old; /* no SA_RESTART: EINTR */
	struct itimerval every = {{0, 10000}, {0, 10000}}, off = {{0, 0}, {0, 0}};
	int p[2];
	long long t0;

	CHECK_INT(pipe(p), 0);
	CHECK_INT(net_poll(p[0], POLLIN, 0), 0);
	t0 = clock_ms();
	CHECK_INT(net_poll(p[0], POLLIN, 30), 0);
	CHECK(clock_ms() - t0 >= 30);
	sigaction(SIGALRM, &sa, &old);
	setitimer(ITIMER_REAL, &every, NULL);
	t0 = clock_ms();
	CHECK_INT(net_poll(p[0], POLLIN, 100), 0);
	CHECK(clock_ms() - t0 >= 100 && clock_ms() - t0 < 2000);
	setitimer(ITIMER_REAL, &off, NULL);
	sigaction(SIGALRM, &old, NULL);
	CHECK_INT(write(p[1], "x", 1), 1);
	CHECK_INT(net_poll(p[0], POLLIN, -1), POLLIN);
	close(p[1]);
	close(p[0]);
}

void suite_net(void);
void suite_net(void)
{
	test_cidr_parse();
	test_cidr_parse_long();
	test_cidr_match();
	test_cidr_match_unix();
	test_acl();
	test_poll();
}
