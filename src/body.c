/* body.c: request bodies (sockit(1), http-post): opening and checking their sources,
 * multipart/form-data, and sending them in steps through the transport: a file by
 * sendfile where the socket takes the bytes as they are (plain, kernel TLS), else by a
 * bounded copy; a pipe chunked by a bounded copy, each chunk one write. */
#include "body.h"

#include "jsoncheck.h"
#include "net.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define STEP_MAX   (1024 * 1024) /* bytes moved by one step: the caller re-arms between */
#define SCAN_SIZE  65536         /* the buffer a file is read through (boundary, JSON) */
#define COPY_SIZE  (256 * 1024)  /* a pipe is copied through it (a file too, into TLS) */
#define CHUNK_HEAD 24            /* room for a chunk's size line */

enum { PART_HEAD, PART_CONTENT, PART_END };

/* ---- pure ----------------------------------------------------------------------------- */

const char *body_mime_type(const char *path)
{
	static const char *const types[][2] = {
	    {"txt", "text/plain"},        {"html", "text/html"},
	    {"htm", "text/html"},         {"css", "text/css"},
	    {"csv", "text/csv"},          {"js", "text/javascript"},
	    {"json", "application/json"}, {"xml", "application/xml"},
	    {"pdf", "application/pdf"},   {"zip", "application/zip"},
	    {"gz", "application/gzip"},   {"tar", "application/x-tar"},
	    {"png", "image/png"},         {"jpg", "image/jpeg"},
	    {"jpeg", "image/jpeg"},       {"gif", "image/gif"},
	    {"svg", "image/svg+xml"},     {"webp", "image/webp"},
	    {"mp3", "audio/mpeg"},        {"mp4", "video/mp4"},
	};
	const char *slash = strrchr(path, '/'), *dot = strrchr(slash ? slash : path, '.');

	for (size_t i = 0; dot && i < sizeof types / sizeof *types; i++)
		if (strcasecmp(dot + 1, types[i][0]) == 0)
			return types[i][1];
	return "application/octet-stream";
}

/* Appends s[0..n) to dst at *len, a quote, CR or LF percent-escaped (the HTML form
 * encoding of a name in Content-Disposition). Returns false when out of room. */
static bool put_quoted(char *dst, size_t cap, size_t *len, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *esc = s[i] == '"'    ? "%22"
		                  : s[i] == '\r' ? "%0D"
		                  : s[i] == '\n' ? "%0A"
		                                 : NULL;
		size_t k = esc ? 3 : 1;

		if (*len + k >= cap)
			return false;
		memcpy(dst + *len, esc ? esc : s + i, k);
		*len += k;
	}
	return true;
}

static bool put(char *dst, size_t cap, size_t *len, const char *s)
{
	size_t n = strlen(s);

	if (*len + n >= cap)
		return false;
	memcpy(dst + *len, s, n);
	*len += n;
	return true;
}

size_t body_form_head(char *dst, size_t cap, const char *boundary, const char *name,
                      size_t namelen, const char *filename, const char *type)
{
	size_t len = 0;
	bool ok = put(dst, cap, &len, "--") && put(dst, cap, &len, boundary) &&
	          put(dst, cap, &len, "\r\nContent-Disposition: form-data; name=\"") &&
	          put_quoted(dst, cap, &len, name, namelen) && put(dst, cap, &len, "\"");

	if (ok && filename)
		ok = put(dst, cap, &len, "; filename=\"") &&
		     put_quoted(dst, cap, &len, filename, strlen(filename)) &&
		     put(dst, cap, &len, "\"");
	ok = ok && put(dst, cap, &len, "\r\n");
	if (ok && type)
		ok = put(dst, cap, &len, "Content-Type: ") && put(dst, cap, &len, type) &&
		     put(dst, cap, &len, "\r\n");
	ok = ok && put(dst, cap, &len, "\r\n");
	return ok ? len : 0;
}

