/* http_output.c: the http-* commands' side of a transfer (sockit(1), http-head and
 * http-get): the engine's callbacks render each response (-i, --status, --fail, --json, -v)
 * and move its body to stdout or -o/-O's file; then --write-out. */
#include "http_output.h"
#include "clock.h"

#include "cmd.h"
#include "diag.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define FORMAT_MAX 65536 /* --write-out @FILE, at most */

enum { GO_ON = HTTP_CB_GO_ON, STOP = HTTP_CB_STOP, QUIT = HTTP_CB_QUIT };

/* An error on stderr, below the progress line if one is shown; kept for %{errormsg};
 * returns code. */
static int report(struct render *f, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int report(struct render *f, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->st.errmsg, sizeof f->st.errmsg, fmt, ap);
	va_end(ap);
	progress_end(&f->prog);
	diag_err("%s", f->st.errmsg);
	return code;
}

/* ---- the output ----------------------------------------------------------------------- */

static int write_failed(struct render *f, int e)
{
	/* the reader of stdout chose to stop (`| head -c1`): not an error */
	if (!f->out.path && e == EPIPE) {
		f->out.gone = true;
		return QUIT;
	}
	if (!f->out.path)
		return report(f, EXIT_IO, "write error on stdout: %s", strerror(e));
	return report(f, EXIT_IO, "cannot write '%.200s': %s", f->out.path, strerror(e));
}

