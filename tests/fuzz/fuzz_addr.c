/* fuzz_addr.c: libFuzzer target: the parsers of what users type never misread or overrun. */
#include "net.h"
#include "parse.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Each parser gets a NUL-terminated copy of the input (an embedded NUL ends the string
 * there, as it would in argv). Beyond "no crash, no overrun", each result is checked
 * against the contract in parse.h and net.h, mostly by rebuilding the input from the
 * parts or by a plain model written differently from the parser.
 */

/* The contract of parse_count, read with strtoll: digits only, one '-' if allowed. */
static int model_count(const char *s, long long min, long long max, long long *out)
{
	const char *d = s[0] == '-' && min < 0 ? s + 1 : s;
	char *end;
	long long v;

	if (*d == '\0' || strspn(d, "0123456789") != strlen(d))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno == ERANGE || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static void check_count(const char *s)
{
	static const long long bounds[][2] = {
	    {0, 10}, {1, 65535}, {0, LLONG_MAX}, {LLONG_MIN, LLONG_MAX}, {-5, 5}, {16, 65536},
	};

	for (size_t i = 0; i < sizeof bounds / sizeof bounds[0]; i++) {
		long long got = 7, want = 7;
		int rc = parse_count(s, bounds[i][0], bounds[i][1], &got);

		if (rc != model_count(s, bounds[i][0], bounds[i][1], &want) || got != want)
			abort();
	}
}

static void check_ports(const char *s)
{
	unsigned lo = 0, hi = 0, p = 0, z = 0;
	int rc = parse_port_range(s, &lo, &hi);
	int rp = parse_port(s, false, &p), rz = parse_port(s, true, &z);

	if (rc == 0 && (lo < 1 || lo > hi || hi > 65535))
		abort();
	/* a single port is a range of one, and the two parsers agree on it */
	if (!strchr(s, '-') && (rc != rp || (rc == 0 && (lo != p || hi != p))))
		abort();
	if (rp == 0 && (p < 1 || p > 65535 || rz != 0 || z != p))
		abort();
	if (rz == 0 && z > 65535)
		abort();
	if (rz == 0 && rp != 0 && z != 0)
		abort();
	/* a service name is never a number */
	if (parse_is_service_name(s) && (rz == 0 || rc == 0 || strlen(s) > 32))
		abort();
}

/* Accepted exactly when the shape is digits, an optional '.' and digits, one digit at
 * least, at most 1e6 s; the value in ms is the seconds rounded up to a millisecond. */
static void check_seconds(const char *s)
{
	size_t whole = strspn(s, "0123456789"), frac = 0;
	bool shape = false;
	int ms = -1;
	int rc = parse_seconds(s, &ms);

	if (s[whole] == '.') {
		frac = strspn(s + whole + 1, "0123456789");
		shape = s[whole + 1 + frac] == '\0' && whole + frac > 0;
	} else {
		shape = s[whole] == '\0' && whole > 0;
	}
	if (!shape) {
		if (rc == 0)
			abort();
		return;
	}
	double v = strtod(s, NULL) * 1000;
	/* far from the 1e9 ms limit, doubles decide acceptance; near it, only ms is checked */
	if (v < 999999999.0 && rc != 0)
		abort();
	if (v > 1000000001.0 && rc == 0)
		abort();
	double slack = 1e-9 * v + 1e-6; /* what strtod may be off by */
	if (rc == 0 && (ms < 0 || ms > 1000000000 || ms + slack < v || ms - 1 > v + slack ||
	                (v > 0 && ms == 0)))
		abort();
}

/* host and port come back as s names them: "h:p", "[h]:p", "h" or "[h]". */
static void check_hostport_result(const char *s, int rc, const char *host, size_t hostcap,
                                  const char *port, size_t portcap)
{
	char again[2048];
	size_t hl, pl;

	if (rc < -1 || rc > 1)
		abort();
	if (rc < 0)
		return;
	hl = strnlen(host, hostcap);
	pl = strnlen(port, portcap);
	if (hl == hostcap || pl == portcap || hl == 0 || (rc == 1) != (pl > 0))
		abort();
	bool bracketed = s[0] == '[';
	if (bracketed && strchr(host, ']'))
		abort();
	if (!bracketed && rc == 1 && (strchr(host, ':') || strchr(port, ':')))
		abort();
	snprintf(again, sizeof again, "%s%s%s%s%s", bracketed ? "[" : "", host,
	         bracketed ? "]" : "", rc == 1 ? ":" : "", port);
	if (strcmp(again, s) != 0)
		abort();
}

static void check_hostport(const char *s, uint8_t sizes)
{
	char host[1025], port[64];
	size_t hostcap = 1 + sizes % 16, portcap = 1 + sizes / 16;
	/* exact-size heap buffers: ASan sees a write one byte past them */
	char *h = malloc(hostcap), *p = malloc(portcap);
	int big, small;

	if (!h || !p)
		abort();
	big = parse_hostport(s, host, sizeof host, port, sizeof port);
	check_hostport_result(s, big, host, sizeof host, port, sizeof port);
	small = parse_hostport(s, h, hostcap, p, portcap);
	check_hostport_result(s, small, h, hostcap, p, portcap);
	/* a smaller buffer only ever turns a success into a refusal */
	if (small >= 0 && (small != big || strcmp(h, host) != 0 || strcmp(p, port) != 0))
		abort();
	if (small < 0 && big >= 0 && strlen(host) < hostcap && strlen(port) < portcap)
		abort();
	free(h);
	free(p);
}

/* A fixed peer: sockaddr_in for dotted quads, sockaddr_in6 otherwise. */
static void make_peer(const char *text, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof *ss);
	if (inet_pton(AF_INET, text, &((struct sockaddr_in *)ss)->sin_addr) == 1)
		ss->ss_family = AF_INET;
	else if (inet_pton(AF_INET6, text, &((struct sockaddr_in6 *)ss)->sin6_addr) == 1)
		ss->ss_family = AF_INET6;
	else
		abort();
}