size_t body_form_tail(char *dst, size_t cap, const char *boundary)
{
	size_t len = 0;

	return put(dst, cap, &len, "--") && put(dst, cap, &len, boundary) &&
	               put(dst, cap, &len, "--\r\n")
	           ? len
	           : 0;
}

/* The file name a part is sent with: the path's last segment. */
static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

/* The head of part p of b into dst (BODY_HEAD_MAX); its length, or 0 if too long. */
static size_t part_head(char *dst, const struct body *b, const struct body_part *p)
{
	return body_form_head(dst, BODY_HEAD_MAX, b->boundary, p->name, p->namelen,
	                      p->path ? base_name(p->path) : NULL,
	                      p->path ? body_mime_type(p->path) : NULL);
}

uint64_t body_form_length(const struct body *b)
{
	char buf[BODY_HEAD_MAX];
	uint64_t n = body_form_tail(buf, sizeof buf, b->boundary);

	for (size_t i = 0; i < b->nparts; i++) {
		const struct body_part *p = &b->part[i];

		n += part_head(buf, b, p) + (p->path ? p->size : p->valuelen) + 2;
	}
	return n;
}

int body_form_parse(struct body_part *p, const char *arg)
{
	const char *eq = strchr(arg, '=');

	memset(p, 0, sizeof *p);
	p->fd = -1;
	if (!eq || eq == arg)
		return -1;
	p->name = arg;
	p->namelen = (size_t)(eq - arg);
	if (eq[1] == '@') {
		p->path = eq + 2;
		return p->path[0] ? 0 : -1;
	}
	p->value = eq + 1;
	p->valuelen = strlen(p->value);
	return 0;
}

bool body_boundary_free(const char *boundary, const char *s, size_t n)
{
	return memmem(s, n, boundary, strlen(boundary)) == NULL;
}

int64_t body_length(const struct body *b)
{
	switch (b->kind) {
	case BODY_TEXT:
		return (int64_t)b->textlen;
	case BODY_FILE:
		return (int64_t)b->size;
	case BODY_FORM:
		return (int64_t)body_form_length(b);
	default:
		return -1;
	}
}

bool body_again(const struct body *b, const struct body_send *s)
{
	return b->kind != BODY_PIPE || !s->took;
}

/* ---- opening -------------------------------------------------------------------------- */

static int cannot(char *err, size_t cap, const char *path, int e)
{
	snprintf(err, cap, "cannot read '%.200s': %s", strcmp(path, "-") ? path : "stdin",
	         strerror(e));
	return -1;
}

/* Opens path ("-": stdin) for reading; *st filled. Returns the fd or -1 (err). */
static int open_source(char *err, size_t cap, const char *path, struct stat *st)
{
	int fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return cannot(err, cap, path, errno);
	if (fstat(fd, st) < 0 || S_ISDIR(st->st_mode)) {
		int e = S_ISDIR(st->st_mode) ? EISDIR : errno;
		if (fd != STDIN_FILENO)
			close(fd);
		return cannot(err, cap, path, e);
	}
	return fd;
}

/* A file body: sent from where it stands (stdin may have been read into already) to its
 * end; anything but a regular file (a pipe, a tty, a FIFO) goes chunked. */
static int open_file(char *err, size_t cap, struct body *b)
{
	struct stat st;
	off_t at;

	if ((b->fd = open_source(err, cap, b->path, &st)) < 0)
		return -1;
	if (!S_ISREG(st.st_mode)) {
		b->kind = BODY_PIPE;
		return 0;
	}
	at = lseek(b->fd, 0, SEEK_CUR);
	b->start = at > 0 && at <= st.st_size ? at : 0;
	b->size = (uint64_t)(st.st_size - b->start);
	return 0;
}

/* 1 if the boundary is in none of fd's first size bytes (read through, a boundary's length
 * of overlap kept between reads), 0 if it is, -1 when reading fails. */
