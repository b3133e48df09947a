/* cmd_http.c: `sockit http-get` and its kin (http-head, -post, -put, -delete): the options,
 * their checks, and the rendering of what the client engine (http_client.c) hands back:
 * the output, -i and --json, -v's lines, the progress line and --write-out. */
#include "body.h"
#include "cmd.h"
#include "diag.h"
#include "http.h"
#include "http_client.h"
#include "json.h"
#include "loop.h"
#include "outfile.h"
#include "progress.h"
#include "proxy.h"
#include "writeout.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define TEXT_SIZE   8192  /* header lines for the output, gathered into one write */
#define HEADERS_MAX HTTP_CLIENT_HEADERS_MAX
#define EXTRA_MAX   HTTP_CLIENT_EXTRA_MAX
#define REDIRS_MAX  1000  /* the largest --max-redirs */
#define FORMAT_MAX  65536 /* --write-out @FILE, at most */
#define RETRIES_MAX 100   /* the largest --retry */


/* The commands of this file, as bits: a row of the option table names those it is for. */
enum {
	C_GET = 1,
	C_HEAD = 2,
	C_POST = 4,
	C_PUT = 8,
	C_DELETE = 16,
	C_BODY = C_POST | C_PUT,                     /* they send a body */
	C_FETCH = C_GET | C_POST | C_PUT | C_DELETE, /* a response body is the output */
	C_ALL = C_FETCH | C_HEAD,
};

struct http_command {
	const char *name;
	unsigned bit;
	const char *method;
	const char *synopsis;
};

static const struct http_command commands[] = {
    {"http-get", C_GET, "GET",
     "usage: sockit http-get [OPTIONS] URL...\n"
     "Fetches each URL over HTTP/1.1 (https: over verified TLS) and writes the bodies to\n"
     "stdout, byte for byte, one after another; URLs of the same scheme, HOST and PORT share\n"
     "one connection. URL is [http[s]://]HOST[:PORT][/PATH][?QUERY]; an IPv6 HOST goes in\n"
     "brackets."},
    {"http-head", C_HEAD, "HEAD",
     "usage: sockit http-head [OPTIONS] URL...\n"
     "Sends a HEAD request for each URL over HTTP/1.1 (https: over TLS) and prints the\n"
     "status line and the headers as received, one per line. Exits 0 whatever the\n"
     "status, unless --fail."},
    {"http-post", C_POST, "POST",
     "usage: sockit http-post [OPTIONS] (-d DATA | --data-json JSON | -F NAME=VALUE...) "
     "URL...\n"
     "Sends a POST request with the body given to each URL and writes the response bodies\n"
     "to stdout, as http-get does. DATA and JSON may be @FILE or @- (stdin); a file goes\n"
     "out with its size, a pipe chunked. Without a body option the body is empty."},
    {"http-put", C_PUT, "PUT",
     "usage: sockit http-put [OPTIONS] (-d DATA | -T FILE) URL...\n"
     "Sends a PUT request with the body given (-T -: stdin) to each URL and writes the\n"
     "response bodies to stdout, as http-get does."},
    {"http-delete", C_DELETE, "DELETE",
     "usage: sockit http-delete [OPTIONS] URL...\n"
     "Sends a DELETE request to each URL and writes the response bodies to stdout, as\n"
     "http-get does."},
};

struct http_opts {
	struct cmd_common common;
	const struct http_command *cmd;
	bool head; /* http-head: a HEAD request, the headers are the output */
	bool include, location, fail, status_only, json;
	int progress; /* 1 --progress, 0 --no-progress, -1 neither */
	long long max_redirs;
	bool remote_name;       /* -O: each body to a file named after its URL */
	const char *output;     /* -o FILE, or NULL for stdout */
	const char *output_dir; /* --output-dir DIR for -O and -o, or NULL */
	const char *write_out;  /* --write-out FMT (or @FILE, @-) as given */
	struct writeout wo;     /* ... parsed */
	const char *user_agent;
	char **urls; /* the operands */
	int nurls;
	const char *headers[HEADERS_MAX];
	size_t nheaders;
	size_t extra; /* bytes of the headers and the user agent */
	const char *proxy_url, *proxy_user, *noproxy;
	struct proxy proxy; /* --proxy or the environment's; PROXY_NONE for none */

