/* http_req.c: the HTTP/1.1 server wire (sockit(1), "The http protocol"): request heads read
 * incrementally, targets made paths, Range values and dates; no I/O here. */
#include "http_req.h"

#include "http_field.h"
#include "url.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- the request reader (serve --proto http) ------------------------------------------ */

enum { RQ_START, RQ_FIELDS, RQ_ERROR };

/* Where a head's values live while it spans reads: the chunk holding them goes away. */
struct http_req_spill {
	char method[HTTP_METHOD_MAX];
	char target[HTTP_LINE_MAX];
	char range[HTTP_RANGE_MAX];
	char ims[HTTP_DATE_MAX];
};

void http_req_init(struct http_reqreader *r)
{
	memset(r, 0, sizeof *r);
	frame_init(&r->fr, HTTP_LINE_MAX);
}

static void use_input(struct http_reqreader *r, const char *buf, size_t len)
{
	r->chunk = buf;
	r->chunklen = len;
	frame_feed(&r->fr, buf, len);
}

void http_req_feed(struct http_reqreader *r, const char *buf, size_t len)
{
	/* input set aside comes first: new bytes go behind it, so order is kept */
	if (r->held != NULL && r->chunk == r->held)
		(void)http_req_hold(r); /* its unread tail to the front (cannot fail) */
	if (r->held != NULL && len > 0) {
		char *grown = realloc(r->held, r->heldlen + len);
		if (grown == NULL) {
			r->state = RQ_ERROR;
			r->req.status = 500;
			r->req.why = "out of memory";
			return;
		}
		memcpy(grown + r->heldlen, buf, len);
		r->held = grown;
		r->heldlen += len;
		return;
	}
	use_input(r, buf, len);
}

static int req_fail(struct http_reqreader *r, struct http_req *req, int status, const char *why)
{
	r->state = RQ_ERROR;
	r->req.status = status;
	r->req.why = why;
	*req = r->req;
	return HTTP_REQ_ERROR;
}

static bool in_chunk(const struct http_reqreader *r, const char *p)
{
	return r->chunk != NULL && p >= r->chunk && p < r->chunk + r->chunklen;
}

/* Copies *v[0..n) into slot unless it is there already; false if out of memory. */
static bool spill_one(struct http_reqreader *r, const char **v, size_t n, size_t slot)
{
	char *dst;

	if (*v == NULL || n == 0)
		return true;
	if (r->spill == NULL && (r->spill = malloc(sizeof *r->spill)) == NULL)
		return false;
	dst = (char *)r->spill + slot;
	if (*v != dst)
		memmove(dst, *v, n);
	*v = dst;
	return true;
}

/* Moves the values kept so far into the spill: all of them when the chunk goes away, else
 * those outside it (in the frame reader's copy of a split line, gone at its next call). */
static bool spill(struct http_reqreader *r, bool all)
{
	struct http_req *q = &r->req;
	const char **v[] = {&q->method, &q->target, &q->range, &q->ims};
	size_t n[] = {q->methodlen, q->targetlen, q->rangelen, q->imslen};
	size_t slot[] = {
	    offsetof(struct http_req_spill, method), offsetof(struct http_req_spill, target),
	    offsetof(struct http_req_spill, range), offsetof(struct http_req_spill, ims)};

	for (size_t i = 0; i < sizeof n / sizeof *n; i++) {
		bool inside = r->spill != NULL && *v[i] == (char *)r->spill + slot[i];
		if (!inside && (all || !in_chunk(r, *v[i])) &&
		    !spill_one(r, v[i], n[i], slot[i]))
			return false;
	}
	return true;
}

