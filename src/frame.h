/* frame.h: the framing module: a bounded, incremental line reader, the KEYWORD:VALUE
 * split, and the frame writer. Pure: no I/O, no allocation beyond one partial line. */
#ifndef FRAME_H
#define FRAME_H

#include <stdbool.h>
#include <stddef.h>

/*
 * A line reader. Input is fed in chunks that stay borrowed (not copied) while their
 * lines are taken; only the tail of an unfinished line is copied, into a buffer that
 * exists only while such a tail is held and never exceeds `limit` bytes (+1 for a
 * pending '\r'). An idle reader holds no heap memory.
 */
struct frame_reader {
	char *partial;  /* heap copy of an unfinished line, or NULL */
	size_t plen;    /* bytes in partial */
	size_t limit;   /* the longest line accepted, without its ending */
	bool keep_cr;   /* a '\r' before the '\n' is the line's (udp-send -l); set after init */
	bool skipping;  /* dropping the rest of a too-long line up to its '\n' */
	const char *in; /* the chunk being consumed (borrowed) */
	size_t inlen;   /* bytes of it not yet consumed */
};

enum frame_status {
	FRAME_MORE = 0, /* no complete line in what was fed; feed more */
	FRAME_LINE, /* *line, *len: one line, without '\n' and (unless keep_cr) a final '\r' */
	FRAME_TOOLONG, /* a line passed the limit: reported once; its rest is skipped */
	FRAME_NOMEM,   /* the partial buffer could not be allocated */
};

/* Prepares r for lines of at most limit bytes (without the ending; clamped to SIZE_MAX/2). */
void frame_init(struct frame_reader *r, size_t limit);
/* Hands r a chunk (the last one consumed: FRAME_MORE); borrowed until FRAME_MORE. */
void frame_feed(struct frame_reader *r, const char *buf, size_t len);
/*
 * Takes the next event. A FRAME_LINE pointer is valid until the next frame_* call. After
 * FRAME_NOMEM nothing was consumed: call again to retry, or give the connection up.
 */
enum frame_status frame_next(struct frame_reader *r, const char **line, size_t *len);
/*
 * At end of input: the unfinished last line (FRAME_LINE), or FRAME_MORE if none. The end
 * stands for the final '\n': a last '\r' is dropped ("abc\r" gives "abc", a lone "\r" an
 * empty line), and the skipped rest of a too-long line ends quietly. Bytes of the chunk
 * not yet taken come first, as from frame_next: call until FRAME_MORE to drain them all.
 */
enum frame_status frame_finish(struct frame_reader *r, const char **line, size_t *len);
/* The fed bytes not consumed yet (after a FRAME_LINE), e.g. an HTTP body after headers. */
void frame_rest(const struct frame_reader *r, const char **buf, size_t *len);
/* True while r holds an unfinished line (or is skipping a too-long one). */
bool frame_pending(const struct frame_reader *r);
/* Frees the partial buffer; r may be reused after frame_init. */
void frame_free(struct frame_reader *r);

/* A KEYWORD:VALUE frame, pointing into the line it was split from. */
struct frame_kv {
	const char *key;
	size_t keylen;
	const char *val;
	size_t vallen;
};

/*
 * Splits a line as `KEYWORD:VALUE`: keyword 1..FRAME_KEY_MAX ASCII letters, VALUE all
 * after the first ':'. Returns 0, or -1 (BADFRAME) for no ':', a bad keyword, or a NUL or
 * control byte (< 0x20 or 0x7f) anywhere in the line.
 */
#define FRAME_KEY_MAX 16
int frame_split_kv(const char *line, size_t len, struct frame_kv *kv);
/* True if kv's keyword equals word without regard to ASCII case (no locale involved). */
bool frame_key_is(const struct frame_kv *kv, const char *word);

/*
 * Writes `KEY:VALUE\n` into dst (capacity cap). Returns the bytes written, or 0 if it
 * does not fit (nothing is written then).
 */
size_t frame_write(char *dst, size_t cap, const char *key, const char *val, size_t vallen);

#endif
