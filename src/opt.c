/* opt.c: option parsing that lets options stand anywhere after the command, as git's. */
#include "opt.h"

#include "diag.h"
#include "hints.h"
#include "parse.h"

#include <stdio.h>
#include <string.h>

void opt_init(struct opt_parser *p, int argc, char **argv, const struct opt *table)
{
	memset(p, 0, sizeof *p);
	p->argc = argc;
	p->argv = argv;
	p->next = 1;
	p->table = table;
	p->command = argc > 0 ? argv[0] : "";
}

const char *opt_shown(const struct opt *o, char buf[64])
{
	if (o->shortname)
		snprintf(buf, 64, "-%c", o->shortname);
	else
		snprintf(buf, 64, "--%s", o->longname);
	return buf;
}

static const struct opt *find_short(const struct opt *t, char c)
{
	for (; t->longname; t++)
		if (t->shortname == c)
			return t;
	return NULL;
}

static const struct opt *find_long(const struct opt *t, const char *name, size_t len)
{
	for (; t->longname; t++)
		if (strlen(t->longname) == len && memcmp(t->longname, name, len) == 0)
			return t;
	return NULL;
}

/* An unknown --name: the closest of the table's long names (hidden rows aside). */
static void unknown_long(const struct opt *t, const char *name, size_t len)
{
	struct parse_closest c;

	parse_closest_start(&c, name, len);
	for (; t->longname; t++)
		if (t->help)
			parse_closest_offer(&c, t->longname);
	if (c.best)
		diag_usage("unknown option '--%.40s'; did you mean '--%s'?", c.word, c.best);
	else
		diag_usage("unknown option '--%.*s'", (int)len, name);
}

/* A flag of nc or curl that is not sockit's (or is sockit's with another meaning, as
 * its value shows): one line naming sockit's way, and the parse stops. */
static const struct opt *habit(const char *flag, const char *hint, bool *failed)
{
	diag_err("%s: %s", flag, hint);
	*failed = true;
	return NULL;
}

/* The word after a flag, which the next call would read; NULL if none. */
static const char *peek(const struct opt_parser *p)
{
	return p->next < p->argc && !p->only_operands ? p->argv[p->next] : NULL;
}

/* The argument of an option given as `-w 5` or `--timeout 5`: the next word. */
static const struct opt *take_next_word(struct opt_parser *p, const struct opt *o,
                                        const char *shown, const char **arg, bool *failed)
{
	if (p->next >= p->argc) {
		diag_usage("option '%s' needs a value", shown);
		*failed = true;
		return NULL;
	}
	*arg = p->argv[p->next++];
	return o;
}

static const struct opt *next_long(struct opt_parser *p, const char *word, const char **arg,
                                   bool *failed)
{
	const char *name = word + 2, *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	const struct opt *o = find_long(p->table, name, len);
	char flag[64];
	const char *hint = NULL;

	snprintf(flag, sizeof flag, "--%.*s", (int)(len < 60 ? len : 60), name);
	if (!o && (hint = hints_unknown(p->command, flag)))
		return habit(flag, hint, failed);
	if (!o) {
		unknown_long(p->table, name, len);
		*failed = true;
		return NULL;
	}
	if (!o->arg) {
		if (eq) {
			diag_usage("option '--%s' takes no value", o->longname);
			*failed = true;
			return NULL;
		}
		return o;
	}
	if (eq) {
		*arg = eq + 1;
		return o;
	}
	return take_next_word(p, o, word, arg, failed);
}

static const struct opt *next_short(struct opt_parser *p, const char **arg, bool *failed)
{
	char c = *p->cluster++;
	const struct opt *o = find_short(p->table, c);
	char shown[3] = {'-', c, 0};
	const char *hint = NULL;

	if (!o && (hint = hints_unknown(p->command, shown)))
		return habit(shown, hint, failed);
	if (!o) {
		diag_usage("unknown option '-%c'", c);
		*failed = true;
		return NULL;
	}
	if (!o->arg) /* connect -q 5: the word after a flag may show nc's meaning */
		hint = hints_value(p->command, shown, *p->cluster ? p->cluster : peek(p));
	else if (*p->cluster) { /* -w5 */
		*arg = p->cluster;
		p->cluster = NULL;
	} else {
		p->cluster = NULL;
		if (!take_next_word(p, o, shown, arg, failed))
			return NULL;
	}
	if (o->arg)
		hint = hints_value(p->command, shown, *arg);
	return hint ? habit(shown, hint, failed) : o;
}

const struct opt *opt_next(struct opt_parser *p, const char **arg, bool *failed)
{
	*arg = NULL;
	*failed = false;
	for (;;) {
		if (p->cluster && *p->cluster)
			return next_short(p, arg, failed);
		p->cluster = NULL;
		if (p->next >= p->argc)
			return NULL;
		char *word = p->argv[p->next++];
		if (p->only_operands || word[0] != '-' || word[1] == '\0') {
			/* operands move to the front; that slot has already been read */
			p->argv[p->noperands++] = word;
			continue;
		}
		if (strcmp(word, "--") == 0) {
			p->only_operands = true;
			continue;
		}
		if (word[1] == '-')
			return next_long(p, word, arg, failed);
		p->cluster = word + 1;
	}
}

/* "-w, " or four spaces, so long names line up. */
static void short_form(const struct opt *t, char out[5], const char *sep)
{
	if (t->shortname)
		snprintf(out, 5, "-%c%s", t->shortname, sep);
	else
		snprintf(out, 5, "%s", *sep ? "    " : "");
}

static const char *values_of(const struct opt *t)
{
	return t->choices ? t->choices() : t->values;
}

void opt_print_help(const char *synopsis, const struct opt *t)
{
	printf("%s\nOptions:\n", synopsis);
	for (; t->longname; t++) {
		char left[64], sf[5];

		if (!t->help)
			continue;
		short_form(t, sf, ", ");
		snprintf(left, sizeof left, "%s--%s%s%s", sf, t->longname, t->arg ? " " : "",
		         t->arg ? t->arg : "");
		if (t->choices)
			printf("  %-28s %s: %s\n", left, t->help, t->choices());
		else
			printf("  %-28s %s\n", left, t->help);
	}
}

void opt_print_list(const struct opt *t)
{
	for (; t->longname; t++) {
		char sf[5];
		const char *v = values_of(t);

		if (!t->help)
			continue;
		short_form(t, sf, "");
		printf("%s\t--%s\t%s\t%s\t%s\n", sf, t->longname, t->arg ? t->arg : "", t->help,
		       v ? v : "");
	}
}

const struct opt *opt_select(struct opt *table, const struct opt_row *rows, size_t n,
                             unsigned cmd)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		if (rows[i].cmds & cmd)
			table[k++] = rows[i].opt;
	table[k] = (struct opt)OPT_END;
	return table;
}
