/* test_frame.c: unit tests of the line reader, the KEYWORD:VALUE split and the writer. */
#include "frame.h"
#include "unit.h"

#include <stdbool.h>
#include <stdlib.h>

/*
 * What a reader produced, as text: each line followed by '\n', "!TOOLONG\n" for each
 * TOOLONG, the line frame_finish gave as "EOF:line\n". Test inputs avoid those words.
 */
struct run {
	char *out;
	size_t len, cap;
	int toolong;
	size_t maxplen;
	bool bounded; /* partial never above limit + 1 */
	bool idle_ok; /* no heap held after FRAME_MORE unless a tail is pending */
};

static void put(struct run *o, const char *p, size_t n)
{
	if (n == 0)
		return;
	if (o->len + n > o->cap) {
		o->cap = (o->len + n) * 2 + 64;
		o->out = realloc(o->out, o->cap);
		if (o->out == NULL)
			abort();
	}
	memcpy(o->out + o->len, p, n);
	o->len += n;
}

static void record(struct run *o, const struct frame_reader *r, enum frame_status st,
                   const char *line, size_t len, bool eof)
{
	if (r->plen > o->maxplen)
		o->maxplen = r->plen;
	if (r->plen > r->limit + 1)
		o->bounded = false;
	if (st == FRAME_MORE && r->plen == 0 && r->partial != NULL)
		o->idle_ok = false;
	if (st == FRAME_LINE) {
		if (eof)
			put(o, "EOF:", 4);
		put(o, line, len);
		put(o, "\n", 1);
	} else if (st == FRAME_TOOLONG) {
		o->toolong++;
		put(o, "!TOOLONG\n", 9);
	} else if (st == FRAME_NOMEM) {
		put(o, "!NOMEM\n", 7);
	}
}

static void run_init(struct run *o)
{
	*o = (struct run){.bounded = true, .idle_ok = true};
}

/* Feeds one chunk and takes every event it gives. */
static void run_chunk(struct frame_reader *r, struct run *o, const char *p, size_t n)
{
	enum frame_status st;
	const char *line = NULL;
	size_t len = 0;

	frame_feed(r, p, n);
	do {
		st = frame_next(r, &line, &len);
		record(o, r, st, line, len, false);
	} while (st != FRAME_MORE && st != FRAME_NOMEM);
}

static void run_finish(struct frame_reader *r, struct run *o)
{
	enum frame_status st;
	const char *line = NULL;
	size_t len = 0;

	do {
		st = frame_finish(r, &line, &len);
		record(o, r, st, line, len, true);
	} while (st != FRAME_MORE && st != FRAME_NOMEM);
	if (r->partial != NULL || frame_pending(r))
		o->idle_ok = false;
	frame_free(r);
}

/* Chunk sizes: step bytes each, or (step 0) random sizes 1..max from seed. */
struct splitter {
	size_t step, max;
	uint64_t seed;
};

static size_t next_size(struct splitter *sp)
{
	if (sp->step > 0)
		return sp->step;
	sp->seed = sp->seed * 6364136223846793005ULL + 1442695040888963407ULL;
	return (size_t)(sp->seed >> 33) % sp->max + 1;
}

static void run_split(const char *in, size_t n, size_t limit, struct splitter sp, struct run *o)
{
	struct frame_reader r;
	size_t at = 0, k;

	run_init(o);
	frame_init(&r, limit);
	while (at < n) {
		k = next_size(&sp);
		if (k > n - at)
			k = n - at;
		run_chunk(&r, o, in + at, k);
		at += k;
	}
	run_finish(&r, o);
}

static void run_whole(const char *in, size_t n, size_t limit, struct run *o)
{
	struct splitter sp = {.step = n > 0 ? n : 1};

	run_split(in, n, limit, sp, o);
}

/* Feeds in, split at each offset of cuts (ascending). */
static void run_cuts(const char *in, size_t n, size_t limit, const size_t *cuts, size_t ncuts,
                     struct run *o)
{
	struct frame_reader r;
	size_t at = 0, i;

