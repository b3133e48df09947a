/* test_opt.c: unit tests of the option parser (options anywhere, clusters, `--`, errors). */
#include "opt.h"
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define CHECK_STR_AT(got, want, what) unit_check_str((got), (want), (what), __FILE__, __LINE__)

enum { T_SEND = OPT_FIRST_LONG_ONLY, T_NO_SHUTDOWN };

/* A table shaped like connect's: flags, short options with values, long-only ones. */
static const struct opt table[] = {
    OPT_FAMILY,
    {'w', 'w', "timeout", "SECS", "timeout", NULL},
    {'u', 'u', "udp", NULL, "udp", NULL},
    {T_SEND, 0, "send", "TEXT", "send", NULL},
    {T_NO_SHUTDOWN, 0, "no-shutdown", NULL, "no shutdown", NULL},
    OPT_VERBOSITY,
    OPT_END,
};

static const char *name_of(int id)
{
	for (const struct opt *t = table; t->id; t++)
		if (t->id == id)
			return t->longname;
	return "?";
}

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
	int argc = 0, id;
	const char *arg;
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
	while ((id = opt_next(&p, &arg)) > 0) {
		char letter[2] = {(char)id, '\0'};
		const char *name = id < 256 ? letter : name_of(id);

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
	if (id < 0) {
		append(out, cap, "ERR");
		return;
	}
	append(out, cap, "|");
	for (int i = 0; i < p.noperands; i++)
		append(out, cap, p.argv[i]);
	/* once done, it stays done */
	if (opt_next(&p, &arg) != 0)
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
	    {{"--time=5"}, "ERR", "unknown option '--time'"}, /* no abbreviations */
	    {{"--verbose=2"}, "ERR", "option '--verbose' takes no value"},
	    {{"--=5"}, "ERR", "unknown option '--'"},
	    {{"-U"}, "ERR", "unknown option '-U'"},
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
	int id, n = 0;

	opt_init(&p, 9, argv, table);
	while ((id = opt_next(&p, &arg)) > 0)
		n++;
	CHECK_INT(id, 0);
	CHECK_INT(n, 2);
	CHECK_INT(p.noperands, 4);
	CHECK_STR(p.argv[0], "a");
	CHECK_STR(p.argv[1], "b");
	CHECK_STR(p.argv[2], "c");
	CHECK_STR(p.argv[3], "-d");
}

void suite_opt(void);
void suite_opt(void)
{
	test_opt_next();
	test_operands_in_place();
}