/* `method SP target SP HTTP/1.x`; returns 0 or the status to answer. */
static int request_line(struct http_reqreader *r, const char *s, size_t n)
{
	struct http_req *q = &r->req;
	size_t i = 0, t;

	while (i < n && http_is_tchar(s[i]))
		i++;
	if (i == 0 || i == n || s[i] != ' ')
		return 400;
	q->method = s;
	q->methodlen = i < HTTP_METHOD_MAX ? i : HTTP_METHOD_MAX;
	q->get = i == 3 && memcmp(s, "GET", 3) == 0;
	q->head = i == 4 && memcmp(s, "HEAD", 4) == 0;
	t = ++i;
	while (i < n && s[i] > ' ' && s[i] != 0x7f)
		i++;
	if (i == t || i == n || s[i] != ' ')
		return 400;
	q->target = s + t;
	q->targetlen = i - t;
	s += i + 1;
	n -= i + 1;
	if (n != 8 || memcmp(s, "HTTP/", 5) != 0 || !ascii_is_digit(s[5]) || s[6] != '.' ||
	    !ascii_is_digit(s[7]))
		return 400;
	if (s[5] != '1')
		return 505;
	q->minor = s[7] == '0' ? 0 : 1;
	return 0;
}

static void note_req_field(struct http_reqreader *r, const struct http_field *f)
{
	struct http_req *q = &r->req;
	const char *v = f->value;
	size_t n = f->valuelen;

	if (ascii_ci_equal(f->name, f->namelen, "host")) {
		r->hosts++;
	} else if (ascii_ci_equal(f->name, f->namelen, "content-length")) {
		int64_t cl = http_decimal(v, n);
		if (cl < 0)
			r->cl_bad = true;
		else if (cl > 0)
			q->body = true;
	} else if (ascii_ci_equal(f->name, f->namelen, "transfer-encoding")) {
		q->body = true;
	} else if (ascii_ci_equal(f->name, f->namelen, "connection")) {
		http_connection_options(v, n, &r->conn_close, &r->conn_keep);
	} else if (ascii_ci_equal(f->name, f->namelen, "range")) {
		r->range_many = q->range != NULL || r->range_many;
		q->range = n <= HTTP_RANGE_MAX ? v : NULL;
		q->rangelen = n <= HTTP_RANGE_MAX ? n : 0;
	} else if (ascii_ci_equal(f->name, f->namelen, "if-modified-since") &&
	           n <= HTTP_DATE_MAX) {
		q->ims = v;
		q->imslen = n;
	}
}

/* The empty line: the head is whole. */
static int end_of_head(struct http_reqreader *r, struct http_req *req)
{
	struct http_req *q = &r->req;

	if (r->cl_bad)
		return req_fail(r, req, 400, "bad content-length");
	if (r->hosts > 1 || (q->minor == 1 && r->hosts == 0))
		return req_fail(r, req, 400,
		                r->hosts ? "several Host fields" : "no Host field");
	if (r->range_many)
		q->range = NULL;
	q->keep_alive = !r->conn_close && (q->minor == 1 || r->conn_keep);
	r->state = RQ_START;
	*req = *q;
	return HTTP_REQ_READY;
}

/* A line of the head; returns READY, ERROR, or MORE to read on. */
static int req_line(struct http_reqreader *r, struct http_req *req, const char *s, size_t n)
{
	struct http_field f;
	const char *msg;
	int status;

	if (r->state == RQ_START) {
		if (n == 0)
			return HTTP_REQ_MORE; /* RFC 9112 §2.2: empty lines before a request */
		if ((status = request_line(r, s, n)) != 0)
			return req_fail(r, req, status,
			                status == 505 ? "HTTP version" : "bad request line");
		r->state = RQ_FIELDS;
		return HTTP_REQ_MORE;
	}
	if (n == 0)
		return end_of_head(r, req);
	if ((r->section += n + 1) > HTTP_SECTION_MAX)
		return req_fail(r, req, 431, "header section too large");
	if (++r->fields > HTTP_FIELDS_MAX)
		return req_fail(r, req, 431, "too many header fields");
	if ((msg = http_field_split(s, n, &f)) != NULL)
		return req_fail(r, req, 400, msg);
	note_req_field(r, &f);
	return HTTP_REQ_MORE;
}

/* A new head starts clean; the values of the last one are no longer needed. */
static void next_head(struct http_reqreader *r)
{
	free(r->spill);
	r->spill = NULL;
	memset(&r->req, 0, sizeof r->req);
	r->section = 0;
	r->fields = r->hosts = 0;
	r->conn_close = r->conn_keep = r->range_many = r->cl_bad = false;
}