	run_init(o);
	frame_init(&r, limit);
	for (i = 0; i <= ncuts; i++) {
		size_t end = i < ncuts ? cuts[i] : n;

		run_chunk(&r, o, in + at, end - at);
		at = end;
	}
	run_finish(&r, o);
}

#define S(lit) lit, sizeof(lit) - 1
/* CHECK_MEM against a string literal (which may hold NULs). */
#define CHECK_TEXT(got, gotlen, lit) CHECK_MEM((got), (gotlen), (lit), sizeof(lit) - 1)

static void check_events(const char *in, size_t n, size_t limit, const char *want)
{
	struct run o;

	run_whole(in, n, limit, &o);
	CHECK_MEM(o.out, o.len, want, strlen(want));
	CHECK(o.bounded);
	CHECK(o.idle_ok);
	free(o.out);
}

static void test_basic_lines(void)
{
	static const struct {
		const char *in;
		size_t n;
		const char *want;
		size_t wantn;
	} cases[] = {
	    {S("PING:x\n"), S("PING:x\n")},
	    {S("PING:x\r\n"), S("PING:x\n")},
	    {S("a\nb\r\nc\n"), S("a\nb\nc\n")},
	    {S("\n\r\n\n"), S("\n\n\n")},
	    {S("a\r\r\n"), S("a\r\n")},   /* only the last '\r' belongs to the ending */
	    {S("a\rb\n"), S("a\rb\n")},   /* a bare CR inside is data, for split_kv to refuse */
	    {S("x\0y\n"), S("x\0y\n")},   /* NUL is data too, never a cut */
	    {S("abc"), S("EOF:abc\n")},   /* a last line without newline */
	    {S("abc\r"), S("EOF:abc\n")}, /* the end stands for '\n' */
	    {S("\r"), S("EOF:\n")},       /* ... so a lone '\r' is an empty line */
	    {S("a\nbc"), S("a\nEOF:bc\n")},
	    {S(""), S("")},
	    {S("\xff\x80\n"), S("\xff\x80\n")},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct run o;

		run_whole(cases[i].in, cases[i].n, 16, &o);
		CHECK_MEM(o.out, o.len, cases[i].want, cases[i].wantn);
		free(o.out);
	}
}

static void test_limit_edges(void)
{
	/* limit 16: exactly 16 bytes pass with either ending, 17 do not */
	check_events(S("0123456789abcdef\n"), 16, "0123456789abcdef\n");
	check_events(S("0123456789abcdef\r\n"), 16, "0123456789abcdef\n");
	check_events(S("0123456789abcdefg\nPING:x\n"), 16, "!TOOLONG\nPING:x\n");
	check_events(S("0123456789abcdefg\r\nPING:x\n"), 16, "!TOOLONG\nPING:x\n");
	/* a '\r' at byte 17 that is not followed by '\n' makes the line too long */
	check_events(S("0123456789abcdef\rX\nPING:x\n"), 16, "!TOOLONG\nPING:x\n");
	check_events(S("0123456789abcdef\r\r\nok\n"), 16, "!TOOLONG\nok\n");
	check_events(S("0123456789abcdef"), 16, "EOF:0123456789abcdef\n");
	check_events(S("0123456789abcdef\r"), 16, "EOF:0123456789abcdef\n");
	check_events(S("0123456789abcdefg"), 16, "!TOOLONG\n");
	check_events(S("0123456789abcdefg\r"), 16, "!TOOLONG\n");
	/* limit 0 only lets empty lines through */
	check_events(S("\n\r\nx\n\n"), 0, "\n\n!TOOLONG\n\n");
	check_events(S("\r"), 0, "EOF:\n");
}

