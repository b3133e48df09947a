/* frame.c: the bounded incremental line reader, the KEYWORD:VALUE split and the writer. */
#include "frame.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The first partial buffer; doubling from here, a line trickled in costs O(log n) reallocs. */
#define FRAME_MIN_CAP 64

void frame_init(struct frame_reader *r, size_t limit)
{
	/* Half the address space keeps limit + 1 and the sums of sizes below from wrapping. */
	if (limit > SIZE_MAX / 2)
		limit = SIZE_MAX / 2;
	*r = (struct frame_reader){.limit = limit};
}

/*
 * The capacity of a buffer holding n bytes. It is a function of n alone so the struct need
 * not store it; a slow client holding a short tail costs little, however large the limit.
 */
static size_t cap_for(const struct frame_reader *r, size_t n)
{
	size_t cap = FRAME_MIN_CAP;

	while (cap < n)
		cap *= 2;
	return cap < r->limit + 1 ? cap : r->limit + 1;
}

static void drop(struct frame_reader *r)
{
	free(r->partial);
	r->partial = NULL;
	r->plen = 0;
}

/* True if c, the byte before a line's end, is part of the ending ("\r\n"), not the line. */
static bool ending_cr(const struct frame_reader *r, char c)
{
	return c == '\r' && !r->keep_cr;
}

/* A buffer with plen 0 held a line handed out by the last call: the caller is done with it. */
static void release(struct frame_reader *r)
{
	if (r->partial != NULL && r->plen == 0)
		drop(r);
}

static void consume(struct frame_reader *r, size_t n)
{
	r->in += n;
	r->inlen -= n;
}

/* Appends n bytes to the partial line; the callers have checked plen + n <= limit + 1. */
static bool keep(struct frame_reader *r, const char *p, size_t n)
{
	size_t have = r->partial != NULL ? cap_for(r, r->plen) : 0;
	size_t need = cap_for(r, r->plen + n);

	if (need > have) {
		char *grown = realloc(r->partial, need);

		if (grown == NULL)
			return false;
		r->partial = grown;
	}
	memcpy(r->partial + r->plen, p, n);
	r->plen += n;
	return true;
}

/* The hot path: a line whole inside the chunk is handed out in place, never copied. */
static enum frame_status whole_line(struct frame_reader *r, size_t n, const char **line,
                                    size_t *len)
{
	const char *p = r->in;

	consume(r, n + 1);
	if (n > 0 && ending_cr(r, p[n - 1]))
		n--;
	if (n > r->limit)
		return FRAME_TOOLONG;
	*line = p;
	*len = n;
	return FRAME_LINE;
}

/* A held tail completed by the first n bytes of the chunk (and the '\n' after them). */
static enum frame_status joined_line(struct frame_reader *r, size_t n, const char **line,
                                     size_t *len)
{
	char last = n > 0 ? r->in[n - 1] : r->partial[r->plen - 1];
	size_t room = r->limit + 1 - r->plen;

	/* Beyond room even a dropped '\r' cannot bring the line back under the limit. */
	if (n > room || r->plen + n - ending_cr(r, last) > r->limit) {
		drop(r);
		consume(r, n + 1);
		return FRAME_TOOLONG;
	}
	if (!keep(r, r->in, n))
		return FRAME_NOMEM;
	consume(r, n + 1);
	*line = r->partial;
	*len = r->plen - ending_cr(r, last);
	/* The buffer must outlive this call; release() frees it at the next one. */
	r->plen = 0;
	return FRAME_LINE;
}

/* No '\n' in the rest of the chunk: keep it as the tail, unless it is already too long. */
static enum frame_status hold_tail(struct frame_reader *r)
{
	size_t room = r->limit + 1 - r->plen;
	size_t n = r->inlen;

	/* Only a '\r' may occupy byte limit + 1: it may be the start of the line's "\r\n". */
	if (n > room || (n == room && !ending_cr(r, r->in[n - 1]))) {
		drop(r);
		consume(r, n);
		r->skipping = true;
		return FRAME_TOOLONG;
	}
	if (!keep(r, r->in, n))
		return FRAME_NOMEM;
	consume(r, n);
	return FRAME_MORE;
}

void frame_feed(struct frame_reader *r, const char *buf, size_t len)
{
	release(r);
	r->in = buf;
	r->inlen = len;
}

