/* test_writeout.c: unit tests of --write-out's format: parsing, escapes, rendering, JSON. */
#include "unit.h"
#include "writeout.h"

#include <stdbool.h>
#include <string.h>

void suite_writeout(void);

/* What a render produced, the two streams apart and in order ("1:" / "2:" marks a switch). */
struct sink {
	char out[4096];
	size_t len;
	int stream;
};

static void collect(void *ctx, int stream, const char *s, size_t n)
{
	struct sink *k = ctx;

	if (stream != k->stream && k->len + 2 < sizeof k->out) {
		k->out[k->len++] = (char)('0' + stream);
		k->out[k->len++] = ':';
		k->stream = stream;
	}
	if (n > sizeof k->out - 1 - k->len)
		n = sizeof k->out - 1 - k->len;
	memcpy(k->out + k->len, s, n);
	k->len += n;
	k->out[k->len] = '\0';
}

static const struct writeout_values sample = {
    .http_code = 200,
    .url_effective = "http://127.0.0.1:8080/a",
    .size_download = 1234,
    .content_type = "text/html",
    .num_redirects = 2,
    .size_upload = 300,
    .num_retries = 1,
    .time_connect_us = 1500,
    .time_starttransfer_us = 2000001,
    .time_total_us = 3000000,
    .exitcode = 0,
    .errormsg = NULL,
};

/* Renders fmt with v; returns the output with stream marks (stdout first, unmarked). */
static const char *render(const char *fmt, const struct writeout_values *v)
{
	static struct sink k;
	static char err[128];
	struct writeout w;

	k.len = 0;
	k.out[0] = '\0';
	k.stream = WRITEOUT_STDOUT;
	if (writeout_parse(&w, fmt, strlen(fmt), err, sizeof err) < 0)
		return err;
	writeout_render(&w, v, collect, &k);
	writeout_free(&w);
	return k.out;
}

struct case_ {
	const char *fmt, *want;
};

static const struct case_ cases[] = {
    {"", ""},
    {"plain", "plain"},
    {"%{http_code}", "200"},
    {"%{url_effective}", "http://127.0.0.1:8080/a"},
    {"%{size_download} %{content_type} %{num_redirects}", "1234 text/html 2"},
    {"%{size_upload} %{speed_upload} %{num_retries}", "300 100 1"},
    {"%{time_connect} %{time_starttransfer} %{time_total}", "0.001500 2.000001 3.000000"},
    {"%{exitcode}[%{errormsg}]", "0[]"},
    {"%%%{http_code}%%", "%200%"},
    {"a\\nb\\tc\\\\d", "a\nb\tc\\d"},
    {"\\q\\", "\\q\\"},             /* other escapes, and a last backslash, stay */
    {"50% %x %", "50% %x %"},       /* a '%' that starts nothing stays */
    {"%{http_code", "%{http_code"}, /* never closed: text, as curl */
    {"%{stderr}e%{stdout}o%{stderr}", "2:e1:o"},
    {"x%{stderr}%{stderr}y", "x2:y"},
    {"%{json}",
     "{\"content_type\":\"text/html\",\"errormsg\":null,\"exitcode\":0,\"http_code\":200,"
     "\"num_redirects\":2,\"num_retries\":1,\"size_download\":1234,\"size_upload\":300,"
     "\"speed_upload\":100,\"time_connect\":0.001500,"
     "\"time_starttransfer\":2.000001,\"time_total\":3.000000,"
     "\"url_effective\":\"http://127.0.0.1:8080/a\"}"},
};

static void test_cases(void)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		CHECK_STR(render(cases[i].fmt, &sample), cases[i].want);
}

static void test_unknown(void)
{
	struct writeout w;
	char err[128];

	CHECK_INT(writeout_parse(&w, "a%{nope}b", 9, err, sizeof err), -1);
	CHECK_STR(err, "unknown variable '%{nope}' in --write-out");
	CHECK(w.piece == NULL && w.npieces == 0);
	CHECK_INT(writeout_parse(&w, "%{}", 3, err, sizeof err), -1);
	CHECK_STR(err, "unknown variable '%{}' in --write-out");
	CHECK_INT(writeout_parse(&w, "%{a\033b}", 7, err, sizeof err), -1);
	CHECK_STR(err, "unknown variable '%{a\\x1bb}' in --write-out");
	/* names are exact: no case folding, no spaces */
	CHECK_INT(writeout_parse(&w, "%{HTTP_CODE}", 12, err, sizeof err), -1);
	CHECK_INT(writeout_parse(&w, "%{ http_code}", 13, err, sizeof err), -1);
}