/* The first bits of a and b agree: the plain bit-by-bit reading of a prefix. */
static bool model_prefix(const unsigned char *a, const unsigned char *b, int bits)
{
	for (int i = 0; i < bits; i++) {
		int mask = 0x80 >> (i % 8);
		if ((a[i / 8] & mask) != (b[i / 8] & mask))
			return false;
	}
	return true;
}

static bool model_match(const struct net_cidr *c, const struct sockaddr_storage *ss)
{
	const unsigned char *a;
	int family = ss->ss_family;
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

	if (family == AF_INET) {
		a = (const unsigned char *)&((const struct sockaddr_in *)ss)->sin_addr;
	} else {
		a = ((const struct sockaddr_in6 *)ss)->sin6_addr.s6_addr;
		if (c->family == AF_INET && memcmp(a, mapped, 12) == 0) {
			a += 12;
			family = AF_INET;
		}
	}
	return family == c->family && model_prefix(c->addr, a, c->bits);
}

/* The entry's own address, as a peer of its family, with one bit flipped (bit < 0: none). */
static void own_peer(const struct net_cidr *c, int bit, struct sockaddr_storage *ss)
{
	unsigned char *a;

	memset(ss, 0, sizeof *ss);
	ss->ss_family = (sa_family_t)c->family;
	if (c->family == AF_INET)
		a = (unsigned char *)&((struct sockaddr_in *)ss)->sin_addr;
	else
		a = ((struct sockaddr_in6 *)ss)->sin6_addr.s6_addr;
	memcpy(a, c->addr, c->family == AF_INET ? 4 : 16);
	if (bit >= 0)
		a[bit / 8] ^= (unsigned char)(0x80 >> (bit % 8));
}

static void check_cidr(const char *s)
{
	static const char *const peers[] = {
	    "127.0.0.1", "0.0.0.0",          "255.255.255.255", "10.1.2.3",    "::1",
	    "::",        "::ffff:127.0.0.1", "::ffff:10.1.2.3", "2001:db8::1", "fe80::1",
	};
	struct net_cidr c, back;
	struct sockaddr_storage ss;
	char text[INET6_ADDRSTRLEN + 8];
	int max;

	if (net_cidr_parse(s, &c) != 0)
		return;
	if (c.family != AF_INET && c.family != AF_INET6)
		abort();
	max = c.family == AF_INET ? 32 : 128;
	if (c.bits < 0 || c.bits > max)
		abort();
	for (int i = c.family == AF_INET ? 4 : 16; i < 16; i++)
		if (c.addr[i] != 0)
			abort();
	/* written back as text, it parses to the same entry */
	inet_ntop(c.family, c.addr, text, INET6_ADDRSTRLEN);
	snprintf(text + strlen(text), 8, "/%d", c.bits);
	if (net_cidr_parse(text, &back) != 0 || back.family != c.family ||
	    back.bits != c.bits || memcmp(back.addr, c.addr, sizeof c.addr) != 0)
		abort();
	for (size_t i = 0; i < sizeof peers / sizeof peers[0]; i++) {
		struct net_acl deny = {.deny = &c, .ndeny = 1},
		               allow = {.allow = &c, .nallow = 1};
		make_peer(peers[i], &ss);
		bool m = net_cidr_match(&c, (struct sockaddr *)&ss);
		if (m != model_match(&c, &ss))
			abort();
		if (net_acl_permits(&deny, (struct sockaddr *)&ss) == m ||
		    net_acl_permits(&allow, (struct sockaddr *)&ss) != m)
			abort();
	}
	/* its own address matches; a bit flipped past the prefix too, inside it not */
	own_peer(&c, -1, &ss);
	if (!net_cidr_match(&c, (struct sockaddr *)&ss))
		abort();
	if (c.bits < max) {
		own_peer(&c, c.bits, &ss);
		if (!net_cidr_match(&c, (struct sockaddr *)&ss))
			abort();
	}
	if (c.bits > 0) {
		own_peer(&c, c.bits - 1, &ss);
		if (net_cidr_match(&c, (struct sockaddr *)&ss))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t sizes;
	char *s;

	if (size < 1)
		return 0;
	/* byte 0 sizes the small buffers of parse_hostport; the rest is the text */
	sizes = data[0];
	s = malloc(size);
	if (!s)
		abort();
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	check_count(s);
	check_ports(s);
	check_seconds(s);
	check_hostport(s, sizes);
	check_cidr(s);
	free(s);
	return 0;
}