	const char *unix_socket; /* --unix-socket PATH, or NULL */
	long long retries;       /* --retry N */
	struct body body;        /* -d, -T, --data-json, -F */
	const char *body_opt;    /* the option that gave it, for messages; NULL if none */
	char form_type[64 + BODY_BOUNDARY_LEN]; /* multipart/form-data; boundary=... */
};

enum {
	OPT_HEADER = OPT_ID_FIRST_CMD,
	OPT_USER_AGENT,
	OPT_PROGRESS,
	OPT_NO_PROGRESS,
	OPT_DATA,
	OPT_UPLOAD,
	OPT_DATA_JSON,
	OPT_FORM,
};

/* One row of the table, and the commands it is for (their --help lists them in this
 * order, and --list-options feeds the completions from it). */
struct http_row {
	unsigned cmds;
	struct opt opt;
};

#define H struct http_opts
static const struct http_row rows[] = {
    {C_BODY,
     OPT_CALL('d', "data", "DATA", OPT_DATA, "the body: DATA as it is, @FILE, or @- (stdin)")},
    {C_PUT, OPT_CALL('T', "upload-file", "FILE", OPT_UPLOAD, "the body is FILE ('-': stdin)")},
    {C_BODY, OPT_CALL(0, "data-json", "JSON", OPT_DATA_JSON,
                      "the body is JSON (or @FILE, @-), checked; asks for JSON back")},
    {C_POST, OPT_CALL('F', "form", "NAME=VALUE", OPT_FORM,
                      "a multipart/form-data field; NAME=@FILE sends a file (repeatable)")},
    {C_FETCH,
     OPT_FLAG('i', "include", H, include, "print the status line and headers before the body")},
    {C_FETCH, OPT_STRING('o', "output", "FILE", H, output,
                         "write the body to FILE, renamed into place when whole")},
    {C_FETCH, OPT_FLAG('O', "remote-name", H, remote_name,
                       "write each body to a file named after its URL's last segment")},
    {C_FETCH,
     OPT_NONEMPTY(0, "output-dir", "DIR", H, output_dir, "put the files of -O and -o in DIR")},
    {C_FETCH, OPT_CALL(0, "progress", NULL, OPT_PROGRESS, "a progress line on stderr")},
    {C_FETCH, OPT_CALL(0, "no-progress", NULL, OPT_NO_PROGRESS,
                       "no progress line (default unless -o to a tty)")},
    {C_ALL, OPT_COMMON_ROW('4', "ipv4", "IPv4 only", OPT_ID_IPV4)},
    {C_ALL, OPT_COMMON_ROW('6', "ipv6", "IPv6 only", OPT_ID_IPV6)},
    {C_ALL, OPT_TIMEOUT(H, "connect and idle timeout, not a total one (exit 5)")},
    {C_ALL, OPT_MAX_TIME(H)},
    {C_ALL, OPT_FLAG('L', "location", H, location, "follow redirects (301 302 303 307 308)")},
    {C_ALL, OPT_COUNT(0, "max-redirs", "N", H, max_redirs, 0, REDIRS_MAX,
                      "with -L: at most N redirects (10)")},
    {C_ALL, OPT_CALL('H', "header", "HEADER", OPT_HEADER,
                     "add 'Name: value' to the request (repeatable)")},
    {C_ALL, OPT_CALL('A', "user-agent", "TEXT", OPT_USER_AGENT,
                     "replace the User-Agent (\"\": send none)")},
    {C_ALL, OPT_FLAG('f', "fail", H, fail, "exit 1 on status >= 400, printing nothing")},
    {C_ALL, OPT_FLAG(0, "status", H, status_only, "print only the numeric status code")},
    {C_HEAD, OPT_FLAG(0, "json", H, json, "one JSON object per response, on a line")},
    {C_ALL, OPT_STRING(0, "write-out", "FMT", H, write_out,
                       "print FMT after each URL: %{http_code}, %{json}...; @FILE")},
    {C_ALL, OPT_COUNT(0, "retry", "N", H, retries, 0, RETRIES_MAX,
                      "retry up to N times: refused, reset, 408 429 500 502 503 504")},
    {C_ALL, OPT_NONEMPTY(0, "unix-socket", "PATH", H, unix_socket,
                         "connect to the UNIX socket PATH (the URL still gives Host)")},
    {C_ALL,
     OPT_STRING(0, "proxy", "URL", H, proxy_url, "through a SOCKS or HTTP proxy ('': none)")},
    {C_ALL, OPT_NONEMPTY(0, "proxy-user", "USER:PASS", H, proxy_user,
                         "the proxy's user and password")},
    {C_ALL,
     OPT_STRING(0, "noproxy", "LIST", H, noproxy, "hosts that bypass the proxy (a.com,b,*)")},
    {C_ALL, OPT_TLS_CACERT(H)},
    {C_ALL, OPT_TLS_INSECURE(H)},
    {C_ALL, OPT_TLS_PIN},
    {C_ALL, OPT_TLS_NAME(H)},
    {C_ALL, OPT_TLS_CERT(H)},
    {C_ALL, OPT_TLS_KEY(H)},
    {C_ALL, OPT_COMMON_ROW('v', "verbose", "diagnostics on stderr (-vv: per-read detail)",
                           OPT_ID_VERBOSE)},
    {C_ALL,
     OPT_COMMON_ROW('q', "quiet", "no diagnostics; errors are still printed", OPT_ID_QUIET)},
    {C_ALL, OPT_COMMON_ROW('h', "help", "this help", OPT_ID_HELP)},
    {C_ALL, OPT_COMMON_ROW(0, "list-options", NULL, OPT_ID_LIST)},
};
#undef H