/* The exact-limit line and the one byte more, each fed one byte at a time. */
static void test_limit_bytewise(void)
{
	static const char in[] = "0123456789abcdef\r\n0123456789abcdefg\r\nPING:x\r\n"
	                         "0123456789abcdef\rX\n0123456789abcdef\r";
	static const char want[] = "0123456789abcdef\n!TOOLONG\nPING:x\n!TOOLONG\n"
	                           "EOF:0123456789abcdef\n";
	struct splitter sp = {.step = 1};
	struct run o;

	run_split(in, sizeof(in) - 1, 16, sp, &o);
	CHECK_MEM(o.out, o.len, want, sizeof(want) - 1);
	CHECK_INT(o.maxplen, 17);
	CHECK(o.bounded);
	CHECK(o.idle_ok);
	free(o.out);
}

static void test_huge_line(void)
{
	size_t n = 1 << 20, limit = 1024, i;
	const char tail[] = "\r\nPING:after\n";
	char *in = malloc(n + sizeof(tail));
	struct splitter sps[] = {{.step = 1},
	                         {.max = 7, .seed = 1},
	                         {.max = 5000, .seed = 2},
	                         {.max = 70000, .seed = 3},
	                         {.step = 1023},
	                         {.step = 1025}};
	struct run o;

	if (in == NULL)
		abort();
	for (i = 0; i < n; i++)
		in[i] = (char)('a' + i % 26);
	memcpy(in + n, tail, sizeof(tail));
	for (i = 0; i < sizeof(sps) / sizeof(sps[0]); i++) {
		run_split(in, n + sizeof(tail) - 1, limit, sps[i], &o);
		CHECK_TEXT(o.out, o.len, "!TOOLONG\nPING:after\n");
		CHECK_INT(o.toolong, 1);
		CHECK(o.maxplen <= limit + 1);
		CHECK(o.bounded);
		CHECK(o.idle_ok);
		free(o.out);
	}
	run_whole(in, n + sizeof(tail) - 1, limit, &o);
	CHECK_TEXT(o.out, o.len, "!TOOLONG\nPING:after\n");
	CHECK_INT(o.maxplen, 0);
	free(o.out);
	free(in);
}

/* Every split of the input, in two and in three, gives the same events as the whole. */
static void test_every_split(void)
{
	static const char in[] = "PING:x\r\n\r\n\nabcdefghijklmnop\n"
	                         "abcdefghijklmnopq\nok\nabcdefghijklmnop\r\n"
	                         "abcdefghijklmnop\r\rz\nCALC:1+2\r\nabcdefghijklmnopqrstuvwxyz"
	                         "\r\nlast\r";
	size_t n = sizeof(in) - 1, limit, a, b;
	int bad = 0;

	for (limit = 15; limit <= 17; limit++) {
		struct run whole;

		run_whole(in, n, limit, &whole);
		for (a = 0; a <= n; a++) {
			for (b = a; b <= n; b++) {
				size_t cuts[2] = {a, b};
				struct run o;

				run_cuts(in, n, limit, cuts, 2, &o);
				if (o.len != whole.len ||
				    memcmp(o.out, whole.out, o.len) != 0 || !o.bounded ||
				    !o.idle_ok)
					bad++;
				free(o.out);
			}
		}
		free(whole.out);
	}
	CHECK_INT(bad, 0);
	check_events(in, n, 16,
	             "PING:x\n\n\nabcdefghijklmnop\n!TOOLONG\nok\nabcdefghijklmnop\n!TOOLONG\n"
	             "CALC:1+2\n!TOOLONG\nEOF:last\n");
}

