/* writeout.h: --write-out FMT (curl's -w): the format parsed once, at option time, into a
 * list of pieces, then rendered after each transfer with that transfer's figures. Pure:
 * the caller is handed the bytes and the stream they are for. */
#ifndef WRITEOUT_H
#define WRITEOUT_H

#include <stddef.h>

enum writeout_kind {
	WO_TEXT = 0, /* literal text, escapes already undone */
	WO_HTTP_CODE,
	WO_URL_EFFECTIVE,
	WO_SIZE_DOWNLOAD,
	WO_CONTENT_TYPE,
	WO_NUM_REDIRECTS,
	WO_TIME_CONNECT,
	WO_TIME_STARTTRANSFER,
	WO_TIME_TOTAL,
	WO_EXITCODE,
	WO_ERRORMSG,
	WO_SIZE_UPLOAD,
	WO_SPEED_UPLOAD,
	WO_NUM_RETRIES,
	WO_TLS_VERSION, /* https: sockit(1), TLS */
	WO_TLS_CIPHER,
	WO_CERT_NOT_AFTER,
	WO_CERT_DAYS_LEFT,
	WO_SSL_VERIFY_RESULT,
	WO_JSON,   /* every variable above as one JSON object */
	WO_STDOUT, /* the rest of FMT goes to stdout ... */
	WO_STDERR, /* ... or to stderr */
};

struct writeout_piece {
	enum writeout_kind kind;
	size_t off, len; /* WO_TEXT: the bytes text[off..off+len) */
};

/* A parsed format. Zero-initialised it renders nothing. */
struct writeout {
	struct writeout_piece *piece;
	size_t npieces;
	char *text;
};

/* One transfer's figures. */
struct writeout_values {
	int http_code;                    /* the last status received, 0 if none ("000") */
	const char *url_effective;        /* the last URL asked for */
	unsigned long long size_download; /* body bytes of the last response */
	const char *content_type;         /* its Content-Type, or NULL */
	long long num_redirects;
	long long time_connect_us;       /* from the start: the connection ready (0: never) */
	long long time_starttransfer_us; /* the first byte of the last response (0: none) */
	long long time_total_us;
	int exitcode;
	const char *errormsg;           /* the error printed for the transfer, or NULL */
	unsigned long long size_upload; /* body bytes sent with the last request */
	long long num_retries;          /* requests sent again (--retry) */
	/* the last connection's TLS session: version NULL when it had none (the others are
	 * then empty, and %{ssl_verify_result} 0, as curl prints them) */
	const char *tls_version, *tls_cipher, *cert_not_after;
	long long cert_days_left;
	long ssl_verify_result;
};

/* The streams a piece is written to. */
enum { WRITEOUT_STDOUT = 1, WRITEOUT_STDERR = 2 };

/* Parses fmt[0..len): %{name} variables, %% for '%', the escapes \n \t \\ (another
 * backslash or a '%' not starting a variable is kept as it is). Returns 0, or -1 with a
 * message in err: an unknown variable ("unknown variable '%{nope}'"), out of memory. */
int writeout_parse(struct writeout *w, const char *fmt, size_t len, char *err, size_t errcap);
/* Releases what writeout_parse allocated; w renders nothing afterwards. */
void writeout_free(struct writeout *w);

/* Called with each span of output and its stream (WRITEOUT_STDOUT or WRITEOUT_STDERR). */
typedef void writeout_emit(void *ctx, int stream, const char *s, size_t n);
/* Renders w with v, starting on stdout: numbers as curl prints them (http_code as 3
 * digits, times in seconds with 6 decimals, speed_upload in whole bytes per second of
 * time_total), strings as they are; %{json} with every
 * string escaped (RFC 8259) and null for an absent one. */
void writeout_render(const struct writeout *w, const struct writeout_values *v,
                     writeout_emit *emit, void *ctx);

#endif
