/* writeout.c: --write-out's format: parsed once into pieces, rendered after each transfer. */
#include "writeout.h"

#include "diag.h"
#include "json.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name;
	enum writeout_kind kind;
} variables[] = {
    {"http_code", WO_HTTP_CODE},
    {"url_effective", WO_URL_EFFECTIVE},
    {"size_download", WO_SIZE_DOWNLOAD},
    {"content_type", WO_CONTENT_TYPE},
    {"num_redirects", WO_NUM_REDIRECTS},
    {"time_connect", WO_TIME_CONNECT},
    {"time_starttransfer", WO_TIME_STARTTRANSFER},
    {"time_total", WO_TIME_TOTAL},
    {"exitcode", WO_EXITCODE},
    {"errormsg", WO_ERRORMSG},
    {"size_upload", WO_SIZE_UPLOAD},
    {"speed_upload", WO_SPEED_UPLOAD},
    {"num_retries", WO_NUM_RETRIES},
    {"tls_version", WO_TLS_VERSION},
    {"tls_cipher", WO_TLS_CIPHER},
    {"cert_not_after", WO_CERT_NOT_AFTER},
    {"cert_days_left", WO_CERT_DAYS_LEFT},
    {"ssl_verify_result", WO_SSL_VERIFY_RESULT},
    {"json", WO_JSON},
    {"stdout", WO_STDOUT},
    {"stderr", WO_STDERR},
};

/* The kind named s[0..n), or -1. */
static int lookup(const char *s, size_t n)
{
	for (size_t i = 0; i < sizeof variables / sizeof variables[0]; i++)
		if (strlen(variables[i].name) == n && memcmp(variables[i].name, s, n) == 0)
			return (int)variables[i].kind;
	return -1;
}

/* ---- parsing -------------------------------------------------------------------------- */

static void add_piece(struct writeout *w, enum writeout_kind kind, size_t off, size_t len)
{
	w->piece[w->npieces++] = (struct writeout_piece){.kind = kind, .off = off, .len = len};
}

/* One literal byte: it joins the text piece before it when there is one. */
static void add_char(struct writeout *w, size_t *t, char c)
{
	struct writeout_piece *last = w->npieces > 0 ? &w->piece[w->npieces - 1] : NULL;

	w->text[*t] = c;
	if (last != NULL && last->kind == WO_TEXT && last->off + last->len == *t)
		last->len++;
	else
		add_piece(w, WO_TEXT, *t, 1);
	(*t)++;
}

static char unescape(char c)
{
	return c == 'n' ? '\n' : c == 't' ? '\t' : c == '\\' ? '\\' : '\0';
}

/* "%{name}" at fmt[i]: its kind with *end set past it, -1 (unknown, err filled), or -2
 * when the brace is never closed (then the bytes are kept as text, as curl does). */
static int variable(const char *fmt, size_t len, size_t i, size_t *end, char *err,
                    size_t errcap)
{
	const char *name = fmt + i + 2, *close = memchr(name, '}', len - i - 2);
	char shown[4 * 43 + 1];
	size_t n, k;
	int kind;

	if (close == NULL)
		return -2;
	n = (size_t)(close - name);
	if ((kind = lookup(name, n)) >= 0) {
		*end = (size_t)(close - fmt) + 1;
		return kind;
	}
	/* the name as typed, up to 43 bytes, escaped as every message is (a NUL too) */
	k = n < 43 ? n : 43;
	diag_escape(shown, sizeof shown, name, k);
	snprintf(err, errcap, "unknown variable '%%{%s%s}' in --write-out", shown,
	         k < n ? "..." : "");
	return -1;
}

int writeout_parse(struct writeout *w, const char *fmt, size_t len, char *err, size_t errcap)
{
	size_t i = 0, t = 0, end;
	int kind;

	*w = (struct writeout){0};
	/* every piece takes at least one byte of fmt, and the text is never longer */
	w->piece = malloc((len + 1) * sizeof *w->piece);
	w->text = malloc(len + 1);
	if (w->piece == NULL || w->text == NULL) {
		writeout_free(w);
		snprintf(err, errcap, "out of memory");
		return -1;
	}
	while (i < len) {
		if (fmt[i] == '%' && i + 1 < len && fmt[i + 1] == '%') {
			add_char(w, &t, '%');
			i += 2;
		} else if (fmt[i] == '%' && i + 1 < len && fmt[i + 1] == '{' &&
		           (kind = variable(fmt, len, i, &end, err, errcap)) != -2) {
			if (kind < 0) {
				writeout_free(w);
				return -1;
			}
			add_piece(w, (enum writeout_kind)kind, 0, 0);
			i = end;
		} else if (fmt[i] == '\\' && i + 1 < len && unescape(fmt[i + 1]) != '\0') {
			add_char(w, &t, unescape(fmt[i + 1]));
			i += 2;
		} else {
			add_char(w, &t, fmt[i++]);
		}
	}
	return 0;
}

void writeout_free(struct writeout *w)
{
	free(w->piece);
	free(w->text);
	*w = (struct writeout){0};
}

/* ---- rendering ------------------------------------------------------------------------ */

struct out {
	writeout_emit *emit;
	void *ctx;
	int stream;
};

static void put(struct out *o, const char *s, size_t n)
{
	if (n > 0)
		o->emit(o->ctx, o->stream, s, n);
}

static void put_str(struct out *o, const char *s)
{
	if (s != NULL)
		put(o, s, strlen(s));
}

static void put_fmt(struct out *o, const char *fmt, long long v)
{
	char num[32];
	int n = snprintf(num, sizeof num, fmt, v);

	put(o, num, (size_t)n);
}