/* The rows of one command, as the option parser takes them. */
static const struct opt *options_of(unsigned cmd)
{
	static struct opt table[sizeof rows / sizeof *rows + 1]; /* the parser's for the run */
	size_t n = 0;

	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++)
		if (rows[i].cmds & cmd)
			table[n++] = rows[i].opt;
	table[n] = (struct opt)OPT_END;
	return table;
}

/* Where the output goes: stdout, or the temporary file of -o or -O. */
struct sink {
	const char *path; /* the file, or NULL */
	struct outfile file;
	int fd;
	bool gone; /* stdout's reader left (EPIPE): stop, quietly */
	size_t textlen;
	char text[TEXT_SIZE]; /* header lines not yet written */
};

/* One command's run, the output side: where the body goes and how the headers are shown.
 * The connections and the exchange are the engine's (http_client.h), the figures for
 * --write-out its struct http_stats. */
struct render {
	const struct http_opts *o;
	struct http_stats *st; /* the URL being fetched */
	struct sink out;
	struct progress prog;
	struct json json; /* --json: this response's object, built as its headers come */
	bool show;        /* this response's status line and headers are output */
	bool shown_any;   /* ... and so were an earlier one's (of any URL) */
	bool has_ctype;
	char ctype[256];     /* the last response's Content-Type, for --write-out */
	char path[PATH_MAX]; /* -O and --output-dir: the file of this URL */
};

enum { GO_ON = HTTP_CB_GO_ON, STOP = HTTP_CB_STOP, QUIT = HTTP_CB_QUIT };

/* An error on stderr, below the progress line if one is shown; kept for %{errormsg};
 * returns code. */
static int report(struct render *f, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int report(struct render *f, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->st->errmsg, sizeof f->st->errmsg, fmt, ap);
	va_end(ap);
	progress_end(&f->prog);
	diag_err("%s", f->st->errmsg);
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
	json_cstr(&f->json, "url", http_url_format(url, sizeof url, f->st->url) ? url : "");
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
	return errno == EPIPE ? QUIT
	                      : report(f, EXIT_IO, "write error on stdout: %s", strerror(errno));
}

