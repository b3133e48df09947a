/* url.c: http and https URLs (RFC 3986): parsing, host, port and target, references
 * resolved against a base (redirects), percent-encoding; no I/O here. */
#include "url.h"

#include "ascii.h"
#include "sb.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

/* Appends s, percent-encoding space and bytes >= 0x80 so the request line stays ASCII. */
static void sb_encoded(struct sb *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char esc[3] = {'%', hex[c >> 4], hex[c & 15]};

		if (c == ' ' || c >= 0x80)
			sb_put(b, esc, 3);
		else
			sb_put(b, s + i, 1);
	}
}

static enum http_url_result bad(const char **err, const char *msg)
{
	*err = msg;
	return HTTP_URL_BAD;
}

size_t http_url_scheme_len(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || !ascii_is_alpha(s[0]))
		return 0;
	for (i = 1; i < n; i++)
		if (!ascii_is_alpha(s[i]) && !ascii_is_digit(s[i]) && s[i] != '+' &&
		    s[i] != '-' && s[i] != '.')
			break;
	return i < n && s[i] == ':' ? i : 0;
}

/* A bracketed literal must be a real IPv6 address: it becomes the Host header verbatim. */
static bool ipv6_ok(const char *s, size_t n)
{
	char tmp[64];
	unsigned char addr[16];
	size_t i;

	if (n == 0 || n >= sizeof tmp)
		return false;
	for (i = 0; i < n; i++)
		if (ascii_hex_value(s[i]) < 0 && s[i] != ':' && s[i] != '.')
			return false;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	return inet_pton(AF_INET6, tmp, addr) == 1;
}

/* DNS names and IPv4 literals only: anything else could not be resolved anyway. */
static const char *name_error(const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return "empty host";
	if (n > HTTP_HOST_MAX)
		return "host name too long";
	for (i = 0; i < n; i++)
		if (!ascii_is_alpha(s[i]) && !ascii_is_digit(s[i]) && s[i] != '-' &&
		    s[i] != '.' && s[i] != '_')
			return "bad character in host name";
	return NULL;
}

/* The port of a URL that names none. */
static uint16_t default_port(const struct http_url *u)
{
	return u->tls ? 443 : 80;
}

/* The scheme and "//" of u, as written in an absolute URL. */
static const char *scheme_prefix(const struct http_url *u)
{
	return u->tls ? "https://" : "http://";
}

/* An empty port means the default, as RFC 3986 §3.2.3 allows. */
static const char *port_error(const char *s, size_t n, uint16_t dflt, uint16_t *port)
{
	unsigned long v = 0;
	size_t i;

	if (n == 0) {
		*port = dflt;
		return NULL;
	}
	for (i = 0; i < n; i++) {
		if (!ascii_is_digit(s[i]))
			return "bad port";
		if (v <= 65535)
			v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v == 0 || v > 65535)
		return "port out of range";
	*port = (uint16_t)v;
	return NULL;
}

/* The Host header value: the port is left out when it is the default, as browsers do. */
static void set_authority(struct http_url *u)
{
	struct sb b = {u->authority, sizeof u->authority, 0, true};
	char port[16];

	sb_str(&b, u->ipv6 ? "[" : "");
	sb_str(&b, u->host);
	sb_str(&b, u->ipv6 ? "]" : "");
	if (u->port != default_port(u)) {
		snprintf(port, sizeof port, ":%u", (unsigned)u->port);
		sb_str(&b, port);
	}
}

static enum http_url_result parse_authority(struct http_url *u, const char *a, size_t n,
                                            const char **err)
{
	const char *end = a + n, *host = a, *port = end, *colon, *msg;
	size_t hostlen;

	if (memchr(a, '@', n) != NULL)
		return bad(err, "user@ in URL is not supported");
	if (n > 0 && a[0] == '[') {
		const char *close = memchr(a, ']', n);

		if (close == NULL)
			return bad(err, "missing ']' after IPv6 address");
		host = a + 1;
		hostlen = (size_t)(close - host);
		if (close + 1 < end && close[1] != ':')
			return bad(err, "bad IPv6 address");
		if (close + 1 < end)
			port = close + 2;
		if (!ipv6_ok(host, hostlen))
			return bad(err, "bad IPv6 address");
		u->ipv6 = true;
	} else {
		colon = memchr(a, ':', n);
		hostlen = colon != NULL ? (size_t)(colon - a) : n;
		if (colon != NULL && memchr(colon + 1, ':', (size_t)(end - colon - 1)) != NULL)
			return bad(err, "too many ':' (IPv6 addresses go in brackets)");
		if (colon != NULL)
			port = colon + 1;
		if ((msg = name_error(host, hostlen)) != NULL)
			return bad(err, msg);
	}
	if ((msg = port_error(port, (size_t)(end - port), default_port(u), &u->port)) != NULL)
		return bad(err, msg);
	memcpy(u->host, host, hostlen);
	u->host[hostlen] = '\0';
	set_authority(u);
	return HTTP_URL_OK;
}