/* Nothing left to read: move what the head keeps out of the chunk, drop used held input. */
static int out_of_input(struct http_reqreader *r, struct http_req *req)
{
	if (r->state == RQ_FIELDS && !spill(r, true))
		return req_fail(r, req, 500, "out of memory");
	if (r->held != NULL && r->chunk == r->held) {
		free(r->held);
		r->held = NULL;
		r->heldlen = 0;
	}
	r->chunk = NULL;
	r->chunklen = 0;
	return HTTP_REQ_MORE;
}

enum http_req_ev http_req_next(struct http_reqreader *r, struct http_req *req)
{
	const char *line;
	size_t len;

	if (r->state == RQ_ERROR) {
		*req = r->req;
		return HTTP_REQ_ERROR;
	}
	if (r->state == RQ_START)
		next_head(r);
	if (r->held != NULL && r->chunk != r->held && r->fr.inlen == 0)
		use_input(r, r->held, r->heldlen);
	for (;;) {
		enum frame_status st = frame_next(&r->fr, &line, &len);
		int ev;

		if (st == FRAME_MORE)
			return (enum http_req_ev)out_of_input(r, req);
		if (st == FRAME_NOMEM)
			return (enum http_req_ev)req_fail(r, req, 500, "out of memory");
		if (st == FRAME_TOOLONG)
			return (enum http_req_ev)(
			    r->state == RQ_START
			        ? req_fail(r, req, 414, "request line too long")
			        : req_fail(r, req, 431, "header line too long"));
		if (memchr(line, '\0', len) != NULL)
			return (enum http_req_ev)req_fail(r, req, 400, "NUL byte in the head");
		ev = req_line(r, req, line, len);
		/* a line copied by the frame reader lives only until its next call */
		if (ev == HTTP_REQ_MORE && !in_chunk(r, line) && !spill(r, false))
			ev = req_fail(r, req, 500, "out of memory");
		if (ev != HTTP_REQ_MORE)
			return (enum http_req_ev)ev;
	}
}

bool http_req_hold(struct http_reqreader *r)
{
	const char *rest;
	size_t n;

	if (r->chunk == NULL)
		return true; /* nothing fed since the last hold */
	frame_rest(&r->fr, &rest, &n);
	if (r->held != NULL && r->chunk == r->held) {
		/* still reading what was held: keep its unread tail */
		memmove(r->held, rest, n);
	} else if (n > 0) {
		char *copy = malloc(n);
		if (copy == NULL)
			return false;
		memcpy(copy, rest, n);
		free(r->held);
		r->held = copy;
	}
	r->heldlen = n;
	frame_feed(&r->fr, NULL, 0);
	r->chunk = NULL;
	r->chunklen = 0;
	if (n == 0) {
		free(r->held);
		r->held = NULL;
	}
	return true;
}

long http_req_take(struct http_reqreader *r, char **buf)
{
	long n;

	*buf = NULL;
	if (!http_req_hold(r))
		return -1;
	*buf = r->held;
	n = (long)r->heldlen;
	r->held = NULL;
	r->heldlen = 0;
	return n;
}

bool http_req_pending(const struct http_reqreader *r)
{
	return r->held != NULL || frame_pending(&r->fr) || r->state == RQ_FIELDS;
}

void http_req_free(struct http_reqreader *r)
{
	frame_free(&r->fr);
	free(r->held);
	free(r->spill);
	r->held = NULL;
	r->spill = NULL;
	r->heldlen = 0;
}

/* ---- paths, ranges and dates of the request side --------------------------------------- */

/* Skips "http://authority" of an absolute-form target; returns the bytes skipped, 0 if
 * target is not one, or -1 for another scheme. */
static long absolute_form(const char *s, size_t n)
{
	size_t i = http_url_scheme_len(s, n);

	if (i == 0)
		return 0;
	if (!ascii_ci_equal(s, i, "http") || n < i + 3 || memcmp(s + i, "://", 3) != 0)
		return -1;
	for (i += 3; i < n && s[i] != '/' && s[i] != '?' && s[i] != '#'; i++)
		;
	return (long)i;
}

