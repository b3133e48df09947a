/* proxy.h: connections through a proxy (sockit(1), Proxies): the proxy URL and user, the
 * no-proxy list, a pure handshake machine for SOCKS4/4a (the SOCKS4 protocol and its 4A
 * extension), SOCKS5 (RFC 1928, RFC 1929) and HTTP CONNECT (RFC 9110 §9.3.6), and
 * proxy_connect, which drives it over a socket and hands back the tunnel. */
#ifndef PROXY_H
#define PROXY_H

#include "http.h"
#include "net.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROXY_NAME_MAX     255    /* a host name in a request; a user or a password */
#define PROXY_DEFAULT_PORT "1080" /* for every scheme, as curl */
#define PROXY_AUTH_MAX     768    /* "Proxy-Authorization: Basic " and base64 of USER:PASS */
#define PROXY_OUT_MAX      (2 * PROXY_NAME_MAX + PROXY_AUTH_MAX + 128) /* one request */
#define PROXY_MSG_MAX      384

/* A proxy's failure code, beside net.h's: the negation is the exit status (EXIT_PROTO). */
enum { PROXY_EPROTO = -6 };

enum proxy_kind {
	PROXY_NONE = 0,
	PROXY_SOCKS4,  /* socks4://: names resolved here, IPv4 only */
	PROXY_SOCKS4A, /* socks4a://: names sent to the proxy */
	PROXY_SOCKS5,  /* socks5://: names resolved here */
	PROXY_SOCKS5H, /* socks5h://: names sent to the proxy */
	PROXY_HTTP,    /* http://: CONNECT (connect), a forward proxy (http-get, http-head) */
};

/* A parsed --proxy (and --proxy-user). Strings are NUL-terminated. */
struct proxy {
	enum proxy_kind kind;
	char host[PROXY_NAME_MAX + 1]; /* IPv6 unbracketed */
	char port[6];
	bool has_user;
	char user[PROXY_NAME_MAX + 1];
	char pass[PROXY_NAME_MAX + 1];
};

/*
 * Parses `SCHEME://[USER[:PASS]@]HOST[:PORT][/]` (scheme socks4, socks4a, socks5, socks5h or
 * http; none means http; USER and PASS percent-decoded; PORT 1080 when not given). "" gives
 * PROXY_NONE. Returns 0, or -1 with *err set.
 */
int proxy_parse(struct proxy *p, const char *url, const char **err);
/* Sets the user from "USER:PASS" (no ':' means an empty password). Returns 0 or -1, *err. */
int proxy_set_user(struct proxy *p, const char *userpass, const char **err);
/* Copies url into dst (cap >= 1, NUL-terminated, cut to fit) with the password of its
 * userinfo, as proxy_parse would find it, shown as "***": what a message may print. */
char *proxy_redact(char *dst, size_t cap, const char *url);
/* Overwrites with '*' the password bytes of a proxy URL (userpass false) or of "USER:PASS"
 * (userpass true), in place: argv then no longer shows it (as curl). */
void proxy_blank_password(char *s, bool userpass);
/* "SOCKS5", "SOCKS4a", "HTTP": the protocol, for messages. */
const char *proxy_kind_name(enum proxy_kind k);
/* Formats host and port as "HOST:PORT" or "[V6]:PORT". Returns buf. */
char *proxy_hostport(char *buf, size_t cap, const char *host, const char *port);
/* True if host is named by list: comma-separated names that match themselves and their
 * subdomains (a leading '.' ignored), addresses or CIDR prefixes, or `*` for all. */
bool proxy_no_proxy(const char *list, const char *host);
/* The proxy for http URLs in the environment, as curl: http_proxy (lower case only), then
 * all_proxy, ALL_PROXY; the first one set wins, empty or not. NULL if none; *var names it. */
const char *proxy_env(const char **var);
/* no_proxy, else NO_PROXY, else NULL. */
const char *proxy_env_no_proxy(void);
/* Writes "Proxy-Authorization: Basic BASE64(USER:PASS)" (no CRLF) for p's user into dst
 * (PROXY_AUTH_MAX). Returns its length; 0 if p has no user. */
