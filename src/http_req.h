/* http_req.h: the HTTP/1.1 server wire, pure (sockit(1), "The http protocol"): an
 * incremental reader of request heads, the target made a path beneath the served
 * directory, Range values and IMF-fixdates. */
#ifndef HTTP_REQ_H
#define HTTP_REQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frame.h"
#include "http_field.h"

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

#endif
