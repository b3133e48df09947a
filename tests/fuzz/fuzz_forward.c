/* fuzz_forward.c: libFuzzer target: a --to argument is parsed without misreading or
 * overrunning, and the PROXY header of any address pair fits and says what it should. */
#include "forward.h"

#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A parsed target rebuilds its argument: unix:PATH, HOST:PORT or [HOST]:PORT (an IPv6
 * address is always in brackets). */
static void check_target(const char *s)
{
	char err[NET_ERR_LEN], plain[FORWARD_NAME_MAX + 64], bracketed[FORWARD_NAME_MAX + 64];
	struct forward_target t;

	if (forward_parse_target(err, s, &t) < 0)
		return;
	if (t.path) {
		if (strncmp(s, "unix:", 5) != 0 || t.path != s + 5 || !*t.path)
			abort();
		return;
	}
	if (!t.host[0] || !t.port[0])
		abort();
	snprintf(plain, sizeof plain, "%s:%s", t.host, t.port);
	snprintf(bracketed, sizeof bracketed, "[%s]:%s", t.host, t.port);
	if (strcmp(bracketed, s) != 0 && (strchr(t.host, ':') || strcmp(plain, s) != 0))
		abort();
}

/* Two addresses of the input's bytes: the header never overruns 108 bytes, and a v1
 * header is one line ending in CRLF. */
static void check_header(const uint8_t *d, size_t n)
{
	struct sockaddr_in6 a = {.sin6_family = AF_INET6}, b = {.sin6_family = AF_INET6};
	char buf[108];

	if (n < 37)
		return;
	if (d[0] & 1) {
		((struct sockaddr_in *)&a)->sin_family = AF_INET;
		((struct sockaddr_in *)&b)->sin_family = AF_INET;
	}
	memcpy(&a.sin6_port, d + 1, 2);
	memcpy(&b.sin6_port, d + 3, 2);
	memcpy(&a.sin6_addr, d + 5, 16);
	memcpy(&b.sin6_addr, d + 21, 16);
	if (d[0] & 1) { /* sockaddr_in: the address right after the port */
		memcpy(&((struct sockaddr_in *)&a)->sin_addr, d + 5, 4);
		memcpy(&((struct sockaddr_in *)&b)->sin_addr, d + 21, 4);
	}
	size_t len = forward_proxy_header(buf, sizeof buf, 1, (struct sockaddr *)&a,
	                                  (struct sockaddr *)&b);
	if (len < 15 || len > 107 || memcmp(buf, "PROXY ", 6) != 0 || buf[len - 2] != '\r' ||
	    buf[len - 1] != '\n' || memchr(buf, '\n', len - 1))
		abort();
	len = forward_proxy_header(buf, sizeof buf, 2, (struct sockaddr *)&a,
	                           (struct sockaddr *)&b);
	if (len < 16 || len > sizeof buf ||
	    (size_t)(buf[14] << 8 | (uint8_t)buf[15]) != len - 16)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	check_target(s);
	free(s);
	check_header(data, size);
	return 0;
}
