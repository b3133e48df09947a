/* url.h: http and https URLs (RFC 3986): parsed into host, port and target, references
 * resolved against a base (redirects), formatted back, made a file name, percent-decoded. */
#ifndef URL_H
#define URL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HTTP_HOST_MAX   255  /* a host name or IPv6 literal, without brackets */
#define HTTP_TARGET_MAX 8192 /* a request target (path and query), percent-encoded */

/* A parsed http URL. Every string is NUL-terminated. */
struct http_url {
	char host[HTTP_HOST_MAX + 1];      /* name or address to connect to; IPv6 unbracketed */
	char authority[HTTP_HOST_MAX + 9]; /* the Host value: "[::1]:8080"; ":80" left out */
	char target[HTTP_TARGET_MAX + 1]; /* path, dot segments removed, and query; '/' first */
	uint16_t port;                    /* 1..65535; when not given 80, or 443 for https */
	bool ipv6;                        /* host was a bracketed IPv6 literal */
	bool tls;                         /* https:// (sockit(1), TLS) */
};

enum http_url_result {
	HTTP_URL_OK = 0,
	HTTP_URL_BAD,    /* malformed, too long, or user@ (unsupported); *err says why */
	HTTP_URL_SCHEME, /* a scheme other than http and https: not supported */
};

/*
 * Parses s[0..len) as `[http[s]://]host[:port][/path][?query][#fragment]`; a missing scheme
 * means http, the fragment is dropped. Fills u on HTTP_URL_OK, else sets *err to a short
 * message.
 */
enum http_url_result http_url_parse(struct http_url *u, const char *s, size_t len,
                                    const char **err);
/*
 * Resolves the reference ref[0..len) (a Location value) against base per RFC 3986 §5.2 into
 * dst. Empty, control bytes: HTTP_URL_BAD. Spaces and bytes >= 0x80 are percent-encoded.
 */
enum http_url_result http_url_resolve(struct http_url *dst, const struct http_url *base,
                                      const char *ref, size_t len, const char **err);
/* Writes "http://" (or "https://") authority target and a NUL; returns the length, or 0 if
 * cap is short. */
size_t http_url_format(char *dst, size_t cap, const struct http_url *u);
/* True if a and b name the same scheme, host (ASCII case ignored) and port. */
bool http_url_same_origin(const struct http_url *a, const struct http_url *b);
/*
 * The file name for u's body (-O): the last segment of its path, percent-decoded; "index.html"
 * when the path ends in '/'. Into dst (cap bytes, NUL included); returns 0, or -1 with *err
 * set when the name is "." or "..", holds '/' or a control byte, or does not fit.
 */
int http_url_filename(const struct http_url *u, char *dst, size_t cap, const char **err);
/*
 * Percent-decodes s[0..n) into dst (cap bytes, NUL included): each %XX becomes its byte,
 * whatever it is (NUL, '/': the caller judges). A '%' without two hex digits after it is
 * kept as it is when lenient, else refused. Returns the length, or -1 (refused, or short).
 */
long http_url_decode(char *dst, size_t cap, const char *s, size_t n, bool lenient);
/* If s[0..n) starts with an RFC 3986 scheme and ':', the scheme's length, else 0. */
size_t http_url_scheme_len(const char *s, size_t n);

#endif
