/* proto_calc.c: the seeds' line protocol: `KEYWORD:VALUE` requests, one reply line
 * each, in order; the framing module bounds every line by --max-line. */
#include "calc.h"
#include "proto.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* The longest reply: a --max-line value echoed back, its keyword and the newline. */
#define REPLY_MAX (65536 + 32)
/* A reply is at most its request line and this much (an ERR:SYNTAX detail, HELP). */
#define REPLY_EXTRA 64

static size_t max_line = 1024;

static int calc_init(const struct proto_config *cfg)
{
	max_line = cfg->max_line;
	return 0;
}

static size_t put(char *out, size_t cap, const char *key, const char *val, size_t vallen)
{
	return frame_write(out, cap, key, val, vallen);
}

static size_t put_str(char *out, size_t cap, const char *key, const char *val)
{
	return frame_write(out, cap, key, val, strlen(val));
}

static size_t calc_answer(const struct frame_kv *kv, char *out, size_t cap)
{
	struct calc_error e;
	char num[48];
	int64_t v;
	enum calc_status st = calc_eval(kv->val, kv->vallen, &v, &e);

	if (st == CALC_OK) {
		int n = snprintf(num, sizeof num, "%" PRId64, v);
		return put(out, cap, "CALC", num, (size_t)n);
	}
	if (st == CALC_SYNTAX) {
		int n = snprintf(num, sizeof num, "SYNTAX %s", e.detail);
		return put(out, cap, "ERR", num,
		           n < (int)sizeof num ? (size_t)n : sizeof num - 1);
	}
	return put_str(out, cap, "ERR", calc_status_name(st));
}

/* One request line to its reply in out; *quit is set by QUIT. Blank lines get none. */
static size_t answer(const char *line, size_t len, char *out, size_t cap, bool *quit)
{
	struct frame_kv kv;
	char now[21];

	if (len == 0)
		return 0;
	if (frame_split_kv(line, len, &kv) < 0)
		return put_str(out, cap, "ERR", "BADFRAME");
	if (frame_key_is(&kv, "PING"))
		return put(out, cap, "PONG", kv.val, kv.vallen);
	if (frame_key_is(&kv, "CALC"))
		return calc_answer(&kv, out, cap);
	if (frame_key_is(&kv, "ECHO"))
		return put(out, cap, "ECHO", kv.val, kv.vallen);
	if (frame_key_is(&kv, "TIME")) {
		proto_utc_now(now);
		return put_str(out, cap, "TIME", now);
	}
	if (frame_key_is(&kv, "HELP"))
		return put_str(out, cap, "HELP", "CALC ECHO HELP PING QUIT TIME");
	if (frame_key_is(&kv, "QUIT")) {
		*quit = true;
		return put_str(out, cap, "BYE", "");
	}
	return put_str(out, cap, "ERR", "UNKNOWN");
}

static void answer_line(struct conn *c, const char *line, size_t len)
{
	static char out[REPLY_MAX];
	bool quit = false;
	size_t n = answer(line, len, out, sizeof out, &quit);

	conn_write(c, out, n);
	if (quit)
		conn_close(c);
}

static void calc_data(struct conn *c, const char *buf, size_t len)
{
	struct frame_reader *fr = conn_frames(c);
	const char *line;
	size_t n;
	enum frame_status st;

	frame_feed(fr, buf, len);
	/* a line is taken only while its longest reply fits under the cap; the rest stays in
	 * the reader for the server to keep (sockit(1): a client that does not read) */
	while (!conn_is_closing(c) && conn_room(c) >= max_line + REPLY_EXTRA &&
	       (st = frame_next(fr, &line, &n)) != FRAME_MORE) {
		if (st == FRAME_LINE)
			answer_line(c, line, n);
		else if (st == FRAME_TOOLONG)
			conn_write(c, "ERR:TOOLONG\n", 12);
		else
			conn_close(c); /* FRAME_NOMEM */
	}
}

/* At EOF a last line without its newline is still answered. */
static void calc_eof(struct conn *c)
{
	const char *line;
	size_t n;
	enum frame_status st = frame_finish(conn_frames(c), &line, &n);

	if (conn_is_closing(c))
		return;
	if (st == FRAME_LINE)
		answer_line(c, line, n);
	else if (st == FRAME_TOOLONG)
		conn_write(c, "ERR:TOOLONG\n", 12);
}

/* UDP: the datagram is one frame; its newline is optional. A reply that would not fit in
 * one datagram (cap) is ERR:TOOLONG, as a line over --max-line: never silence. */
static long calc_datagram(const char *in, size_t len, char *out, size_t cap)
{
	bool quit = false;
	size_t n;

	if (len > 0 && in[len - 1] == '\n')
		len--;
	if (len > 0 && in[len - 1] == '\r')
		len--;
	if (len == 0)
		return -1;
	n = len > max_line ? 0 : answer(in, len, out, cap, &quit);
	if (n == 0)
		n = put_str(out, cap, "ERR", "TOOLONG");
	return (long)n;
}

const struct proto proto_calc = {
    .name = "calc",
    .udp = true,
    .overflow = PROTO_THROTTLE,
    .out_cap = 256 * 1024,
    .busy = "ERR:BUSY\n",
    .init = calc_init,
    .on_data = calc_data,
    .on_eof = calc_eof,
    .on_datagram = calc_datagram,
};