/* Memory: a line complete in its chunk is never copied; a tail is freed once it completes. */
static void test_memory(void)
{
	struct frame_reader r;
	const char *line;
	size_t len;

	frame_init(&r, 1024);
	frame_feed(&r, S("PING:x\nPIN"));
	CHECK_INT(frame_next(&r, &line, &len), FRAME_LINE);
	CHECK(r.partial == NULL);
	CHECK_TEXT(line, len, "PING:x");
	CHECK_INT(frame_next(&r, &line, &len), FRAME_MORE);
	CHECK(frame_pending(&r));
	CHECK_INT(r.plen, 3);
	frame_feed(&r, S("G:y\r\nECHO:z\n"));
	CHECK_INT(frame_next(&r, &line, &len), FRAME_LINE);
	CHECK_TEXT(line, len, "PING:y");
	CHECK(!frame_pending(&r));
	CHECK_INT(frame_next(&r, &line, &len), FRAME_LINE);
	CHECK(r.partial == NULL);
	CHECK_TEXT(line, len, "ECHO:z");
	CHECK_INT(frame_next(&r, &line, &len), FRAME_MORE);
	CHECK(r.partial == NULL);
	frame_free(&r);
	/* a too-long tail is dropped at once, not kept while its rest is skipped */
	frame_init(&r, 4);
	frame_feed(&r, S("abcdefgh"));
	CHECK_INT(frame_next(&r, &line, &len), FRAME_TOOLONG);
	CHECK(r.partial == NULL);
	CHECK(frame_pending(&r));
	frame_feed(&r, S("ijk"));
	CHECK_INT(frame_next(&r, &line, &len), FRAME_MORE);
	frame_feed(&r, S("l\nok\n"));
	CHECK_INT(frame_next(&r, &line, &len), FRAME_LINE);
	CHECK_TEXT(line, len, "ok");
	CHECK(!frame_pending(&r));
	frame_free(&r);
	/* frame_free in the middle of a line leaves nothing behind (ASan would say) */
	frame_init(&r, 64);
	frame_feed(&r, S("half a li"));
	CHECK_INT(frame_next(&r, &line, &len), FRAME_MORE);
	frame_free(&r);
	CHECK(r.partial == NULL && !frame_pending(&r));
}

static void test_finish(void)
{
	struct frame_reader r;
	const char *line;
	size_t len;

	frame_init(&r, 16);
	CHECK_INT(frame_finish(&r, &line, &len), FRAME_MORE);
	frame_feed(&r, S("QUIT:"));
	CHECK_INT(frame_next(&r, &line, &len), FRAME_MORE);
	CHECK_INT(frame_finish(&r, &line, &len), FRAME_LINE);
	CHECK_TEXT(line, len, "QUIT:");
	CHECK_INT(frame_finish(&r, &line, &len), FRAME_MORE);
	CHECK(r.partial == NULL);
	/* called with the chunk not yet taken, finish drains it in order */
	frame_feed(&r, S("a\nb\r\nc"));
	CHECK_INT(frame_finish(&r, &line, &len), FRAME_LINE);
	CHECK_TEXT(line, len, "a");
	CHECK_INT(frame_finish(&r, &line, &len), FRAME_LINE);
	CHECK_TEXT(line, len, "b");
	CHECK_INT(frame_finish(&r, &line, &len), FRAME_LINE);
	CHECK_TEXT(line, len, "c");
	CHECK_INT(frame_finish(&r, &line, &len), FRAME_MORE);
	/* a too-long last line is reported once, by next or by finish, never twice */
	frame_feed(&r, S("0123456789abcdefXYZ"));
	CHECK_INT(frame_next(&r, &line, &len), FRAME_TOOLONG);
	CHECK_INT(frame_next(&r, &line, &len), FRAME_MORE);
	CHECK_INT(frame_finish(&r, &line, &len), FRAME_MORE);
	CHECK(!frame_pending(&r));
	frame_free(&r);
}

static void test_rest(void)
{
	static const char head[] = "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nbody";
	struct frame_reader r;
	const char *line, *rest;
	size_t len, restlen;
	int lines = 0;

	frame_init(&r, 8192);
	frame_feed(&r, S(head));
	while (frame_next(&r, &line, &len) == FRAME_LINE && len > 0)
		lines++;
	CHECK_INT(lines, 2);
	frame_rest(&r, &rest, &restlen);
	CHECK_TEXT(rest, restlen, "body");
	frame_free(&r);

	/* the same when the blank line completes a tail held from the chunk before */
	frame_init(&r, 8192);
	frame_feed(&r, S("HTTP/1.1 204 No Content\r\n\r"));
	CHECK_INT(frame_next(&r, &line, &len), FRAME_LINE);
	CHECK_INT(frame_next(&r, &line, &len), FRAME_MORE);
	frame_feed(&r, S("\nBODY\n"));
	CHECK_INT(frame_next(&r, &line, &len), FRAME_LINE);
	CHECK_INT(len, 0);
	frame_rest(&r, &rest, &restlen);
	CHECK_TEXT(rest, restlen, "BODY\n");
	frame_free(&r);
}

