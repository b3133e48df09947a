/* proxy.c: tunnels through SOCKS4/4a, SOCKS5 and HTTP CONNECT proxies: parsing, the pure
 * handshake machine, and the few reads and writes that drive it (sockit(1), Proxies). */
#include "proxy.h"

#include "base64.h"
#include "clock.h"
#include "diag.h"
#include "parse.h"
#include "url.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* ---- the proxy URL, the user, the no-proxy list --------------------------------------- */

static const struct {
	const char *scheme;
	enum proxy_kind kind;
} schemes[] = {
    {"socks4", PROXY_SOCKS4},   {"socks4a", PROXY_SOCKS4A}, {"socks5", PROXY_SOCKS5},
    {"socks5h", PROXY_SOCKS5H}, {"http", PROXY_HTTP},
};

/* Copies s[0..n) into dst (PROXY_NAME_MAX + 1), %XX decoded. Returns 0, or -1 if it does
 * not fit or holds a bad escape or a NUL. */
static int decode(char *dst, const char *s, size_t n)
{
	long k = http_url_decode(dst, PROXY_NAME_MAX + 1, s, n, false);

	return k < 0 || memchr(dst, '\0', (size_t)k) != NULL ? -1 : 0;
}

static int set_userinfo(struct proxy *p, const char *s, size_t n, const char **err)
{
	const char *colon = memchr(s, ':', n);
	size_t ulen = colon ? (size_t)(colon - s) : n;

	if (decode(p->user, s, ulen) < 0 ||
	    decode(p->pass, colon ? colon + 1 : "", colon ? n - ulen - 1 : 0) < 0) {
		*err = "bad user or password (at most 255 bytes each, %XX escapes)";
		return -1;
	}
	if (p->user[0] == '\0') {
		*err = "empty user name";
		return -1;
	}
	p->has_user = true;
	return 0;
}

/* The scheme before "://"; none means http, as curl. Returns the rest, or NULL. */
static const char *take_scheme(struct proxy *p, const char *url, const char **err)
{
	const char *sep = strstr(url, "://");
	size_t n = sep ? (size_t)(sep - url) : 0;

	p->kind = PROXY_HTTP;
	if (!sep)
		return url;
	for (size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++)
		if (strlen(schemes[i].scheme) == n &&
		    strncasecmp(url, schemes[i].scheme, n) == 0) {
			p->kind = schemes[i].kind;
			return sep + 3;
		}
	*err = n == 5 && strncasecmp(url, "https", 5) == 0
	           ? "https proxies need TLS, which sockit has not (use curl)"
	           : "unsupported proxy scheme (socks4, socks4a, socks5, socks5h or http)";
	return NULL;
}

/* HOST[:PORT][/] or [V6][:PORT][/]. */
static int take_hostport(struct proxy *p, const char *s, const char **err)
{
	const char *end = s + strcspn(s, "/"), *port = NULL, *hend;
	unsigned n;

	if (*end == '/' && end[1] != '\0') {
		*err = "a proxy URL has no path";
		return -1;
	}
	if (*s == '[') {
		hend = memchr(s, ']', (size_t)(end - s));
		if (!hend || (hend + 1 < end && hend[1] != ':')) {
			*err = "bad IPv6 address (want [ADDR]:PORT)";
			return -1;
		}
		port = hend + 1 < end ? hend + 2 : NULL;
		s++;
	} else {
		hend = memchr(s, ':', (size_t)(end - s));
		port = hend ? hend + 1 : NULL;
		hend = hend ? hend : end;
	}
	if (hend == s || (size_t)(hend - s) > PROXY_NAME_MAX) {
		*err = hend == s ? "missing proxy host" : "proxy host too long";
		return -1;
	}
	memcpy(p->host, s, (size_t)(hend - s));
	p->host[hend - s] = '\0';
	if (!port) {
		strcpy(p->port, PROXY_DEFAULT_PORT);
		return 0;
	}
	if ((size_t)(end - port) < sizeof p->port) {
		memcpy(p->port, port, (size_t)(end - port));
		p->port[end - port] = '\0';
	}
	if ((size_t)(end - port) >= sizeof p->port || parse_port(p->port, false, &n) < 0) {
		*err = "bad proxy port (1-65535)";
		return -1;
	}
	return 0;
}