enum frame_status frame_next(struct frame_reader *r, const char **line, size_t *len)
{
	release(r);
	while (r->inlen > 0) {
		const char *nl = memchr(r->in, '\n', r->inlen);

		if (!r->skipping) {
			if (nl == NULL)
				return hold_tail(r);
			if (r->plen == 0)
				return whole_line(r, (size_t)(nl - r->in), line, len);
			return joined_line(r, (size_t)(nl - r->in), line, len);
		}
		if (nl == NULL) {
			consume(r, r->inlen);
			return FRAME_MORE;
		}
		/* the too-long line ends here; the next one starts clean */
		consume(r, (size_t)(nl - r->in) + 1);
		r->skipping = false;
	}
	return FRAME_MORE;
}

enum frame_status frame_finish(struct frame_reader *r, const char **line, size_t *len)
{
	enum frame_status st = frame_next(r, line, len);
	size_t n;

	if (st != FRAME_MORE)
		return st;
	/* a line being skipped had its TOOLONG already; the end of input ends it quietly */
	r->skipping = false;
	if (r->plen == 0)
		return FRAME_MORE;
	/* The end of input stands for the final '\n', so a final '\r' goes as before one. */
	n = r->plen - ending_cr(r, r->partial[r->plen - 1]);
	if (n > r->limit) {
		drop(r);
		return FRAME_TOOLONG;
	}
	*line = r->partial;
	*len = n;
	r->plen = 0;
	return FRAME_LINE;
}

void frame_rest(const struct frame_reader *r, const char **buf, size_t *len)
{
	*buf = r->in;
	*len = r->inlen;
}

bool frame_pending(const struct frame_reader *r)
{
	return r->plen > 0 || r->skipping;
}

void frame_free(struct frame_reader *r)
{
	drop(r);
	r->skipping = false;
	r->in = NULL;
	r->inlen = 0;
}

static bool is_letter(unsigned char c)
{
	return (unsigned)((c | 0x20) - 'a') <= 'z' - 'a';
}

#define BYTES(b) (UINT64_MAX / 255 * (b)) /* b in each byte of a word */

/*
 * True if a byte of s is a control byte (< 0x20 or 0x7f). Eight bytes a step: per word,
 * "some byte < 0x20" and "some byte == 0x7f" are exact with the classic borrow tricks,
 * and values may be long while nearly all are clean.
 */
static bool has_control(const unsigned char *s, size_t len)
{
	size_t i = 0;
	uint64_t w, del;

	for (; i + 8 <= len; i += 8) {
		memcpy(&w, s + i, 8);
		del = w ^ BYTES(0x7f);
		if ((((w - BYTES(0x20)) & ~w) | ((del - BYTES(1)) & ~del)) & BYTES(0x80))
			return true;
	}
	for (; i < len; i++)
		if (s[i] < 0x20 || s[i] == 0x7f)
			return true;
	return false;
}

int frame_split_kv(const char *line, size_t len, struct frame_kv *kv)
{
	const unsigned char *s = (const unsigned char *)line;
	size_t k = 0;

	while (k < len && k <= FRAME_KEY_MAX && is_letter(s[k]))
		k++;
	if (k == 0 || k > FRAME_KEY_MAX || k == len || s[k] != ':')
		return -1;
	if (has_control(s + k + 1, len - k - 1))
		return -1;
	kv->key = line;
	kv->keylen = k;
	kv->val = line + k + 1;
	kv->vallen = len - k - 1;
	return 0;
}

/* ASCII only: a locale must not make "ping" and "PİNG" the same keyword. */
static unsigned char upper(unsigned char c)
{
	return c >= 'a' && c <= 'z' ? (unsigned char)(c - ('a' - 'A')) : c;
}

bool frame_key_is(const struct frame_kv *kv, const char *word)
{
	size_t i;

	for (i = 0; i < kv->keylen; i++)
		if (word[i] == '\0' ||
		    upper((unsigned char)kv->key[i]) != upper((unsigned char)word[i]))
			return false;
	return word[i] == '\0';
}

size_t frame_write(char *dst, size_t cap, const char *key, const char *val, size_t vallen)
{
	size_t keylen = strlen(key);

	if (cap < 2 || keylen > cap - 2 || vallen > cap - 2 - keylen)
		return 0;
	memcpy(dst, key, keylen);
	dst[keylen] = ':';
	/* memcpy from NULL is undefined even for 0 bytes, and "BYE:" has no value */
	if (vallen > 0)
		memcpy(dst + keylen + 1, val, vallen);
	dst[keylen + 1 + vallen] = '\n';
	return keylen + vallen + 2;
}
