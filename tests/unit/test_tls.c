/* test_tls.c: unit tests of tls.c's pure part: --pin values, base64, the refusal and
 * handshake messages, certificate names as shown. No library is loaded. */
#include "base64.h"
#include "tls.h"
#include "unit.h"

#include <stdbool.h>

/* the pin of 32 zero bytes, and of bytes 0..31 */
#define PIN_ZERO "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
#define PIN_SEQ  "sha256//AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="

static void test_pins(void)
{
	static const struct {
		const char *in;
		int rc;
		size_t npins;
	} cases[] = {
	    {PIN_ZERO, 0, 1},
	    {PIN_SEQ, 0, 1},
	    {PIN_ZERO ";" PIN_SEQ, 0, 2},
	    {"", -1, 0},
	    {"sha256//", -1, 0},
	    {"sha1//AAAAAAAAAAAAAAAAAAAAAAAAAAA=", -1, 0},
	    {"SHA256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", -1, 0},
	    {"sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", -1, 0}, /* no pad */
	    {"sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB=", -1,
	     0}, /* bits under pad */
	    {"sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=AA=", -1, 0}, /* pad inside */
	    {"sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA*A=", -1, 0}, /* not base64 */
	    {PIN_ZERO ";", -1, 0},
	    {PIN_ZERO "x", -1, 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct tls_client_opts o = {0};
		char err[TLS_ERR_LEN];
		CHECK_INT(tls_pin_parse(err, &o, cases[i].in), cases[i].rc);
		if (cases[i].rc == 0)
			CHECK_INT(o.npins, cases[i].npins);
	}
	struct tls_client_opts o = {0};
	char err[TLS_ERR_LEN];
	CHECK_INT(tls_pin_parse(err, &o, PIN_SEQ), 0);
	for (int i = 0; i < 32; i++)
		CHECK_INT(o.pins[0].sha256[i], i);
	CHECK_INT(tls_pin_parse(err, &o, "md5//x"), -1);
	CHECK_STR(err, "--pin wants sha256// and 44 characters of base64, not 'md5//x'");
	/* more than the table holds */
	for (int i = 1; i < TLS_MAX_PINS; i++)
		CHECK_INT(tls_pin_parse(err, &o, PIN_ZERO), 0);
	CHECK_INT(tls_pin_parse(err, &o, PIN_ZERO), -1);
	CHECK_INT(o.npins, TLS_MAX_PINS);
}

static void test_base64(void)
{
	unsigned char seq[32];
	char out[64];

	for (int i = 0; i < 32; i++)
		seq[i] = (unsigned char)i;
	base64_encode(out, sizeof out, seq, 32);
	CHECK_STR(out, PIN_SEQ + 8);
	base64_encode(out, sizeof out, (const unsigned char *)"foobar", 6);
	CHECK_STR(out, "Zm9vYmFy");
	base64_encode(out, sizeof out, (const unsigned char *)"fo", 2);
	CHECK_STR(out, "Zm8=");
	base64_encode(out, sizeof out, (const unsigned char *)"f", 1);
	CHECK_STR(out, "Zg==");
	base64_encode(out, 5, (const unsigned char *)"foobar", 6); /* what fits, whole */
	CHECK_STR(out, "Zm9v");
}

static void test_refusals(void)
{
	char buf[TLS_ERR_LEN];
	struct tls_refusal r = {.code = 10, .host = "127.0.0.1", .days = 3};

	CHECK_STR(tls_refusal_message(buf, sizeof buf, &r),
	          "certificate for 127.0.0.1 has expired (3 days ago)");
	r.days = 1;
	CHECK_STR(tls_refusal_message(buf, sizeof buf, &r),
	          "certificate for 127.0.0.1 has expired (1 day ago)");
	r.days = 0;
	CHECK_STR(tls_refusal_message(buf, sizeof buf, &r),
	          "certificate for 127.0.0.1 has expired (less than a day ago)");
	r = (struct tls_refusal){.code = 9, .host = "h", .days = 2};
	CHECK_STR(tls_refusal_message(buf, sizeof buf, &r),
	          "certificate for h is not valid yet (valid in 2 days)");
	r = (struct tls_refusal){.code = 62, .host = "db.internal", .names = "*.example.org"};
	CHECK_STR(tls_refusal_message(buf, sizeof buf, &r),
	          "certificate is for *.example.org, not db.internal");
	r = (struct tls_refusal){.code = 64, .host = "::1", .names = "localhost, 127.0.0.1"};
	CHECK_STR(tls_refusal_message(buf, sizeof buf, &r),
	          "certificate is for localhost, 127.0.0.1, not ::1");
	r = (struct tls_refusal){.code = 18, .host = "x"};
	CHECK_STR(tls_refusal_message(buf, sizeof buf, &r),
	          "self-signed certificate: trust it with --cacert FILE or --pin");
	r = (struct tls_refusal){.code = 20, .host = "x"};
	CHECK_STR(
	    tls_refusal_message(buf, sizeof buf, &r),
	    "certificate for x is signed by an unknown issuer: trust it with --cacert FILE "
	    "or --pin");
	r = (struct tls_refusal){.code = 23, .host = "x", .detail = "certificate revoked"};
	CHECK_STR(tls_refusal_message(buf, sizeof buf, &r),
	          "certificate for x not trusted: certificate revoked");
	r = (struct tls_refusal){.pin_mismatch = true, .pin_seen = PIN_ZERO};
	CHECK_STR(tls_refusal_message(buf, sizeof buf, &r),
	          "public key does not match --pin (it is " PIN_ZERO ")");
}

static void test_handshake_words(void)
{
	char buf[TLS_ERR_LEN];
	unsigned long ssl_lib = 20ul << 23;

	CHECK_STR(tls_handshake_message(buf, sizeof buf, ssl_lib | 267, "wrong version number"),
	          "handshake failed: peer speaks no TLS");
	CHECK_STR(tls_handshake_message(buf, sizeof buf, ssl_lib | 156, "http request"),
	          "handshake failed: peer speaks no TLS");
	CHECK_STR(tls_handshake_message(buf, sizeof buf, ssl_lib | 1116, "x"),
	          "handshake failed: a client certificate is required (--cert FILE)");
	CHECK_STR(tls_handshake_message(buf, sizeof buf, ssl_lib | 1070, "x"),
	          "handshake failed: no TLS version in common (1.2 or later needed)");
	CHECK_STR(tls_handshake_message(buf, sizeof buf, ssl_lib | 999, "some reason"),
	          "handshake failed: some reason");
	/* another library's code with the same number is not taken for SSL's */
	CHECK_STR(tls_handshake_message(buf, sizeof buf, (6ul << 23) | 267, "asn1 thing"),
	          "handshake failed: asn1 thing");
	CHECK_STR(tls_handshake_message(buf, sizeof buf, 0, NULL),
	          "handshake failed: unknown error");
}

static void test_names(void)
{
	char buf[TLS_NAME_LEN];

	CHECK_STR(tls_name_show(buf, sizeof buf, "/C=US/O=Acme/CN=x"), "C=US, O=Acme, CN=x");
	CHECK_STR(tls_name_show(buf, sizeof buf, "/CN=a/b"), "CN=a/b"); /* not a new key */
	CHECK_STR(tls_name_show(buf, sizeof buf, ""), "");
	CHECK_STR(tls_name_show(buf, 6, "/CN=localhost"), "CN="); /* bounded */
	CHECK_STR(tls_days_phrase(buf, sizeof buf, 83, true), "in 83 days");
}

void suite_tls(void);
void suite_tls(void)
{
	test_pins();
	test_base64();
	test_refusals();
	test_handshake_words();
	test_names();
}