int proxy_parse(struct proxy *p, const char *url, const char **err)
{
	const char *at, *rest;

	memset(p, 0, sizeof *p);
	if (url[0] == '\0')
		return 0;
	for (const char *c = url; *c; c++)
		if ((unsigned char)*c <= 0x20 || *c == 0x7f) {
			*err = "space or control byte in proxy URL";
			return -1;
		}
	if (!(rest = take_scheme(p, url, err)))
		return -1;
	at = strrchr(rest, '@');
	if (at && set_userinfo(p, rest, (size_t)(at - rest), err) < 0)
		return -1;
	return take_hostport(p, at ? at + 1 : rest, err);
}

int proxy_set_user(struct proxy *p, const char *userpass, const char **err)
{
	const char *colon = strchr(userpass, ':');
	size_t ulen = colon ? (size_t)(colon - userpass) : strlen(userpass);
	size_t plen = colon ? strlen(colon + 1) : 0;

	if (ulen == 0) {
		*err = "empty user name";
		return -1;
	}
	if (ulen > PROXY_NAME_MAX || plen > PROXY_NAME_MAX) {
		*err = "user and password are at most 255 bytes each";
		return -1;
	}
	memcpy(p->user, userpass, ulen);
	p->user[ulen] = '\0';
	memcpy(p->pass, colon ? colon + 1 : "", plen + 1);
	p->has_user = true;
	return 0;
}

/* Where the password lies in s: after the first ':' of the userinfo, which ends at the last
 * '@' (as proxy_parse and proxy_set_user split them). Returns its length; 0 for none. */
static size_t password_span(const char *s, bool userpass, size_t *off)
{
	const char *sep = userpass ? NULL : strstr(s, "://");
	const char *info = sep ? sep + 3 : s;
	const char *end = userpass ? info + strlen(info) : strrchr(info, '@');
	const char *colon = end ? memchr(info, ':', (size_t)(end - info)) : NULL;

	if (!colon)
		return 0;
	*off = (size_t)(colon + 1 - s);
	return (size_t)(end - colon - 1);
}

char *proxy_redact(char *dst, size_t cap, const char *url)
{
	size_t off = 0, n = password_span(url, false, &off);

	if (n == 0)
		snprintf(dst, cap, "%s", url);
	else
		snprintf(dst, cap, "%.*s***%s", (int)off, url, url + off + n);
	return dst;
}

void proxy_blank_password(char *s, bool userpass)
{
	size_t off = 0, n = password_span(s, userpass, &off);

	memset(s + off, '*', n);
}

const char *proxy_kind_name(enum proxy_kind k)
{
	switch (k) {
	case PROXY_SOCKS4:
		return "SOCKS4";
	case PROXY_SOCKS4A:
		return "SOCKS4a";
	case PROXY_SOCKS5:
	case PROXY_SOCKS5H:
		return "SOCKS5";
	case PROXY_HTTP:
		return "HTTP CONNECT";
	default:
		return "no proxy";
	}
}

char *proxy_hostport(char *buf, size_t cap, const char *host, const char *port)
{
	snprintf(buf, cap, strchr(host, ':') ? "[%s]:%s" : "%s:%s", host, port);
	return buf;
}

/* host's address as a sockaddr, for a CIDR entry; false for a name. */
static bool host_address(const char *host, struct sockaddr_storage *ss)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof *ss);
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1)
		sin->sin_family = AF_INET;
	else if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1)
		sin6->sin6_family = AF_INET6;
	return ss->ss_family != 0;
}

/* One entry e[0..n) (already trimmed) against host (hlen bytes, no trailing dot). */
static bool entry_matches(const char *e, size_t n, const char *host, size_t hlen)
{
	char buf[PROXY_NAME_MAX + 8];
	struct sockaddr_storage ss;
	struct net_cidr c;

	if (n == 1 && e[0] == '*')
		return true;
	if (n >= 2 && e[0] == '[' && e[n - 1] == ']') { /* [::1] */
		e++;
		n -= 2;
	}
	if (n > 0 && e[0] == '.') { /* ".example.com" is "example.com" */
		e++;
		n--;
	}
	if (n > 0 && e[n - 1] == '.')
		n--;
	if (n == 0 || n >= sizeof buf)
		return false;
	if (host_address(host, &ss)) { /* an address matches an address or a prefix only */
		memcpy(buf, e, n);
		buf[n] = '\0';
		return net_cidr_parse(buf, &c) == 0 &&
		       net_cidr_match(&c, (struct sockaddr *)&ss);
	}
	if (hlen < n || strncasecmp(host + hlen - n, e, n) != 0)
		return false;
	return hlen == n || host[hlen - n - 1] == '.';
}

