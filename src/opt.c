/* opt.c: option parsing that lets options stand anywhere after the command, as git's. */
#include "opt.h"

#include "diag.h"

#include <stdio.h>
#include <string.h>

void opt_init(struct opt_parser *p, int argc, char **argv, const struct opt *table)
{
	memset(p, 0, sizeof *p);
	p->argc = argc;
	p->argv = argv;
	p->next = 1;
	p->table = table;
}

static const struct opt *find_short(const struct opt *t, char c)
{
	for (; t->id; t++)
		if (t->shortname == c)
			return t;
	return NULL;
}

static const struct opt *find_long(const struct opt *t, const char *name, size_t len)
{
	for (; t->id; t++)
		if (strlen(t->longname) == len && memcmp(t->longname, name, len) == 0)
			return t;
	return NULL;
}

/* The argument of an option given as `-w 5` or `--timeout 5`: the next word. */
static int take_next_word(struct opt_parser *p, const char *shown, const char **arg)
{
	if (p->next >= p->argc) {
		diag_usage("option '%s' needs a value", shown);
		return -1;
	}
	*arg = p->argv[p->next++];
	return 0;
}

static int next_long(struct opt_parser *p, const char *word, const char **arg)
{
	const char *name = word + 2, *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	const struct opt *o = find_long(p->table, name, len);

	if (!o) {
		diag_usage("unknown option '--%.*s'", (int)len, name);
		return -1;
	}
	if (!o->arg) {
		if (eq) {
			diag_usage("option '--%s' takes no value", o->longname);
			return -1;
		}
		return o->id;
	}
	if (eq) {
		*arg = eq + 1;
		return o->id;
	}
	return take_next_word(p, word, arg) < 0 ? -1 : o->id;
}

static int next_short(struct opt_parser *p, const char **arg)
{
	char c = *p->cluster++;
	const struct opt *o = find_short(p->table, c);
	char shown[3] = {'-', c, 0};

	if (!o) {
		diag_usage("unknown option '-%c'", c);
		return -1;
	}
	if (!o->arg)
		return o->id;
	if (*p->cluster) { /* -w5 */
		*arg = p->cluster;
		p->cluster = NULL;
		return o->id;
	}
	p->cluster = NULL;
	return take_next_word(p, shown, arg) < 0 ? -1 : o->id;
}

int opt_next(struct opt_parser *p, const char **arg)
{
	*arg = NULL;
	for (;;) {
		if (p->cluster && *p->cluster)
			return next_short(p, arg);
		p->cluster = NULL;
		if (p->next >= p->argc)
			return 0;
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
			return next_long(p, word, arg);
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

void opt_print_help(const char *synopsis, const struct opt *t)
{
	printf("%s\nOptions:\n", synopsis);
	for (; t->id; t++) {
		char left[64], sf[5];

		if (!t->help)
			continue;
		short_form(t, sf, ", ");
		snprintf(left, sizeof left, "%s--%s%s%s", sf, t->longname, t->arg ? " " : "",
		         t->arg ? t->arg : "");
		printf("  %-28s %s\n", left, t->help);
	}
}

void opt_print_list(const struct opt *t)
{
	for (; t->id; t++) {
		char sf[5];

		if (!t->help)
			continue;
		short_form(t, sf, "");
		printf("%s\t--%s\t%s\t%s\t%s\n", sf, t->longname, t->arg ? t->arg : "", t->help,
		       t->values ? t->values : "");
	}
}