/* Drops the last segment of out[0..o) and the '/' before it (RFC 3986 §5.2.4 step C). */
static size_t cut_segment(const char *out, size_t o)
{
	while (o > 0 && out[--o] != '/')
		continue;
	return o;
}

static bool at(const char *s, size_t n, const char *word)
{
	size_t wl = strlen(word);

	return n >= wl && memcmp(s, word, wl) == 0;
}

/*
 * RFC 3986 §5.2.4 in place: the output never outruns the input, so one buffer holds both,
 * the output in b[0..o) and the input still to read in b[i..n).
 */
static size_t remove_dot_segments(char *b, size_t n)
{
	size_t i = 0, o = 0;

	while (i < n) {
		const char *s = b + i;
		size_t rest = n - i;

		if (at(s, rest, "../")) {
			i += 3;
		} else if (at(s, rest, "./") || at(s, rest, "/./")) {
			i += 2;
		} else if (rest == 2 && at(s, rest, "/.")) {
			b[++i] = '/';
		} else if (at(s, rest, "/../")) {
			i += 3;
			o = cut_segment(b, o);
		} else if (rest == 3 && at(s, rest, "/..")) {
			i += 2;
			b[i] = '/';
			o = cut_segment(b, o);
		} else if ((rest == 1 && s[0] == '.') || (rest == 2 && at(s, rest, ".."))) {
			i = n;
		} else {
			do
				b[o++] = b[i++];
			while (i < n && b[i] != '/');
		}
	}
	return o;
}

/* Sets u->target from what follows the authority: "", "/path", "?query", "/path?query". */
static enum http_url_result set_target(struct http_url *u, const char *s, size_t n,
                                       const char **err)
{
	struct sb b = {u->target, sizeof u->target, 0, true};
	char *query;
	size_t pathlen, newlen, qlen;

	if (n == 0 || s[0] == '?')
		sb_put(&b, "/", 1);
	sb_encoded(&b, s, n);
	if (!b.ok)
		return bad(err, "URL path too long");
	query = strchr(u->target, '?');
	pathlen = query != NULL ? (size_t)(query - u->target) : b.len;
	qlen = b.len - pathlen;
	newlen = remove_dot_segments(u->target, pathlen);
	/* a path starting with '/' keeps it; the guard only keeps "starts with '/'" certain */
	if (newlen == 0)
		u->target[newlen++] = '/';
	memmove(u->target + newlen, u->target + pathlen, qlen);
	u->target[newlen + qlen] = '\0';
	return HTTP_URL_OK;
}

enum http_url_result http_url_parse(struct http_url *u, const char *s, size_t len,
                                    const char **err)
{
	const char *end = s + len, *a, *hash;
	enum http_url_result r;
	size_t i, sl;

	memset(u, 0, sizeof *u);
	for (i = 0; i < len; i++)
		if (ascii_is_ctl(s[i]) || s[i] == ' ')
			return bad(err, "control byte or space in URL");
	sl = http_url_scheme_len(s, len);
	if (sl > 0 && at(s + sl, len - sl, "://")) {
		u->tls = ascii_ci_equal(s, sl, "https");
		if (!u->tls && !ascii_ci_equal(s, sl, "http")) {
			*err = "unsupported URL scheme";
			return HTTP_URL_SCHEME;
		}
		s += sl + 3;
	} else if (sl > 0 &&
	           (ascii_ci_equal(s, sl, "http") || ascii_ci_equal(s, sl, "https"))) {
		/* "http:/x" read as host "http" would fetch from the wrong machine */
		return bad(err, "malformed URL (expected http:// or https://)");
	}
	hash = memchr(s, '#', (size_t)(end - s));
	if (hash != NULL)
		end = hash;
	for (a = s; s < end && *s != '/' && *s != '?'; s++)
		continue;
	r = parse_authority(u, a, (size_t)(s - a), err);
	if (r != HTTP_URL_OK)
		return r;
	return set_target(u, s, (size_t)(end - s), err);
}

/* Appends to b the directory of base's path: everything up to and including its last '/'. */
static void put_base_dir(struct sb *b, const struct http_url *base)
{
	size_t pathlen = strcspn(base->target, "?");
	size_t dirlen = pathlen;

	while (dirlen > 0 && base->target[dirlen - 1] != '/')
		dirlen--;
	sb_put(b, base->target, dirlen);
}