bool proxy_no_proxy(const char *list, const char *host)
{
	size_t hlen = strlen(host), n;
	const char *e;

	if (!list)
		return false;
	if (hlen > 0 && host[hlen - 1] == '.')
		hlen--;
	while (*list) {
		list += strspn(list, ", \t");
		e = list;
		n = strcspn(list, ",");
		list += n;
		while (n > 0 && (e[n - 1] == ' ' || e[n - 1] == '\t'))
			n--;
		if (n > 0 && entry_matches(e, n, host, hlen))
			return true;
	}
	return false;
}

const char *proxy_env(const char **var)
{
	static const char *const names[] = {"http_proxy", "all_proxy", "ALL_PROXY"};
	const char *v;

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if ((v = getenv(names[i])) != NULL) {
			*var = names[i];
			return v;
		}
	return NULL;
}

const char *proxy_env_no_proxy(void)
{
	const char *v = getenv("no_proxy");

	return v ? v : getenv("NO_PROXY");
}

size_t proxy_auth_header(char *dst, size_t cap, const struct proxy *p)
{
	static const char name[] = "Proxy-Authorization: Basic ";
	char pair[2 * PROXY_NAME_MAX + 2];
	int n;

	if (!p->has_user || cap < PROXY_AUTH_MAX)
		return 0;
	n = snprintf(pair, sizeof pair, "%s:%s", p->user, p->pass);
	memcpy(dst, name, sizeof name);
	return sizeof name - 1 +
	       base64_encode(dst + sizeof name - 1, cap - (sizeof name - 1), pair, (size_t)n);
}

/* ---- the handshake: requests out, replies in, no I/O ---------------------------------- */

enum state {
	ST_S5_GREET,      /* send the methods offered */
	ST_S5_METHOD,     /* the method chosen: 2 bytes */
	ST_S5_AUTH,       /* send the RFC 1929 user and password */
	ST_S5_AUTH_REPLY, /* its status: 2 bytes */
	ST_S5_CONNECT,    /* send CONNECT */
	ST_S5_REPLY,      /* its reply: 4 bytes, the bound address, 2 bytes of port */
	ST_S4_CONNECT,    /* send the SOCKS4 (4a) request */
	ST_S4_REPLY,      /* its reply: 8 bytes */
	ST_HTTP_CONNECT,  /* send the CONNECT request */
	ST_HTTP_REPLY,    /* the response's head, a byte at a time */
	ST_END,
};

enum { SOCKS5_NONE = 0x00, SOCKS5_USERPASS = 0x02, SOCKS5_NO_METHOD = 0xff };

static const char *const socks5_words[] = {
    "succeeded",
    "general SOCKS server failure",
    "connection not allowed by ruleset",
    "network unreachable",
    "host unreachable",
    "connection refused",
    "TTL expired",
    "command not supported",
    "address type not supported",
};

