/* hints.c: nc's and curl's flags (and socat's addresses) that sockit spells differently, each with the one line
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

#define HTTP     "http-head http-get"
#define NO_TLS   "sockit speaks no TLS; use curl, ncat --ssl or socat OPENSSL"
#define NO_BODY  "sockit sends no request body; use curl for POST and PUT"
#define SOCAT_LISTEN                                                                         \
	"socat's TCP-LISTEN:PORT,fork TCP:HOST:PORT is sockit serve PORT --to HOST:PORT"
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
    {HTTP, "-d", UNKNOWN, NO_BODY},
    {HTTP, "--data*", UNKNOWN, NO_BODY},
    {HTTP, "-X", UNKNOWN, "http-get sends GET and http-head HEAD; for other methods use curl"},
    {HTTP, "-x", UNKNOWN, "a proxy is --proxy http://HOST:PORT"},
    {HTTP, "-k", UNKNOWN, NO_TLS},
    {NULL, "-I", UNKNOWN, "the headers alone: sockit http-head URL"},
    {"connect udp-send " HTTP, "-m", UNKNOWN, DEADLINE},
    {NULL, "--ssl*", UNKNOWN, NO_TLS},
    {NULL, "--tls*", UNKNOWN, NO_TLS},
    {NULL, "--insecure", UNKNOWN, NO_TLS},
    {NULL, "--cacert", UNKNOWN, NO_TLS},
    {NULL, "--capath", UNKNOWN, NO_TLS},
    /* socat's addresses, typed as a command or as serve's operands */
    {NULL, "TCP-LISTEN:*", UNKNOWN, SOCAT_LISTEN},
    {NULL, "TCP4-LISTEN:*", UNKNOWN, SOCAT_LISTEN},
    {NULL, "TCP6-LISTEN:*", UNKNOWN, SOCAT_LISTEN},
    {NULL, "tcp-listen:*", UNKNOWN, SOCAT_LISTEN},
    {NULL, "tcp4-listen:*", UNKNOWN, SOCAT_LISTEN},
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
