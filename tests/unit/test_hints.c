/* test_hints.c: unit tests of the nc and curl hints: which command and flag (and value)
 * find which hint, and that sockit's own meanings are left alone. */
#include "hints.h"
#include "unit.h"

static void unknown_flags(void)
{
	CHECK_STR(hints_unknown("connect", "-l"),
	          "sockit serve listens; give the port as an argument");
	CHECK_STR(hints_unknown("serve", "-l"),
	          "sockit serve listens; give the port as an argument");
	CHECK_STR(hints_unknown("connect", "-p"), "nc's source port is -s :PORT here");
	CHECK(hints_unknown("echo", "-p") == NULL);
	/* -X: nc's proxy on connect, curl's method on http-* */
	CHECK(strstr(hints_unknown("connect", "-X"), "--proxy socks5://") != NULL);
	CHECK(strstr(hints_unknown("http-get", "-X"), "other methods") != NULL);
	CHECK(hints_unknown("resolve", "-X") == NULL);
	/* a prefix pattern, and a name that only starts alike */
	CHECK(strstr(hints_unknown("http-head", "--ssl-reqd"), "https://") != NULL);
	CHECK(strstr(hints_unknown("serve", "--tlsv1.3"), "--tls --cert FILE") != NULL);
	CHECK(strstr(hints_unknown("resolve", "--tlsv1.3"), "serve --tls") != NULL);
	CHECK(strstr(hints_unknown("connect", "--tlsv1.2"), "--tls is all") != NULL);
	CHECK_STR(hints_unknown("http-get", "-k"), "curl's -k is --insecure here");
	CHECK_STR(hints_unknown("connect", "-k"),
	          "a server that stays open is sockit serve -k");
	CHECK(hints_unknown("http-get", "--sslx") != NULL);
	CHECK(hints_unknown("http-get", "--ss") == NULL);
	CHECK(hints_unknown("http-get", "--data-urlencode") != NULL);
	/* a command list matches whole words: "http-get" is not "http-getter" */
	CHECK(hints_unknown("http-getter", "-s") == NULL);
	CHECK(hints_unknown("http-get", "-s") != NULL);
	CHECK(hints_unknown("connect", "-s") == NULL);
	/* an empty command name matches no command list (and ends: the fuzzer's find) */
	CHECK(hints_unknown("", "-s") == NULL);
	CHECK_STR(hints_unknown("", "-l"),
	          "sockit serve listens; give the port as an argument");
	/* rows about values never answer an unknown flag */
	CHECK(hints_unknown("serve", "-q") == NULL);
	CHECK(hints_unknown("connect", "-q") == NULL);
	CHECK(hints_unknown("connect", "-z") == NULL);
}

static void values(void)
{
	CHECK(hints_value("serve", "-p", "8080") != NULL);
	CHECK(hints_value("serve", "-p", "echo") == NULL);
	CHECK(hints_value("serve", "-p", NULL) == NULL);
	CHECK(hints_value("connect", "-q", "5") != NULL);
	CHECK(hints_value("connect", "-q", "0.5") != NULL);
	CHECK(hints_value("connect", "-q", "10.0.0.1") == NULL);
	CHECK(hints_value("connect", "-q", "localhost") == NULL);
	/* serve -q 8080 is quiet on port 8080: sockit's meaning, valid */
	CHECK(hints_value("serve", "-q", "8080") == NULL);
	CHECK(hints_value("http-get", "-w", "%{http_code}") != NULL);
	CHECK(hints_value("http-get", "-w", "code: %{http_code}\\n") != NULL);
	CHECK(hints_value("http-head", "-w", "%") != NULL);
	CHECK(hints_value("http-get", "-w", "5") == NULL);
	CHECK(hints_value("connect", "-w", "%{x}") == NULL);
	/* rows about unknown flags never answer a value */
	CHECK(hints_value("connect", "-l", "5") == NULL);
	/* wget's -O- and -O -: stdout; sockit's -O before a URL is kept */
	CHECK(strstr(hints_value("http-get", "-O", "-"), "stdout") != NULL);
	CHECK(hints_value("http-get", "-O", "http://a/") == NULL);
	CHECK(hints_value("http-head", "-O", "-") == NULL);
}

static void commands(void)
{
	CHECK_STR(hints_command("get"), "fetch a URL with sockit http-get URL");
	CHECK_STR(hints_command("listen"), "listen with sockit serve PORT");
	CHECK(hints_command("connect") == NULL);
	CHECK(hints_command("") == NULL);
	/* a command word is no flag, and a flag no command word */
	CHECK(hints_unknown("connect", "get") == NULL);
	CHECK(hints_command("-l") == NULL);
	/* dig's words on resolve: a prefix pattern for @server */
	CHECK(strstr(hints_unknown("resolve", "@192.0.2.1"), "dig @SERVER") != NULL);
	CHECK(hints_unknown("resolve", "+shorter") == NULL);
	CHECK(hints_unknown("connect", "+short") == NULL);
}

void suite_hints(void);
void suite_hints(void)
{
	unknown_flags();
	values();
	commands();
}
