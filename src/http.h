/* http.h: the HTTP/1.1 client wire, pure: -H checks, the request, and an incremental
 * response parser that hands out body bytes without holding them. */
#ifndef HTTP_H
#define HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frame.h"
#include "http_field.h"
#include "url.h"

#define HTTP_INTERIM_MAX 16    /* 1xx responses skipped before the final one */
/* What a request needs at most, beside its method, User-Agent and extra headers. */
#define HTTP_REQ_FIXED (HTTP_TARGET_MAX + HTTP_HOST_MAX + 128)

/*
 * Checks a user header "Name: value": a token name directly followed by ':', no CR, LF or
 * other control byte but HT. Returns 0, or -1 with *err set.
 */
int http_header_valid(const char *h, const char **err);
/* True if header h ("Name: value", or a bare name) is Authorization or Cookie. */
bool http_header_is_sensitive(const char *h);
/*
 * Writes "METHOD target HTTP/1.1", Host, User-Agent, Accept and Connection: close, then the
 * valid extra headers and the blank line, into dst with a NUL. An extra header named like a
 * default replaces it; one with an empty value is not sent (it only removes the default), so
 * is User-Agent when user_agent is NULL or "". Returns the length, or 0 if it does not fit
 * or an argument is invalid. HTTP_REQ_FIXED + the lengths of method, user_agent and each extra
 * header + 2 always suffices.
 */
size_t http_request_build(char *dst, size_t cap, const char *method, const struct http_url *u,
                          const char *user_agent, const char *const *extra, size_t n_extra);
/* As http_request_build, without the default Connection: close: the connection may carry
 * another request after this one (RFC 9112 §9.3). */
size_t http_request_build_keep(char *dst, size_t cap, const char *method,
                               const struct http_url *u, const char *user_agent,
                               const char *const *extra, size_t n_extra);

/* What http_resp_next reports. */
enum http_ev {
	HTTP_EV_NEED_MORE = 0, /* every fed byte is used: feed more, or call http_resp_eof */
	HTTP_EV_STATUS,        /* the final status line: line/len, status (1xx: never shown) */
	HTTP_EV_HEADER,        /* a header line as received: line/len, name, value (OWS cut) */
	HTTP_EV_HEADERS_DONE,  /* the header section ended well; p->body, p->length are set */
	HTTP_EV_BODY,          /* body bytes: line/len point into the fed buffer */
	HTTP_EV_DONE,          /* the response is complete; later input is counted in surplus */
	HTTP_EV_ERROR,         /* protocol error, msg says what; sticky */
};

/* One event. Pointers stay valid until the next http_resp_* call (BODY: while buf lives). */
struct http_event {
	enum http_ev type;
	const char *line; /* STATUS, HEADER: the line without CR/LF; BODY: the bytes */
	size_t len;
	const char *name; /* HEADER: field name */
	size_t namelen;
	const char *value; /* HEADER: field value without surrounding spaces and tabs */
	size_t valuelen;
	int status;      /* STATUS, HEADERS_DONE: 100..999 */
	const char *msg; /* ERROR: a short message ("bad chunk size", "60 bytes missing") */
};

enum http_body {
	HTTP_BODY_NONE = 0, /* HEAD, 204, 304: nothing follows the headers */
	HTTP_BODY_LENGTH,   /* Content-Length bytes */
	HTTP_BODY_CHUNKED,  /* Transfer-Encoding: chunked */
	HTTP_BODY_CLOSE,    /* neither: the body runs to the end of the connection */
};

