/* proto_chat.c: the chat room: each member's lines go to every other member and to the
 * server's stdout; a few IRC-like commands; a member who cannot keep up is dropped. */
#include "diag.h"
#include "proto.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NICK_MAX 32
#define WHO_MAX  200   /* nicks named by /who; the rest are only counted */
#define TEXT_MAX 65536 /* --max-line's ceiling: the longest text of a line */
/* a text with the longest prefix and suffix around it, every byte of it escaped (4 each) */
#define MSG_MAX (4 * TEXT_MAX + 128)

struct member {
	struct conn *conn;
	struct member *prev, *next; /* the room, in order of arrival */
	bool in_room;               /* false once it said /quit, before its connection goes */
	char nick[NICK_MAX + 1];
};

static struct {
	struct member *first, *last;
	size_t count;
	unsigned long long next_guest; /* guest numbers are never reused */
	int log_fd;                    /* the server's stdout, or -1 once it failed */
} room;

/* Each notice is built here and sent before the next is built: no callback runs between. */
static char msg[MSG_MAX];

static int chat_init(const struct proto_config *cfg)
{
	room.first = room.last = NULL;
	room.count = 0;
	room.next_guest = 1;
	room.log_fd = cfg->out_fd;
	return 0;
}

/* The room's log on stdout: a blocking write, so the operator misses nothing. A stdout that
 * fails (a reader that left) ends the log, not the room. */
static void log_line(const char *buf, size_t len)
{
	while (len > 0 && room.log_fd >= 0) {
		ssize_t n = write(room.log_fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			room.log_fd = -1;
			return;
		}
		buf += n;
		len -= (size_t)n;
	}
}

/* Sends to every member but except (NULL: everyone). A member whose queue overflows is only
 * scheduled for closing by conn_write, so the list stays intact while we walk it. */
static void send_all(const struct member *except, const char *buf, size_t len)
{
	for (struct member *m = room.first; m; m = m->next)
		if (m != except)
			conn_write(m->conn, buf, len);
}

/* What the room sees goes to the log too. */
static void announce(const struct member *except, const char *buf, size_t len)
{
	send_all(except, buf, len);
	log_line(buf, len);
}

/* Formats one notice line into msg; returns its length. */
static size_t format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static size_t format(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (n < 0)
		return 0;
	return (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1;
}

static void tell(struct member *m, const char *line)
{
	conn_write(m->conn, line, strlen(line));
}

/* prefix + text + "\n" into msg; returns its length. The text is bound for other people's
 * terminals: escaped as diag_escape does, so nobody can move a cursor, retitle a window or
 * reorder a line but their own. */
static size_t compose(const char *prefix, const char *text, size_t len, const char *suffix)
{
	size_t n = strlen(prefix);

	memcpy(msg, prefix, n);
	if (len > TEXT_MAX)
		len = TEXT_MAX;
	n += diag_escape(msg + n, sizeof msg - n - strlen(suffix) - 1, text, len);
	memcpy(msg + n, suffix, strlen(suffix));
	n += strlen(suffix);
	msg[n++] = '\n';
	return n;
}

static bool is_blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t')
			return false;
	return true;
}

/* ASCII only, as the keywords of calc: no locale may make two nicks the same or not. */
static bool same_icase(const char *a, size_t alen, const char *b)
{
	size_t i;

	for (i = 0; i < alen && b[i]; i++) {
		unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
		if ((x >= 'A' && x <= 'Z' ? x + 32 : x) != (y >= 'A' && y <= 'Z' ? y + 32 : y))
			return false;
	}
	return i == alen && b[i] == '\0';
}

static void join(struct member *m)
{
	m->prev = room.last;
	m->next = NULL;
	if (room.last)
		room.last->next = m;
	else
		room.first = m;
	room.last = m;
	room.count++;
	m->in_room = true;
}

static void leave(struct member *m)
{
	if (m->prev)
		m->prev->next = m->next;
	else
		room.first = m->next;
	if (m->next)
		m->next->prev = m->prev;
	else
		room.last = m->prev;
	room.count--;
	m->in_room = false;
}

/* Why name (len bytes) cannot be m's nick, or NULL if it can. Nicks are unique without
 * regard to ASCII case; "server" and guest-<digits> are the server's to give. */
static const char *nick_problem(const struct member *m, const char *name, size_t len)
{
	size_t digits = 0;

	if (len == 0 || len > NICK_MAX)
		return "*** invalid nick: 1-32 of A-Z a-z 0-9 _ -\n";
	for (size_t i = 0; i < len; i++) {
		char ch = name[i];
		if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		      (ch >= '0' && ch <= '9') || ch == '_' || ch == '-'))
			return "*** invalid nick: 1-32 of A-Z a-z 0-9 _ -\n";
		if (i >= 6 && ch >= '0' && ch <= '9')
			digits++;
	}
	if (same_icase(name, len, "server") ||
	    (len > 6 && digits == len - 6 && same_icase(name, 6, "guest-")))
		return "*** nick reserved\n";
	for (const struct member *o = room.first; o; o = o->next)
		if (o != m && same_icase(name, len, o->nick))
			return "*** nick in use\n";
	return NULL;
}

static void cmd_nick(struct member *m, const char *arg, size_t len)
{
	const char *problem;
	size_t n;

	while (len > 0 && (arg[len - 1] == ' ' || arg[len - 1] == '\t'))
		len--;
	if (len == 0) {
		tell(m, "*** usage: /nick NAME\n");
		return;
	}
	if ((problem = nick_problem(m, arg, len))) {
		tell(m, problem);
		return;
	}
	if (strlen(m->nick) == len && memcmp(m->nick, arg, len) == 0) {
		n = format("*** you are %s already\n", m->nick);
		conn_write(m->conn, msg, n);
		return;
	}
	n = format("*** %s is now %.*s\n", m->nick, (int)len, arg);
	memcpy(m->nick, arg, len);
	m->nick[len] = '\0';
	announce(NULL, msg, n);
}