size_t proxy_auth_header(char *dst, size_t cap, const struct proxy *p);

/* What a handshake wants next. */
enum proxy_step {
	PROXY_SEND = 1, /* write out[0..outlen), then call proxy_hs_sent */
	PROXY_RECV,    /* read at most `want` bytes (never past the reply), give them to feed */
	PROXY_DONE,    /* the tunnel is open: the socket now carries the target's bytes */
	PROXY_REFUSED, /* the proxy refused the target: msg says why (exit 4) */
	PROXY_AUTH,    /* authentication required or rejected (exit 4) */
	PROXY_BAD,     /* a malformed or truncated reply (exit 6) */
};

/* One handshake, fed replies by the caller: no I/O here. Fields above the line are
 * read-only. */
struct proxy_hs {
	enum proxy_step step;
	uint8_t out[PROXY_OUT_MAX]; /* SEND: the request */
	size_t outlen;
	size_t want;               /* RECV: bytes that may be read now */
	char msg[PROXY_MSG_MAX];   /* REFUSED, AUTH, BAD: the failure in words */
	char doing[PROXY_MSG_MAX]; /* SEND: the request in words, for -v */
	char note[PROXY_MSG_MAX];  /* after a feed: the reply in words for -v, or "" */
	/* ---- private ---- */
	int state;
	const struct proxy *px;
	char host[PROXY_NAME_MAX + 1];
	unsigned port;
	char shown_proxy[PROXY_NAME_MAX + 16], shown_target[PROXY_NAME_MAX + 16];
	uint8_t in[4 + 1 + 255 + 2]; /* the longest SOCKS reply: a SOCKS5 one with a name */
	size_t have, need;
	bool resp_live;
	struct http_resp resp; /* HTTP: the reply's parser, while it is read */
};

/*
 * Starts a handshake through px to host:port: host is sent as given (the caller resolves it
 * first for socks4:// and socks5://). Returns 0, or -1 with *err set when the proxy cannot be
 * asked for it (an IPv6 address through SOCKS4, a name over 255 bytes, a control byte).
 */
int proxy_hs_init(struct proxy_hs *h, const struct proxy *px, const char *host, unsigned port,
                  const char **err);
/* The request in out was written: the step is RECV now. */
void proxy_hs_sent(struct proxy_hs *h);
/* Takes bytes of the reply (RECV): returns how many were used, never more than belong to
 * the reply, so the target's bytes after it are never taken. Sets step and note. */
size_t proxy_hs_feed(struct proxy_hs *h, const void *buf, size_t len);
/* The proxy closed the connection during RECV: the step becomes BAD (or REFUSED, when the
 * refusal had already arrived). */
void proxy_hs_eof(struct proxy_hs *h);
/* Frees what the handshake holds; safe to call twice. */
void proxy_hs_free(struct proxy_hs *h);

/*
 * Connects to px (through net_connect, with target's family, source and timeout), then opens
 * the tunnel to target->host and target->port within the same timeout. Returns a blocking fd
 * whose next bytes are the target's, or a negative code with err filled: NET_EUSAGE,
 * NET_ERESOLVE, NET_ENET (unreachable, refused, authentication), NET_ETIMEOUT, PROXY_EPROTO.
 */
int proxy_connect(char *err, const struct proxy *px, const struct net_peer *target);
/* The address (NET_ADDR_LEN) to ask a socks4:// or socks5:// proxy for, t->host resolved
 * here (IPv4 for SOCKS4). Returns 0, or NET_ERESOLVE with err filled. */
int proxy_resolve_here(char *err, const struct proxy *px, const struct net_peer *t, char *addr);
/* Connects to px itself (an HTTP forward proxy): net_connect's result, err naming the proxy. */
int proxy_open(char *err, const struct proxy *px, const struct net_peer *via);

#endif
