/* proto_http.c: `serve --proto http`: GET and HEAD over HTTP/1.1 (RFC 9110, RFC 9112), the
 * greeting as a prebuilt response, or the files beneath --root sent with sendfile(2). */
#include "buf.h"
#include "clock.h"
#include "diag.h"
#include "http_req.h"
#include "json.h"
#include "proto.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/openat2.h>
#include <sys/syscall.h>
#endif

#define LISTING_MAX 10000                  /* entries shown in a directory listing */
#define HEAD_MAX    (HTTP_LINE_MAX + 1024) /* a response head: a Location may be a target long */

/* One connection: its request reader, and whether a file of its is going out. */
struct hconn {
	struct http_reqreader rd;
	bool waiting;    /* a file is being sent: later requests wait for on_drain */
	long long since; /* when the request being read began arriving (for -v) */
	char *given;     /* requests handed back to the server for want of room (give_back) */
};

static int rootfd = -1;
static int head_ms; /* --idle-timeout: a head trickled in for longer gets 408 */

/* The Date value, made again at most once a second. */
static struct {
	time_t sec;
	char text[30];
} date;

static const char *date_now(void)
{
	time_t now = time(NULL);

	if (now != date.sec || date.text[0] == '\0') {
		date.sec = now;
		http_date_format((int64_t)now, date.text);
	}
	return date.text;
}

/* ---- responses --------------------------------------------------------------------------- */

/* What is answered: the status line and headers are made from it in one place. */
struct reply {
	int status;
	const char *type; /* Content-Type, or NULL */
	uint64_t length;  /* Content-Length */
	const char *body; /* length bytes to send after the head, or NULL (none, or a file) */
	char extra[HEAD_MAX / 2]; /* more header lines, each ending in CRLF */
	size_t extralen;
	bool close; /* the connection ends after this response */
};

static const char *reason(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 206:
		return "Partial Content";
	case 301:
		return "Moved Permanently";
	case 304:
		return "Not Modified";
	case 400:
		return "Bad Request";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 408:
		return "Request Timeout";
	case 413:
		return "Content Too Large";
	case 414:
		return "URI Too Long";
	case 416:
		return "Range Not Satisfiable";
	case 431:
		return "Request Header Fields Too Large";
	case 505:
		return "HTTP Version Not Supported";
	default:
		return "Internal Server Error";
	}
}

