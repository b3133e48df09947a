/* cmd_http.c: `sockit http-get` and its kin (http-head, -post, -put, -delete): the options
 * and their checks, then every URL through the client engine (http_client.c), rendered by
 * http_output.c. */
#include "body.h"
#include "clock.h"
#include "cmd.h"
#include "diag.h"
#include "http.h"
#include "http_client.h"
#include "http_output.h"
#include "proxy.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define HEADERS_MAX HTTP_CLIENT_HEADERS_MAX
#define EXTRA_MAX   HTTP_CLIENT_EXTRA_MAX
#define REDIRS_MAX  1000 /* the largest --max-redirs */
#define RETRIES_MAX 100  /* the largest --retry */

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
	struct http_show show; /* -i, -o, -O, --status, --json, --write-out... */
	bool location;
	int progress; /* 1 --progress, 0 --no-progress, -1 neither */
	long long max_redirs;
	const char *write_out; /* --write-out FMT (or @FILE, @-) as given */
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
#define H struct http_opts
static const struct opt_row rows[] = {
    {C_BODY,
     OPT_CALL('d', "data", "DATA", OPT_DATA, "the body: DATA as it is, @FILE, or @- (stdin)")},
    {C_PUT, OPT_CALL('T', "upload-file", "FILE", OPT_UPLOAD, "the body is FILE ('-': stdin)")},
    {C_BODY, OPT_CALL(0, "data-json", "JSON", OPT_DATA_JSON,
                      "the body is JSON (or @FILE, @-), checked; asks for JSON back")},
    {C_POST, OPT_CALL('F', "form", "NAME=VALUE", OPT_FORM,
                      "a multipart/form-data field; NAME=@FILE sends a file (repeatable)")},
    {C_FETCH, OPT_FLAG('i', "include", H, show.include,
                       "print the status line and headers before the body")},
    {C_FETCH, OPT_STRING('o', "output", "FILE", H, show.output,
                         "write the body to FILE, renamed into place when whole")},
    {C_FETCH, OPT_FLAG('O', "remote-name", H, show.remote_name,
                       "write each body to a file named after its URL's last segment")},
    {C_FETCH, OPT_NONEMPTY(0, "output-dir", "DIR", H, show.output_dir,
                           "put the files of -O and -o in DIR")},
    {C_FETCH, OPT_CALL(0, "progress", NULL, OPT_PROGRESS, "a progress line on stderr")},
    {C_FETCH, OPT_CALL(0, "no-progress", NULL, OPT_NO_PROGRESS,
                       "no progress line (default unless -o to a tty)")},
    OPT_FAMILY_ROWS(C_ALL),
    {C_ALL, OPT_TIMEOUT(H, "connect and idle timeout, not a total one (exit 5)")},
    {C_ALL, OPT_MAX_TIME(H)},
    {C_ALL, OPT_FLAG('L', "location", H, location, "follow redirects (301 302 303 307 308)")},
    {C_ALL, OPT_COUNT(0, "max-redirs", "N", H, max_redirs, 0, REDIRS_MAX,
                      "with -L: at most N redirects (10)")},
    {C_ALL, OPT_CALL('H', "header", "HEADER", OPT_HEADER,
                     "add 'Name: value' to the request (repeatable)")},
    {C_ALL, OPT_CALL('A', "user-agent", "TEXT", OPT_USER_AGENT,
                     "replace the User-Agent (\"\": send none)")},
    {C_ALL, OPT_FLAG('f', "fail", H, show.fail, "exit 1 on status >= 400, printing nothing")},
    {C_ALL, OPT_FLAG(0, "status", H, show.status_only, "print only the numeric status code")},
    {C_HEAD, OPT_FLAG(0, "json", H, show.json, "one JSON object per response, on a line")},
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
    OPT_VERBOSITY_ROWS(C_ALL),
};
#undef H

/* The rows of one command, as the option parser takes them. */
static const struct opt *options_of(unsigned cmd)
{
	static struct opt table[sizeof rows / sizeof *rows + 1]; /* the parser's for the run */

	return opt_select(table, rows, sizeof rows / sizeof *rows, cmd);
}

/* ---- options -------------------------------------------------------------------------- */

