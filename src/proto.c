/* proto.c: the table of serve's protocols (raw is the relay's, not listed here). */
#include "proto.h"

#include <string.h>
#include <time.h>

static const struct proto *const protocols[] = {
    &proto_echo, &proto_calc,    &proto_chat, &proto_greet, &proto_daytime,
    &proto_qotd, &proto_discard, &proto_http, NULL,
};

const struct proto *proto_find(const char *name)
{
	for (const struct proto *const *p = protocols; *p; p++)
		if (strcmp((*p)->name, name) == 0)
			return *p;
	return NULL;
}

const char *proto_names(void)
{
	return "raw echo calc chat greet daytime qotd discard http";
}

void proto_utc_now(char out[21])
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