/* A write loop without stdio: short writes and EINTR. Returns 0 or errno. */
static int fd_write(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return errno;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The output, straight from the engine's read buffer. */
static int out_write(struct render *f, const char *p, size_t n)
{
	int e = fd_write(f->out.fd, p, n);

	return e == 0 ? GO_ON : write_failed(f, e);
}

static int flush_text(struct render *f)
{
	size_t n = f->out.textlen;

	f->out.textlen = 0;
	return n > 0 && !f->out.gone ? out_write(f, f->out.text, n) : GO_ON;
}

/* Header text for the output: gathered, so a response's headers cost one write. */
static int text(struct render *f, const char *s, size_t n)
{
	int rc;

	if (n > sizeof f->out.text - f->out.textlen) {
		if ((rc = flush_text(f)) != GO_ON)
			return rc;
		if (n > sizeof f->out.text)
			return out_write(f, s, n);
	}
	memcpy(f->out.text + f->out.textlen, s, n);
	f->out.textlen += n;
	return GO_ON;
}

static int text_line(struct render *f, const char *s, size_t n)
{
	int rc = text(f, s, n);

	return rc != GO_ON ? rc : text(f, "\n", 1);
}

/* ---- the engine's callbacks: one response --------------------------------------------- */

/* "-v": one line of the request ('>') or the response ('<') on stderr, as curl shows them,
 * escaped as every message is: a server's C1 bytes reach no terminal (sockit(1), Output). */
static void on_wire(void *ctx, char dir, const char *s, size_t n)
{
	char line[4 * HTTP_LINE_MAX + 4];
	size_t k = 0;

	(void)ctx;
	if (diag_level() < 1)
		return;
	if (n > HTTP_LINE_MAX)
		n = HTTP_LINE_MAX;
	line[k++] = dir;
	if (n > 0) {
		line[k++] = ' ';
		k += diag_escape(line + k, sizeof line - k - 1, s, n);
	}
	line[k++] = '\n';
	fwrite(line, 1, k, stderr);
}

static void on_fail(void *ctx, const char *msg)
{
	struct render *f = ctx;

	progress_end(&f->prog);
	diag_err("%s", msg);
}

/* --json (sockit(1), JSON OUTPUT): {"url":..,"status":N,"reason":..,"version":..,
 * "headers":[[name,value],...]}, begun at the status line, written when the headers end. */
static void json_status(struct render *f, const struct http_event *ev)
{
	char url[HTTP_TARGET_MAX + HTTP_HOST_MAX + 16];

	json_begin(&f->json);
	json_cstr(&f->json, "url", http_url_format(url, sizeof url, f->st.url) ? url : "");
	json_int(&f->json, "status", ev->status);
	/* the parser checked the shape: "HTTP/1.x NNN[ reason]" */
	json_str(&f->json, "reason", ev->line + 13, ev->len > 13 ? ev->len - 13 : 0);
	json_str(&f->json, "version", ev->line, 8);
	json_array_begin(&f->json, "headers");
}

static int json_headers_done(struct render *f)
{
	json_array_end(&f->json);
	if (json_end(&f->json, stdout) == 0)
		return GO_ON;
	if (errno == EPIPE)
		f->out.gone = true;
	return errno == EPIPE
	           ? QUIT
	           : report(f, EXIT_IO, "write error on stdout: %s", strerror(errno));
}

static int on_status(void *ctx, const struct http_event *ev)
{
	struct render *f = ctx;
	const struct http_show *o = f->o;

	if (o->json)
		json_status(f, ev);
	f->has_ctype = false;
	f->show = (o->head || o->include) && !o->status_only && !o->json &&
	          !(o->fail && ev->status >= 400);
	if (!f->show)
		return GO_ON;
	/* http-head -L and many URLs: a blank line between the responses, as -i has before
	 * each body */
	if (o->head && f->shown_any) {
		int rc = text(f, "\n", 1);
		if (rc != GO_ON)
			return rc;
	}
	f->shown_any = true;
	return text_line(f, ev->line, ev->len);
}

static int on_header(void *ctx, const struct http_event *ev)
{
	struct render *f = ctx;

	if (f->o->json)
		json_pair(&f->json, ev->name, ev->namelen, ev->value, ev->valuelen);
	if (f->o->wo.npieces > 0 && !f->has_ctype && ev->namelen == 12 &&
	    strncasecmp(ev->name, "content-type", 12) == 0) {
		size_t n = ev->valuelen < sizeof f->ctype ? ev->valuelen : sizeof f->ctype - 1;

		memcpy(f->ctype, ev->value, n);
		f->ctype[n] = '\0';
		f->has_ctype = true;
	}
	return f->show ? text_line(f, ev->line, ev->len) : GO_ON;
}

/* The headers are in: the -i, --status, --fail and --json decisions; the body to f->out. */
static int on_headers_done(void *ctx, const struct http_resp *r, bool redirect, int *fd)
{
	struct render *f = ctx;
	const struct http_show *o = f->o;
	char code[8];
	int rc = GO_ON;

	if (o->json && (rc = json_headers_done(f)) != GO_ON)
		return rc;
	/* -i: a blank line ends each response's headers, a redirect's too, as curl -iL */
	if (f->show && !o->head && (rc = text(f, "\n", 1)) != GO_ON)
		return rc;
	if (redirect)
		return GO_ON;
	if (o->status_only) {
		snprintf(code, sizeof code, "%d\n", r->status);
		rc = text(f, code, strlen(code));
	}
	if (rc == GO_ON && o->fail && r->status >= 400)
		return report(f, EXIT_NO, "%s", f->st.reason);
	if (rc != GO_ON || o->status_only)
		return rc == GO_ON ? STOP : rc;
	if (r->body != HTTP_BODY_NONE)
		progress_start(&f->prog, r->body == HTTP_BODY_LENGTH ? r->length : -1);
	*fd = f->out.fd;
	return GO_ON;
}

static int on_body(void *ctx, const char *p, size_t n)
{
	struct render *f = ctx;
	int rc;

	progress_add(&f->prog, n);
	if (!p) /* moved by zero-copy */
		return GO_ON;
	if (f->out.textlen > 0 && (rc = flush_text(f)) != GO_ON)
		return rc;
	return n > 0 ? out_write(f, p, n) : GO_ON;
}

static int on_sink_failed(void *ctx, int e)
{
	return write_failed(ctx, e);
}

static const struct http_handler handler = {
    .wire = on_wire,
    .fail = on_fail,
    .status = on_status,
    .header = on_header,
    .headers_done = on_headers_done,
    .body = on_body,
    .sink_failed = on_sink_failed,
};

/* Header text still gathered goes out; -o's file takes its name only on success. */
static int finish(struct render *f, int rc)
{
	int wrc = flush_text(f);

	if (rc == GO_ON && wrc > 0)
		rc = wrc;
	progress_end(&f->prog);
	if (!f->out.path)
		return rc;
	f->out.fd = -1;
	if (rc != GO_ON) {
		outfile_discard(&f->out.file);
		return rc;
	}
	if (outfile_commit(&f->out.file) < 0)
		return report(f, EXIT_IO, "cannot write '%.200s': %s", f->out.path,
		              strerror(errno));
	return GO_ON;
}

/* ---- --write-out ---------------------------------------------------------------------- */

/* The rendered --write-out, gathered per stream: a few writes for the whole format. */
struct wo_out {
	struct render *f;
	int stream; /* of the bytes in buf */
	size_t len;
	char buf[4096];
};

/* A write error on stderr goes unreported: there is nowhere left to report it. */
static void wo_write(struct wo_out *w, const char *s, size_t n)
{
	int e = fd_write(w->stream == WRITEOUT_STDERR ? STDERR_FILENO : STDOUT_FILENO, s, n);

	if (e == EPIPE && w->stream == WRITEOUT_STDOUT) /* the reader chose to stop */
		w->f->out.gone = true;
	else if (e != 0 && w->stream == WRITEOUT_STDOUT)
		report(w->f, EXIT_IO, "write error on stdout: %s", strerror(e));
}

static void wo_flush(struct wo_out *w)
{
	if (w->len > 0 && !w->f->out.gone)
		wo_write(w, w->buf, w->len);
	w->len = 0;
}

static void wo_emit(void *ctx, int stream, const char *s, size_t n)
{
	struct wo_out *w = ctx;

	if (stream != w->stream || n > sizeof w->buf - w->len)
		wo_flush(w);
	w->stream = stream;
	if (w->f->out.gone && stream == WRITEOUT_STDOUT)
		return;
	if (n > sizeof w->buf) { /* too large to gather: written from where it is */
		wo_write(w, s, n);
		return;
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

static long long since(const struct http_stats *st, long long t)
{
	return t == 0 ? 0 : t - st->t_start;
}

/* --write-out for the URL just done, whether it succeeded or not (rc). */
static void write_out(struct render *f, int rc)
{
	const struct http_stats *st = &f->st;
	struct wo_out w = {.f = f, .stream = WRITEOUT_STDOUT};
	char url[HTTP_TARGET_MAX + HTTP_HOST_MAX + 16];
	struct writeout_values v = {
	    .http_code = st->status,
	    .url_effective = http_url_format(url, sizeof url, st->url) > 0 ? url : NULL,
	    .size_download = st->body,
	    .content_type = f->has_ctype ? f->ctype : NULL,
	    .num_redirects = st->hops,
	    .time_connect_us = since(st, st->t_connect),
	    .time_starttransfer_us = since(st, st->t_first),
	    .time_total_us = clock_us() - st->t_start,
	    .exitcode = rc,
	    .errormsg = st->errmsg[0] != '\0' ? st->errmsg : NULL,
	    .size_upload = st->sent,
	    .num_retries = st->tries,
	};

	if (st->tls.version[0]) {
		v.tls_version = st->tls.version;
		v.tls_cipher = st->tls.cipher;
		v.cert_not_after = st->tls.not_after;
		v.cert_days_left = st->tls.days_left;
		v.ssl_verify_result = st->tls.verify_result;
	}
	if (f->o->wo.npieces == 0 || f->out.gone)
		return;
	writeout_render(&f->o->wo, &v, wo_emit, &w);
	wo_flush(&w);
}

/* ---- one URL ---------------------------------------------------------------------------- */

/* The file of this URL: -o FILE, or -O's name from the user's URL; in --output-dir, if
 * given, unless FILE is absolute. Opens it into f->out, or returns the exit status. */
static int output_path(struct render *f)
{
	const struct http_show *o = f->o;
	char name[NAME_MAX + 1];
	const char *file = o->output, *err;
	int n;

	if (o->remote_name) {
		if (http_url_filename(f->st.url, name, sizeof name, &err) < 0)
			return report(f, EXIT_USAGE, "-O: %s", err); /* checked before: never */
		file = name;
	}
	if (o->output_dir && file[0] != '/')
		n = snprintf(f->path, sizeof f->path, "%s/%s", o->output_dir, file);
	else
		n = snprintf(f->path, sizeof f->path, "%s", file);
	if (n < 0 || (size_t)n >= sizeof f->path)
		return report(f, EXIT_IO, "cannot write '%.200s': %s", file,
		              strerror(ENAMETOOLONG));
	f->out.path = f->path;
	if (outfile_open(&f->out.file, f->out.path) < 0)
		return report(f, EXIT_IO, "cannot write '%.200s': %s", f->out.path,
		              strerror(errno));
	f->out.fd = f->out.file.fd;
	return GO_ON;
}

int http_output_fetch(struct render *f, struct http_client *c, int i)
{
	struct http_handler h = handler;
	int rc = GO_ON;

	h.ctx = f;
	http_client_begin(c, i, &f->st);
	f->has_ctype = false;
	f->out.fd = STDOUT_FILENO;
	f->out.path = NULL;
	if (f->o->output || f->o->remote_name)
		rc = output_path(f);
	if (rc == GO_ON)
		rc = http_client_fetch(c, &h, &f->st);
	rc = finish(f, rc);
	write_out(f, rc);
	return rc;
}

/* Reads --write-out's @FILE (@- : stdin) into buf; returns its length, or -1 (errno). */
static ssize_t read_format(const char *path, char *buf, size_t cap)
{
	int fd = strcmp(path, "-") == 0 ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	size_t len = 0;
	ssize_t n = 0;

	while (fd >= 0 && len < cap && (n = read(fd, buf + len, cap - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		len += (size_t)n;
	}
	if (fd > STDIN_FILENO)
		close(fd);
	if (fd < 0 || n < 0)
		return -1;
	if (len == cap) {
		errno = EFBIG;
		return -1;
	}
	return (ssize_t)len;
}

/* --write-out is parsed once, before any connection: an unknown variable is a usage error. */
int http_output_load_format(struct writeout *wo, const char *fmt)
{
	static char file[FORMAT_MAX + 1]; /* 64 KiB, and the parsed format points into it */
	char err[128];
	ssize_t len;

	if (fmt == NULL)
		return 0;
	len = (ssize_t)strlen(fmt);
	if (fmt[0] == '@') {
		if ((len = read_format(fmt + 1, file, sizeof file)) < 0) {
			diag_err("cannot read '%.200s' for --write-out: %s", fmt + 1,
			         strerror(errno));
			return EXIT_IO;
		}
		fmt = file;
	}
	if (writeout_parse(wo, fmt, (size_t)len, err, sizeof err) < 0) {
		diag_usage("%s", err);
		return EXIT_USAGE;
	}
	return 0;
}

void http_output_start(struct render *f, const struct http_show *o, bool progress)
{
	memset(f, 0, sizeof *f);
	f->o = o;
	f->out.fd = STDOUT_FILENO;
	f->prog.wanted = progress;
}

void http_output_end(struct render *f)
{
	json_free(&f->json);
}
