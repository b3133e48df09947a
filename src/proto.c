/* proto.c: the table of serve's protocols, the only list of their names (help, errors and
 * completions read it; raw is the relay's, named first). */
#include "proto.h"

#include <stdio.h>
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
	static char names[256];

	/* raw first: it is serve's default, and the relay's, not a table row */
	if (!names[0]) {
		strcpy(names, "raw");
		for (const struct proto *const *p = protocols; *p; p++)
			snprintf(names + strlen(names), sizeof names - strlen(names), " %s",
			         (*p)->name);
	}
	return names;
}

void proto_utc_now(char out[21])
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