/* Ends the segment rel[start..rellen): "" and "." go, ".." is refused (-1). */
static int end_segment(struct http_path *p, size_t start)
{
	size_t n = p->rellen - start;

	if (n == 2 && memcmp(p->rel + start, "..", 2) == 0)
		return -1;
	if (n == 0 || (n == 1 && p->rel[start] == '.')) {
		p->rellen = start;
		return 0;
	}
	p->rel[p->rellen++] = '/';
	return 0;
}

/* Decodes the path p->path into p->rel; 0, or -1 if it is refused. */
static int decode_path(struct http_path *p)
{
	size_t start = 0;
	/* decoded into rel, then its segments compacted in place: the output never outruns the
	 * input */
	long n = http_url_decode(p->rel, sizeof p->rel, p->path, p->pathlen, false);

	if (n < 0)
		return -1;
	p->rellen = 0;
	for (size_t i = 0; i < (size_t)n; i++) {
		char c = p->rel[i];
		if (ascii_is_ctl(c) || c == '\\')
			return -1;
		if (c == '/') {
			if (end_segment(p, start) < 0)
				return -1;
			start = p->rellen;
			continue;
		}
		p->rel[p->rellen++] = c;
	}
	p->slash = p->rellen == start; /* the path ended in '/' (or held nothing) */
	if (end_segment(p, start) < 0)
		return -1;
	if (p->rellen > 0 && p->rel[p->rellen - 1] == '/')
		p->rellen--;
	p->rel[p->rellen] = '\0';
	return 0;
}

int http_path_parse(struct http_path *p, const char *target, size_t len)
{
	long skip = absolute_form(target, len);
	const char *q;

	if (skip < 0 || len > HTTP_LINE_MAX)
		return 400;
	target += skip;
	len -= (size_t)skip;
	if (memchr(target, '#', len) != NULL)
		return 400;
	q = memchr(target, '?', len);
	if (len == 0 || target[0] == '?') { /* "http://host" or "http://host?q" */
		p->path = "/";
		p->pathlen = 1;
	} else if (target[0] != '/') {
		return 400;
	} else {
		p->path = target;
		p->pathlen = q != NULL ? (size_t)(q - target) : len;
	}
	p->query = q != NULL ? q : "";
	p->querylen = q != NULL ? len - (size_t)(q - target) : 0;
	return decode_path(p) < 0 ? 400 : 0;
}

/* Digits to a number; more than fit give UINT64_MAX (a position past any file). -1: none. */
static int range_number(const char **s, const char *end, uint64_t *v)
{
	const char *p = *s;

	*v = 0;
	for (; p < end && ascii_is_digit(*p); p++)
		*v = *v > (UINT64_MAX - 9) / 10 ? UINT64_MAX : *v * 10 + (uint64_t)(*p - '0');
	if (p == *s)
		return -1;
	*s = p;
	return 0;
}

enum http_range_result http_range_parse(const char *v, size_t len, uint64_t size,
                                        uint64_t *first, uint64_t *last)
{
	const char *s = v, *end = v + len;
	uint64_t a, b;

	if (len < 6 || !ascii_ci_equal(v, 6, "bytes=") || memchr(v, ',', len) != NULL)
		return HTTP_RANGE_NONE;
	s += 6;
	if (s < end && *s == '-') { /* the last N bytes */
		s++;
		if (range_number(&s, end, &b) < 0 || s != end)
			return HTTP_RANGE_NONE;
		if (b == 0 || size == 0)
			return HTTP_RANGE_BAD;
		*first = b >= size ? 0 : size - b;
		*last = size - 1;
		return HTTP_RANGE_OK;
	}
	if (range_number(&s, end, &a) < 0 || s == end || *s++ != '-')
		return HTTP_RANGE_NONE;
	b = UINT64_MAX;
	if (s != end && (range_number(&s, end, &b) < 0 || s != end || b < a))
		return HTTP_RANGE_NONE;
	if (a >= size)
		return HTTP_RANGE_BAD;
	*first = a;
	*last = b >= size ? size - 1 : b;
	return HTTP_RANGE_OK;
}
