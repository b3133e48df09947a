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

#define HTTP_INTERIM_MAX 16 /* 1xx responses skipped before the final one */
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

#endif
