/* http.c: the HTTP/1.1 client wire: requests written, responses parsed incrementally (status
 * line, fields, length/chunked/close framing); no I/O here. */
#include "http.h"
#include "http_field.h"
#include "sb.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The length of the name in "Name: value" (up to ':' or the end). */
static size_t name_len(const char *h)
{
	const char *colon = strchr(h, ':');

	return colon != NULL ? (size_t)(colon - h) : strlen(h);
}

/* ---- the request ---------------------------------------------------------------------- */

int http_header_valid(const char *h, const char **err)
{
	size_t i = 0;

	while (http_is_tchar(h[i]))
		i++;
	if (i == 0 || h[i] != ':') {
		*err = "bad header (want 'Name: value')";
		return -1;
	}
	for (; h[i] != '\0'; i++) {
		if (ascii_is_ctl(h[i]) && h[i] != '\t') {
			*err = "CR, LF or control byte in header";
			return -1;
		}
	}
	return 0;
}

bool http_header_is_sensitive(const char *h)
{
	size_t n = name_len(h);

	return ascii_ci_equal(h, n, "authorization") || ascii_ci_equal(h, n, "cookie");
}

/* True if one of the extra headers is named name (lower case). */
static bool overridden(const char *const *extra, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (ascii_ci_equal(extra[i], name_len(extra[i]), name))
			return true;
	return false;
}

/* A user header with nothing after the ':' only removes the default of that name. */
static bool empty_value(const char *h)
{
	const char *v = h + name_len(h);
	size_t n;

	if (*v == '\0')
		return true;
	v++;
	n = strlen(v);
	http_trim_ows(&v, &n);
	return n == 0;
}

static void put_default(struct sb *b, const char *const *extra, size_t n, const char *lname,
                        const char *name, const char *value)
{
	if (overridden(extra, n, lname) || value == NULL || *value == '\0')
		return;
	sb_str(b, name);
	sb_str(b, ": ");
	sb_str(b, value);
	sb_str(b, "\r\n");
}

/* The request of http_request_build and http_request_build_keep: keep leaves out the
 * default Connection: close (HTTP/1.1 connections persist unless one side says close). */
static size_t build_request(char *dst, size_t cap, const char *method, const struct http_url *u,
                            const char *user_agent, const char *const *extra, size_t n_extra,
                            bool keep)
{
	struct sb b = {dst, cap, 0, cap > 0};
	const char *err;
	size_t i;

	for (i = 0; method[i] != '\0'; i++)
		if (!http_is_tchar(method[i]))
			return 0;
	for (i = 0; user_agent != NULL && user_agent[i] != '\0'; i++)
		if (ascii_is_ctl(user_agent[i]) && user_agent[i] != '\t')
			return 0;
	for (i = 0; i < n_extra; i++)
		if (http_header_valid(extra[i], &err) < 0)
			return 0;
	sb_str(&b, method);
	sb_str(&b, " ");
	sb_str(&b, u->target);
	sb_str(&b, " HTTP/1.1\r\n");
	put_default(&b, extra, n_extra, "host", "Host", u->authority);
	put_default(&b, extra, n_extra, "user-agent", "User-Agent", user_agent);
	put_default(&b, extra, n_extra, "accept", "Accept", "*/*");
	put_default(&b, extra, n_extra, "connection", "Connection", keep ? NULL : "close");
	for (i = 0; i < n_extra; i++) {
		if (empty_value(extra[i]))
			continue;
		sb_str(&b, extra[i]);
		sb_str(&b, "\r\n");
	}
	sb_str(&b, "\r\n");
	return b.ok && method[0] != '\0' ? b.len : 0;
}

size_t http_request_build(char *dst, size_t cap, const char *method, const struct http_url *u,
                          const char *user_agent, const char *const *extra, size_t n_extra)
{
	return build_request(dst, cap, method, u, user_agent, extra, n_extra, false);
}

size_t http_request_build_keep(char *dst, size_t cap, const char *method,
                               const struct http_url *u, const char *user_agent,
                               const char *const *extra, size_t n_extra)
{
	return build_request(dst, cap, method, u, user_agent, extra, n_extra, true);
}

/* ---- the response parser -------------------------------------------------------------- */