/* The response parser. Fields above the line are for the caller, read-only. */
struct http_resp {
	int status;             /* the final status code, once STATUS was reported */
	enum http_body body;    /* valid after HEADERS_DONE */
	int64_t length;         /* the Content-Length for HTTP_BODY_LENGTH, else -1 */
	bool has_location;      /* the final response carried a Location field */
	bool location_conflict; /* ...more than one, with different values */
	size_t location_len;    /* the first Location value (OWS cut), NUL-terminated */
	char location[HTTP_LINE_MAX + 1];
	bool keep_alive; /* after HEADERS_DONE: the connection may carry another request (an
	                    HTTP/1.1 response without Connection: close, or an HTTP/1.0 one
	                    with keep-alive, and a body that does not run to the close) */
	size_t surplus;  /* after DONE: bytes fed beyond the end of the response */
	/* ---- private ---- */
	struct frame_reader fr;
	const char *in; /* the fed bytes not used yet */
	size_t inlen;
	int state;
	bool head;
	bool got_bytes;
	bool want_body; /* the final response may have a body: framing fields count */
	bool cl_seen, cl_bad, cl_conflict, te_seen, te_bad;
	bool conn_close, conn_keep; /* the Connection field's close and keep-alive options */
	int minor;                  /* the 1 of HTTP/1.1 */
	int64_t cl;
	uint64_t remaining; /* body or chunk bytes still due */
	size_t linebytes;   /* bytes of the line being read, ending included */
	size_t section;     /* bytes of the current header or trailer section */
	unsigned fields;
	unsigned interim;
	const char *err;
	char errbuf[48];
};

/* Starts a parser for the response to a HEAD request (no body) or to any other. */
void http_resp_init(struct http_resp *p, bool head_request);
/* How many 1xx interim responses p has read and skipped (100 Continue, ...). */
unsigned http_resp_interim(const struct http_resp *p);
/* Hands p the next bytes read; buf is borrowed until http_resp_next says NEED_MORE. */
void http_resp_feed(struct http_resp *p, const char *buf, size_t len);
/* Reports the next event from the fed bytes; call until NEED_MORE, DONE or ERROR. */
enum http_ev http_resp_next(struct http_resp *p, struct http_event *ev);
/*
 * At the end of the connection (after NEED_MORE): DONE for a complete or read-to-close
 * response, else ERROR ("empty reply from server", "N bytes missing", "truncated ...").
 */
enum http_ev http_resp_eof(struct http_resp *p, struct http_event *ev);
/* Frees what the parser holds (at most one partial line); init makes it usable again. */
void http_resp_free(struct http_resp *p);

/* ---- the request side: `serve --proto http` (sockit(1), "The http protocol") ---------- */

#define HTTP_METHOD_MAX 32  /* a longer method is kept cut, for the log: it gets 405 anyway */
#define HTTP_RANGE_MAX  256 /* a longer Range value is ignored (the whole file is sent) */
#define HTTP_DATE_MAX   64  /* a longer If-Modified-Since value is ignored */

/* One request head. Pointers stay valid until the next http_req_* call on its reader. */
struct http_req {
	const char *method; /* as sent (at most HTTP_METHOD_MAX bytes of it) */
	size_t methodlen;
	const char *target; /* the request target as sent: "/a%20b?x", or absolute-form */
	size_t targetlen;
	int minor;         /* HTTP/1.minor: 0 or 1 (a higher minor counts as 1) */
	bool get, head;    /* the method is GET or HEAD */
	bool keep_alive;   /* the connection persists after the answer (RFC 9112 §9.3) */
	bool body;         /* Content-Length > 0 or a Transfer-Encoding: a body follows */
	const char *range; /* the Range value, or NULL (absent, repeated or too long) */
	size_t rangelen;
	const char *ims; /* the If-Modified-Since value, or NULL */
	size_t imslen;
	int status;      /* HTTP_REQ_ERROR: the status to answer (400, 414, 431, 500, 505) */
	const char *why; /* HTTP_REQ_ERROR: a short reason, for the log */
};

enum http_req_ev {
	HTTP_REQ_MORE = 0, /* every fed byte is used: feed more */
	HTTP_REQ_READY,    /* a whole head: *req is filled */
	HTTP_REQ_ERROR,    /* malformed or over a limit: req->status says how; sticky */
};

struct http_req_spill; /* copies of a head's values while it spans reads */

