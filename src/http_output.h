/* http_output.h: the http-* commands' side of a transfer, as curl's tool_cb_*.c and
 * tool_writeout.c are to libcurl: the body to stdout or to -o/-O's file, the -i, --status,
 * --fail and --json renderings, -v's wire lines, the progress line and --write-out, handed
 * to the client engine (http_client.h) as its callbacks. */
#ifndef SOCKIT_HTTP_OUTPUT_H
#define SOCKIT_HTTP_OUTPUT_H

#include "http_client.h"
#include "json.h"
#include "outfile.h"
#include "progress.h"
#include "writeout.h"

#include <limits.h>
#include <stdbool.h>

#define HTTP_OUTPUT_TEXT 8192 /* header lines for the output, gathered into one write */

/* What the user asked to see (sockit(1), http-head and http-get). */
struct http_show {
	bool head; /* http-head: the headers are the output */
	bool include, fail, status_only, json;
	bool remote_name;       /* -O: each body to a file named after its URL */
	const char *output;     /* -o FILE, or NULL for stdout */
	const char *output_dir; /* --output-dir DIR for -O and -o, or NULL */
	struct writeout wo;     /* --write-out, parsed (no pieces: none) */
};

/* Where the output goes: stdout, or the temporary file of -o or -O. */
struct sink {
	const char *path; /* the file, or NULL */
	struct outfile file;
	int fd;
	bool gone; /* stdout's reader left (EPIPE): stop, quietly */
	size_t textlen;
	char text[HTTP_OUTPUT_TEXT]; /* header lines not yet written */
};

/* One command's run, the output side. The connections and the exchange are the engine's,
 * the figures for --write-out its struct http_stats. */
struct render {
	const struct http_show *o;
	struct http_stats st; /* the URL being fetched */
	struct sink out;
	struct progress prog;
	struct json json; /* --json: this response's object, built as its headers come */
	bool show;        /* this response's status line and headers are output */
	bool shown_any;   /* ... and so were an earlier one's (of any URL) */
	bool has_ctype;
	char ctype[256];     /* the last response's Content-Type, for --write-out */
	char path[PATH_MAX]; /* -O and --output-dir: the file of this URL */
};

/* Starts f for a run showing what o says (kept for the run); progress: a progress line. */
void http_output_start(struct render *f, const struct http_show *o, bool progress);
/* Fetches user URL i through c: its output written (-o's file renamed into place only
 * when whole), then --write-out. Returns 0 or the exit status; f->out.gone after it: the
 * reader of stdout left, fetch no more. */
int http_output_fetch(struct render *f, struct http_client *c, int i);
/* Parses --write-out's FMT (@FILE, @-: stdin) into wo. Returns 0, EXIT_USAGE or EXIT_IO
 * (said on stderr). */
int http_output_load_format(struct writeout *wo, const char *fmt);
/* Frees what f holds. */
void http_output_end(struct render *f);

#endif
