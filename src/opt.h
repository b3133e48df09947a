/* opt.h: the option parser every command uses; its table is also the source of the
 * --help option list and of --list-options, which the shell completions read. */
#ifndef OPT_H
#define OPT_H

#include <stdbool.h>

struct opt {
	int id;         /* what opt_next returns: the short letter, or a value >= 256 */
	char shortname; /* 0 if the option has no short form */
	const char *longname;
	const char *arg;    /* the argument's name ("SECS"), or NULL for a flag */
	const char *help;   /* one line for --help */
	const char *values; /* space-separated choices for completion, or NULL */
};

/* Ids of the options shared by commands (short ones are their letters). */
enum { OPT_LIST_OPTIONS = 256, OPT_FIRST_LONG_ONLY = 300 };

/* Rows for -4 -6 -w -v -q -h and --list-options; end a command's table with OPT_END. */
#define OPT_FAMILY                                                                             \
	{'4', '4', "ipv4", NULL, "IPv4 only", NULL},                                           \
	{                                                                                      \
		'6', '6', "ipv6", NULL, "IPv6 only", NULL                                      \
	}
#define OPT_VERBOSITY                                                                          \
	{'v', 'v', "verbose", NULL, "diagnostics on stderr (-vv: per-read detail)", NULL},     \
	    {'q', 'q', "quiet", NULL, "no diagnostics; errors are still printed", NULL},       \
	    {'h', 'h', "help", NULL, "this help", NULL},                                       \
	{                                                                                      \
		OPT_LIST_OPTIONS, 0, "list-options", NULL, NULL, NULL                          \
	}
#define OPT_END                                                                                \
	{                                                                                      \
		0, 0, NULL, NULL, NULL, NULL                                                   \
	}

struct opt_parser {
	int argc;
	char **argv; /* operands are gathered at its front, in order */
	int next;    /* the argv index to look at next */
	int noperands;
	const char *cluster; /* the rest of a short-option cluster (-vv4) */
	bool only_operands;  /* after `--` */
	const struct opt *table;
};

/* Parses argv[1..argc) against table (argv[0] is the command name). */
void opt_init(struct opt_parser *p, int argc, char **argv, const struct opt *table);
/* Returns the next option's id with *arg set for options that take one; 0 when all
 * are read (operands are then p->argv[0..p->noperands)); -1 after a usage error. */
int opt_next(struct opt_parser *p, const char **arg);
/* Prints the usage synopsis and the option list of table to stdout. */
void opt_print_help(const char *synopsis, const struct opt *table);
/* Prints table for completions: short, long, argument, help, values; tab-separated. */
void opt_print_list(const struct opt *table);

#endif
