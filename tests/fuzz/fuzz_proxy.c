/* fuzz_proxy.c: a proxy handshake fed arbitrary replies reaches the same verdict, takes the
 * same bytes and sends the same requests however the replies are split; it never takes a byte
 * past its reply. */
#include "proxy.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct run {
	enum proxy_step step;
	size_t used;  /* reply bytes taken */
	uint64_t out; /* a hash of every request sent */
	char msg[PROXY_MSG_MAX];
};

/* A failed check names its line (the functions are inlined: a stack trace would not). */
#define check(ok)                                                                              \
	do {                                                                                   \
		if (!(ok)) {                                                                   \
			fprintf(stderr, "fuzz_proxy.c:%d: check failed\n", __LINE__);          \
			abort();                                                               \
		}                                                                              \
	} while (0)

static uint64_t mix(uint64_t h, const uint8_t *d, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ d[i]) * 1099511628211ULL;
	return h;
}

/* The size of the next piece: all (seed 0), one byte (seed 1), or 0..64 drawn from seed. */
static size_t piece(uint64_t *seed, size_t left)
{
	if (*seed == 0)
		return left;
	if (*seed == 1)
		return left ? 1 : 0;
	*seed ^= *seed << 13;
	*seed ^= *seed >> 7;
	*seed ^= *seed << 17;
	return left < *seed % 65 ? left : (size_t)(*seed % 65);
}

static void run(struct run *r, const struct proxy *p, const char *host, const uint8_t *in,
                size_t len, uint64_t seed)
{
	struct proxy_hs h;
	const char *err;
	size_t start = 0;

	r->out = 1469598103934665603ULL;
	check(proxy_hs_init(&h, p, host, 443, &err) == 0);
	while (h.step == PROXY_SEND || h.step == PROXY_RECV) {
		if (h.step == PROXY_SEND) {
			check(h.outlen > 0 && h.outlen <= sizeof h.out);
			r->out = mix(r->out, h.out, h.outlen);
			proxy_hs_sent(&h);
			continue;
		}
		check(h.want > 0 && h.have <= sizeof h.in);
		if (start == len) {
			proxy_hs_eof(&h);
			break;
		}
		size_t n = piece(&seed, len - start);
		/* its own allocation: a kept pointer is caught */
		uint8_t *copy = malloc(n + 1);
		size_t used = proxy_hs_feed(&h, memcpy(copy, in + start, n), n);
		free(copy);
		check(used <= n);
		start += used;
		if (used < n) /* a reply ended inside the piece: nothing more is taken */
			check(h.step != PROXY_RECV);
	}
	check(h.step >= PROXY_DONE && h.step <= PROXY_BAD);
	check(h.step == PROXY_DONE ? h.msg[0] == '\0' : h.msg[0] != '\0');
	r->step = h.step;
	r->used = start;
	memcpy(r->msg, h.msg, sizeof r->msg);
	proxy_hs_free(&h);
}

static int same(const struct run *a, const struct run *b)
{
	return a->step == b->step && a->used == b->used && a->out == b->out &&
	       strcmp(a->msg, b->msg) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const urls[] = {"socks4://127.0.0.1:1", "socks4a://127.0.0.1:1",
	                                   "socks5://127.0.0.1:1", "socks5h://[::1]:1",
	                                   "http://proxy:3128"};
	static const char *const hosts[] = {"10.0.0.1", "example.org", "::1", "example.org"};
	struct run whole, bytes, split;
	struct proxy p;
	const char *err;

	if (size < 1)
		return 0;
	check(proxy_parse(&p, urls[data[0] % 5], &err) == 0);
	if (data[0] & 0x08)
		check(proxy_set_user(&p, "user:secret", &err) == 0);
	const char *host = data[0] % 5 == 0 ? hosts[0] : hosts[1 + (data[0] >> 4) % 3];
	if (data[0] % 5 <= 1 && strchr(host, ':'))
		host = hosts[0];
	run(&whole, &p, host, data + 1, size - 1, 0);
	run(&bytes, &p, host, data + 1, size - 1, 1);
	check(same(&whole, &bytes));
	run(&split, &p, host, data + 1, size - 1, mix(1469598103934665603ULL, data, size) | 2);
	check(same(&whole, &split));
	return 0;
}
