/* fuzz_tls.c: tls.c's parsers fed arbitrary bytes: --pin values (each pin accepted
 * re-encodes to the very text given, none is accepted past the table), and the names
 * and refusals shown to the user (always terminated, within their buffers). */
#include "base64.h"
#include "tls.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define check(ok)                                                                              \
	do {                                                                                   \
		if (!(ok)) {                                                                   \
			fprintf(stderr, "fuzz_tls.c:%d: check failed\n", __LINE__);            \
			abort();                                                               \
		}                                                                              \
	} while (0)

/* Every pin of an accepted value is its own segment, re-encoded. */
static void pins(const char *s)
{
	struct tls_client_opts o = {0};
	char err[TLS_ERR_LEN], b64[48];
	const char *p = s;

	if (tls_pin_parse(err, &o, s) < 0) {
		check(memchr(err, 0, sizeof err) != NULL && err[0] != 0);
		return;
	}
	check(o.npins >= 1 && o.npins <= TLS_MAX_PINS);
	for (size_t i = 0; i < o.npins; i++) {
		base64_encode(b64, sizeof b64, o.pins[i].sha256, 32);
		check(strncmp(p, "sha256//", 8) == 0 && strncmp(p + 8, b64, 44) == 0);
		p += 8 + 44;
		check(*p == (i + 1 < o.npins ? ';' : '\0'));
		p++;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), out[TLS_NAME_LEN], msg[TLS_ERR_LEN];

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = 0;
	pins(s);
	tls_name_show(out, sizeof out, s);
	check(strlen(out) < sizeof out && strlen(out) <= 2 * strlen(s) + 1);
	tls_name_show(out, 7, s);
	check(strlen(out) < 7);
	struct tls_refusal r = {.code = size ? data[0] : 0,
	                        .host = s,
	                        .names = s,
	                        .days = size > 1 ? (long long)data[1] - 128 : 0,
	                        .pin_mismatch = size > 2 && data[2] & 1,
	                        .pin_seen = s,
	                        .detail = s};
	tls_refusal_message(msg, sizeof msg, &r);
	check(strlen(msg) < sizeof msg);
	free(s);
	return 0;
}
