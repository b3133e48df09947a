/* hints.c: the flags of nc, curl, wget, dig and wait-for-it, socat's addresses, and the
 * commands people type, that sockit spells differently, each with the one line that names
 * sockit's way (sockit(1), COMING FROM NC OR CURL). */
#include "hints.h"

#include "parse.h"

#include <stdbool.h>
#include <string.h>

enum when {
	UNKNOWN, /* the flag is not an option of the command */
	NUMBER,  /* its value (or, for a flag, the next word) is a number: nc's meaning */
	FORMAT,  /* its value is a curl --write-out format */
	DASH,    /* its value (or the next word) is "-": wget's -O- (stdout) */
	COMMAND, /* "flag" is a word typed where a command goes */
};

struct hint {
	const char *cmds; /* the commands it is for, space-separated; NULL: every command */
	const char *flag; /* its spellings, space-separated; a final '*' matches any rest */
	enum when when;
	const char *text;
};

#define HTTP     "http-head http-get http-post http-put http-delete"
#define BODYLESS "http-head http-get http-delete"
#define NO_BODY  "a request body is sent by sockit http-post -d DATA (or http-put -d, -T FILE)"
#define SOCAT_LISTEN                                                                           \
	"socat's TCP-LISTEN:PORT,fork TCP:HOST:PORT is sockit serve PORT --to HOST:PORT"
/* socat's listening addresses, typed as a command or as serve's operands */
#define SOCAT_LISTENERS "TCP-LISTEN:* TCP4-LISTEN:* TCP6-LISTEN:* tcp-listen:* tcp4-listen:*"

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
    {HTTP, "-s --silent", UNKNOWN,
     "sockit shows no progress unless asked; -q also hides diagnostics"},
    {HTTP, "-S", UNKNOWN, "sockit always prints errors; drop -S"},
    {BODYLESS, "-d --data*", UNKNOWN, NO_BODY},
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
    {HTTP " wait", "-k", UNKNOWN, "curl's -k is --insecure here"},
    {NULL, "-I --head", UNKNOWN, "the headers alone: sockit http-head URL"},
    {HTTP, "-u --user", UNKNOWN,
     "send -H 'Authorization: Basic BASE64(USER:PASS)' (a proxy's: --proxy-user)"},
    {HTTP, "-D --dump-header", UNKNOWN,
     "the headers go to stdout: http-get -i before the body, http-head alone"},
    {HTTP, "--compressed", UNKNOWN,
     "sockit asks for no compression and decodes none; drop --compressed"},
    {"http-get", "--json", UNKNOWN,
     "http-get's JSON is --write-out '%{json}'; http-head --json prints each response's"},
    /* wget */
    {"http-get", "-O", DASH,
     "the body goes to stdout already; -O here writes a file named after the URL"},
    {HTTP, "--spider", UNKNOWN, "to check that a URL is there: sockit http-head -f URL"},
    {HTTP, "--tries", UNKNOWN,
     "sockit tries once; sockit wait -w SECS URL waits until it answers"},
    /* dig (its +options and @server are operands) */
    {"resolve", "-t", UNKNOWN,
     "sockit resolve gives addresses only (-4: A, -6: AAAA); use dig for other records"},
    {"resolve", "-x", UNKNOWN, "a reverse lookup is sockit resolve -r ADDRESS"},
    {"resolve", "+short", UNKNOWN,
     "sockit resolve prints the bare addresses already (-l: more)"},
    {"resolve", "@*", UNKNOWN,
     "sockit resolve asks the system's resolver (/etc/hosts, /etc/resolv.conf); "
     "to ask one server, use dig @SERVER"},
    /* wait-for-it */
    {"wait", "-t", UNKNOWN, "the timeout is -w SECS here"},
    /* nc and ncat */
    {"connect serve", "-t", UNKNOWN, "sockit speaks TCP unless -u, and no telnet negotiation"},
    {"connect serve", "-i", UNKNOWN,
     "sockit sends as it reads, with no delay between lines; pace what you pipe in"},
    {"connect serve", "--send-only", UNKNOWN,
     "to only send, throw what arrives away: >/dev/null"},
    {"connect", "--recv-only", UNKNOWN,
     "to only receive, give stdin </dev/null (--no-shutdown: the peer sees no EOF)"},
    {"serve", "--recv-only", UNKNOWN, "to only receive, give stdin </dev/null"},
    /* commands of other tools */
    {NULL, "get", COMMAND, "fetch a URL with sockit http-get URL"},
    {NULL, "listen", COMMAND, "listen with sockit serve PORT"},
    {NULL, "version", COMMAND, "the version is sockit --version"},
    {"connect udp-send " HTTP, "-m", UNKNOWN,
     "the deadline of the whole command is --max-time SECS (-w: connect and idle)"},
    /* ncat and curl TLS */
    {"connect", "--ssl-verify", UNKNOWN, "--tls always verifies (--insecure: not at all)"},
    {"connect serve echo", "--ssl-cert", UNKNOWN, "ncat's --ssl-cert is --cert FILE here"},
    {"connect serve echo", "--ssl-key", UNKNOWN, "ncat's --ssl-key is --key FILE here"},
    {"connect", "--ssl-trustfile", UNKNOWN, "ncat's --ssl-trustfile is --cacert FILE here"},
    {NULL, "--pinnedpubkey", UNKNOWN, "curl's --pinnedpubkey is --pin sha256//BASE64 here"},
    {"connect " HTTP " wait", "--capath", UNKNOWN,
     "a CA directory is not read: --cacert FILE (one PEM bundle)"},
    {"serve echo", "--ssl-trustfile", UNKNOWN,
     "client certificates are asked for with --cacert FILE --verify-client"},
    {"serve echo", "--ssl* --tls*", UNKNOWN,
     "--tls --cert FILE is all it takes: TLS 1.2 or later"},
    {"connect", "--ssl* --tls*", UNKNOWN,
     "--tls is all it takes: TLS 1.2 or later, always verified"},
    {HTTP " wait", "--ssl* --tls*", UNKNOWN,
     "https:// URLs speak TLS (1.2 or later, always verified): no flag needed"},
    {NULL, "--ssl* --tls* --insecure --cacert --capath", UNKNOWN,
     "TLS is connect --tls, serve --tls, https:// URLs and wait tls://HOST:PORT "
     "(sockit(1), TLS)"},
    /* socat's addresses */
    {NULL, SOCAT_LISTENERS, COMMAND, SOCAT_LISTEN},
    {"serve", SOCAT_LISTENERS, UNKNOWN, SOCAT_LISTEN},
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

