/* body.h: a request's body (sockit(1), http-post): where its bytes come from (text, a
 * file, stdin as a file or a pipe, a multipart form), its length and type, whether it can
 * be sent again, and the steps that send it through the transport: a file by sendfile(2),
 * a pipe chunked through a bounded buffer (a file too, over a TLS session without kernel
 * TLS), never held whole. The multipart/form-data writer and the type of a file from its
 * name are pure. */
#ifndef BODY_H
#define BODY_H

#include "transport.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define BODY_PARTS_MAX    64   /* -F options */
#define BODY_BOUNDARY_LEN 40   /* "sockit-" and random letters */
#define BODY_HEAD_MAX     2048 /* a form part's header lines */

enum body_kind {
	BODY_NONE, /* no body, no Content-Length (GET, DELETE) */
	BODY_TEXT, /* bytes in memory (-d TEXT; "" is Content-Length: 0) */
	BODY_FILE, /* a regular file from an offset (-d @FILE, -T FILE, stdin as a file) */
	BODY_PIPE, /* stdin that is no regular file: chunked, once only */
	BODY_FORM, /* -F parts: multipart/form-data */
};

/* One -F NAME=VALUE or NAME=@FILE. */
struct body_part {
	const char *name;
	size_t namelen;
	const char *value; /* the text, or NULL for a file */
	size_t valuelen;
	const char *path; /* the file, or NULL */
	int fd;           /* its descriptor once opened (body_open), else -1 */
	uint64_t size;
};

struct body {
	enum body_kind kind;
	const char *text; /* BODY_TEXT */
	size_t textlen;
	const char *path; /* BODY_FILE: its name for messages ("-": stdin) */
	int fd;           /* BODY_FILE, BODY_PIPE: the source; -1 before body_open */
	off_t start;      /* BODY_FILE: where the body starts in it */
	uint64_t size;    /* BODY_FILE: how many bytes from start */
	struct body_part part[BODY_PARTS_MAX];
	size_t nparts;
	char boundary[BODY_BOUNDARY_LEN + 1]; /* BODY_FORM, once opened */
	const char *type;                     /* the Content-Type it goes with, or NULL */
	bool json;       /* --data-json: checked, and sent asking for JSON back */
	const char *opt; /* the option that gave it, for messages; NULL if none */
	char form_type[64 + BODY_BOUNDARY_LEN]; /* BODY_FORM: its type, once opened */
};

/* A body being sent: where the next byte comes from. */
struct body_send {
	const struct body *b;
	size_t part;    /* BODY_FORM: the part being sent (nparts: the closing line) */
	int phase;      /* BODY_FORM: the part's head, content or CRLF; BODY_PIPE: chunk step */
	uint64_t off;   /* bytes of the current piece already sent */
	size_t headlen; /* BODY_FORM: the current part's head, in head */
	char head[BODY_HEAD_MAX];
	uint64_t sent; /* body bytes written to the socket so far, framing excluded */
	bool took;     /* bytes were taken from a source that cannot give them again */
};

/* A body option given (sockit(1), http-post): -d DATA and --data-json JSON (text, @FILE,
 * @- for stdin), -T FILE ("-": stdin), -F NAME=VALUE or NAME=@FILE (repeatable, a part
 * each); one body per request. Returns 0, or -1 with the usage error in err. */
int body_option(char *err, size_t cap, struct body *b, const char *opt, const char *arg);
/* The Content-Length of b, or -1 when it goes chunked (a pipe). BODY_NONE: -1 too, but
 * body_framed says no framing is sent at all. */
int64_t body_length(const struct body *b);
/* True if b can be sent again (a redirect 307/308, --retry): all but a pipe once taken. */
bool body_again(const struct body *b, const struct body_send *s);
/* Opens b's files and checks they can be read, gets their sizes, and for a form picks a
 * boundary found in none of the parts. Returns 0, or -1 with err filled ("cannot read
 * 'x': No such file or directory"). */
int body_open(char *err, size_t errcap, struct body *b);
/* --data-json: checks b (opened) is one JSON value, reading a file through without holding
 * it; a pipe is first copied to an unlinked temporary file, which b then sends (so it can
 * be sent again). Returns 0, 1 when it is not JSON (err says why and where), or -1 when
 * reading failed (err filled). */
int body_check_json(char *err, size_t errcap, struct body *b);
/* Closes the files body_open opened. */
void body_close(struct body *b);

/* Starts sending b (again, from its first byte). */
void body_send_start(struct body_send *s, const struct body *b);
/* Sends the next piece of the body to the connection t, a blocking socket (at most about
 * 1 MiB): returns the body bytes it moved (0 for framing alone), BODY_DONE when all is
 * sent, or a NET_E* / TRANSPORT_E* code with err filled (NET_EIO: reading the source
 * failed, or a file shrank). Zero-copy only when t->zero_copy_out. */
ssize_t body_send_step(char *err, struct body_send *s, struct transport *t);
#define BODY_DONE ((ssize_t)-100)

/* ---- pure ---- */

/* The Content-Type for a file name's extension ("a.png": "image/png"), or
 * "application/octet-stream". */
const char *body_mime_type(const char *path);
/* Writes a form part's head into dst: "--BOUNDARY\r\nContent-Disposition: form-data;
 * name=\"N\"[; filename=\"F\"]\r\n[Content-Type: T\r\n]\r\n" (a quote, CR or LF in N or
 * F escaped as %22, %0D, %0A, as browsers do). filename and type NULL for a text part.
 * Returns the length, or 0 if cap is too small. */
size_t body_form_head(char *dst, size_t cap, const char *boundary, const char *name,
                      size_t namelen, const char *filename, const char *type);
/* The closing delimiter "--BOUNDARY--\r\n" into dst; returns its length, or 0. */
size_t body_form_tail(char *dst, size_t cap, const char *boundary);
/* The whole length of a form: every part's head, content and CRLF, and the tail. */
uint64_t body_form_length(const struct body *b);
/* Parses -F's NAME=VALUE or NAME=@FILE into p. Returns 0, or -1 (no '=', empty NAME,
 * empty FILE). */
int body_form_parse(struct body_part *p, const char *arg);
/* True if the boundary appears nowhere in s[0..n) (a line starting "--BOUNDARY" would
 * end a part early). */
bool body_boundary_free(const char *boundary, const char *s, size_t n);

#endif