enum state {
	ST_STATUS = 0, /* before a status line (the first, or the one after a 1xx) */
	ST_HEADERS,    /* the final response's header fields */
	ST_INTERIM,    /* a 1xx response's header fields: checked, not shown */
	ST_LENGTH,     /* Content-Length body bytes */
	ST_CLOSE,      /* body bytes up to the end of the connection */
	ST_CHUNK_SIZE, /* a chunk-size line */
	ST_CHUNK_DATA, /* chunk bytes */
	ST_CHUNK_END,  /* the empty line after chunk bytes */
	ST_TRAILERS,   /* trailer fields after the last chunk: checked, not shown */
	ST_DONE,
	ST_ERROR,
};

/* What a step returns when it changed state without an event to report. */
#define AGAIN (-1)

static int fail(struct http_resp *p, const char *msg)
{
	p->state = ST_ERROR;
	p->err = msg;
	return HTTP_EV_ERROR;
}

/*
 * Takes the next line: 1 with the line set, 0 when all input is used, or -1 (failed). Only
 * whole lines count towards the section, so where the input was split never matters.
 */
static int take_line(struct http_resp *p, const char **line, size_t *len, const char *toolong)
{
	enum frame_status st;
	const char *rest;
	size_t restlen;

	frame_feed(&p->fr, p->in, p->inlen);
	st = frame_next(&p->fr, line, len);
	frame_rest(&p->fr, &rest, &restlen);
	p->linebytes += p->inlen - restlen;
	p->in = rest;
	p->inlen = restlen;
	if (st == FRAME_MORE)
		return 0;
	if (st != FRAME_LINE) {
		fail(p, st == FRAME_TOOLONG ? toolong : "out of memory");
		return -1;
	}
	p->section += p->linebytes;
	p->linebytes = 0;
	return 1;
}

/* `HTTP/1.x SP 3DIGIT [SP reason]`; returns the code, 100..999, or -1. */
static int parse_status(const char *s, size_t n)
{
	size_t i;

	if (n < 12 || memcmp(s, "HTTP/1.", 7) != 0 || !ascii_is_digit(s[7]) || s[8] != ' ')
		return -1;
	if (!ascii_is_digit(s[9]) || !ascii_is_digit(s[10]) || !ascii_is_digit(s[11]) || s[9] == '0')
		return -1;
	if (n > 12 && s[12] != ' ')
		return -1;
	for (i = 13; i < n; i++)
		if (ascii_is_ctl(s[i]) && s[i] != '\t')
			return -1;
	return (s[9] - '0') * 100 + (s[10] - '0') * 10 + (s[11] - '0');
}

/* Splits a field line into ev's name and value; returns NULL or what is wrong with it. */
static const char *split_field(const char *s, size_t n, struct http_event *ev)
{
	struct http_field f = {0};
	const char *msg = http_field_split(s, n, &f);

	ev->name = f.name;
	ev->namelen = f.namelen;
	ev->value = f.value;
	ev->valuelen = f.valuelen;
	return msg;
}

/* A Content-Length value: one number, or a list of equal ones (RFC 9110 §8.6). */
static void note_length(struct http_resp *p, const char *s, size_t n)
{
	const char *end = s + n;

	for (;;) {
		const char *comma = memchr(s, ',', (size_t)(end - s));
		const char *e = comma != NULL ? comma : end;
		size_t len = (size_t)(e - s);
		int64_t v;

		http_trim_ows(&s, &len);
		v = http_decimal(s, len);
		if (v < 0)
			p->cl_bad = true;
		else if (p->cl >= 0 && v != p->cl)
			p->cl_conflict = true;
		else
			p->cl = v;
		p->cl_seen = true;
		if (comma == NULL)
			return;
		s = comma + 1;
	}
}

/* Only "chunked", once: anything else is a coding sockit cannot undo. */
static void note_coding(struct http_resp *p, const char *s, size_t n)
{
	if (p->te_seen || !ascii_ci_equal(s, n, "chunked"))
		p->te_bad = true;
	p->te_seen = true;
}

static void note_location(struct http_resp *p, const char *s, size_t n)
{
	if (p->has_location) {
		if (n != p->location_len || memcmp(s, p->location, n) != 0)
			p->location_conflict = true;
		return;
	}
	/* a header line is at most HTTP_LINE_MAX bytes, so the value always fits */
	memcpy(p->location, s, n);
	p->location[n] = '\0';
	p->location_len = n;
	p->has_location = true;
}

