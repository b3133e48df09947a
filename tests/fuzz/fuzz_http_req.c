/* fuzz_http_req.c: the request reader gives the same requests however input is split (and
 * however often it is set aside with http_req_hold, or taken out with http_req_take and fed
 * again, as serve does when out of room); every target read goes through the path
 * function, whose result never climbs out of the root. */
#include "http_req.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
	if (!ok)
		abort();
}

/* A transcript: each request's fields and its path's verdict, joined. */
struct log {
	char *buf;
	size_t len, cap;
};

static void put(struct log *l, const void *s, size_t n)
{
	check(n <= l->cap - l->len);
	if (n > 0)
		memcpy(l->buf + l->len, s, n);
	l->len += n;
}

/* The decoded path has no "..", no empty segment, no NUL, no backslash, no leading '/'. */
static void check_path(const struct http_path *p)
{
	const char *s = p->rel;

	check(strlen(s) == p->rellen && memchr(s, '\\', p->rellen) == NULL);
	check(p->rellen == 0 || (s[0] != '/' && s[p->rellen - 1] != '/'));
	while (*s) {
		size_t n = strcspn(s, "/");
		check(n > 0 && !(n == 2 && s[0] == '.' && s[1] == '.') &&
		      !(n == 1 && s[0] == '.'));
		s += n + (s[n] == '/');
	}
}

static void record(struct log *l, int ev, const struct http_req *q)
{
	static struct http_path p;
	char flags[8] = {
	    (char)('0' + ev),         q->keep_alive, q->body, q->get, q->head, (char)q->minor,
	    (char)(q->status & 0xff), '\n'};

	put(l, flags, sizeof flags);
	if (ev != HTTP_REQ_READY)
		return;
	check(q->methodlen > 0 && q->methodlen <= HTTP_METHOD_MAX);
	check(q->targetlen > 0 && q->targetlen <= HTTP_LINE_MAX);
	put(l, q->method, q->methodlen);
	put(l, q->target, q->targetlen);
	if (q->range)
		put(l, q->range, q->rangelen);
	if (q->ims)
		put(l, q->ims, q->imslen);
	if (http_path_parse(&p, q->target, q->targetlen) == 0) {
		check_path(&p);
		put(l, p.rel, p.rellen);
	}
}

enum after { AFTER_NOTHING, AFTER_HOLD, AFTER_TAKE };

/* Feeds in whole (seed 0) or in pieces of sizes drawn from seed, each its own allocation,
 * doing what after says after every request. */
static void run(struct log *l, const char *in, size_t len, uint64_t seed, enum after after)
{
	struct http_reqreader r;
	struct http_req q;
	size_t start = 0;
	int ev = HTTP_REQ_MORE;
	char *taken = NULL;

	l->len = 0;
	http_req_init(&r);
	while (start < len && ev != HTTP_REQ_ERROR) {
		size_t n = len - start;
		char *piece;

		if (seed != 0) {
			seed ^= seed << 13;
			seed ^= seed >> 7;
			seed ^= seed << 17;
			if (n > seed % 97)
				n = (size_t)(seed % 97);
		}
		piece = malloc(n + 1);
		memcpy(piece, in + start, n);
		http_req_feed(&r, piece, n);
		while ((ev = http_req_next(&r, &q)) != HTTP_REQ_MORE) {
			record(l, ev, &q);
			if (ev == HTTP_REQ_ERROR)
				break;
			if (after == AFTER_HOLD)
				check(http_req_hold(&r));
			if (after == AFTER_TAKE) {
				char *rest;
				long k = http_req_take(&r, &rest);
				check(k >= 0 && !http_req_pending(&r));
				free(taken); /* the reader copied what it still needed of it */
				taken = rest;
				http_req_feed(&r, rest, (size_t)k);
			}
		}
		check(r.fr.plen <= HTTP_LINE_MAX + 1);
		free(taken);
		taken = NULL;
		free(piece);
		start += n;
	}
	http_req_free(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct log whole = {.cap = 4 * size + 64}, split = {.cap = 4 * size + 64};
	uint64_t seed = 1469598103934665603ULL;
	const char *in = (const char *)data;

	for (size_t i = 0; i < size; i++)
		seed = (seed ^ data[i]) * 1099511628211ULL;
	whole.buf = malloc(whole.cap);
	split.buf = malloc(split.cap);
	run(&whole, in, size, 0, AFTER_NOTHING);
	for (enum after a = AFTER_NOTHING; a <= AFTER_TAKE; a++) { /* in pieces */
		run(&split, in, size, seed | 2, a);
		check(whole.len == split.len && memcmp(whole.buf, split.buf, whole.len) == 0);
	}
	free(whole.buf);
	free(split.buf);
	return 0;
}
