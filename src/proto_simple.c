/* proto_simple.c: the classic small services: echo (RFC 862), discard (RFC 863),
 * daytime (RFC 867), qotd (RFC 865) and the seeds' greeting. */
#include "proto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const struct proto_config *config;

static int remember_config(const struct proto_config *cfg)
{
	config = cfg;
	srand((unsigned)time(NULL) ^
	      (unsigned)getpid()); /* qotd: not the same quote each run */
	return 0;
}

/* echo: every byte back, in order. A client that does not read is throttled at the cap
 * (the server stops reading it), so its bytes wait in the kernel, not in our memory. */
static void echo_data(struct conn *c, const char *buf, size_t len)
{
	conn_write(c, buf, len);
	if (config && config->once) /* --once: the seeds' asyncio server, one read then close */
		conn_close(c);
}

static long echo_datagram(const char *in, size_t len, char *out, size_t cap)
{
	if (len > cap)
		len = cap;
	memcpy(out, in, len);
	return (long)len;
}

const struct proto proto_echo = {
    .name = "echo",
    .udp = true,
    .overflow = PROTO_THROTTLE,
    .out_cap = 256 * 1024,
    .init = remember_config,
    .on_data = echo_data,
    .on_datagram = echo_datagram,
};

static long discard_datagram(const char *in, size_t len, char *out, size_t cap)
{
	(void)in, (void)len, (void)out, (void)cap;
	return -1;
}

const struct proto proto_discard = {
    .name = "discard",
    .udp = true,
    .overflow = PROTO_DROP,
    .out_cap = 4096,
    .on_datagram = discard_datagram,
};

/* daytime, qotd, greet: one message, then close (TCP), or one reply datagram (UDP). */
static size_t daytime_message(char *out, size_t cap)
{
	char now[21];

	proto_utc_now(now);
	return (size_t)snprintf(out, cap, "%s\r\n", now);
}

/* Our own sayings, each well under RFC 865's 512 bytes. */
static const char *const builtin_quotes[] = {
    "A network is a set of computers that fail in interesting combinations.",
    "Every byte you did not lose is a byte nobody will ask you about.",
    "Read the RFC twice; the second time it will say something else.",
    "There is no such thing as a small buffer overflow.",
    "Half-closed is not closed: the other side may still have something to say.",
    "Timeouts are promises you make to people who are waiting.",
    "The fastest packet is the one you did not have to send.",
};

static size_t qotd_message(char *out, size_t cap)
{
	size_t n = config && config->quotes ? config->nquotes
	                                    : sizeof builtin_quotes / sizeof *builtin_quotes;
	const char *q = config && config->quotes ? config->quotes[rand() % (int)n]
	                                         : builtin_quotes[rand() % (int)n];
	return (size_t)snprintf(out, cap, "%s\r\n", q);
}

static size_t greet_message(char *out, size_t cap)
{
	const char *g =
	    config && config->greeting ? config->greeting : "Welcome to the server!";

	return (size_t)snprintf(out, cap, "%s\n", g);
}

#define ONE_SHOT(fn)                                                                           \
	static void fn##_open(struct conn *c)                                                  \
	{                                                                                      \
		char msg[1024];                                                                \
		size_t n = fn##_message(msg, sizeof msg);                                      \
		conn_write(c, msg, n < sizeof msg ? n : sizeof msg - 1);                       \
		conn_close(c);                                                                 \
	}                                                                                      \
	static long fn##_datagram(const char *in, size_t len, char *out, size_t cap)           \
	{                                                                                      \
		(void)in, (void)len;                                                           \
		size_t n = fn##_message(out, cap);                                             \
		return (long)(n < cap ? n : cap - 1);                                          \
	}

ONE_SHOT(daytime)
ONE_SHOT(qotd)
ONE_SHOT(greet)

const struct proto proto_daytime = {
    .name = "daytime",
    .udp = true,
    .overflow = PROTO_DROP,
    .out_cap = 4096,
    .on_open = daytime_open,
    .on_datagram = daytime_datagram,
};

const struct proto proto_qotd = {
    .name = "qotd",
    .udp = true,
    .overflow = PROTO_DROP,
    .out_cap = 4096,
    .init = remember_config,
    .on_open = qotd_open,
    .on_datagram = qotd_datagram,
};

const struct proto proto_greet = {
    .name = "greet",
    .udp = true,
    .own_greeting = true,
    .overflow = PROTO_DROP,
    .out_cap = 4096,
    .init = remember_config,
    .on_open = greet_open,
    .on_datagram = greet_datagram,
};