static int on_status(void *ctx, const struct http_event *ev)
{
	struct render *f = ctx;
	const struct http_opts *o = f->o;

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
	const struct http_opts *o = f->o;
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
		return report(f, EXIT_NO, "%s", f->st->reason);
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
	const struct http_stats *st = f->st;
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
	    .time_total_us = loop_now_us() - st->t_start,
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

/* ---- options -------------------------------------------------------------------------- */

/* A copy of s[0..n) for a message, control bytes shown as '?': no terminal escapes. */
static const char *printable(char *dst, size_t cap, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && i + 1 < cap; i++)
		dst[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	dst[i] = '\0';
	return dst;
}

static int add_header(struct http_opts *o, const char *h)
{
	char shown[64];
	const char *err;

	if (http_header_valid(h, &err) < 0)
		return diag_usage("invalid header '%s' for -H: %s",
		                  printable(shown, sizeof shown, h, strlen(h)), err);
	if (o->nheaders == HEADERS_MAX)
		return diag_usage("too many -H options (at most %d)", HEADERS_MAX);
	o->headers[o->nheaders++] = h;
	o->extra += strlen(h) + 2;
	return 0;
}

static int set_user_agent(struct http_opts *o, const char *a)
{
	for (const char *p = a; *p; p++)
		if (((unsigned char)*p < 0x20 && *p != '\t') || *p == 0x7f)
			return diag_usage("control byte in -A text");
	o->user_agent = a;
	return 0;
}

/* One body per request (sockit(1), http-post): a second body option is a usage error;
 * only -F repeats, adding a part. */
static int claim_body(struct http_opts *o, const char *opt, enum body_kind kind)
{
	if (o->body_opt && !(kind == BODY_FORM && o->body.kind == BODY_FORM))
		return diag_usage("one body per request: cannot use %s and %s together",
		                  o->body_opt, opt);
	o->body_opt = opt;
	o->body.kind = kind;
	return 0;
}

/* -d DATA, --data-json JSON, -T FILE: text, or a file by name ("-": stdin). */
static int set_body(struct http_opts *o, const char *opt, const char *arg, bool file)
{
	const char *path = file ? arg : arg[0] == '@' ? arg + 1 : NULL;

	if (claim_body(o, opt, path ? BODY_FILE : BODY_TEXT) < 0)
		return -1;
	if (path && path[0] == '\0')
		return diag_usage("empty file name for %s", opt);
	o->body.path = path;
	o->body.text = arg;
	o->body.textlen = strlen(arg);
	return 0;
}

static int add_form(struct http_opts *o, const char *arg)
{
	char shown[64];

	if (claim_body(o, "-F", BODY_FORM) < 0)
		return -1;
	if (o->body.nparts == BODY_PARTS_MAX)
		return diag_usage("too many -F options (at most %d)", BODY_PARTS_MAX);
	if (body_form_parse(&o->body.part[o->body.nparts], arg) < 0)
		return diag_usage("invalid -F '%s': NAME=VALUE or NAME=@FILE",
		                  printable(shown, sizeof shown, arg, strlen(arg)));
	o->body.nparts++;
	return 0;
}

static int http_option(void *opts, int id, const char *arg)
{
	struct http_opts *o = opts;

	switch (id) {
	case OPT_HEADER:
		return add_header(o, arg);
	case OPT_USER_AGENT:
		return set_user_agent(o, arg);
	case OPT_DATA:
		o->body.type = "application/x-www-form-urlencoded"; /* as curl -d */
		return set_body(o, "-d", arg, false);
	case OPT_UPLOAD:
		return set_body(o, "-T", arg, true);
	case OPT_DATA_JSON:
		o->body.type = "application/json";
		o->body.json = true;
		return set_body(o, "--data-json", arg, false);
	case OPT_FORM:
		return add_form(o, arg);
	default:
		o->progress = id == OPT_PROGRESS;
		return 0;
	}
}

static int parse_options(struct http_opts *o, int argc, char **argv)
{
	return cmd_parse_options(argc, argv, options_of(o->cmd->bit), o->cmd->synopsis, o,
	                         &o->common, http_option);
}

/* --proxy, else the environment's as curl reads it; --noproxy, else no_proxy/NO_PROXY. */
static int choose_proxy(struct http_opts *o)
{
	const char *from = "--proxy", *url = o->proxy_url;

	if (!url)
		url = proxy_env(&from);
	if (!o->noproxy)
		o->noproxy = proxy_env_no_proxy();
	return url ? cmd_proxy(&o->proxy, url, from, o->proxy_user) : 0;
}

/* All option conflicts in one place, as nc does. */
static int check_conflicts(struct http_opts *o, char **ops, int nops)
{
	if (nops < 1)
		return diag_usage("missing URL");
	o->urls = ops;
	o->nurls = nops;
	if (o->status_only && (o->include || o->output || o->remote_name))
		return diag_usage("cannot use --status with %s", o->include  ? "-i"
		                                                 : o->output ? "-o"
		                                                             : "-O");
	if (o->json && o->status_only)
		return diag_usage("cannot use --json with --status");
	if (o->output && o->output[0] == '\0')
		return diag_usage("empty file name for -o");
	if (o->output && strcmp(o->output, "-") == 0) /* as curl: -o - is stdout */
		o->output = NULL;
	if (o->output && o->remote_name)
		return diag_usage("cannot use -o and -O together");
	if (o->output && nops > 1)
		return diag_usage("-o takes one URL, not %d (-O names a file for each)", nops);
	if (o->output_dir && !o->output && !o->remote_name)
		return diag_usage("--output-dir needs -O or -o");
	if (o->write_out && strcmp(o->write_out, "@-") == 0 && o->body.path &&
	    strcmp(o->body.path, "-") == 0)
		return diag_usage("cannot read both --write-out and %s from stdin", o->body_opt);
	if (o->extra + (o->user_agent ? strlen(o->user_agent) : 0) > EXTRA_MAX)
		return diag_usage("-H and -A text too long (at most %d bytes)", EXTRA_MAX);
	if (cmd_tls_check(&o->common, true, "https://") < 0)
		return -1;
	o->common.tls.alpn = "http/1.1";
	return choose_proxy(o);
}

static int parse_url(struct http_url *u, const char *s)
{
	char shown[128];
	const char *err;
	size_t len = strlen(s);

	switch (http_url_parse(u, s, len, &err)) {
	case HTTP_URL_OK:
		return 0;
	default:
		return diag_usage("invalid URL '%s%s': %s",
		                  printable(shown, sizeof shown, s, len),
		                  len >= sizeof shown ? "..." : "", err);
	}
}

/* Every URL is checked before the first is fetched: a typo is a usage error, not a
 * failure halfway through. With -O, each must name a file that stays in its directory. */
static int check_urls(const struct http_opts *o)
{
	struct http_url u;
	char name[NAME_MAX + 1], shown[128];
	const char *err;

	for (int i = 0; i < o->nurls; i++) {
		if (parse_url(&u, o->urls[i]) < 0)
			return -1;
		if (o->remote_name && http_url_filename(&u, name, sizeof name, &err) < 0)
			return diag_usage(
			    "-O: no file name for '%s': %s",
			    printable(shown, sizeof shown, u.target, strlen(u.target)), err);
	}
	return 0;
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

/* --write-out is parsed once, before any connection: an unknown variable is a usage error.
 * Returns 0 or the exit status. */
static int load_write_out(struct http_opts *o)
{
	static char file[FORMAT_MAX + 1]; /* 64 KiB, and the parsed format points into it */
	const char *fmt = o->write_out;
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
	if (writeout_parse(&o->wo, fmt, (size_t)len, err, sizeof err) < 0) {
		diag_usage("%s", err);
		return EXIT_USAGE;
	}
	return 0;
}

/* ---- many URLs ------------------------------------------------------------------------ */

/* The file of this URL: -o FILE, or -O's name from the user's URL; in --output-dir, if
 * given, unless FILE is absolute. Opens it into f->out, or returns the exit status. */
static int output_path(struct render *f)
{
	const struct http_opts *o = f->o;
	char name[NAME_MAX + 1];
	const char *file = o->output, *err;
	int n;

	if (o->remote_name) {
		if (http_url_filename(f->st->url, name, sizeof name, &err) < 0)
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

/* One user URL, its redirects followed, its output written; then --write-out. */
static int fetch_url(struct render *f, struct http_client *c, int i)
{
	struct http_handler h = handler;
	int rc = GO_ON;

	h.ctx = f;
	http_client_begin(c, i, f->st);
	f->has_ctype = false;
	f->out.fd = STDOUT_FILENO;
	f->out.path = NULL;
	if (f->o->output || f->o->remote_name)
		rc = output_path(f);
	if (rc == GO_ON)
		rc = http_client_fetch(c, &h, f->st);
	rc = finish(f, rc);
	write_out(f, rc);
	return rc;
}

/* Every URL in order, each attempted whatever befell the one before; the exit status is the
 * first failure's. */
static int fetch_all(struct render *f, struct http_client *c)
{
	int i, rc, first = 0;

	for (i = 0; i < f->o->nurls && !f->out.gone; i++) {
		rc = fetch_url(f, c, i);
		if (first == 0 && rc > 0)
			first = rc;
	}
	return first;
}

/* ---- the commands --------------------------------------------------------------------- */

/* The engine's view of the options. */
static void client_opts(struct http_client_opts *c, const struct http_opts *o)
{
	*c = (struct http_client_opts){
	    .method = o->cmd->method,
	    .user_agent = o->user_agent,
	    .headers = o->headers,
	    .nheaders = o->nheaders,
	    .proxy = &o->proxy,
	    .noproxy = o->noproxy,
	    .unix_socket = o->unix_socket,
	    .common = &o->common,
	    .body = &o->body,
	    .head = o->head,
	    .follow = o->location,
	    .max_redirs = o->max_redirs,
	    .retries = o->retries,
	};
}

/* What every URL shares: the options, stdout, whether a progress line is wanted. */
static void start(struct render *f, const struct http_opts *o, struct http_stats *st)
{
	memset(f, 0, sizeof *f);
	f->o = o;
	f->st = st;
	f->out.fd = STDOUT_FILENO;
	/* the progress line is for a person watching a download to a file */
	f->prog.wanted =
	    o->progress == 1 || (o->progress < 0 && (o->output || o->remote_name) &&
	                         isatty(STDERR_FILENO) && o->common.verbosity >= 0);
}

/* The body's sources are opened and checked before any connection (sockit(1),
 * http-post): one that cannot be read is exit 7, --data-json that is not JSON exit 2.
 * http-post and http-put without a body send an empty one (Content-Length: 0). */
static int open_body(struct http_opts *o)
{
	struct body *b = &o->body;
	char err[512];
	int rc;

	if (b->kind == BODY_NONE && (o->cmd->bit & C_BODY)) {
		b->kind = BODY_TEXT;
		b->text = "";
	}
	if (body_open(err, sizeof err, b) < 0) {
		diag_err("%s", err);
		return EXIT_IO;
	}
	if (b->json && (rc = body_check_json(err, sizeof err, b)) != 0) {
		diag_err("%s", err);
		return rc == 1 ? EXIT_USAGE : EXIT_IO;
	}
	if (b->kind == BODY_FORM) {
		snprintf(o->form_type, sizeof o->form_type, "multipart/form-data; boundary=%s",
		         b->boundary);
		b->type = o->form_type;
	}
	if (b->kind == BODY_PIPE && o->nurls > 1) {
		diag_usage("a body from a pipe can be sent once: one URL, not %d", o->nurls);
		return EXIT_USAGE;
	}
	return 0;
}

/* An https URL among the operands, or a TLS option given. */
static bool needs_tls(const struct http_opts *o)
{
	const struct tls_client_opts *t = &o->common.tls;

	for (int i = 0; i < o->nurls; i++)
		if (strncasecmp(o->urls[i], "https:", 6) == 0)
			return true;
	return t->cafile || t->cert || t->insecure || t->npins || t->name;
}

static int run(int argc, char **argv, const struct http_command *cmd)
{
	struct http_opts o = {
	    .common = {.family = AF_UNSPEC},
	    .cmd = cmd,
	    .head = cmd->bit == C_HEAD,
	    .progress = -1,
	    .max_redirs = 10,
	    .user_agent = "sockit/" SOCKIT_VERSION,
	    .body = {.fd = -1},
	};
	struct http_client_opts co;
	struct http_client *c = NULL;
	struct http_stats st;
	struct render f;
	int nops, rc;

	if ((nops = parse_options(&o, argc, argv)) < 0)
		return EXIT_USAGE;
	if (o.common.done)
		return 0;
	if (check_conflicts(&o, argv, nops) < 0 || check_urls(&o) < 0)
		return EXIT_USAGE;
	if ((rc = load_write_out(&o)) != 0 || (rc = open_body(&o)) != 0)
		goto out;
	start(&f, &o, &st);
	client_opts(&co, &o);
	if (!(c = http_client_new(&co, o.urls, o.nurls))) {
		diag_err("out of memory");
		rc = EXIT_IO;
		goto out;
	}
	/* TLS's files are judged before any request: a bad one is exit 2 */
	if (!needs_tls(&o) || (rc = http_client_tls(c)) == 0)
		rc = fetch_all(&f, c);
	json_free(&f.json);
out:
	http_client_free(c);
	body_close(&o.body);
	writeout_free(&o.wo);
	return rc;
}


/* The entry points: the command named by argv[0]. */
static int run_named(int argc, char **argv, unsigned bit)
{
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
		if (commands[i].bit == bit)
			return run(argc, argv, &commands[i]);
	return EXIT_USAGE; /* never: each entry point names a row */
}

int cmd_http_get(int argc, char **argv)
{
	return run_named(argc, argv, C_GET);
}

int cmd_http_head(int argc, char **argv)
{
	return run_named(argc, argv, C_HEAD);
}

int cmd_http_post(int argc, char **argv)
{
	return run_named(argc, argv, C_POST);
}

int cmd_http_put(int argc, char **argv)
{
	return run_named(argc, argv, C_PUT);
}

int cmd_http_delete(int argc, char **argv)
{
	return run_named(argc, argv, C_DELETE);
}