/* "*** K online: a b c" in order of arrival; past WHO_MAX names only a count, so the
 * reply stays far below the output cap however full the room. */
static void cmd_who(struct member *m, const char *arg, size_t len)
{
	size_t n = format("*** %zu online:", room.count), listed = 0;

	(void)arg, (void)len;
	for (const struct member *o = room.first; o && listed < WHO_MAX; o = o->next, listed++)
		n += (size_t)snprintf(msg + n, sizeof msg - n, " %s", o->nick);
	if (listed < room.count)
		n += (size_t)snprintf(msg + n, sizeof msg - n, " (and %zu more)",
		                      room.count - listed);
	msg[n++] = '\n';
	conn_write(m->conn, msg, n);
}

static void cmd_me(struct member *m, const char *arg, size_t len)
{
	char prefix[NICK_MAX + 8];

	if (is_blank(arg, len)) {
		tell(m, "*** usage: /me TEXT\n");
		return;
	}
	snprintf(prefix, sizeof prefix, "* %s ", m->nick);
	announce(m, msg, compose(prefix, arg, len, ""));
}

/* The member leaves the room at once; its connection closes once its output is sent. */
static void cmd_quit(struct member *m, const char *arg, size_t len)
{
	char prefix[NICK_MAX + 16];
	size_t n;

	leave(m);
	if (is_blank(arg, len)) {
		n = format("*** %s left\n", m->nick);
	} else {
		snprintf(prefix, sizeof prefix, "*** %s left (", m->nick);
		n = compose(prefix, arg, len, ")");
	}
	announce(NULL, msg, n);
	conn_close(m->conn);
}

static const struct command {
	const char *name;
	void (*run)(struct member *m, const char *arg, size_t len);
} commands[] = {
    {"nick", cmd_nick},
    {"who", cmd_who},
    {"me", cmd_me},
    {"quit", cmd_quit},
};

/* "/word arg": the word without regard to case, the argument after its spaces. */
static void command(struct member *m, const char *line, size_t len)
{
	size_t w = 1;

	while (w < len && line[w] != ' ')
		w++;
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++) {
		if (!same_icase(line + 1, w - 1, commands[i].name))
			continue;
		while (w < len && line[w] == ' ')
			w++;
		commands[i].run(m, line + w, len - w);
		return;
	}
	tell(m, "*** unknown command\n");
}

/* One line from m: a command, or text for the others ("//x" says "/x"). */
static void said(struct member *m, const char *line, size_t len)
{
	char prefix[NICK_MAX + 4];

	if (is_blank(line, len))
		return;
	if (line[0] == '/' && !(len > 1 && line[1] == '/')) {
		command(m, line, len);
		return;
	}
	if (line[0] == '/') {
		line++;
		len--;
	}
	snprintf(prefix, sizeof prefix, "<%s> ", m->nick);
	announce(m, msg, compose(prefix, line, len, ""));
}

static void chat_open(struct conn *c)
{
	struct member *m = calloc(1, sizeof *m);
	size_t n;

	if (!m) {
		conn_close(c);
		return;
	}
	m->conn = c;
	snprintf(m->nick, sizeof m->nick, "guest-%llu", room.next_guest++);
	conn_set_data(c, m);
	join(m);
	n = format("*** welcome %s, %zu online\n", m->nick, room.count);
	conn_write(c, msg, n);
	n = format("*** %s joined\n", m->nick);
	announce(m, msg, n);
}

static void chat_data(struct conn *c, const char *buf, size_t len)
{
	struct frame_reader *fr = conn_frames(c);
	struct member *m = conn_data(c);
	const char *line;
	size_t n;
	enum frame_status st;

	if (!m)
		return;
	frame_feed(fr, buf, len);
	while (!conn_is_closing(c) && (st = frame_next(fr, &line, &n)) != FRAME_MORE) {
		if (st == FRAME_LINE)
			said(m, line, n);
		else if (st == FRAME_TOOLONG)
			tell(m, "*** line too long\n");
		else
			conn_close(c); /* FRAME_NOMEM */
	}
}

/* Nothing to do at EOF: the server closes the connection once its output is sent, and an
 * unfinished last line is not said (it may be a fragment of something never meant). */

static void chat_close(struct conn *c, enum proto_close why)
{
	struct member *m = conn_data(c);
	size_t n;

	if (!m)
		return;
	conn_set_data(c, NULL);
	if (m->in_room) {
		leave(m);
		/* a stopping server closes everyone: nobody is left to tell */
		if (why == PROTO_CLOSE_SLOW)
			n = format("*** %s dropped: too slow\n", m->nick);
		else if (why == PROTO_CLOSE_IDLE)
			n = format("*** %s dropped: idle\n", m->nick);
		else
			n = format("*** %s left\n", m->nick);
		if (why != PROTO_CLOSE_STOP)
			announce(NULL, msg, n);
	}
	free(m);
}

/* A line typed by the operator, to everyone. */
static void chat_input(const char *line, size_t len)
{
	if (!is_blank(line, len))
		send_all(NULL, msg, compose("<server> ", line, len, ""));
}

const struct proto proto_chat = {
    .name = "chat",
    .udp = false,
    .overflow = PROTO_DROP,
    .out_cap = 256 * 1024,
    .busy = "*** server full\n",
    .init = chat_init,
    .on_open = chat_open,
    .on_data = chat_data,
    .on_close = chat_close,
    .on_input = chat_input,
};
