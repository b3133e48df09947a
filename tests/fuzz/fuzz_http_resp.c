/* fuzz_http_resp.c: the response parser gives the same events and body however input
 * is split. */
#include "http.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A transcript of a run: every event but BODY, and the body bytes joined. */
struct run {
	char *log;
	size_t loglen, logcap;
	char *body;
	size_t bodylen, bodycap;
};

static void check(int ok)
{
	if (!ok)
		abort();
}

static void put(struct run *r, const void *s, size_t n)
{
	/* a capacity of 3 * input + a little always suffices: events never repeat
	 * input bytes */
	check(n <= r->logcap - r->loglen);
	if (n > 0)
		memcpy(r->log + r->loglen, s, n);
	r->loglen += n;
}

static void record(struct run *r, const struct http_resp *p, const struct http_event *ev,
                   const char *piece, size_t plen)
{
	char tag[2] = {(char)('0' + ev->type), (char)p->body};

	/* body bytes are compared joined: how many BODY events carried them may differ */
	if (ev->type == HTTP_EV_BODY) {
		check(ev->len > 0 && ev->line >= piece && ev->line + ev->len <= piece + plen);
		check(ev->len <= r->bodycap - r->bodylen);
		memcpy(r->body + r->bodylen, ev->line, ev->len);
		r->bodylen += ev->len;
		return;
	}
	put(r, tag, sizeof tag);
	switch (ev->type) {
	case HTTP_EV_STATUS:
		check(ev->status >= 100 && ev->status <= 999 && ev->status / 100 != 1);
		put(r, ev->line, ev->len);
		break;
	case HTTP_EV_HEADER:
		check(ev->name == ev->line && ev->namelen > 0 && ev->namelen < ev->len);
		check(ev->value >= ev->name + ev->namelen + 1);
		check(ev->value + ev->valuelen <= ev->line + ev->len);
		put(r, ev->line, ev->len);
		break;
	case HTTP_EV_HEADERS_DONE:
		put(r, &p->length, sizeof p->length);
		break;
	case HTTP_EV_ERROR:
		check(ev->msg != NULL);
		put(r, ev->msg, strlen(ev->msg));
		break;
	default:
		break;
	}
	put(r, "\n", 1);
}

/*
 * Feeds in[0..len) whole (seed 0), a byte at a time (seed 1), or in pieces of sizes drawn from
 * seed; each piece from its own allocation so a pointer kept into an old one is caught.
 */
static void run(struct run *r, bool head, const char *in, size_t len, uint64_t seed)
{
	struct http_resp *p = malloc(sizeof *p);
	struct http_event ev;
	size_t start = 0;
	bool ended = false;

	r->loglen = r->bodylen = 0;
	http_resp_init(p, head);
	while (!ended && start < len) {
		size_t n = len - start;
		char *piece;

		if (seed == 1) {
			n = 1;
		} else if (seed != 0) {
			/* xorshift: piece sizes 0..64, 0 included to feed empty pieces too */
			seed ^= seed << 13;
			seed ^= seed >> 7;
			seed ^= seed << 17;
			if (n > seed % 65)
				n = (size_t)(seed % 65);
		}
		piece = malloc(n + 1);
		memcpy(piece, in + start, n);
		http_resp_feed(p, piece, n);
		for (;;) {
			enum http_ev t = http_resp_next(p, &ev);

			check(p->fr.plen <= HTTP_LINE_MAX + 1);
			if (t == HTTP_EV_NEED_MORE)
				break;
			record(r, p, &ev, piece, n);
			if (t == HTTP_EV_DONE || t == HTTP_EV_ERROR) {
				ended = true;
				break;
			}
		}
		free(piece);
		start += n;
	}
	if (!ended) {
		http_resp_eof(p, &ev);
		check(ev.type == HTTP_EV_DONE || ev.type == HTTP_EV_ERROR);
		record(r, p, &ev, NULL, 0);
	}
	http_resp_free(p);
	free(p);
}

static uint64_t hash(const uint8_t *d, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ d[i]) * 1099511628211ULL;
	return h | 2;
}

static bool same(const struct run *a, const struct run *b)
{
	return a->loglen == b->loglen && memcmp(a->log, b->log, a->loglen) == 0 &&
	       a->bodylen == b->bodylen && memcmp(a->body, b->body, a->bodylen) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct run whole, split;
	const char *in = (const char *)data + 1;
	size_t len = size > 0 ? size - 1 : 0;
	bool head;

	if (size == 0)
		return 0;
	head = data[0] & 1;
	whole.logcap = split.logcap = 3 * len + 256;
	whole.bodycap = split.bodycap = len;
	whole.log = malloc(whole.logcap);
	split.log = malloc(split.logcap);
	whole.body = malloc(len + 1);
	split.body = malloc(len + 1);

	run(&whole, head, in, len, 0);
	run(&split, head, in, len, hash(data, size));
	check(same(&whole, &split));
	run(&split, head, in, len, 1);
	check(same(&whole, &split));
	free(whole.log);
	free(split.log);
	free(whole.body);
	free(split.body);
	return 0;
}