/* Framing fields matter only when a body follows: http-head shows them, never judges them. */
static void note_field(struct http_resp *p, const struct http_event *ev)
{
	if (ascii_ci_equal(ev->name, ev->namelen, "location"))
		note_location(p, ev->value, ev->valuelen);
	if (ascii_ci_equal(ev->name, ev->namelen, "connection"))
		http_connection_options(ev->value, ev->valuelen, &p->conn_close, &p->conn_keep);
	if (!p->want_body)
		return;
	if (ascii_ci_equal(ev->name, ev->namelen, "content-length"))
		note_length(p, ev->value, ev->valuelen);
	else if (ascii_ci_equal(ev->name, ev->namelen, "transfer-encoding"))
		note_coding(p, ev->value, ev->valuelen);
}

static int on_status(struct http_resp *p, struct http_event *ev)
{
	const char *line;
	size_t len;
	int code, r = take_line(p, &line, &len, "status line too long");

	if (r <= 0)
		return r == 0 ? HTTP_EV_NEED_MORE : HTTP_EV_ERROR;
	if ((code = parse_status(line, len)) < 0)
		return fail(p, "bad status line");
	p->fields = 0;
	if (code / 100 == 1) {
		/* sockit never asks to switch protocols: what follows would not be HTTP */
		if (code == 101)
			return fail(p, "unexpected 101 response");
		if (++p->interim > HTTP_INTERIM_MAX)
			return fail(p, "too many 1xx responses");
		p->state = ST_INTERIM;
		return AGAIN;
	}
	p->status = code;
	p->minor = line[7] - '0';
	p->want_body = !p->head && code != 204 && code != 304;
	p->state = ST_HEADERS;
	ev->line = line;
	ev->len = len;
	ev->status = code;
	return HTTP_EV_STATUS;
}

/* The empty line after the final response's fields: decide how the body is framed. */
static int end_of_headers(struct http_resp *p, struct http_event *ev)
{
	if (!p->want_body) {
		p->body = HTTP_BODY_NONE;
	} else if (p->te_seen) {
		/* Transfer-Encoding wins over Content-Length (RFC 9112 §6.3) */
		if (p->te_bad)
			return fail(p, "unsupported transfer-encoding");
		p->body = HTTP_BODY_CHUNKED;
	} else if (p->cl_seen) {
		if (p->cl_bad)
			return fail(p, "bad content-length");
		if (p->cl_conflict)
			return fail(p, "conflicting content-length");
		p->body = HTTP_BODY_LENGTH;
		p->length = p->cl;
		p->remaining = (uint64_t)p->cl;
	} else {
		p->body = HTTP_BODY_CLOSE;
	}
	/* a read-to-close body uses the connection up, whatever the server says */
	p->keep_alive =
	    !p->conn_close && (p->minor >= 1 || p->conn_keep) && p->body != HTTP_BODY_CLOSE;
	if (p->body == HTTP_BODY_NONE || (p->body == HTTP_BODY_LENGTH && p->length == 0))
		p->state = ST_DONE;
	else
		p->state = p->body == HTTP_BODY_LENGTH    ? ST_LENGTH
		           : p->body == HTTP_BODY_CHUNKED ? ST_CHUNK_SIZE
		                                          : ST_CLOSE;
	ev->status = p->status;
	return HTTP_EV_HEADERS_DONE;
}

static int on_field(struct http_resp *p, struct http_event *ev)
{
	const char *line, *msg;
	size_t len;
	int r = take_line(p, &line, &len, "header line too long");

	if (r <= 0)
		return r == 0 ? HTTP_EV_NEED_MORE : HTTP_EV_ERROR;
	if (p->section > HTTP_SECTION_MAX)
		return fail(p, "header section too large");
	if (len == 0 && p->state == ST_INTERIM) {
		p->state = ST_STATUS;
		p->section = 0;
		return AGAIN;
	}
	if (len == 0)
		return end_of_headers(p, ev);
	if ((msg = split_field(line, len, ev)) != NULL)
		return fail(p, msg);
	if (++p->fields > HTTP_FIELDS_MAX)
		return fail(p, "too many header fields");
	if (p->state == ST_INTERIM)
		return AGAIN;
	note_field(p, ev);
	ev->line = line;
	ev->len = len;
	return HTTP_EV_HEADER;
}

