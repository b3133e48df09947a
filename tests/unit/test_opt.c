/* test_opt.c: unit tests of the option parser (options anywhere, clusters, `--`, errors). */
#include "cmd.h"
#include "opt.h"
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#define CHECK_STR_AT(got, want, what) unit_check_str((got), (want), (what), __FILE__, __LINE__)

/* A table shaped like connect's: flags, short options with values, long-only ones, bound
 * to the fields of struct topts (the driver's test below stores into it). */
struct topts {
	struct cmd_common common;
	bool udp, no_shutdown;
	const char *send, *path;
	long long count;
	int linger_ms;
	int calls;
};

#define T struct topts
static const struct opt table[] = {
    OPT_FAMILY,
    OPT_TIMEOUT(T, "timeout"),
    OPT_FLAG('u', "udp", T, udp, "udp"),
    OPT_STRING(0, "send", "TEXT", T, send, "send"),
    OPT_FLAG(0, "no-shutdown", T, no_shutdown, "no shutdown"),
    OPT_NONEMPTY('P', "path", "PATH", T, path, "a path"),
    OPT_COUNT('n', "count", "N", T, count, 1, 10, "a count"),
    OPT_SECONDS(0, "linger", T, linger_ms, 1, "seconds, not 0"),
    OPT_CALL('c', "call", "X", OPT_ID_FIRST_CMD, "a callback"),
    OPT_VERBOSITY,
    OPT_END,
};
#undef T

static void append(char *out, size_t cap, const char *word)
{
	size_t n = strlen(out);

	snprintf(out + n, cap - n, "%s%s", n ? " " : "", word);
}

/*
 * Runs the parser over words (NULL-ended, after the command name) and renders what it
 * gave: each option as its letter or long name, "=value" when it took one, then "|" and
 * the operands in order, or "ERR" where it failed. stderr is caught in errbuf.
 */
static void parse(const char *const *words, char *out, size_t cap, char *errbuf, size_t errcap)
{
	char *argv[16], item[64];
	int argc = 0;
	const char *arg;
	const struct opt *o;
	bool failed;
	struct opt_parser p;
	FILE *err = tmpfile();
	int saved = dup(STDERR_FILENO);

	argv[argc++] = "cmd";
	for (; *words && argc < 15; words++)
		argv[argc++] = (char *)*words;
	argv[argc] = NULL;
	out[0] = errbuf[0] = '\0';
	/* the parser reports usage errors on stderr: catch them so they can be checked */
	fflush(stderr);
	if (err)
		dup2(fileno(err), STDERR_FILENO);
	opt_init(&p, argc, argv, table);
	while ((o = opt_next(&p, &arg, &failed))) {
		char letter[2] = {o->shortname, '\0'};
		const char *name = o->shortname ? letter : o->longname;

		snprintf(item, sizeof item, "%s%s%s", name, arg ? "=" : "", arg ? arg : "");
		append(out, cap, item);
	}
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	if (err) {
		rewind(err);
		size_t n = fread(errbuf, 1, errcap - 1, err);
		errbuf[n] = '\0';
		fclose(err);
	}
	if (failed) {
		append(out, cap, "ERR");
		return;
	}
	append(out, cap, "|");
	for (int i = 0; i < p.noperands; i++)
		append(out, cap, p.argv[i]);
	/* once done, it stays done */
	if (opt_next(&p, &arg, &failed) || failed)
		append(out, cap, "AGAIN");
}

