/* hints.c: nc's and curl's flags that sockit spells differently, each with the one line
 * that names sockit's way (sockit(1), COMING FROM NC OR CURL). */
#include "hints.h"

#include "parse.h"

#include <stdbool.h>
#include <string.h>

enum when {
	UNKNOWN, /* the flag is not an option of the command */
	NUMBER,  /* its value (or, for a flag, the next word) is a number: nc's meaning */
	FORMAT,  /* its value is a curl --write-out format */
};

struct hint {
	const char *cmds; /* the commands it is for, space-separated; NULL: every command */
	const char *flag; /* as typed; a final '*' matches any rest ("--ssl*") */
	enum when when;
	const char *text;
};

#define HTTP     "http-head http-get http-post http-put http-delete"
#define BODYLESS "http-head http-get http-delete"
#define NO_TLS   "sockit speaks no TLS; use curl, ncat --ssl or socat OPENSSL"
#define NO_BODY  "a request body is sent by sockit http-post -d DATA (or http-put -d, -T FILE)"
#define DEADLINE "the deadline of the whole command is --max-time SECS (-w: connect and idle)"

/* The first row that matches is the answer: rows for one command before those for all. */
static const struct hint hints[] = {
    /* nc */
    {NULL, "-l", UNKNOWN, "sockit serve listens; give the port as an argument"},
    {"connect", "-p", UNKNOWN, "nc's source port is -s :PORT here"},
    {"serve", "-p", NUMBER,
     "the protocol (--proto NAME), not the port; give the port as an argument: "
     "sockit serve PORT"},
    {"connect", "-q", NUMBER, "--quiet here, not nc's quit delay: that is --linger SECS"},
    {"connect", "-X", UNKNOWN,
     "nc's proxy is one URL here: -X 5 -x HOST:PORT is --proxy socks5://HOST:PORT "
     "(-X 4: socks4://, -X connect: http://)"},
    {"connect", "-d", UNKNOWN, "to send nothing, give sockit connect stdin </dev/null"},
    {"connect", "-k", UNKNOWN, "a server that stays open is sockit serve -k"},
    {"connect", "-N", UNKNOWN,
     "sockit half-closes at stdin EOF already (--no-shutdown keeps it open)"},
    {"connect", "-n", UNKNOWN, "sockit never looks up a numeric address; drop -n"},
    /* curl */
    {HTTP, "-w", FORMAT, "the timeout (SECS) here; curl's -w FORMAT is --write-out FORMAT"},
    {HTTP, "-s", UNKNOWN, "sockit shows no progress unless asked; -q also hides diagnostics"},
    {HTTP, "--silent", UNKNOWN,
     "sockit shows no progress unless asked; -q also hides diagnostics"},
    {HTTP, "-S", UNKNOWN, "sockit always prints errors; drop -S"},
    {BODYLESS, "-d", UNKNOWN, NO_BODY},
    {BODYLESS, "--data*", UNKNOWN, NO_BODY},
    {"http-get http-head http-post http-delete", "-T", UNKNOWN,
     "an upload is sockit http-put -T FILE (http-post -d @FILE posts one)"},
    {"http-get http-head http-delete http-put", "-F", UNKNOWN,
     "a form is sent by sockit http-post -F NAME=VALUE"},
    {"http-post http-put", "--data-binary", UNKNOWN,
     "-d sends DATA as it is already (@FILE too): --data-binary is -d here"},
    {"http-post http-put", "--json", UNKNOWN,
     "--json is sockit's report format; JSON is sent by --data-json TEXT (or @FILE)"},
    {HTTP, "-X", UNKNOWN,
     "the command is the method: sockit http-get, http-head, http-post, http-put, "
     "http-delete; for other methods use curl"},
    {HTTP, "-x", UNKNOWN, "a proxy is --proxy http://HOST:PORT"},
    {HTTP, "-k", UNKNOWN, NO_TLS},
    {NULL, "-I", UNKNOWN, "the headers alone: sockit http-head URL"},
    {"connect udp-send " HTTP, "-m", UNKNOWN, DEADLINE},
    {NULL, "--ssl*", UNKNOWN, NO_TLS},
    {NULL, "--tls*", UNKNOWN, NO_TLS},
    {NULL, "--insecure", UNKNOWN, NO_TLS},
    {NULL, "--cacert", UNKNOWN, NO_TLS},
    {NULL, "--capath", UNKNOWN, NO_TLS},
};

/* True if word is one of the space-separated words of list (NULL: any word). */
static bool listed(const char *list, const char *word)
{
	size_t n = strlen(word);

	if (!list)
		return true;
	if (n == 0) /* strstr would find "" everywhere, and never move on */
		return false;
	for (const char *s = list; (s = strstr(s, word)); s += n)
		if ((s == list || s[-1] == ' ') && (s[n] == ' ' || s[n] == '\0'))
			return true;
	return false;
}

static bool same_flag(const char *pattern, const char *flag)
{
	size_t n = strlen(pattern);

	if (n > 0 && pattern[n - 1] == '*')
		return strncmp(pattern, flag, n - 1) == 0;
	return strcmp(pattern, flag) == 0;
}

static bool value_fits(enum when when, const char *value)
{
	int ms;

	if (when == NUMBER)
		return parse_seconds(value, &ms) == 0;
	return value[0] == '%' || strstr(value, "%{") != NULL;
}

static const char *find(const char *cmd, const char *flag, const char *value)
{
	for (size_t i = 0; i < sizeof hints / sizeof *hints; i++) {
		const struct hint *h = &hints[i];
		if (!same_flag(h->flag, flag) || !listed(h->cmds, cmd))
			continue;
		if (value ? h->when != UNKNOWN && value_fits(h->when, value) : h->when == UNKNOWN)
			return h->text;
	}
	return NULL;
}

const char *hints_unknown(const char *cmd, const char *flag)
{
	return find(cmd, flag, NULL);
}

const char *hints_value(const char *cmd, const char *flag, const char *value)
{
	return value ? find(cmd, flag, value) : NULL;
}