static const char *socks4_words(int code)
{
	switch (code) {
	case 90:
		return "request granted";
	case 91:
		return "request rejected or failed";
	case 92:
		return "request rejected: the proxy cannot reach identd here";
	default:
		return "request rejected: identd reports another user id";
	}
}

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Ends the handshake with a verdict and its words. */
static void end(struct proxy_hs *h, enum proxy_step step, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void end(struct proxy_hs *h, enum proxy_step step, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(h->msg, sizeof h->msg, fmt, ap);
	va_end(ap);
	h->state = ST_END;
	h->step = step;
	h->want = 0;
}

static void refused(struct proxy_hs *h, const char *words, int code)
{
	end(h, PROXY_REFUSED, "proxy %.100s refused %.100s: %s (%s reply %d)", h->shown_proxy,
	    h->shown_target, words, proxy_kind_name(h->px->kind), code);
}

static void expect(struct proxy_hs *h, int state, size_t need)
{
	h->state = state;
	h->step = PROXY_RECV;
	h->have = 0;
	h->need = need;
	h->want = need;
}

static void sending(struct proxy_hs *h, int state, size_t len)
{
	h->state = state;
	h->step = PROXY_SEND;
	h->outlen = len;
	h->want = 0;
}

static void s5_greet(struct proxy_hs *h)
{
	uint8_t *o = h->out;

	o[0] = 5;
	o[1] = h->px->has_user ? 2 : 1;
	o[2] = SOCKS5_NONE;
	o[3] = SOCKS5_USERPASS;
	snprintf(h->doing, sizeof h->doing, "SOCKS5 greeting: methods no authentication%s",
	         h->px->has_user ? ", username/password" : "");
	sending(h, ST_S5_GREET, (size_t)2 + o[1]);
}

static void s5_auth(struct proxy_hs *h)
{
	size_t ulen = strlen(h->px->user), plen = strlen(h->px->pass);
	uint8_t *o = h->out;

	o[0] = 1; /* the version of the RFC 1929 subnegotiation */
	o[1] = (uint8_t)ulen;
	memcpy(o + 2, h->px->user, ulen);
	o[2 + ulen] = (uint8_t)plen;
	memcpy(o + 3 + ulen, h->px->pass, plen);
	snprintf(h->doing, sizeof h->doing, "SOCKS5 username/password (RFC 1929)");
	sending(h, ST_S5_AUTH, 3 + ulen + plen);
}

/* CONNECT with ATYP 1 (IPv4), 4 (IPv6) or 3 (a name for the proxy to resolve). */
static void s5_connect(struct proxy_hs *h)
{
	uint8_t *o = h->out;
	size_t n = 4, len = strlen(h->host);

	o[0] = 5;
	o[1] = 1; /* CONNECT */
	o[2] = 0;
	if (inet_pton(AF_INET, h->host, o + 4) == 1) {
		o[3] = 1;
		n += 4;
	} else if (inet_pton(AF_INET6, h->host, o + 4) == 1) {
		o[3] = 4;
		n += 16;
	} else {
		o[3] = 3;
		o[4] = (uint8_t)len;
		memcpy(o + 5, h->host, len);
		n += 1 + len;
	}
	put16(o + n, h->port);
	snprintf(h->doing, sizeof h->doing, "SOCKS5 CONNECT %s%s", h->shown_target,
	         o[3] == 3 ? " (the proxy resolves the name)" : "");
	sending(h, ST_S5_CONNECT, n + 2);
}

/* SOCKS4 names an IPv4 address; 4a puts 0.0.0.1 there and the name after the user id. */
static void s4_connect(struct proxy_hs *h)
{
	uint8_t *o = h->out;
	size_t ulen = h->px->has_user ? strlen(h->px->user) : 0, n = 8 + ulen + 1;
	bool name = inet_pton(AF_INET, h->host, o + 4) != 1;

	o[0] = 4;
	o[1] = 1; /* CONNECT */
	put16(o + 2, h->port);
	if (name)
		memcpy(o + 4, "\0\0\0\1", 4);
	memcpy(o + 8, h->px->user, ulen);
	o[8 + ulen] = 0;
	if (name) {
		memcpy(o + n, h->host, strlen(h->host) + 1);
		n += strlen(h->host) + 1;
	}
	snprintf(h->doing, sizeof h->doing, "%s CONNECT %s%s", name ? "SOCKS4a" : "SOCKS4",
	         h->shown_target, name ? " (the proxy resolves the name)" : "");
	sending(h, ST_S4_CONNECT, n);
}

static void http_connect(struct proxy_hs *h)
{
	char auth[PROXY_AUTH_MAX] = "";
	size_t alen = proxy_auth_header(auth, sizeof auth, h->px);
	int n;

	n = snprintf((char *)h->out, sizeof h->out,
	             "CONNECT %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: sockit/%s\r\n%s%s\r\n",
	             h->shown_target, h->shown_target, SOCKIT_VERSION, auth,
	             alen ? "\r\n" : "");
	snprintf(h->doing, sizeof h->doing, "> CONNECT %s HTTP/1.1", h->shown_target);
	sending(h, ST_HTTP_CONNECT, (size_t)n);
}

/* The target as a request can carry it. Returns NULL, or why not. */
static const char *check_target(const struct proxy *px, const char *host)
{
	unsigned char a6[16];
	size_t n = strlen(host);

	if (n == 0 || n > PROXY_NAME_MAX)
		return n ? "host name too long for a proxy (at most 255 bytes)" : "empty host";
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)host[i] <= 0x20 || host[i] == 0x7f)
			return "space or control byte in host name";
	if ((px->kind == PROXY_SOCKS4 || px->kind == PROXY_SOCKS4A) &&
	    inet_pton(AF_INET6, host, a6) == 1)
		return "a SOCKS4 proxy reaches IPv4 addresses only";
	if (px->kind == PROXY_SOCKS4 && inet_pton(AF_INET, host, a6) != 1)
		return "socks4:// needs an IPv4 address (socks4a:// sends names)";
	return NULL;
}