static void test_split_kv(void)
{
	static char longkey[2050];
	static const struct {
		const char *line;
		size_t n;
		int ok;
		const char *key, *val;
	} cases[] = {
	    {S("PING:x"), 0, "PING", "x"},
	    {S("ping:"), 0, "ping", ""},
	    {S("CALC:1:2"), 0, "CALC", "1:2"},
	    {S("abcdefghijklmnop:v"), 0, "abcdefghijklmnop", "v"},
	    {S("ECHO:\x80\xff\xc3\xa9 x"), 0, "ECHO", "\x80\xff\xc3\xa9 x"},
	    {S("ECHO:a b ~"), 0, "ECHO", "a b ~"},
	    {S("abcdefghijklmnopq:v"), -1, NULL, NULL},
	    {S(":x"), -1, NULL, NULL},
	    {S("PING"), -1, NULL, NULL},
	    {S(""), -1, NULL, NULL},
	    {S("PI NG:x"), -1, NULL, NULL},
	    {S("P1:x"), -1, NULL, NULL},
	    {S("P@:x"), -1, NULL, NULL},
	    {S("P[:x"), -1, NULL, NULL},
	    {S("P`:x"), -1, NULL, NULL},
	    {S("P{:x"), -1, NULL, NULL},
	    {S("\xc3\x89:x"), -1, NULL, NULL},
	    {S("PING:a\0b"), -1, NULL, NULL},
	    {S("PING\0:a"), -1, NULL, NULL},
	    {S("PING:a\rb"), -1, NULL, NULL},
	    {S("PING:x\r"), -1, NULL, NULL},
	    {S("PING:\t"), -1, NULL, NULL},
	    {S("PING:\x1b[0m"), -1, NULL, NULL},
	    {S("PING:\x7f"), -1, NULL, NULL},
	    {S("PING:\x1f"), -1, NULL, NULL},
	};
	struct frame_kv kv;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int got = frame_split_kv(cases[i].line, cases[i].n, &kv);

		CHECK_INT(got, cases[i].ok);
		if (got != 0 || cases[i].ok != 0)
			continue;
		CHECK_MEM(kv.key, kv.keylen, cases[i].key, strlen(cases[i].key));
		CHECK_MEM(kv.val, kv.vallen, cases[i].val, strlen(cases[i].val));
	}
	memset(longkey, 'A', sizeof(longkey));
	longkey[2048] = ':';
	CHECK_INT(frame_split_kv(longkey, sizeof(longkey), &kv), -1);
}

/* Every position of a long value, for the 8-bytes-a-step check and its tail. */
static void test_split_kv_long(void)
{
	static const unsigned char bad[] = {0x00, 0x01, 0x09, 0x0d, 0x1f, 0x7f};
	static const unsigned char good[] = {0x20, 0x3a, 0x7e, 0x80, 0x9f, 0xa0, 0xfe, 0xff};
	char line[5 + 40];
	struct frame_kv kv;
	size_t pos, b;
	int wrong = 0;

	memcpy(line, "ECHO:", 5);
	for (pos = 0; pos < 40; pos++) {
		for (b = 0; b < sizeof(bad); b++) {
			memset(line + 5, 'v', 40);
			line[5 + pos] = (char)bad[b];
			wrong += frame_split_kv(line, sizeof(line), &kv) != -1;
		}
		for (b = 0; b < sizeof(good); b++) {
			memset(line + 5, 0x60 + (int)b, 40);
			line[5 + pos] = (char)good[b];
			wrong +=
			    frame_split_kv(line, sizeof(line), &kv) != 0 || kv.vallen != 40;
		}
	}
	CHECK_INT(wrong, 0);
}