static int add_header(struct http_opts *o, const char *h)
{
	const char *err;

	/* diag escapes the message: a CR shows as \x0d, never reaches the terminal raw */
	if (http_header_valid(h, &err) < 0)
		return diag_usage("invalid header '%.63s' for -H: %s", h, err);
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

/* -d, -T, --data-json, -F: body.c takes them. */
static int take_body(struct http_opts *o, const char *opt, const char *arg)
{
	char err[160];

	return body_option(err, sizeof err, &o->body, opt, arg) < 0 ? diag_usage("%s", err) : 0;
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
		return take_body(o, "-d", arg);
	case OPT_UPLOAD:
		return take_body(o, "-T", arg);
	case OPT_DATA_JSON:
		return take_body(o, "--data-json", arg);
	case OPT_FORM:
		return take_body(o, "-F", arg);
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
	if (o->show.status_only && (o->show.include || o->show.output || o->show.remote_name))
		return diag_usage("cannot use --status with %s", o->show.include  ? "-i"
		                                                 : o->show.output ? "-o"
		                                                                  : "-O");
	if (o->show.json && o->show.status_only)
		return diag_usage("cannot use --json with --status");
	if (o->show.output && o->show.output[0] == '\0')
		return diag_usage("empty file name for -o");
	if (o->show.output && strcmp(o->show.output, "-") == 0) /* as curl: -o - is stdout */
		o->show.output = NULL;
	if (o->show.output && o->show.remote_name)
		return diag_usage("cannot use -o and -O together");
	if (o->show.output && nops > 1)
		return diag_usage("-o takes one URL, not %d (-O names a file for each)", nops);
	if (o->show.output_dir && !o->show.output && !o->show.remote_name)
		return diag_usage("--output-dir needs -O or -o");
	if (o->write_out && strcmp(o->write_out, "@-") == 0 && o->body.path &&
	    strcmp(o->body.path, "-") == 0)
		return diag_usage("cannot read both --write-out and %s from stdin",
		                  o->body.opt);
	if (o->extra + (o->user_agent ? strlen(o->user_agent) : 0) > EXTRA_MAX)
		return diag_usage("-H and -A text too long (at most %d bytes)", EXTRA_MAX);
	if (cmd_tls_check(&o->common, true, "https://") < 0)
		return -1;
	o->common.tls.alpn = "http/1.1";
	return choose_proxy(o);
}

static int parse_url(struct http_url *u, const char *s)
{
	const char *err;
	size_t len = strlen(s);

	switch (http_url_parse(u, s, len, &err)) {
	case HTTP_URL_OK:
		return 0;
	default:
		return diag_usage("invalid URL '%.127s%s': %s", s, len > 127 ? "..." : "", err);
	}
}

/* Every URL is checked before the first is fetched: a typo is a usage error, not a
 * failure halfway through. With -O, each must name a file that stays in its directory. */
static int check_urls(const struct http_opts *o)
{
	struct http_url u;
	char name[NAME_MAX + 1];
	const char *err;

	for (int i = 0; i < o->nurls; i++) {
		if (parse_url(&u, o->urls[i]) < 0)
			return -1;
		if (o->show.remote_name && http_url_filename(&u, name, sizeof name, &err) < 0)
			return diag_usage("-O: no file name for '%.127s': %s", u.target, err);
	}
	return 0;
}

/* ---- many URLs ------------------------------------------------------------------------ */

/* Every URL in order, each attempted whatever befell the one before; the exit status is the
 * first failure's. */
static int fetch_all(struct render *f, struct http_client *c, int nurls)
{
	int i, rc, first = 0;

	for (i = 0; i < nurls && !f->out.gone; i++) {
		rc = http_output_fetch(f, c, i);
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
	    .head = o->show.head,
	    .follow = o->location,
	    .max_redirs = o->max_redirs,
	    .retries = o->retries,
	};
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
	    .show = {.head = cmd->bit == C_HEAD},
	    .progress = -1,
	    .max_redirs = 10,
	    .user_agent = "sockit/" SOCKIT_VERSION,
	    .body = {.fd = -1},
	};
	struct http_client_opts co;
	struct http_client *c = NULL;
	struct render f;
	int nops, rc;

	if ((nops = parse_options(&o, argc, argv)) < 0)
		return EXIT_USAGE;
	if (o.common.done)
		return 0;
	if (check_conflicts(&o, argv, nops) < 0 || check_urls(&o) < 0)
		return EXIT_USAGE;
	if ((o.write_out && (rc = http_output_load_format(&o.show.wo, o.write_out)) != 0) ||
	    (rc = open_body(&o)) != 0)
		goto out;
	/* the progress line is for a person watching a download to a file */
	http_output_start(&f, &o.show,
	                  o.progress == 1 ||
	                      (o.progress < 0 && (o.show.output || o.show.remote_name) &&
	                       isatty(STDERR_FILENO) && o.common.verbosity >= 0));
	client_opts(&co, &o);
	if (!(c = http_client_new(&co, o.urls, o.nurls))) {
		diag_err("out of memory");
		rc = EXIT_IO;
		goto out;
	}
	/* TLS's files are judged before any request: a bad one is exit 2 */
	if (!needs_tls(&o) || (rc = http_client_tls(c)) == 0)
		rc = fetch_all(&f, c, o.nurls);
	http_output_end(&f);
out:
	http_client_free(c);
	body_close(&o.body);
	writeout_free(&o.show.wo);
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