/* RFC 3986 §5.2.2 for a reference without a scheme and without an authority. */
static void put_relative(struct sb *b, const struct http_url *base, const char *ref, size_t n)
{
	const char *q = memchr(ref, '?', n);
	size_t pathlen = q != NULL ? (size_t)(q - ref) : n;
	size_t basepath = strcspn(base->target, "?");

	sb_str(b, scheme_prefix(base));
	sb_str(b, base->authority);
	if (pathlen == 0) {
		sb_put(b, base->target, basepath);
		if (q != NULL)
			sb_encoded(b, q, n - pathlen);
		else
			sb_str(b, base->target + basepath);
	} else {
		if (ref[0] != '/')
			put_base_dir(b, base);
		sb_encoded(b, ref, n);
	}
}

enum http_url_result http_url_resolve(struct http_url *dst, const struct http_url *base,
                                      const char *ref, size_t len, const char **err)
{
	char buf[HTTP_TARGET_MAX + HTTP_HOST_MAX + 32];
	struct sb b = {buf, sizeof buf, 0, true};
	const char *hash;
	size_t i, sl;

	if (len == 0)
		return bad(err, "empty Location");
	for (i = 0; i < len; i++)
		if (ascii_is_ctl(ref[i]))
			return bad(err, "control byte in Location");
	hash = memchr(ref, '#', len);
	if (hash != NULL)
		len = (size_t)(hash - ref);
	sl = http_url_scheme_len(ref, len);
	bool tls = sl > 0 ? ascii_ci_equal(ref, sl, "https") : base->tls;
	if (sl > 0 && !tls && !ascii_ci_equal(ref, sl, "http")) {
		*err = "unsupported scheme in Location";
		return HTTP_URL_SCHEME;
	}
	if (sl > 0 && at(ref + sl + 1, len - sl - 1, "//")) {
		sb_encoded(&b, ref, len);
	} else if (sl > 0 && tls == base->tls) {
		/* "http:g" is relative to a base of its scheme: RFC 3986 §5.4.2's compatible
		 * reading */
		put_relative(&b, base, ref + sl + 1, len - sl - 1);
	} else if (sl > 0) {
		return bad(err, "scheme without an authority in Location");
	} else if (at(ref, len, "//")) {
		sb_str(&b, tls ? "https:" : "http:");
		sb_encoded(&b, ref, len);
	} else {
		put_relative(&b, base, ref, len);
	}
	if (!b.ok)
		return bad(err, "Location too long");
	return http_url_parse(dst, buf, b.len, err);
}

size_t http_url_format(char *dst, size_t cap, const struct http_url *u)
{
	struct sb b = {dst, cap, 0, cap > 0};

	sb_str(&b, scheme_prefix(u));
	sb_str(&b, u->authority);
	sb_str(&b, u->target);
	return b.ok ? b.len : 0;
}

bool http_url_same_origin(const struct http_url *a, const struct http_url *b)
{
	size_t n = strlen(a->host);

	if (a->tls != b->tls || a->port != b->port || n != strlen(b->host))
		return false;
	for (size_t i = 0; i < n; i++)
		if (ascii_lower(a->host[i]) != ascii_lower(b->host[i]))
			return false;
	return true;
}

long http_url_decode(char *dst, size_t cap, const char *s, size_t n, bool lenient)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		int hi = c == '%' && n - i > 2 ? ascii_hex_value(s[i + 1]) : -1;
		int lo = hi >= 0 ? ascii_hex_value(s[i + 2]) : -1;

		if (lo >= 0) {
			c = (char)(hi << 4 | lo);
			i += 2;
		} else if (c == '%' && !lenient) {
			return -1;
		}
		if (k + 1 >= cap)
			return -1;
		dst[k++] = c;
	}
	if (cap == 0)
		return -1;
	dst[k] = '\0';
	return (long)k;
}

int http_url_filename(const struct http_url *u, char *dst, size_t cap, const char **err)
{
	const char *path = u->target, *end = strchr(path, '?'), *seg;
	long n;

	if (end == NULL)
		end = path + strlen(path);
	for (seg = end; seg > path && seg[-1] != '/'; seg--)
		;
	if (seg == end) { /* "/" or "/dir/": a directory's index, as a browser saves it */
		seg = "index.html";
		end = seg + strlen(seg);
	}
	n = http_url_decode(dst, cap, seg, (size_t)(end - seg), true);
	if (n < 0) {
		*err = "file name too long";
		return -1;
	}
	for (long i = 0; i < n; i++) {
		char c = dst[i];

		/* decoded, a name must still be one name in the directory chosen for it */
		if (c == '/' || ascii_is_ctl(c)) {
			*err =
			    c == '/' ? "'/' in the file name" : "control byte in the file name";
			return -1;
		}
	}
	if (strcmp(dst, ".") == 0 || strcmp(dst, "..") == 0) {
		*err = "the file name is '.' or '..'";
		return -1;
	}
	return 0;
}