static int file_free_of(int fd, uint64_t size, const char *boundary)
{
	static char buf[SCAN_SIZE + BODY_BOUNDARY_LEN];
	size_t keep = 0, total, blen = strlen(boundary);
	uint64_t off = 0;
	ssize_t n;

	while (off < size) {
		n = pread(fd, buf + keep, SCAN_SIZE, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -1
			             : 1; /* shorter than it was: checked as far as it goes */
		off += (uint64_t)n;
		total = keep + (size_t)n;
		if (!body_boundary_free(boundary, buf, total))
			return 0;
		keep = total < blen ? total : blen - 1;
		memmove(buf, buf + total - keep, keep);
	}
	return 1;
}

/* A boundary of random letters (RFC 2046 §5.1.1: at most 70 characters). */
static void new_boundary(char *dst)
{
	static const char abc[] =
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	unsigned char r[BODY_BOUNDARY_LEN];
	size_t i = 0;

	if (getentropy(r, sizeof r) < 0) { /* never on a modern system; still unpredictable */
		unsigned long x = (unsigned long)time(NULL) ^ (unsigned long)getpid() << 16;
		for (i = 0; i < sizeof r;
		     i++, x = x * 6364136223846793005UL + 1442695040888963407UL)
			r[i] = (unsigned char)(x >> 33);
	}
	memcpy(dst, "sockit-", 7);
	for (i = 7; i < BODY_BOUNDARY_LEN; i++)
		dst[i] = abc[r[i] % (sizeof abc - 1)];
	dst[BODY_BOUNDARY_LEN] = '\0';
}

/* 1 if b's boundary is in none of its parts, 0 if it is, -1 (err) if a file fails. */
static int boundary_fits(char *err, size_t cap, const struct body *b)
{
	for (size_t i = 0; i < b->nparts; i++) {
		const struct body_part *p = &b->part[i];
		int rc = p->path ? file_free_of(p->fd, p->size, b->boundary)
		                 : body_boundary_free(b->boundary, p->value, p->valuelen);
		if (rc < 0)
			return cannot(err, cap, p->path, errno);
		if (rc == 0 ||
		    (!p->path && !body_boundary_free(b->boundary, p->name, p->namelen)))
			return 0;
	}
	return 1;
}

static int open_form(char *err, size_t cap, struct body *b)
{
	char head[BODY_HEAD_MAX];
	struct stat st;
	int rc = 0;

	for (size_t i = 0; i < b->nparts; i++) {
		struct body_part *p = &b->part[i];

		if (!p->path)
			continue;
		if ((p->fd = open_source(err, cap, p->path, &st)) < 0)
			return -1;
		if (!S_ISREG(st.st_mode)) {
			snprintf(err, cap, "cannot send '%.200s' in a form: not a regular file",
			         p->path);
			return -1;
		}
		p->size = (uint64_t)st.st_size;
	}
	/* a clash is a chance of 1 in 62^33 per place; a few tries are plenty */
	for (int tries = 0; tries < 8 && rc == 0; tries++) {
		new_boundary(b->boundary);
		if ((rc = boundary_fits(err, cap, b)) < 0)
			return -1;
	}
	for (size_t i = 0; rc == 1 && i < b->nparts; i++)
		if (part_head(head, b, &b->part[i]) == 0) {
			snprintf(err, cap, "-F: name or file name too long");
			return -1;
		}
	if (rc == 0)
		snprintf(err, cap, "-F: no boundary found that is not in the content");
	return rc == 1 ? 0 : -1;
}

int body_open(char *err, size_t cap, struct body *b)
{
	switch (b->kind) {
	case BODY_FILE:
		return open_file(err, cap, b);
	case BODY_FORM:
		if (open_form(err, cap, b) < 0)
			return -1;
		snprintf(b->form_type, sizeof b->form_type, "multipart/form-data; boundary=%s",
		         b->boundary);
		b->type = b->form_type;
		return 0;
	default:
		return 0;
	}
}

/* Takes the body's kind for opt: one body per request, only -F repeats (adding a part). */
static int claim(char *err, size_t cap, struct body *b, const char *opt, enum body_kind kind)
{
	if (b->opt && !(kind == BODY_FORM && b->kind == BODY_FORM)) {
		snprintf(err, cap, "one body per request: cannot use %s and %s together",
		         b->opt, opt);
		return -1;
	}
	b->opt = opt;
	b->kind = kind;
	return 0;
}

/* -F NAME=VALUE or NAME=@FILE: one more part. */
static int add_part(char *err, size_t cap, struct body *b, const char *arg)
{
	if (claim(err, cap, b, "-F", BODY_FORM) < 0)
		return -1;
	if (b->nparts == BODY_PARTS_MAX) {
		snprintf(err, cap, "too many -F options (at most %d)", BODY_PARTS_MAX);
		return -1;
	}
	if (body_form_parse(&b->part[b->nparts], arg) < 0) {
		snprintf(err, cap, "invalid -F '%.60s': NAME=VALUE or NAME=@FILE", arg);
		return -1;
	}
	b->nparts++;
	return 0;
}

int body_option(char *err, size_t cap, struct body *b, const char *opt, const char *arg)
{
	bool upload = strcmp(opt, "-T") == 0;
	const char *path = upload ? arg : arg[0] == '@' ? arg + 1 : NULL;

	if (strcmp(opt, "-F") == 0)
		return add_part(err, cap, b, arg);
	if (claim(err, cap, b, opt, path ? BODY_FILE : BODY_TEXT) < 0)
		return -1;
	if (path && path[0] == '\0') {
		snprintf(err, cap, "empty file name for %s", opt);
		return -1;
	}
	b->json = strcmp(opt, "--data-json") == 0;
	b->type = b->json  ? "application/json"
	          : upload ? NULL
	                   : "application/x-www-form-urlencoded"; /* as curl -d */
	b->path = path;
	b->text = arg;
	b->textlen = strlen(arg);
	return 0;
}

void body_close(struct body *b)
{
	if (b->fd > STDIN_FILENO)
		close(b->fd);
	b->fd = -1;
	for (size_t i = 0; i < b->nparts; i++) {
		if (b->part[i].fd > STDIN_FILENO)
			close(b->part[i].fd);
		b->part[i].fd = -1;
	}
}

/* ---- --data-json ---------------------------------------------------------------------- */

static int not_json(char *err, size_t cap, const struct jsoncheck *j)
{
	snprintf(err, cap, "invalid JSON for --data-json at byte %llu: %s",
	         (unsigned long long)j->at, j->why);
	return 1;
}

/* Checks size bytes of the file fd from off. */
static int check_file(char *err, size_t cap, const struct body *b, struct jsoncheck *j)
{
	static char buf[SCAN_SIZE];
	uint64_t off = 0;
	ssize_t n;

	while (off < b->size) {
		n = pread(b->fd, buf, sizeof buf, b->start + (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return cannot(err, cap, b->path, errno);
		if (n == 0)
			break;
		off += (uint64_t)n;
		if (jsoncheck_feed(j, buf, (size_t)n) < 0)
			return not_json(err, cap, j);
	}
	return 0;
}

/* A pipe's bytes, checked as they are copied into an unlinked temporary file: held on
 * disk, not in memory, and sendable again. */
static int spool(char *err, size_t cap, struct body *b, struct jsoncheck *j)
{
	static char buf[SCAN_SIZE], path[4096];
	const char *dir = getenv("TMPDIR");
	ssize_t n;
	int fd;

	snprintf(path, sizeof path, "%s/sockit-json-XXXXXX", dir && *dir ? dir : "/tmp");
	if ((fd = mkstemp(path)) < 0)
		return snprintf(err, cap, "cannot keep stdin for --data-json: %s",
		                strerror(errno)),
		       -1;
	unlink(path);
	b->size = 0;
	while ((n = read(b->fd, buf, sizeof buf)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 ||
		    write(fd, buf, (size_t)n) != n) { /* a file: never short, but full */
			int e = errno;
			close(fd);
			return n < 0 ? cannot(err, cap, "-", e)
			             : (snprintf(err, cap,
			                         "cannot keep stdin for --data-json: %s",
			                         strerror(e)),
			                -1);
		}
		b->size += (uint64_t)n;
		if (jsoncheck_feed(j, buf, (size_t)n) < 0) {
			close(fd);
			return not_json(err, cap, j);
		}
	}
	b->fd = fd;
	b->kind = BODY_FILE;
	b->start = 0;
	return 0;
}

int body_check_json(char *err, size_t cap, struct body *b)
{
	struct jsoncheck j;
	int rc = 0;

	jsoncheck_init(&j);
	if (b->kind == BODY_TEXT)
		jsoncheck_feed(&j, b->text, b->textlen);
	else if (b->kind == BODY_FILE)
		rc = check_file(err, cap, b, &j);
	else if (b->kind == BODY_PIPE)
		rc = spool(err, cap, b, &j);
	if (rc != 0)
		return rc;
	return jsoncheck_end(&j) < 0 ? not_json(err, cap, &j) : 0;
}

/* ---- sending -------------------------------------------------------------------------- */

void body_send_start(struct body_send *s, const struct body *b)
{
	memset(s, 0, sizeof *s);
	s->b = b;
}

/* Writes all of p to the connection: 0, or NET_ETIMEOUT / NET_ENET (or a TLS failure)
 * with err filled. */
static int put_all(char *err, struct transport *t, const void *p, size_t len)
{
	int rc = transport_write_all(t, p, len);

	if (rc < 0)
		snprintf(err, NET_ERR_LEN, "%s", t->err);
	return rc;
}

/* The bytes copied: a pipe's chunk, or a file's through a TLS session (its records are
 * made from memory); never more than COPY_SIZE held. */
static char copybuf[CHUNK_HEAD + COPY_SIZE + 2];

/* Reading a body's source failed with errno e: NET_EIO (errno kept). */
static ssize_t source_failed(char *err, const char *what, int e)
{
	snprintf(err, NET_ERR_LEN, "cannot read %s: %s", what, strerror(e));
	errno = e;
	return NET_EIO;
}

/* Up to len bytes of the file from off, read into copybuf and written: the count, 0 when
 * the file has no more, or a failure. */
static ssize_t file_copy(char *err, struct transport *t, int file, off_t off, size_t len)
{
	ssize_t n;
	int rc;

	do
		n = pread(file, copybuf, len < COPY_SIZE ? len : COPY_SIZE, off);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return source_failed(err, "the file", errno);
	if (n > 0 && (rc = put_all(err, t, copybuf, (size_t)n)) < 0)
		return rc;
	return n;
}

/* Up to STEP_MAX bytes of a file from start + *done; NET_EIO if it ends before size. */
static ssize_t file_step(char *err, struct transport *t, int file, off_t start, uint64_t size,
                         uint64_t *done)
{
	uint64_t left = size - *done;
	off_t off = start + (off_t)*done;
	size_t len = left < STEP_MAX ? (size_t)left : STEP_MAX;
	ssize_t n;

	if (left == 0)
		return BODY_DONE;
	n = t->zero_copy_out ? net_send_file(err, t->fd, file, &off, len)
	                     : file_copy(err, t, file, off, len);
	if (n == 0) {
		snprintf(err, NET_ERR_LEN, "the file shrank while it was sent");
		errno = EIO;
		return NET_EIO;
	}
	if (n > 0)
		*done += (uint64_t)n;
	return n;
}

/* Bytes of memory, from *done. */
static ssize_t text_step(char *err, struct transport *t, const char *p, size_t len,
                         uint64_t *done)
{
	size_t left = len - (size_t)*done, n = left < STEP_MAX ? left : STEP_MAX;
	int rc;

	if (left == 0)
		return BODY_DONE;
	if ((rc = put_all(err, t, p + *done, n)) < 0)
		return rc;
	*done += n;
	return (ssize_t)n;
}

/* A pipe's chunk: what one read gives, framed in place (its size line just before it, its
 * CRLF after) and written at once. Not spliced: the pipe's writer has copied the bytes
 * once already, and moving its pages on costs more than a second copy of bytes still in
 * the cache (sockit(1), http-put: 0.2 against 0.3 s of CPU for 512 MiB, and faster). */
static ssize_t pipe_copy(char *err, struct body_send *s, struct transport *t)
{
	char line[CHUNK_HEAD], *data = copybuf + CHUNK_HEAD;
	size_t k;
	ssize_t n;
	int rc;

	do
		n = read(s->b->fd, data, COPY_SIZE);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return n < 0 ? source_failed(err, "stdin", errno) : 0;
	s->took = true; /* off the pipe now: a failed write below cannot give them back */
	k = (size_t)snprintf(line, sizeof line, "%zx\r\n", (size_t)n);
	memcpy(data - k, line, k);
	memcpy(data + n, "\r\n", 2);
	return (rc = put_all(err, t, data - k, k + (size_t)n + 2)) < 0 ? rc : n;
}

/* One chunk of a pipe (RFC 9112 §7.1); at the pipe's end, the last chunk. */
static ssize_t pipe_step(char *err, struct body_send *s, struct transport *t)
{
	ssize_t n;
	int rc;

	if (s->phase == 1)
		return BODY_DONE;
	n = pipe_copy(err, s, t);
	if (n != 0)
		return n;
	s->phase = 1;
	return (rc = put_all(err, t, "0\r\n\r\n", 5)) < 0 ? rc : 0;
}

/* The next piece of a form: a part's head, its content, its CRLF; then the tail. */
static ssize_t form_step(char *err, struct body_send *s, struct transport *t)
{
	const struct body *b = s->b;
	const struct body_part *p = &b->part[s->part];
	ssize_t n;

	if (s->part == b->nparts) {
		if (s->phase == PART_END)
			return BODY_DONE;
		s->phase = PART_END;
		s->headlen = body_form_tail(s->head, sizeof s->head, b->boundary);
		return (n = put_all(err, t, s->head, s->headlen)) < 0 ? n : 0;
	}
	switch (s->phase) {
	case PART_HEAD:
		s->headlen = part_head(s->head, b, p);
		s->phase = PART_CONTENT;
		s->off = 0;
		return (n = put_all(err, t, s->head, s->headlen)) < 0 ? n : 0;
	case PART_CONTENT:
		n = p->path ? file_step(err, t, p->fd, 0, p->size, &s->off)
		            : text_step(err, t, p->value, p->valuelen, &s->off);
		if (n == BODY_DONE)
			s->phase = PART_END;
		return n == BODY_DONE ? 0 : n;
	default:
		s->phase = PART_HEAD;
		s->part++;
		return (n = put_all(err, t, "\r\n", 2)) < 0 ? n : 0;
	}
}

ssize_t body_send_step(char *err, struct body_send *s, struct transport *t)
{
	const struct body *b = s->b;
	ssize_t n;

	switch (b->kind) {
	case BODY_TEXT:
		n = text_step(err, t, b->text, b->textlen, &s->off);
		break;
	case BODY_FILE:
		n = file_step(err, t, b->fd, b->start, b->size, &s->off);
		break;
	case BODY_PIPE:
		n = pipe_step(err, s, t);
		break;
	case BODY_FORM:
		n = form_step(err, s, t);
		break;
	default:
		return BODY_DONE;
	}
	if (n > 0)
		s->sent += (uint64_t)n;
	return n;
}