int proxy_hs_init(struct proxy_hs *h, const struct proxy *px, const char *host, unsigned port,
                  const char **err)
{
	char num[8];

	memset(h, 0, sizeof *h);
	if ((*err = check_target(px, host)) != NULL)
		return -1;
	h->px = px;
	strcpy(h->host, host);
	h->port = port;
	snprintf(num, sizeof num, "%u", port);
	proxy_hostport(h->shown_proxy, sizeof h->shown_proxy, px->host, px->port);
	proxy_hostport(h->shown_target, sizeof h->shown_target, host, num);
	switch (px->kind) {
	case PROXY_SOCKS4:
	case PROXY_SOCKS4A:
		s4_connect(h);
		break;
	case PROXY_HTTP:
		http_connect(h);
		break;
	default:
		s5_greet(h);
		break;
	}
	return 0;
}

void proxy_hs_sent(struct proxy_hs *h)
{
	h->note[0] = '\0';
	switch (h->state) {
	case ST_S5_GREET:
		expect(h, ST_S5_METHOD, 2);
		break;
	case ST_S5_AUTH:
		expect(h, ST_S5_AUTH_REPLY, 2);
		break;
	case ST_S5_CONNECT:
		expect(h, ST_S5_REPLY, 5); /* to the first byte of the bound address */
		break;
	case ST_S4_CONNECT:
		expect(h, ST_S4_REPLY, 8);
		break;
	case ST_HTTP_CONNECT:
		http_resp_init(&h->resp, true); /* no body follows a CONNECT's response head */
		h->resp_live = true;
		expect(h, ST_HTTP_REPLY, 1);
		break;
	}
}

static void s5_method(struct proxy_hs *h)
{
	int m = h->in[1];

	if (h->in[0] != 5)
		return end(h, PROXY_BAD, "proxy %s: not a SOCKS5 reply (version %d)",
		           h->shown_proxy, h->in[0]);
	if (m == SOCKS5_NO_METHOD)
		return end(h, PROXY_AUTH, "proxy authentication failed%s",
		           h->px->has_user ? "" : " (it wants a user: --proxy-user)");
	if (m != SOCKS5_NONE && !(m == SOCKS5_USERPASS && h->px->has_user))
		return end(h, PROXY_BAD,
		           "proxy %s: chose SOCKS5 method %d, which was not offered",
		           h->shown_proxy, m);
	snprintf(h->note, sizeof h->note, "SOCKS5 method: %s",
	         m == SOCKS5_NONE ? "no authentication" : "username/password");
	if (m == SOCKS5_USERPASS)
		s5_auth(h);
	else
		s5_connect(h);
}

static void s5_auth_reply(struct proxy_hs *h)
{
	/* RFC 1929 says version 1; some servers answer 5: only the status counts, as curl */
	if (h->in[1] != 0)
		return end(h, PROXY_AUTH, "proxy authentication failed");
	snprintf(h->note, sizeof h->note, "SOCKS5 authentication accepted");
	s5_connect(h);
}