/* True if flag is one of the space-separated spellings (a final '*': any rest). */
static bool same_flag(const char *spellings, const char *flag)
{
	for (const char *s = spellings; *s; s += strspn(s, " ")) {
		size_t n = strcspn(s, " ");
		if (n > 0 && s[n - 1] == '*' ? strncmp(s, flag, n - 1) == 0
		                             : strncmp(s, flag, n) == 0 && flag[n] == '\0')
			return true;
		s += n;
	}
	return false;
}

/* True if the row wants no value and there is none, or wants one and value shows it. */
static bool value_fits(enum when when, const char *value)
{
	int ms;

	if (when == UNKNOWN || when == COMMAND)
		return value == NULL;
	if (value == NULL)
		return false;
	if (when == NUMBER)
		return parse_seconds(value, &ms) == 0;
	if (when == DASH)
		return strcmp(value, "-") == 0;
	return value[0] == '%' || strstr(value, "%{") != NULL;
}

/* The first row for flag of cmd (cmd NULL: flag is a command word) that value fits. */
static const char *find(const char *cmd, const char *flag, const char *value)
{
	for (size_t i = 0; i < sizeof hints / sizeof *hints; i++) {
		const struct hint *h = &hints[i];
		if (!same_flag(h->flag, flag) || (h->when == COMMAND) != (cmd == NULL))
			continue;
		if ((!cmd || listed(h->cmds, cmd)) && value_fits(h->when, value))
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

const char *hints_command(const char *word)
{
	return find(NULL, word, NULL);
}