/* Body bytes are handed out in place: the parser never copies or holds them. */
static int on_body(struct http_resp *p, struct http_event *ev)
{
	size_t n = p->inlen;

	if (n == 0)
		return HTTP_EV_NEED_MORE;
	if (p->state != ST_CLOSE && n > p->remaining)
		n = (size_t)p->remaining;
	ev->line = p->in;
	ev->len = n;
	p->in += n;
	p->inlen -= n;
	if (p->state != ST_CLOSE) {
		p->remaining -= n;
		if (p->remaining == 0)
			p->state = p->state == ST_LENGTH ? ST_DONE : ST_CHUNK_END;
	}
	return HTTP_EV_BODY;
}

/* `1*16HEXDIG [BWS ";" chunk-ext]`, at most INT64_MAX; -1 if malformed, -2 if too large. */
static int64_t parse_chunk_size(const char *s, size_t n)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < n && ascii_hex_value(s[i]) >= 0; i++) {
		if (i == 16)
			return -2;
		v = v << 4 | (uint64_t)ascii_hex_value(s[i]);
	}
	if (i == 0)
		return -1;
	if (v > INT64_MAX)
		return -2;
	if (i == n)
		return (int64_t)v;
	while (i < n && http_is_ows(s[i]))
		i++;
	if (i == n || s[i] != ';')
		return -1;
	for (; i < n; i++)
		if (ascii_is_ctl(s[i]) && s[i] != '\t')
			return -1;
	return (int64_t)v;
}

static int on_chunk_size(struct http_resp *p)
{
	const char *line;
	size_t len;
	int64_t size;
	int r = take_line(p, &line, &len, "bad chunk size");

	if (r <= 0)
		return r == 0 ? HTTP_EV_NEED_MORE : HTTP_EV_ERROR;
	size = parse_chunk_size(line, len);
	if (size < 0)
		return fail(p, size == -2 ? "chunk size too large" : "bad chunk size");
	if (size == 0) {
		p->state = ST_TRAILERS;
		p->section = 0;
		p->fields = 0;
		return AGAIN;
	}
	p->remaining = (uint64_t)size;
	p->state = ST_CHUNK_DATA;
	return AGAIN;
}

static int on_chunk_end(struct http_resp *p)
{
	const char *line;
	size_t len;
	int r = take_line(p, &line, &len, "chunk data does not match its size");

	if (r <= 0)
		return r == 0 ? HTTP_EV_NEED_MORE : HTTP_EV_ERROR;
	if (len != 0)
		return fail(p, "chunk data does not match its size");
	p->state = ST_CHUNK_SIZE;
	return AGAIN;
}

/* Trailer fields are checked like header fields and bounded alike, then dropped. */
static int on_trailer(struct http_resp *p, struct http_event *ev)
{
	const char *line, *msg;
	size_t len;
	int r = take_line(p, &line, &len, "trailer line too long");

	if (r <= 0)
		return r == 0 ? HTTP_EV_NEED_MORE : HTTP_EV_ERROR;
	if (p->section > HTTP_SECTION_MAX)
		return fail(p, "trailer section too large");
	if (len == 0) {
		p->state = ST_DONE;
		return AGAIN; /* DONE, with the bytes after the trailers counted */
	}
	if ((msg = split_field(line, len, ev)) != NULL)
		return fail(p, msg);
	if (++p->fields > HTTP_FIELDS_MAX)
		return fail(p, "too many trailer fields");
	return AGAIN;
}

static int step(struct http_resp *p, struct http_event *ev)
{
	switch (p->state) {
	case ST_STATUS:
		return on_status(p, ev);
	case ST_HEADERS:
	case ST_INTERIM:
		return on_field(p, ev);
	case ST_LENGTH:
	case ST_CLOSE:
	case ST_CHUNK_DATA:
		return on_body(p, ev);
	case ST_CHUNK_SIZE:
		return on_chunk_size(p);
	case ST_CHUNK_END:
		return on_chunk_end(p);
	case ST_TRAILERS:
		return on_trailer(p, ev);
	case ST_DONE:
		/* bytes after a complete response are not part of it: counted, never used */
		p->surplus += p->inlen;
		p->inlen = 0;
		return HTTP_EV_DONE;
	default:
		return HTTP_EV_ERROR;
	}
}