static void test_opt_next(void)
{
	static const struct {
		const char *words[8]; /* the rest are NULL */
		const char *want;
		const char *err; /* a part of the stderr message, or "" for none */
	} cases[] = {
	    {{"host", "80"}, "| host 80", ""},
	    {{"-v", "host", "80"}, "v | host 80", ""},
	    {{"host", "-v", "80", "-4"}, "v 4 | host 80", ""}, /* options anywhere */
	    {{"-vv4", "h", "p"}, "v v 4 | h p", ""},
	    {{"-w5", "h"}, "w=5 | h", ""},
	    {{"-w", "5", "h"}, "w=5 | h", ""},
	    {{"-vw5"}, "v w=5 |", ""},
	    {{"-vw", "0.5", "h"}, "v w=0.5 | h", ""},
	    {{"-wv"}, "w=v |", ""}, /* the rest of a cluster is the value */
	    {{"--timeout=5", "h"}, "w=5 | h", ""},
	    {{"--timeout", "5", "h"}, "w=5 | h", ""},
	    {{"--timeout="}, "w= |", ""},
	    {{"--timeout=a=b"}, "w=a=b |", ""},
	    {{"--send", "-v"}, "send=-v |", ""}, /* a value may look like an option */
	    {{"-w", "--"}, "w=-- |", ""},
	    {{"--no-shutdown", "--udp", "-u"}, "no-shutdown u u |", ""},
	    {{"--", "-v", "h"}, "| -v h", ""},
	    {{"h", "--", "--timeout=5", "--"}, "| h --timeout=5 --", ""},
	    {{"-", "x"}, "| - x", ""}, /* "-" alone is an operand (stdin, by custom) */
	    {{"--list-options"}, "list-options |", ""},
	    {{"-h", "--help"}, "h h |", ""},
	    {{"-w"}, "ERR", "option '-w' needs a value"},
	    {{"h", "--timeout"}, "ERR", "option '--timeout' needs a value"},
	    {{"-v", "-y"}, "v ERR", "unknown option '-y'"},
	    {{"-vy"}, "v ERR", "unknown option '-y'"},
	    {{"--nope"}, "ERR", "unknown option '--nope'"},
	    {{"--nope=1"}, "ERR", "unknown option '--nope'"},
	    {{"--time=5"}, "ERR", "unknown option '--time'; did you mean '--timeout'?"},
	    {{"--udpp"}, "ERR", "unknown option '--udpp'; did you mean '--udp'?"},
	    {{"--verbose=2"}, "ERR", "option '--verbose' takes no value"},
	    {{"--=5"}, "ERR", "unknown option '--'"},
	    {{"-U"}, "ERR", "unknown option '-U'"},
	    {{"--list-option"}, "ERR", "unknown option '--list-option'"}, /* hidden rows */
	};
	char out[256], err[512];

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char what[128] = "";

		for (const char *const *w = cases[i].words; *w; w++)
			append(what, sizeof what, *w);
		parse(cases[i].words, out, sizeof out, err, sizeof err);
		CHECK_STR_AT(out, cases[i].want, what);
		if (cases[i].err[0] == '\0')
			CHECK_STR_AT(err, "", what);
		else if (strstr(err, cases[i].err) == NULL)
			CHECK_STR_AT(err, cases[i].err, what);
	}
}

/* Operands are gathered at the front of argv, in order, whatever stood between them. */
static void test_operands_in_place(void)
{
	char *argv[] = {"cmd", "a", "-v", "b", "--timeout", "3", "c", "--", "-d", NULL};
	struct opt_parser p;
	const char *arg;
	bool failed;
	int n = 0;

	opt_init(&p, 9, argv, table);
	while (opt_next(&p, &arg, &failed))
		n++;
	CHECK_INT(failed, 0);
	CHECK_INT(n, 2);
	CHECK_INT(p.noperands, 4);
	CHECK_STR(p.argv[0], "a");
	CHECK_STR(p.argv[1], "b");
	CHECK_STR(p.argv[2], "c");
	CHECK_STR(p.argv[3], "-d");
}

static int count_calls(void *opts, int id, const char *arg)
{
	struct topts *o = opts;

	CHECK_INT(id, OPT_ID_FIRST_CMD);
	o->calls++;
	return strcmp(arg, "bad") == 0 ? -1 : 0;
}