static void test_key_is(void)
{
	static const struct {
		const char *key, *word;
		bool same;
	} cases[] = {
	    {"ping", "PING", true},  {"PiNg", "PING", true},   {"PING", "PING", true},
	    {"CALC", "calc", true},  {"PINGX", "PING", false}, {"PIN", "PING", false},
	    {"PONG", "PING", false}, {"Q", "QUIT", false},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct frame_kv kv = {.key = cases[i].key, .keylen = strlen(cases[i].key)};

		CHECK_INT(frame_key_is(&kv, cases[i].word), cases[i].same);
	}
}

static void test_write(void)
{
	char buf[16];

	memset(buf, '#', sizeof(buf));
	CHECK_INT(frame_write(buf, sizeof(buf), "PONG", "x", 1), 7);
	CHECK_TEXT(buf, 8, "PONG:x\n#");
	CHECK_INT(frame_write(buf, 7, "ECHO", "ab", 2), 0);
	CHECK_TEXT(buf, 8, "PONG:x\n#");
	CHECK_INT(frame_write(buf, 8, "ECHO", "ab", 2), 8);
	CHECK_TEXT(buf, 8, "ECHO:ab\n");
	CHECK_INT(frame_write(buf, sizeof(buf), "BYE", NULL, 0), 5);
	CHECK_TEXT(buf, 5, "BYE:\n");
	CHECK_INT(frame_write(buf, 0, "", NULL, 0), 0);
	CHECK_INT(frame_write(buf, 1, "", NULL, 0), 0);
	CHECK_INT(frame_write(buf, 2, "", NULL, 0), 2);
	CHECK_INT(frame_write(buf, 8, "PONG", "x", SIZE_MAX - 2), 0);
}

/* keep_cr (udp-send -l): a '\r' before the '\n' or the end is the line's, and counts
 * toward the limit, in a whole line, a joined one and a held tail alike. */
static void test_keep_cr(void)
{
	struct frame_reader r;
	const char *line;
	size_t len;

	frame_init(&r, 3);
	r.keep_cr = true;
	frame_feed(&r, "ab\r\nab", 6);
	CHECK_INT(frame_next(&r, &line, &len), FRAME_LINE);
	CHECK_MEM(line, len, "ab\r", 3);
	CHECK_INT(frame_next(&r, &line, &len), FRAME_MORE);
	frame_feed(&r, "\r\nabc\r\n", 7);
	CHECK_INT(frame_next(&r, &line, &len), FRAME_LINE); /* joined to the held "ab" */
	CHECK_MEM(line, len, "ab\r", 3);
	CHECK_INT(frame_next(&r, &line, &len), FRAME_TOOLONG); /* "abc\r" is 4 */
	CHECK_INT(frame_next(&r, &line, &len), FRAME_MORE);
	frame_feed(&r, "abc\r", 4); /* a held tail may not keep a 4th byte, '\r' or not */
	CHECK_INT(frame_next(&r, &line, &len), FRAME_TOOLONG);
	CHECK_INT(frame_finish(&r, &line, &len), FRAME_MORE);
	frame_free(&r);
	frame_init(&r, 3);
	r.keep_cr = true;
	frame_feed(&r, "x\r", 2);
	CHECK_INT(frame_next(&r, &line, &len), FRAME_MORE);
	CHECK_INT(frame_finish(&r, &line, &len), FRAME_LINE); /* the end keeps it too */
	CHECK_MEM(line, len, "x\r", 2);
	frame_free(&r);
}

void suite_frame(void);
void suite_frame(void)
{
	test_basic_lines();
	test_limit_edges();
	test_limit_bytewise();
	test_huge_line();
	test_every_split();
	test_memory();
	test_finish();
	test_rest();
	test_split_kv();
	test_split_kv_long();
	test_key_is();
	test_write();
	test_keep_cr();
}