static bool add_header(struct reply *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Adds a header line; false (and nothing added) if it does not fit. */
static bool add_header(struct reply *r, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(r->extra + r->extralen, sizeof r->extra - r->extralen, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof r->extra - r->extralen) {
		r->extra[r->extralen] = '\0';
		return false;
	}
	r->extralen += (size_t)n;
	return true;
}

/* The connection header: none when HTTP/1.1 persists by itself (RFC 9112 §9.3). */
static const char *connection_line(bool close, int minor)
{
	if (close)
		return "Connection: close\r\n";
	return minor == 0 ? "Connection: keep-alive\r\n" : "";
}

/* The head of a response into dst; returns its length (it always fits HEAD_MAX). */
static size_t make_head(char *dst, int status, const char *type, uint64_t length,
                        const char *extra, size_t extralen, const char *conn)
{
	int n =
	    snprintf(dst, HEAD_MAX,
	             "HTTP/1.1 %d %s\r\nDate: %s\r\nServer: sockit/" SOCKIT_VERSION "\r\n"
	             "%s%s%sContent-Length: %" PRIu64 "\r\n%.*s%s\r\n",
	             status, reason(status), date_now(), type ? "Content-Type: " : "",
	             type ? type : "", type ? "\r\n" : "", length, (int)extralen, extra, conn);

	return n > 0 && n < HEAD_MAX ? (size_t)n : 0;
}

/* The target for the log: bytes outside printable ASCII shown as \xHH. */
static const char *shown_target(const struct http_req *q)
{
	static char out[4 * 256 + 4];
	size_t k = 0;

	for (size_t i = 0; i < q->targetlen && k + 8 < sizeof out; i++) {
		unsigned char ch = (unsigned char)q->target[i];
		if (ch < 0x21 || ch > 0x7e || ch == '\\')
			k += (size_t)snprintf(out + k, 5, "\\x%02x", ch);
		else
			out[k++] = (char)ch;
	}
	if (q->targetlen > 0 && k + 8 >= sizeof out)
		k += (size_t)snprintf(out + k, 4, "...");
	out[k] = '\0';
	return q->targetlen > 0 ? out : "-";
}

static void log_request(struct conn *c, struct hconn *h, const struct http_req *q, int status,
                        uint64_t bytes)
{
	long long now = clock_ms();

	diag_verbose(1, "%s %.*s %s %d %" PRIu64 " %lld ms", conn_peer(c),
	             q->methodlen ? (int)q->methodlen : 1, q->methodlen ? q->method : "-",
	             shown_target(q), status, bytes, now - h->since);
	h->since = now;
}

/* Writes the head (and the body in memory, unless HEAD), logs, and closes if asked. */
static void send_reply(struct conn *c, struct hconn *h, const struct http_req *q,
                       const struct reply *r)
{
	static char head[HEAD_MAX];
	size_t n = make_head(head, r->status, r->type, r->length, r->extra, r->extralen,
	                     connection_line(r->close, q->minor));

	conn_write(c, head, n);
	if (r->body && !q->head)
		conn_write(c, r->body, (size_t)r->length);
	log_request(c, h, q, r->status, q->head || r->status == 304 ? 0 : r->length);
	if (r->close)
		conn_close(c);
}

/* An answer with a one-line text body ("404 Not Found\n"). */
static void send_status(struct conn *c, struct hconn *h, const struct http_req *q,
                        struct reply *r)
{
	static char body[64];

	r->length =
	    (uint64_t)snprintf(body, sizeof body, "%d %s\n", r->status, reason(r->status));
	r->body = body;
	r->type = "text/plain; charset=utf-8";
	send_reply(c, h, q, r);
}

static void answer_status(struct conn *c, struct hconn *h, const struct http_req *q, int status,
                          bool close)
{
	struct reply r = {.status = status, .close = close || !q->keep_alive};

	if (status == 405)
		add_header(&r, "Allow: GET, HEAD\r\n");
	send_status(c, h, q, &r);
}

/* ---- without --root: the greeting, built once ------------------------------------------ */

/* Three variants (HTTP/1.1 kept, HTTP/1.0 kept, closing); HEAD sends a head's length. */
enum { GREET_KEEP11, GREET_KEEP10, GREET_CLOSE, GREET_VARIANTS };

static struct {
	char buf[GREET_VARIANTS][HEAD_MAX / 8 + 600];
	size_t len[GREET_VARIANTS], headlen[GREET_VARIANTS];
	time_t built;
	char body[520];
	size_t bodylen;
} greet;

static void build_greeting(void)
{
	static const char *const conn[GREET_VARIANTS] = {"", "Connection: keep-alive\r\n",
	                                                 "Connection: close\r\n"};

	date_now();
	for (int v = 0; v < GREET_VARIANTS; v++) {
		char head[HEAD_MAX];
		size_t n = make_head(head, 200, "text/plain; charset=utf-8", greet.bodylen, "",
		                     0, conn[v]);
		memcpy(greet.buf[v], head, n);
		memcpy(greet.buf[v] + n, greet.body, greet.bodylen);
		greet.headlen[v] = n;
		greet.len[v] = n + greet.bodylen;
	}
	greet.built = date.sec;
}

static void answer_greeting(struct conn *c, struct hconn *h, const struct http_req *q)
{
	int v = !q->keep_alive ? GREET_CLOSE : q->minor == 0 ? GREET_KEEP10 : GREET_KEEP11;

	if (time(NULL) != greet.built)
		build_greeting();
	conn_write(c, greet.buf[v], q->head ? greet.headlen[v] : greet.len[v]);
	if (diag_level() >= 1)
		log_request(c, h, q, 200, q->head ? 0 : greet.bodylen);
	if (!q->keep_alive)
		conn_close(c);
}

/* ---- with --root: files beneath the directory ------------------------------------------ */

static const char *content_type(const char *name)
{
	static const char *const types[][2] = {
	    {"html", "text/html; charset=utf-8"},
	    {"htm", "text/html; charset=utf-8"},
	    {"txt", "text/plain; charset=utf-8"},
	    {"css", "text/css; charset=utf-8"},
	    {"js", "text/javascript; charset=utf-8"},
	    {"json", "application/json"},
	    {"xml", "application/xml"},
	    {"svg", "image/svg+xml"},
	    {"png", "image/png"},
	    {"jpg", "image/jpeg"},
	    {"jpeg", "image/jpeg"},
	    {"gif", "image/gif"},
	    {"webp", "image/webp"},
	    {"ico", "image/vnd.microsoft.icon"},
	    {"pdf", "application/pdf"},
	    {"wasm", "application/wasm"},
	};
	const char *dot = strrchr(name, '.'), *slash = strrchr(name, '/');

	if (dot != NULL && (slash == NULL || dot > slash))
		for (size_t i = 0; i < sizeof types / sizeof *types; i++)
			if (strcasecmp(dot + 1, types[i][0]) == 0)
				return types[i][1];
	return "application/octet-stream";
}

/* Opens rel beneath the root, component by component, following no symlink at all: the
 * portable way when openat2 cannot keep the walk beneath the root. */
static int walk_beneath(const char *rel)
{
	char part[HTTP_LINE_MAX + 1];
	int dir = openat(rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	while (dir >= 0 && *rel) {
		size_t n = strcspn(rel, "/");
		int flags = O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY;
		int next;

		memcpy(part, rel, n);
		part[n] = '\0';
		rel += n + (rel[n] == '/');
		next = openat(dir, part, flags | (*rel ? O_DIRECTORY : 0));
		close(dir);
		dir = next;
	}
	return dir;
}

/* Opens rel ("" is the root) beneath the root: a symlink may not lead out of it. Returns
 * the fd, or -1 with errno set (EXDEV, ELOOP: it would have led out). */
static int open_beneath(const char *rel)
{
#if defined(__linux__) && defined(SYS_openat2)
	struct open_how how = {
	    .flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY,
	    .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	int fd = (int)syscall(SYS_openat2, rootfd, *rel ? rel : ".", &how, sizeof how);

	if (fd >= 0 || (errno != ENOSYS && errno != EPERM))
		return fd;
#endif
	return walk_beneath(rel);
}

static int open_failed(void)
{
	if (errno == EACCES)
		return 403;
	if (errno == EMFILE || errno == ENFILE || errno == ENOMEM)
		return 500;
	return 404;
}

/* s as HTML text (escaped), or as a URL path (percent-encoded but for unreserved and '/'). */
static void put_escaped(struct buf *t, const char *s, bool url)
{
	char tmp[8];

	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (url && !(ch >= 'a' && ch <= 'z') && !(ch >= 'A' && ch <= 'Z') &&
		    !(ch >= '0' && ch <= '9') && !strchr("-._~/", ch))
			buf_put(t, tmp, (size_t)snprintf(tmp, sizeof tmp, "%%%02X", ch));
		else if (!url && strchr("&<>\"'", ch))
			buf_put(t, tmp, (size_t)snprintf(tmp, sizeof tmp, "&#%d;", ch));
		else
			buf_put(t, s, 1);
	}
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A name a client could ask for and a page could show as it is: valid UTF-8 with no
 * control byte (C0, DEL or C1) and no backslash. Others are left out (sockit(1)). */
static bool listable(const char *name)
{
	const unsigned char *s = (const unsigned char *)name;
	size_t n = strlen(name), len;

	for (size_t i = 0; i < n; i += len) {
		len = json_utf8_char(s + i, n - i);
		if (len == 0 || s[i] < 0x20 || s[i] == 0x7f || s[i] == '\\' ||
		    (s[i] == 0xc2 && s[i + 1] < 0xa0))
			return false;
	}
	return true;
}

/* Sorts names[0..n) and frees those past LISTING_MAX; returns how many are kept. */
static size_t keep_first(char **names, size_t n)
{
	if (n > 1)
		qsort(names, n, sizeof *names, by_name);
	for (size_t i = LISTING_MAX; i < n; i++)
		free(names[i]);
	return n < LISTING_MAX ? n : LISTING_MAX;
}

/* The listable names of the directory (fd closed here), directories with a '/': the first
 * LISTING_MAX in sorted order, whatever readdir's, holding at most twice that at once.
 * *omitted counts the listable names left out by the cap. */
static size_t read_names(int fd, char ***names, size_t *omitted)
{
	DIR *d = fdopendir(fd);
	struct dirent *e;
	size_t n = 0, seen = 0;

	*omitted = 0;
	*names = malloc(2 * LISTING_MAX * sizeof **names);
	if (d == NULL || *names == NULL) {
		if (d != NULL)
			closedir(d);
		else
			close(fd);
		return 0;
	}
	while ((e = readdir(d)) != NULL) {
		struct stat st;
		bool isdir = e->d_type == DT_DIR;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
		    !listable(e->d_name))
			continue;
		if (e->d_type == DT_UNKNOWN &&
		    fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0)
			isdir = S_ISDIR(st.st_mode);
		if (n == 2 * LISTING_MAX)
			n = keep_first(*names, n);
		if (asprintf(&(*names)[n], "%s%s", e->d_name, isdir ? "/" : "") < 0)
			break;
		n++;
		seen++;
	}
	closedir(d);
	n = keep_first(*names, n);
	*omitted = seen - n;
	return n;
}

/* The title of a listing: "/a/b/", escaped. */
static void put_title(struct buf *t, const struct http_path *p)
{
	buf_puts(t, "Index of /");
	put_escaped(t, p->rel, false);
	if (p->rellen)
		buf_puts(t, "/");
}

/* A plain HTML listing of the directory fd (closed here); the names escaped. */
static void answer_listing(struct conn *c, struct hconn *h, const struct http_req *q,
                           const struct http_path *p, int fd)
{
	struct reply r = {
	    .status = 200, .type = "text/html; charset=utf-8", .close = !q->keep_alive};
	struct buf t = {0};
	char **names;
	size_t omitted, n = read_names(fd, &names, &omitted);

	buf_puts(&t, "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>");
	put_title(&t, p);
	buf_puts(&t, "</title></head>\n<body>\n<h1>");
	put_title(&t, p);
	buf_puts(&t, "</h1>\n<ul>\n");
	if (p->rellen)
		buf_puts(&t, "<li><a href=\"../\">../</a></li>\n");
	for (size_t i = 0; i < n; i++) {
		buf_puts(&t, "<li><a href=\"");
		put_escaped(&t, names[i], true);
		buf_puts(&t, "\">");
		put_escaped(&t, names[i], false);
		buf_puts(&t, "</a></li>\n");
		free(names[i]);
	}
	free(names);
	buf_puts(&t, "</ul>\n");
	if (omitted > 0) {
		char note[96];
		buf_put(&t, note,
		        (size_t)snprintf(
		            note, sizeof note,
		            "<p>%zu more entries not listed: a listing shows at most %d.</p>\n",
		            omitted, LISTING_MAX));
	}
	buf_puts(&t, "</body></html>\n");
	if (t.failed) {
		buf_free(&t);
		answer_status(c, h, q, 500, false);
		return;
	}
	r.body = t.data;
	r.length = t.len;
	send_reply(c, h, q, &r);
	buf_free(&t);
}

/* A directory asked for without its '/': relative links in it need the slash (301). */
static void answer_redirect(struct conn *c, struct hconn *h, const struct http_req *q,
                            const struct http_path *p)
{
	struct reply r = {.status = 301, .close = !q->keep_alive};
	struct buf loc = {0};

	/* the path as decoded, not as sent: no "//" (a browser would go to another host),
	 * no dot segments */
	buf_puts(&loc, "/");
	put_escaped(&loc, p->rel, true);
	buf_puts(&loc, "/");
	if (loc.failed)
		r.status = 500;
	else if (!add_header(&r, "Location: %.*s%.*s\r\n", (int)loc.len, loc.data,
	                     (int)p->querylen, p->query))
		r.status = 414; /* a 301 goes with its Location, or not at all */
	buf_free(&loc);
	send_status(c, h, q, &r);
}

/* A regular file: 200, 206 or 416 for a Range, 304 if not modified since; GET sends it
 * after the head with sendfile(2). fd is owned here. */
static void answer_file(struct conn *c, struct hconn *h, const struct http_req *q,
                        const char *name, int fd, const struct stat *st)
{
	struct reply r = {.status = 200, .type = content_type(name), .close = !q->keep_alive};
	uint64_t size = (uint64_t)st->st_size, first = 0, last = size ? size - 1 : 0;
	enum http_range_result range = HTTP_RANGE_NONE;
	char modified[30];
	int64_t since;

	http_date_format((int64_t)st->st_mtime, modified);
	if (q->ims && http_date_parse(q->ims, q->imslen, &since) == 0 &&
	    (int64_t)st->st_mtime <= since) {
		r.status = 304;
	} else if (q->range) {
		range = http_range_parse(q->range, q->rangelen, size, &first, &last);
	}
	add_header(&r, "Last-Modified: %s\r\nAccept-Ranges: bytes\r\n", modified);
	if (range == HTTP_RANGE_BAD) {
		close(fd);
		r.status = 416;
		add_header(&r, "Content-Range: bytes */%" PRIu64 "\r\n", size);
		send_status(c, h, q, &r);
		return;
	}
	if (range == HTTP_RANGE_OK) {
		r.status = 206;
		add_header(&r, "Content-Range: bytes %" PRIu64 "-%" PRIu64 "/%" PRIu64 "\r\n",
		           first, last, size);
	}
	r.length = range == HTTP_RANGE_OK ? last - first + 1 : size;
	send_reply(c, h, q, &r);
	if (q->head || r.status == 304 || r.length == 0) {
		close(fd);
		return;
	}
	h->waiting = true;
	conn_sendfile(c, fd, first, r.length);
}

/* A directory: its index.html, else a listing. fd is owned here. */
static void answer_directory(struct conn *c, struct hconn *h, const struct http_req *q,
                             const struct http_path *p, int fd)
{
	static char index[HTTP_LINE_MAX + 16];
	struct stat st;
	int ifd;

	if (!p->slash) {
		close(fd);
		answer_redirect(c, h, q, p);
		return;
	}
	snprintf(index, sizeof index, "%s%sindex.html", p->rel, p->rellen ? "/" : "");
	ifd = open_beneath(index);
	if (ifd >= 0 && fstat(ifd, &st) == 0 && S_ISREG(st.st_mode)) {
		close(fd);
		answer_file(c, h, q, index, ifd, &st);
		return;
	}
	if (ifd >= 0)
		close(ifd);
	answer_listing(c, h, q, p, fd);
}

static void answer_path(struct conn *c, struct hconn *h, const struct http_req *q)
{
	static struct http_path p;
	struct stat st;
	int fd, status = http_path_parse(&p, q->target, q->targetlen);

	if (status != 0) {
		answer_status(c, h, q, status, false);
		return;
	}
	fd = open_beneath(p.rel);
	if (fd < 0) {
		answer_status(c, h, q, open_failed(), false);
		return;
	}
	if (fstat(fd, &st) < 0) {
		close(fd);
		answer_status(c, h, q, 500, false);
	} else if (S_ISDIR(st.st_mode)) {
		answer_directory(c, h, q, &p, fd);
	} else if (S_ISREG(st.st_mode) && !p.slash) {
		answer_file(c, h, q, p.rel, fd, &st);
	} else { /* a FIFO, a device, a socket, a file asked for as a directory: not served */
		close(fd);
		answer_status(c, h, q, 404, false);
	}
}

/* ---- the protocol ---------------------------------------------------------------------- */

static void answer(struct conn *c, struct hconn *h, const struct http_req *q)
{
	if (q->body)
		answer_status(c, h, q, 413,
		              true); /* its body would be read as the next request */
	else if (!q->get && !q->head)
		answer_status(c, h, q, 405, false);
	else if (rootfd < 0)
		answer_greeting(c, h, q);
	else
		answer_path(c, h, q);
}

/* Out of room: the requests not answered yet go back to the server, which keeps them, stops
 * reading the client, and hands them to on_data again once the client has read enough of
 * the answers (proto.h, conn_room). The copy lives until the next callback. */
static void give_back(struct conn *c, struct hconn *h)
{
	long n;

	free(h->given);
	n = http_req_take(&h->rd, &h->given);
	if (n < 0)
		conn_close(c);
	else
		frame_feed(conn_frames(c), h->given, (size_t)n);
}

/* The copy given back last time: the server has its own by now. */
static void forget_given(struct hconn *h)
{
	free(h->given);
	h->given = NULL;
}

/* Answers the requests read so far, in order, while the answers fit the client's output
 * bound (out_cap), until one needs its file sent first. */
static void serve_requests(struct conn *c, struct hconn *h)
{
	struct http_req q;

	while (!h->waiting && !conn_is_closing(c)) {
		enum http_req_ev ev;

		if (conn_room(c) == 0) {
			give_back(c, h);
			return;
		}
		ev = http_req_next(&h->rd, &q);

		if (ev == HTTP_REQ_MORE)
			return;
		if (ev == HTTP_REQ_ERROR) {
			answer_status(c, h, &q, q.status, true);
			return;
		}
		answer(c, h, &q);
	}
	if (h->waiting && !conn_is_closing(c) && !http_req_hold(&h->rd))
		conn_close(c);
}

static void http_data(struct conn *c, const char *buf, size_t len)
{
	struct hconn *h = conn_data(c);
	long long now = clock_ms();

	forget_given(h);
	if (!http_req_pending(&h->rd)) {
		h->since = now;
	} else if (head_ms > 0 && now - h->since > head_ms) {
		/* a byte now and then keeps a client from being idle, not from being slow */
		struct http_req none = {.status = 408};
		answer_status(c, h, &none, 408, true);
		return;
	}
	http_req_feed(&h->rd, buf, len);
	serve_requests(c, h);
}

static void http_drain(struct conn *c)
{
	struct hconn *h = conn_data(c);

	forget_given(h);
	h->waiting = false;
	if (!http_req_pending(&h->rd))
		h->since = clock_ms();
	serve_requests(c, h);
}

static void http_open(struct conn *c)
{
	struct hconn *h = malloc(sizeof *h);

	if (h == NULL) {
		conn_close(c);
		return;
	}
	http_req_init(&h->rd);
	h->waiting = false;
	h->given = NULL;
	h->since = clock_ms();
	conn_set_data(c, h);
}

static void http_close(struct conn *c, enum proto_close why)
{
	struct hconn *h = conn_data(c);

	(void)why;
	if (h != NULL) {
		http_req_free(&h->rd);
		free(h->given);
		free(h);
	}
}

static int http_init(const struct proto_config *cfg)
{
	const char *g = cfg->greeting ? cfg->greeting : "Welcome to the server!";

	head_ms = cfg->idle_ms;
	greet.bodylen = (size_t)snprintf(greet.body, sizeof greet.body, "%s\n", g);
	if (greet.bodylen >= sizeof greet.body)
		greet.bodylen = sizeof greet.body - 1;
	build_greeting();
	if (cfg->root == NULL)
		return 0;
	rootfd = open(cfg->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0) {
		diag_err("%s: %s", cfg->root, strerror(errno));
		return -1;
	}
	return 0;
}

const struct proto proto_http = {
    .name = "http",
    .own_greeting = true,
    .overflow = PROTO_THROTTLE,
    .out_cap = 256 * 1024,
    .init = http_init,
    .on_open = http_open,
    .on_data = http_data,
    .on_drain = http_drain,
    .on_close = http_close,
};