/* The driver: each bound option lands in its field; bounds are checked; only OPT_CALL
 * rows reach the callback. Returns cmd_parse_options' result, stderr swallowed. */
static int drive(struct topts *o, const char *const *words)
{
	char *argv[16];
	int argc = 0, rc, saved = dup(STDERR_FILENO);
	FILE *null = fopen("/dev/null", "w");

	argv[argc++] = "cmd";
	for (; *words && argc < 15; words++)
		argv[argc++] = (char *)*words;
	argv[argc] = NULL;
	memset(o, 0, sizeof *o);
	o->linger_ms = -1;
	fflush(stderr);
	if (null)
		dup2(fileno(null), STDERR_FILENO);
	rc = cmd_parse_options(argc, argv, table, "usage", o, &o->common, count_calls);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	if (null)
		fclose(null);
	return rc;
}

static void test_bound_options(void)
{
	struct topts o;

	CHECK_INT(
	    drive(&o, (const char *const[]){"-u", "h", "--send=hi", "-w0.5", "-n", "10",
	                                    "--linger", "2", "-c", "x", "-6", "-vv", NULL}),
	    1);
	CHECK(o.udp);
	CHECK(!o.no_shutdown);
	CHECK_STR(o.send, "hi");
	CHECK_INT(o.common.timeout_ms, 500);
	CHECK_INT(o.count, 10);
	CHECK_INT(o.linger_ms, 2000);
	CHECK_INT(o.calls, 1);
	CHECK_INT(o.common.family, AF_INET6);
	CHECK_INT(o.common.verbosity, 2);
	CHECK_INT(o.common.done, 0);
	CHECK_INT(drive(&o, (const char *const[]){"-n", "11", NULL}), -1);
	CHECK_INT(drive(&o, (const char *const[]){"-n", "0", NULL}), -1);
	CHECK_INT(drive(&o, (const char *const[]){"--linger", "0", NULL}), -1);
	CHECK_INT(drive(&o, (const char *const[]){"-w", "5x", NULL}), -1);
	CHECK_INT(drive(&o, (const char *const[]){"-P", "", NULL}), -1);
	CHECK_INT(drive(&o, (const char *const[]){"-P", "p", NULL}), 0);
	CHECK_STR(o.path, "p");
	CHECK_INT(drive(&o, (const char *const[]){"-c", "bad", NULL}), -1);
	CHECK_INT(drive(&o, (const char *const[]){"-4", "-6", NULL}), -1);
	CHECK_INT(drive(&o, (const char *const[]){"-q", NULL}), 0);
	CHECK_INT(o.common.verbosity, -1);
}

/* A shared table: each command gets its rows, in order, and the end marker. */
static void test_select(void)
{
	enum { A = 1, B = 2 };
	static const struct opt_row rows[] = {
	    {A | B, OPT_IPV4}, {A, OPT_IPV6}, OPT_VERBOSITY_ROWS(B), {B, OPT_HELP}};
	struct opt picked[sizeof rows / sizeof *rows + 1];
	const struct opt *t = opt_select(picked, rows, sizeof rows / sizeof *rows, A);

	CHECK_STR(t[0].longname, "ipv4");
	CHECK_STR(t[1].longname, "ipv6");
	CHECK(t[2].longname == NULL);
	t = opt_select(picked, rows, sizeof rows / sizeof *rows, B);
	CHECK_STR(t[0].longname, "ipv4");
	CHECK_STR(t[1].longname, "verbose");
	CHECK_STR(t[4].longname, "list-options");
	CHECK_STR(t[5].longname, "help");
	CHECK(t[6].longname == NULL);
	CHECK(opt_select(picked, rows, sizeof rows / sizeof *rows, 4)[0].longname == NULL);
}

void suite_opt(void);
void suite_opt(void)
{
	test_select();
	test_opt_next();
	test_operands_in_place();
	test_bound_options();
}