void http_resp_init(struct http_resp *p, bool head_request)
{
	memset(p, 0, sizeof *p);
	frame_init(&p->fr, HTTP_LINE_MAX);
	p->head = head_request;
	p->length = -1;
	p->cl = -1;
	p->state = ST_STATUS;
}

void http_resp_feed(struct http_resp *p, const char *buf, size_t len)
{
	p->in = buf;
	p->inlen = len;
	if (len > 0)
		p->got_bytes = true;
}

enum http_ev http_resp_next(struct http_resp *p, struct http_event *ev)
{
	int r;

	do {
		memset(ev, 0, sizeof *ev);
		r = step(p, ev);
	} while (r == AGAIN);
	ev->type = (enum http_ev)r;
	if (r == HTTP_EV_ERROR)
		ev->msg = p->err;
	return ev->type;
}

enum http_ev http_resp_eof(struct http_resp *p, struct http_event *ev)
{
	memset(ev, 0, sizeof *ev);
	switch (p->state) {
	case ST_DONE:
	case ST_CLOSE:
		p->state = ST_DONE;
		return ev->type = HTTP_EV_DONE;
	case ST_ERROR:
		break;
	case ST_STATUS:
		fail(p, p->got_bytes ? "truncated headers" : "empty reply from server");
		break;
	case ST_HEADERS:
	case ST_INTERIM:
		fail(p, "truncated headers");
		break;
	case ST_LENGTH:
		snprintf(p->errbuf, sizeof p->errbuf, "%" PRIu64 " bytes missing",
		         p->remaining);
		fail(p, p->errbuf);
		break;
	default:
		fail(p, "truncated chunked body");
		break;
	}
	ev->msg = p->err;
	return ev->type = HTTP_EV_ERROR;
}

unsigned http_resp_interim(const struct http_resp *p)
{
	return p->interim;
}

void http_resp_free(struct http_resp *p)
{
	frame_free(&p->fr);
}

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
	} else if (ascii_ci_equal(f->name, f->namelen, "if-modified-since") && n <= HTTP_DATE_MAX) {
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

	p->rellen = 0;
	for (size_t i = 0; i < p->pathlen; i++) {
		char c = p->path[i];
		if (c == '%') {
			int hi = i + 2 < p->pathlen ? ascii_hex_value(p->path[i + 1]) : -1;
			int lo = hi >= 0 ? ascii_hex_value(p->path[i + 2]) : -1;
			if (lo < 0)
				return -1;
			c = (char)(hi << 4 | lo);
			i += 2;
		}
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

static const char wdays[7][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* n digits at s as a number, or -1. */
static int digits(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!ascii_is_digit(s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int http_date_parse(const char *v, size_t len, int64_t *t)
{
	struct tm tm = {0};
	int mon = -1, day, year, h, m, sec;

	/* "Sun, 06 Nov 1994 08:49:37 GMT": every position fixed (RFC 9110 §5.6.7) */
	if (len != 29 || memcmp(v + 3, ", ", 2) != 0 || v[7] != ' ' || v[11] != ' ' ||
	    v[16] != ' ' || v[19] != ':' || v[22] != ':' || memcmp(v + 25, " GMT", 4) != 0)
		return -1;
	for (int i = 0; i < 12; i++)
		if (memcmp(v + 8, months[i], 3) == 0)
			mon = i;
	day = digits(v + 5, 2);
	year = digits(v + 12, 4);
	h = digits(v + 17, 2);
	m = digits(v + 20, 2);
	sec = digits(v + 23, 2);
	if (mon < 0 || day < 1 || day > 31 || year < 1970 || h < 0 || h > 23 || m < 0 ||
	    m > 59 || sec < 0 || sec > 60)
		return -1;
	tm.tm_year = year - 1900;
	tm.tm_mon = mon;
	tm.tm_mday = day;
	tm.tm_hour = h;
	tm.tm_min = m;
	tm.tm_sec = sec;
	*t = (int64_t)timegm(&tm);
	return 0;
}

void http_date_format(int64_t t, char out[30])
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	snprintf(out, 30, "%s, %02d %s %04d %02d:%02d:%02d GMT", wdays[tm.tm_wday % 7],
	         tm.tm_mday % 100, months[tm.tm_mon % 12], (tm.tm_year + 1900) % 10000,
	         tm.tm_hour % 100, tm.tm_min % 100, tm.tm_sec % 100);
}