/* The address the proxy bound for the tunnel, for -v. */
static void s5_bound(const struct proxy_hs *h, char *dst, size_t cap)
{
	const uint8_t *a = h->in + 4;
	char addr[INET6_ADDRSTRLEN] = "?";
	unsigned port = (unsigned)h->in[h->need - 2] << 8 | h->in[h->need - 1];

	if (h->in[3] == 1)
		inet_ntop(AF_INET, a, addr, sizeof addr);
	else if (h->in[3] == 4)
		inet_ntop(AF_INET6, a, addr, sizeof addr);
	else
		snprintf(addr, sizeof addr, "%.*s", a[0] < 40 ? a[0] : 40, (const char *)a + 1);
	snprintf(dst, cap, strchr(addr, ':') ? "[%s]:%u" : "%s:%u", addr, port);
}

/* The CONNECT reply: its length is known once the address type and first byte are in. */
static void s5_reply(struct proxy_hs *h)
{
	static const size_t addrlen[] = {0, 4, 0, 0, 16};
	int rep = h->in[1], atyp = h->in[3];
	char bound[80];

	if (h->in[0] != 5)
		return end(h, PROXY_BAD, "proxy %s: not a SOCKS5 reply (version %d)",
		           h->shown_proxy, h->in[0]);
	if (atyp != 1 && atyp != 3 && atyp != 4)
		return end(h, PROXY_BAD, "proxy %s: SOCKS5 reply with address type %d",
		           h->shown_proxy, atyp);
	if (h->have == 5) { /* now the whole length is known */
		h->need = 4 + (atyp == 3 ? 1 + (size_t)h->in[4] : addrlen[atyp]) + 2;
		h->want = h->need - h->have;
		return;
	}
	if (rep != 0)
		return refused(h, rep < 9 ? socks5_words[rep] : "unassigned reply code", rep);
	s5_bound(h, bound, sizeof bound);
	end(h, PROXY_DONE, "%s", "");
	snprintf(h->note, sizeof h->note, "SOCKS5 reply 0: succeeded, bound %s", bound);
}

static void s4_reply(struct proxy_hs *h)
{
	int cd = h->in[1];

	if (h->in[0] != 0)
		return end(h, PROXY_BAD, "proxy %s: not a SOCKS4 reply (version %d)",
		           h->shown_proxy, h->in[0]);
	if (cd < 90 || cd > 93)
		return end(h, PROXY_BAD, "proxy %s: unknown SOCKS4 reply code %d",
		           h->shown_proxy, cd);
	if (cd != 90)
		return refused(h, socks4_words(cd), cd);
	end(h, PROXY_DONE, "%s", "");
	snprintf(h->note, sizeof h->note, "%s reply 90: request granted",
	         proxy_kind_name(h->px->kind));
}

/* A SOCKS reply's bytes: gathered until its length is in, then judged. */
static size_t socks_feed(struct proxy_hs *h, const uint8_t *b, size_t len)
{
	size_t used = 0, k;

	while (h->step == PROXY_RECV && used < len) {
		k = h->need - h->have < len - used ? h->need - h->have : len - used;
		memcpy(h->in + h->have, b + used, k);
		h->have += k;
		used += k;
		h->want = h->need - h->have;
		if (h->have < h->need)
			break;
		switch (h->state) {
		case ST_S5_METHOD:
			s5_method(h);
			break;
		case ST_S5_AUTH_REPLY:
			s5_auth_reply(h);
			break;
		case ST_S5_REPLY:
			s5_reply(h);
			break;
		default:
			s4_reply(h);
			break;
		}
	}
	return used;
}

/* "proxy said 403 Forbidden": the status line past "HTTP/1.1 ", at most 95 bytes (diag
 * escapes what a terminal would obey). */
static void http_refused(struct proxy_hs *h, const char *line, size_t len)
{
	size_t k = len > 9 ? len - 9 : 0;

	if (k > 95)
		k = 95;
	while (k > 0 && line[9 + k - 1] == ' ')
		k--;
	end(h, PROXY_REFUSED, "proxy said %.*s", (int)k, line + 9);
}

static void http_line_note(struct proxy_hs *h, const char *line, size_t len)
{
	/* printed by diag_verbose, which escapes what a terminal would obey */
	snprintf(h->note, sizeof h->note, "< %.*s", (int)(len < 300 ? len : 300), line);
}

