/* fuzz_frame.c: libFuzzer target: the same line events however the input is split. */
#include "frame.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
 * Input: byte 0 picks the limit (0..39, small so lines cross it often), byte 1 how to split,
 * the rest is the stream. Three readings must agree byte for byte: a plain model of the
 * contract, the whole stream as one chunk, and the stream cut where byte 1 says. Each
 * chunk is copied into its own heap block and freed once taken, so ASan sees any pointer
 * the reader keeps into a chunk it no longer borrows.
 */

struct events {
	uint8_t *buf;
	size_t len, cap;
};

static void put(struct events *ev, const void *p, size_t n)
{
	if (ev->len + n > ev->cap)
		abort();
	if (n > 0)
		memcpy(ev->buf + ev->len, p, n);
	ev->len += n;
}

static void put_line(struct events *ev, const char *line, size_t len)
{
	uint32_t n = (uint32_t)len;

	put(ev, "L", 1);
	put(ev, &n, sizeof(n));
	put(ev, line, len);
}

/* The contract, read straight: split at '\n', drop one final '\r', compare with limit. */
static void model(const char *in, size_t n, size_t limit, struct events *ev)
{
	size_t at = 0;

	while (at < n) {
		const char *nl = memchr(in + at, '\n', n - at);
		size_t end = nl != NULL ? (size_t)(nl - in) : n;
		size_t len = end - at;

		if (len > 0 && in[end - 1] == '\r')
			len--;
		if (len > limit)
			put(ev, "T", 1);
		else
			put_line(ev, in + at, len);
		at = end + 1;
	}
}

/* frame_split_kv read straight from its contract, one byte at a time. */
static int naive_split(const char *line, size_t len, size_t *keylen)
{
	const char *colon = memchr(line, ':', len);
	size_t i;

	for (i = 0; i < len; i++)
		if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
			return -1;
	if (colon == NULL || colon == line || colon - line > FRAME_KEY_MAX)
		return -1;
	for (i = 0; line + i < colon; i++)
		if (!((line[i] >= 'a' && line[i] <= 'z') || (line[i] >= 'A' && line[i] <= 'Z')))
			return -1;
	*keylen = i;
	return 0;
}

static void check_split(const char *line, size_t len)
{
	char word[FRAME_KEY_MAX + 2];
	struct frame_kv kv;
	size_t keylen = 0, i;
	int got = frame_split_kv(line, len, &kv);

	if (got != naive_split(line, len, &keylen))
		abort();
	if (got != 0)
		return;
	if (kv.key != line || kv.keylen != keylen || kv.val != line + keylen + 1 ||
	    kv.vallen != len - keylen - 1)
		abort();
	/* the keyword matches itself in the other case, and not with one letter more */
	for (i = 0; i < keylen; i++)
		word[i] = (char)(line[i] ^ 0x20);
	word[keylen] = '\0';
	if (!frame_key_is(&kv, word))
		abort();
	word[keylen] = 'A';
	word[keylen + 1] = '\0';
	if (frame_key_is(&kv, word))
		abort();
}

static void take(struct frame_reader *r, enum frame_status st, const char *line, size_t len,
                 struct events *ev)
{
	/* never more than the limit and one pending '\r' */
	if (r->plen > r->limit + 1)
		abort();
	/* an idle reader holds no heap memory */
	if (st == FRAME_MORE && r->plen == 0 && r->partial != NULL)
		abort();
	if (st == FRAME_LINE) {
		if (len > r->limit)
			abort();
		put_line(ev, line, len);
		check_split(line, len);
	} else if (st == FRAME_TOOLONG) {
		put(ev, "T", 1);
	} else if (st == FRAME_NOMEM) {
		abort();
	}
}

static void chunk(struct frame_reader *r, const char *p, size_t n, struct events *ev)
{
	char *copy = malloc(n > 0 ? n : 1);
	const char *line = NULL, *rest;
	size_t len = 0, restlen;
	enum frame_status st;

	if (copy == NULL)
		abort();
	memcpy(copy, p, n);
	frame_feed(r, copy, n);
	do {
		st = frame_next(r, &line, &len);
		take(r, st, line, len, ev);
		frame_rest(r, &rest, &restlen);
		/* the rest is always the chunk's own tail */
		if (restlen > n || (restlen > 0 && rest != copy + n - restlen))
			abort();
	} while (st != FRAME_MORE);
	free(copy);
}

static void finish(struct frame_reader *r, struct events *ev)
{
	const char *line = NULL;
	size_t len = 0;
	enum frame_status st;

	do {
		st = frame_finish(r, &line, &len);
		take(r, st, line, len, ev);
	} while (st != FRAME_MORE);
	if (r->partial != NULL || frame_pending(r))
		abort();
	frame_free(r);
}

static uint64_t next_rand(uint64_t *s)
{
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return *s >> 33;
}

/* Where the next chunk ends, by mode: 1 byte each, random sizes, or after each '\r'/'\n'. */
static size_t cut(const char *in, size_t n, size_t at, unsigned mode, uint64_t *seed)
{
	const char *p;

	switch (mode % 4) {
	case 0:
		return at + 1;
	case 1:
		return at + 1 + next_rand(seed) % 8;
	case 2:
		return at + 1 + next_rand(seed) % 64;
	default:
		p = memchr(in + at, mode & 4 ? '\r' : '\n', n - at);
		return p != NULL ? (size_t)(p - in) + 1 : n;
	}
}

/* Feeds in to a fresh reader, whole (mode < 0) or cut as cut() says. */
static void reader(const char *in, size_t n, size_t limit, int mode, struct events *ev)
{
	struct frame_reader r;
	uint64_t seed = (uint64_t)mode * 2654435761u + n;
	size_t at = 0, end;

	frame_init(&r, limit);
	while (at < n) {
		end = mode < 0 ? n : cut(in, n, at, (unsigned)mode, &seed);
		if (end > n)
			end = n;
		chunk(&r, in + at, end - at, ev);
		at = end;
	}
	finish(&r, ev);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct events want, whole, split;
	const char *in = (const char *)data + 2;
	size_t n, limit, cap;

	if (size < 2)
		return 0;
	limit = data[0] % 40;
	n = size - 2;
	/* at most one event per byte, plus the last line, each "L" + 4 bytes + its own bytes */
	cap = 5 * (n + 2) + n;
	want = (struct events){.buf = malloc(cap), .cap = cap};
	whole = (struct events){.buf = malloc(cap), .cap = cap};
	split = (struct events){.buf = malloc(cap), .cap = cap};
	if (want.buf == NULL || whole.buf == NULL || split.buf == NULL)
		abort();
	model(in, n, limit, &want);
	reader(in, n, limit, -1, &whole);
	reader(in, n, limit, data[1], &split);
	if (whole.len != want.len || memcmp(whole.buf, want.buf, want.len) != 0)
		abort();
	if (split.len != want.len || memcmp(split.buf, want.buf, want.len) != 0)
		abort();
	free(want.buf);
	free(whole.buf);
	free(split.buf);
	return 0;
}
