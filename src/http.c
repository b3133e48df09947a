/* http.c: the HTTP/1.1 client wire: requests written, responses parsed incrementally (status
 * line, fields, length/chunked/close framing); no I/O here. */
#include "http.h"
#include "http_field.h"
#include "sb.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

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
	if (!ascii_is_digit(s[9]) || !ascii_is_digit(s[10]) || !ascii_is_digit(s[11]) ||
	    s[9] == '0')
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
