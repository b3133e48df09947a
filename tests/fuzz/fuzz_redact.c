/* fuzz_redact.c: the password of any proxy URL, or of any USER:PASS, is what
 * proxy_redact hides and proxy_blank_password overwrites: the same bytes, nothing else,
 * and the parse of what is left names the same proxy and user. */
#include "proxy.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define check(ok)                                                                              \
	do {                                                                                   \
		if (!(ok)) {                                                                   \
			fprintf(stderr, "fuzz_redact.c:%d: check failed\n", __LINE__);         \
			abort();                                                               \
		}                                                                              \
	} while (0)

/* s blanked differs from s exactly in a run of bytes that became '*'; its length. */
static size_t blanked_run(const char *s, const char *b)
{
	size_t i = 0, n = 0;

	check(strlen(s) == strlen(b));
	while (s[i] && s[i] == b[i])
		i++;
	for (; s[i] && s[i] != b[i]; i++, n++)
		check(b[i] == '*');
	for (; s[i]; i++)
		check(s[i] == b[i] || b[i] == '*');
	return n;
}

static void url_case(const char *s)
{
	size_t len = strlen(s);
	char *b = strdup(s), *shown = malloc(len + 4), *shown_b = malloc(len + 4);
	struct proxy p, q;
	const char *err;

	check(b && shown && shown_b);
	proxy_blank_password(b, false);
	blanked_run(s, b);
	/* the redacted form hides exactly what blanking overwrites */
	proxy_redact(shown, len + 4, s);
	proxy_redact(shown_b, len + 4, b);
	check(strcmp(shown, shown_b) == 0);
	if (proxy_parse(&p, s, &err) == 0 && proxy_parse(&q, b, &err) == 0) {
		check(p.kind == q.kind && strcmp(p.host, q.host) == 0);
		check(strcmp(p.port, q.port) == 0 && strcmp(p.user, q.user) == 0);
	}
	free(b);
	free(shown);
	free(shown_b);
}

static void userpass_case(const char *s)
{
	char *b = strdup(s);
	const char *colon = strchr(s, ':');

	check(b != NULL);
	proxy_blank_password(b, true);
	check(blanked_run(s, b) <= (colon ? strlen(colon + 1) : 0));
	check(!colon || strncmp(s, b, (size_t)(colon - s + 1)) == 0); /* the user stays */
	free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	url_case(s);
	userpass_case(s);
	free(s);
	return 0;
}