/* One event of the response head; the final status line is kept for the verdict. */
static void http_event(struct proxy_hs *h, const struct http_event *ev)
{
	switch (ev->type) {
	case HTTP_EV_STATUS:
		memcpy(h->in, ev->line, ev->len < sizeof h->in ? ev->len : sizeof h->in);
		h->have = ev->len < sizeof h->in ? ev->len : sizeof h->in;
		http_line_note(h, ev->line, ev->len);
		break;
	case HTTP_EV_HEADER:
		http_line_note(h, ev->line, ev->len);
		break;
	case HTTP_EV_ERROR:
		end(h, PROXY_BAD, "proxy %s: %s", h->shown_proxy, ev->msg);
		break;
	default: /* HEADERS_DONE (DONE cannot come first) */
		/* 401 too: before the tunnel opens only the proxy can answer (tinyproxy sends
		 * 401 for a wrong password) */
		if (h->resp.status == 407 || h->resp.status == 401)
			end(h, PROXY_AUTH, "proxy authentication failed");
		else if (h->resp.status / 100 != 2)
			http_refused(h, (const char *)h->in, h->have);
		else
			end(h, PROXY_DONE, "%s", "");
		break;
	}
}

/* The response head, a byte at a time: the parser is never handed a byte past it. */
static size_t http_feed(struct proxy_hs *h, const char *b, size_t len)
{
	struct http_event ev;
	size_t used = 0;

	while (h->step == PROXY_RECV && used < len) {
		http_resp_feed(&h->resp, b + used++, 1);
		while (h->step == PROXY_RECV &&
		       http_resp_next(&h->resp, &ev) != HTTP_EV_NEED_MORE)
			http_event(h, &ev);
	}
	return used;
}

size_t proxy_hs_feed(struct proxy_hs *h, const void *buf, size_t len)
{
	if (h->step != PROXY_RECV)
		return 0;
	h->note[0] = '\0';
	if (h->state == ST_HTTP_REPLY)
		return http_feed(h, buf, len);
	return socks_feed(h, buf, len);
}

void proxy_hs_eof(struct proxy_hs *h)
{
	int rep = h->in[1];

	if (h->step != PROXY_RECV)
		return;
	/* a refusal whose bound address never came is a refusal all the same */
	if (h->state == ST_S5_REPLY && h->have >= 2 && h->in[0] == 5 && rep != 0)
		return refused(h, rep < 9 ? socks5_words[rep] : "unassigned reply code", rep);
	end(h, PROXY_BAD, "proxy %s closed the connection during the %s handshake",
	    h->shown_proxy, proxy_kind_name(h->px->kind));
}

void proxy_hs_free(struct proxy_hs *h)
{
	if (h->resp_live)
		http_resp_free(&h->resp);
	h->resp_live = false;
}

/* ---- over a socket -------------------------------------------------------------------- */

int proxy_open(char *err, const struct proxy *px, const struct net_peer *via)
{
	struct net_peer p = *via;
	char why[NET_ERR_LEN];
	int fd;

	p.host = px->host;
	p.port = px->port;
	p.socktype = SOCK_STREAM;
	if ((fd = net_connect(why, &p)) < 0)
		snprintf(err, NET_ERR_LEN, "proxy %.240s", why);
	return fd;
}

/* Waits until fd is ready for events, until deadline at most (0: none). Returns 0, or
 * NET_ETIMEOUT when the deadline passed first. */
static int wait_ready(int fd, short events, long long deadline)
{
	long long left = deadline ? deadline - clock_ms() : -1;

	if (deadline && left <= 0)
		return NET_ETIMEOUT;
	/* ready, or a failed poll: the read or write will say what is wrong */
	return net_poll(fd, events, (int)left) == 0 ? NET_ETIMEOUT : 0;
}

/* err says how the I/O with the proxy failed. Returns code. */
static int io_failed(char *err, const struct proxy_hs *h, int code, const char *why)
{
	if (code == NET_ETIMEOUT)
		snprintf(err, NET_ERR_LEN, "proxy %.100s: timed out during the %s handshake",
		         h->shown_proxy, proxy_kind_name(h->px->kind));
	else
		snprintf(err, NET_ERR_LEN, "proxy %.100s: %.120s", h->shown_proxy, why);
	return code;
}