/* A NUL in the format (from @FILE) is text like any byte. */
static void test_nul(void)
{
	struct sink k = {.stream = WRITEOUT_STDOUT};
	struct writeout w;
	char err[64];

	CHECK_INT(writeout_parse(&w, "a\0%{exitcode}", 13, err, sizeof err), 0);
	writeout_render(&w, &sample, collect, &k);
	CHECK_MEM(k.out, k.len,
	          "a\0"
	          "0",
	          3);
	writeout_free(&w);
	CHECK(w.piece == NULL && w.text == NULL);
}

/* A failed transfer: no status, no content type, an error; JSON strings escaped. */
static void test_failed(void)
{
	struct writeout_values v = {
	    .url_effective = "http://h/\"q\"",
	    .exitcode = 4,
	    .errormsg = "h port 80: \"refused\"\\\x01\t",
	    .time_total_us = 7,
	};

	CHECK_STR(render("%{http_code} %{exitcode} %{time_connect} [%{content_type}]", &v),
	          "000 4 0.000000 []");
	CHECK_STR(render("%{json}", &v),
	          "{\"content_type\":null,\"errormsg\":\"h port 80: "
	          "\\\"refused\\\"\\\\\\u0001\\u0009\","
	          "\"exitcode\":4,\"http_code\":0,\"num_redirects\":0,\"num_retries\":0,"
	          "\"size_download\":0,\"size_upload\":0,\"speed_upload\":0,"
	          "\"time_connect\":0.000000,\"time_starttransfer\":0.000000,"
	          "\"time_total\":0.000007,\"url_effective\":\"http://h/\\\"q\\\"\"}");
}

/* https: the session's variables; plain http leaves them empty (verify result 0). */
static void test_tls(void)
{
	struct writeout_values v = sample;

	CHECK_STR(render("[%{tls_version}|%{tls_cipher}|%{cert_not_after}|%{cert_days_left}|"
	                 "%{ssl_verify_result}]",
	                 &v),
	          "[||||0]");
	CHECK(strstr(render("%{json}", &v), "tls") == NULL);
	v.tls_version = "TLSv1.3";
	v.tls_cipher = "TLS_AES_256_GCM_SHA384";
	v.cert_not_after = "2027-03-01T12:00:00Z";
	v.cert_days_left = -3;
	v.ssl_verify_result = 10;
	CHECK_STR(render("%{tls_version} %{tls_cipher} %{cert_not_after} %{cert_days_left} "
	                 "%{ssl_verify_result}",
	                 &v),
	          "TLSv1.3 TLS_AES_256_GCM_SHA384 2027-03-01T12:00:00Z -3 10");
	CHECK(strncmp(render("%{json}", &v),
	              "{\"cert_days_left\":-3,\"cert_not_after\":\"2027-03-01T12:00:00Z\","
	              "\"content_type\"",
	              64) == 0);
	CHECK(strstr(render("%{json}", &v), "\"size_download\":1234,\"size_upload\":") != NULL);
	CHECK(strstr(render("%{json}", &v), ",\"ssl_verify_result\":10,\"time_connect\"") !=
	      NULL);
	CHECK(strstr(render("%{json}", &v),
	             "\"tls_cipher\":\"TLS_AES_256_GCM_SHA384\","
	             "\"tls_version\":\"TLSv1.3\",\"url_effective\"") != NULL);
}

/* JSON strings stay valid UTF-8: good sequences kept, bad bytes U+FFFD. */
static void test_utf8(void)
{
	struct writeout_values v = sample;

	v.content_type = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80";
	CHECK(strstr(render("%{json}", &v),
	             "\"content_type\":\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"") != NULL);
	v.content_type = "a\xff"
	                 "b\xc3"
	                 "c\xc0\xaf"
	                 "d\xed\xa0\x80"
	                 "e\xf4\x90\x80\x80";
	CHECK(strstr(render("%{json}", &v),
	             "\"content_type\":\"a\\ufffdb\\ufffdc\\ufffd\\ufffdd"
	             "\\ufffd\\ufffd\\ufffde\\ufffd\\ufffd\\ufffd\\ufffd\"") != NULL);
	/* outside JSON, the bytes are written as they came */
	CHECK_STR(render("%{content_type}", &v), v.content_type);
}

void suite_writeout(void)
{
	test_cases();
	test_unknown();
	test_nul();
	test_failed();
	test_tls();
	test_utf8();
}
