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

#define HTTP     "http-head http-get"
#define TLS_WHERE                                                                              \
	"TLS is connect --tls, serve --tls, https:// URLs and wait tls://HOST:PORT "            \
	"(sockit(1), TLS)"
#define TLS_ON "--tls is all it takes: TLS 1.2 or later, always verified"
#define TLS_SERVE "--tls --cert FILE is all it takes: TLS 1.2 or later"  /* serve, echo */
#define TLS_HTTP "https:// URLs speak TLS (1.2 or later, always verified): no flag needed"
#define NO_BODY  "sockit sends no request body; use curl for POST and PUT"
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
    {HTTP " wait", "-k", UNKNOWN, "curl's -k is --insecure here"},
    {NULL, "-I", UNKNOWN, "the headers alone: sockit http-head URL"},
    {"connect udp-send " HTTP, "-m", UNKNOWN, DEADLINE},
    /* ncat and curl TLS */
    {"connect", "--ssl-verify", UNKNOWN, "--tls always verifies (--insecure: not at all)"},
    {"connect", "--ssl-cert", UNKNOWN, "ncat's --ssl-cert is --cert FILE here"},
    {"connect", "--ssl-key", UNKNOWN, "ncat's --ssl-key is --key FILE here"},
    {"connect", "--ssl-trustfile", UNKNOWN, "ncat's --ssl-trustfile is --cacert FILE here"},
    {NULL, "--pinnedpubkey", UNKNOWN, "curl's --pinnedpubkey is --pin sha256//BASE64 here"},
    {"connect " HTTP " wait", "--capath", UNKNOWN,
     "a CA directory is not read: --cacert FILE (one PEM bundle)"},
    {"serve echo", "--ssl-cert", UNKNOWN, "ncat's --ssl-cert is --cert FILE here"},
    {"serve echo", "--ssl-key", UNKNOWN, "ncat's --ssl-key is --key FILE here"},
    {"serve echo", "--ssl-trustfile", UNKNOWN,
     "client certificates are asked for with --cacert FILE --verify-client"},
    {"serve echo", "--ssl*", UNKNOWN, TLS_SERVE},
    {"serve echo", "--tls*", UNKNOWN, TLS_SERVE},
    {"connect", "--ssl*", UNKNOWN, TLS_ON},
    {"connect", "--tls*", UNKNOWN, TLS_ON},
    {HTTP " wait", "--ssl*", UNKNOWN, TLS_HTTP},
    {HTTP " wait", "--tls*", UNKNOWN, TLS_HTTP},
    {NULL, "--ssl*", UNKNOWN, TLS_WHERE},
    {NULL, "--tls*", UNKNOWN, TLS_WHERE},
    {NULL, "--insecure", UNKNOWN, TLS_WHERE},
    {NULL, "--cacert", UNKNOWN, TLS_WHERE},
    {NULL, "--capath", UNKNOWN, TLS_WHERE},
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