/* Writes the request. Returns 0 or a NET_E* code with err filled. */
static int send_step(char *err, int fd, struct proxy_hs *h, long long deadline)
{
	char why[NET_ERR_LEN];
	int rc;

	diag_verbose(1, "proxy: %s", h->doing);
	if ((rc = wait_ready(fd, POLLOUT, deadline)) < 0 ||
	    (rc = net_write_all(why, fd, h->out, h->outlen)) < 0)
		return io_failed(err, h, rc, why);
	proxy_hs_sent(h);
	return 0;
}

/* Reads what the reply still may have, never more. Returns 0 or a NET_E* code. */
static int recv_step(char *err, int fd, struct proxy_hs *h, long long deadline)
{
	char why[NET_ERR_LEN];
	uint8_t buf[256];
	ssize_t n;

	if (wait_ready(fd, POLLIN, deadline) < 0)
		return io_failed(err, h, NET_ETIMEOUT, "");
	n = net_read(why, fd, buf, h->want < sizeof buf ? h->want : sizeof buf);
	if (n < 0)
		return io_failed(err, h, (int)n, why);
	if (n == 0)
		proxy_hs_eof(h);
	else
		proxy_hs_feed(h, buf, (size_t)n);
	if (h->note[0])
		diag_verbose(1, "proxy: %s", h->note);
	return 0;
}

/* Runs the handshake to its verdict. Returns 0 (the tunnel is open) or a failure code. */
static int handshake(char *err, int fd, struct proxy_hs *h, long long deadline)
{
	int rc = 0;

	while (rc == 0 && (h->step == PROXY_SEND || h->step == PROXY_RECV))
		rc = h->step == PROXY_SEND ? send_step(err, fd, h, deadline)
		                           : recv_step(err, fd, h, deadline);
	if (rc < 0)
		return rc;
	if (h->step == PROXY_DONE)
		return 0;
	snprintf(err, NET_ERR_LEN, "%.*s", NET_ERR_LEN - 1, h->msg);
	return h->step == PROXY_BAD ? PROXY_EPROTO : NET_ENET;
}

/* socks4:// and socks5:// send an address: a name is resolved here (the first address). */
int proxy_resolve_here(char *err, const struct proxy *px, const struct net_peer *t, char *addr)
{
	struct addrinfo *res;
	unsigned char a[16];
	int rc;

	if (inet_pton(AF_INET, t->host, a) == 1 || inet_pton(AF_INET6, t->host, a) == 1) {
		snprintf(addr, NET_ADDR_LEN, "%s", t->host);
		return 0;
	}
	rc = net_resolve(err, t->host, NULL, px->kind == PROXY_SOCKS4 ? AF_INET : t->family,
	                 SOCK_STREAM, 0, &res);
	if (rc < 0)
		return rc;
	net_format_host(res->ai_addr, res->ai_addrlen, addr, NET_ADDR_LEN);
	freeaddrinfo(res);
	diag_verbose(1, "proxy: %s is %s (resolved here)", t->host, addr);
	return 0;
}

int proxy_connect(char *err, const struct proxy *px, const struct net_peer *target)
{
	long long deadline = target->timeout_ms > 0 ? clock_ms() + target->timeout_ms : 0;
	bool here = px->kind == PROXY_SOCKS4 || px->kind == PROXY_SOCKS5;
	char addr[NET_ADDR_LEN];
	struct proxy_hs h;
	const char *why;
	int port, fd, rc;

	if ((port = net_port_number(err, target->port, SOCK_STREAM)) < 0)
		return port;
	if (here && (rc = proxy_resolve_here(err, px, target, addr)) < 0)
		return rc;
	if (proxy_hs_init(&h, px, here ? addr : target->host, (unsigned)port, &why) < 0) {
		snprintf(err, NET_ERR_LEN, "%s", why);
		return NET_EUSAGE;
	}
	if ((fd = proxy_open(err, px, target)) >= 0 &&
	    (rc = handshake(err, fd, &h, deadline)) < 0) {
		close(fd);
		fd = rc;
	}
	proxy_hs_free(&h);
	return fd;
}