/* Seconds with 6 decimals, as curl prints its times. */
static void put_seconds(struct out *o, long long us)
{
	char num[40];
	int n;

	if (us < 0)
		us = 0;
	n = snprintf(num, sizeof num, "%lld.%06lld", us / 1000000, us % 1000000);
	put(o, num, (size_t)n);
}

/* Seconds with 6 decimals, for --write-out's JSON. */
static void json_seconds(struct json *j, const char *key, long long us)
{
	char num[40];

	snprintf(num, sizeof num, "%lld.%06lld", us < 0 ? 0 : us / 1000000,
	         us < 0 ? 0 : us % 1000000);
	json_number(j, key, num);
}

static void json_opt(struct json *j, const char *key, const char *s)
{
	if (s == NULL)
		json_null(j, key);
	else
		json_cstr(j, key, s);
}

/* Bytes sent per second of the whole transfer, as curl's whole number. */
static long long speed_upload(const struct writeout_values *v)
{
	return v->time_total_us > 0
	           ? (long long)((double)v->size_upload * 1e6 / (double)v->time_total_us)
	           : 0;
}

/* Every variable as one object, keys in curl's order (sorted), built by json.c, the one
 * JSON writer (strings escaped there; invalid UTF-8 as U+FFFD). */
static void put_json(struct out *o, const struct writeout_values *v)
{
	struct json j = {0};
	const char *text;
	size_t len;

	json_begin(&j);
	if (v->tls_version) { /* keys sorted, as curl's; TLS's only where it was used */
		json_int(&j, "cert_days_left", v->cert_days_left);
		json_opt(&j, "cert_not_after", v->cert_not_after);
	}
	json_opt(&j, "content_type", v->content_type);
	json_opt(&j, "errormsg", v->errormsg);
	json_int(&j, "exitcode", v->exitcode);
	json_int(&j, "http_code", v->http_code);
	json_int(&j, "num_redirects", v->num_redirects);
	json_int(&j, "num_retries", v->num_retries);
	json_int(&j, "size_download", (long long)v->size_download);
	json_int(&j, "size_upload", (long long)v->size_upload);
	json_int(&j, "speed_upload", speed_upload(v));
	if (v->tls_version)
		json_int(&j, "ssl_verify_result", v->ssl_verify_result);
	json_seconds(&j, "time_connect", v->time_connect_us);
	json_seconds(&j, "time_starttransfer", v->time_starttransfer_us);
	json_seconds(&j, "time_total", v->time_total_us);
	if (v->tls_version) {
		json_opt(&j, "tls_cipher", v->tls_cipher);
		json_cstr(&j, "tls_version", v->tls_version);
	}
	json_opt(&j, "url_effective", v->url_effective);
	if ((text = json_close(&j, &len)) != NULL)
		put(o, text, len);
	json_free(&j);
}

static void put_piece(struct out *o, const struct writeout *w, const struct writeout_piece *p,
                      const struct writeout_values *v)
{
	switch (p->kind) {
	case WO_TEXT:
		put(o, w->text + p->off, p->len);
		break;
	case WO_HTTP_CODE:
		put_fmt(o, "%03lld", v->http_code);
		break;
	case WO_URL_EFFECTIVE:
		put_str(o, v->url_effective);
		break;
	case WO_SIZE_DOWNLOAD:
		put_fmt(o, "%lld", (long long)v->size_download);
		break;
	case WO_CONTENT_TYPE:
		put_str(o, v->content_type);
		break;
	case WO_NUM_REDIRECTS:
		put_fmt(o, "%lld", v->num_redirects);
		break;
	case WO_TIME_CONNECT:
		put_seconds(o, v->time_connect_us);
		break;
	case WO_TIME_STARTTRANSFER:
		put_seconds(o, v->time_starttransfer_us);
		break;
	case WO_TIME_TOTAL:
		put_seconds(o, v->time_total_us);
		break;
	case WO_EXITCODE:
		put_fmt(o, "%lld", v->exitcode);
		break;
	case WO_ERRORMSG:
		put_str(o, v->errormsg);
		break;
	case WO_SIZE_UPLOAD:
		put_fmt(o, "%lld", (long long)v->size_upload);
		break;
	case WO_SPEED_UPLOAD:
		put_fmt(o, "%lld", speed_upload(v));
		break;
	case WO_NUM_RETRIES:
		put_fmt(o, "%lld", v->num_retries);
		break;
	case WO_TLS_VERSION:
		put_str(o, v->tls_version);
		break;
	case WO_TLS_CIPHER:
		put_str(o, v->tls_cipher);
		break;
	case WO_CERT_NOT_AFTER:
		put_str(o, v->cert_not_after);
		break;
	case WO_CERT_DAYS_LEFT:
		if (v->tls_version)
			put_fmt(o, "%lld", v->cert_days_left);
		break;
	case WO_SSL_VERIFY_RESULT:
		put_fmt(o, "%lld", (long long)v->ssl_verify_result);
		break;
	case WO_JSON:
		put_json(o, v);
		break;
	case WO_STDOUT:
		o->stream = WRITEOUT_STDOUT;
		break;
	case WO_STDERR:
		o->stream = WRITEOUT_STDERR;
		break;
	}
}

void writeout_render(const struct writeout *w, const struct writeout_values *v,
                     writeout_emit *emit, void *ctx)
{
	struct out o = {emit, ctx, WRITEOUT_STDOUT};

	for (size_t i = 0; i < w->npieces; i++)
		put_piece(&o, w, &w->piece[i], v);
}