/*
 * The request reader: an incremental parser of request heads, fed the bytes of each read.
 * Lines come from a frame_reader (at most HTTP_LINE_MAX bytes each); while idle it holds
 * no heap memory. Fields above the line are private.
 */
struct http_reqreader {
	struct frame_reader fr;
	const char *chunk; /* the input being read, to tell borrowed lines from copies */
	size_t chunklen;
	char *held; /* input set aside by http_req_hold, read before anything fed later */
	size_t heldlen;
	struct http_req_spill *spill;
	struct http_req req; /* the head being read */
	int state;
	size_t section;  /* bytes of the header section so far */
	unsigned fields; /* header fields so far */
	unsigned hosts;  /* Host fields */
	bool conn_close, conn_keep, range_many, cl_bad;
};

/* Starts (or restarts) a reader; it holds no memory until fed a partial head. */
void http_req_init(struct http_reqreader *r);
/* Hands r the next bytes read; borrowed until http_req_next returns HTTP_REQ_MORE. */
void http_req_feed(struct http_reqreader *r, const char *buf, size_t len);
/* Reads on: READY with *req filled, MORE when the fed bytes are used, or ERROR (sticky). */
enum http_req_ev http_req_next(struct http_reqreader *r, struct http_req *req);
/*
 * Copies the fed bytes not read yet into r, so the caller may stop after a READY and go on
 * later with http_req_next alone (a pipelined request waiting for a file to go out).
 * Returns false if out of memory.
 */
bool http_req_hold(struct http_reqreader *r);
/*
 * At a head boundary (after READY), moves the fed bytes not read yet out of r, for a caller
 * that cannot answer them now and hands them to be fed again later: *buf is heap memory the
 * caller frees (NULL when none), and r holds no input after. Returns the length, or -1 if
 * out of memory (*buf NULL).
 */
long http_req_take(struct http_reqreader *r, char **buf);
/* True while r holds input: a partial head, or bytes set aside by http_req_hold. */
bool http_req_pending(const struct http_reqreader *r);
/* Frees what r holds; http_req_init makes it usable again. */
void http_req_free(struct http_reqreader *r);

/* A request target made a path beneath the served directory. */
struct http_path {
	char rel[HTTP_LINE_MAX + 1]; /* decoded, relative: "a/b", "" for the root; NUL-ended */
	size_t rellen;
	bool slash;       /* the path ended in '/' (the root does) */
	const char *path; /* the path as sent, from its first '/', without the query */
	size_t pathlen;
	const char *query; /* "?..." as sent, or "" */
	size_t querylen;
};

/*
 * Decodes target (origin-form "/a/b?q", or absolute-form "http://host/a/b") once: every
 * %XX becomes its byte and "%2f" a separator like '/'; empty and "." segments go. Returns
 * 0, or 400 for a ".." segment (in any encoding), a NUL or other control byte, a backslash,
 * a bad %-escape, a fragment, or a target of another form ("*", "https://...").
 */
int http_path_parse(struct http_path *p, const char *target, size_t len);

enum http_range_result {
	HTTP_RANGE_NONE = 0, /* no usable Range: send the whole (RFC 9110 §14.2: ignore it) */
	HTTP_RANGE_OK,       /* [*first, *last] lies within the size */
	HTTP_RANGE_BAD,      /* unsatisfiable: 416 */
};

/* Reads a Range value "bytes=A-B", "bytes=A-" or "bytes=-N" against a size. Several
 * ranges, other units or malformed values give HTTP_RANGE_NONE. */
enum http_range_result http_range_parse(const char *v, size_t len, uint64_t size,
                                        uint64_t *first, uint64_t *last);

/* Reads an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") into seconds since the epoch.
 * Returns 0, or -1 if v is not one (the obsolete forms are not read). */
int http_date_parse(const char *v, size_t len, int64_t *t);
/* Writes t as an IMF-fixdate with a NUL (30 bytes). */
void http_date_format(int64_t t, char out[30]);

#endif
