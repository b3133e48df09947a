/* opt.h: the option parser every command uses; its table is also the source of the
 * --help option list and of --list-options, which the shell completions read. Options
 * bind straight to a field of the command's options struct (git's OPT_BOOL(&v)), so only
 * options with real logic need the command's callback. */
#ifndef OPT_H
#define OPT_H

#include <stdbool.h>
#include <stddef.h>

enum opt_kind {
	OPT_KIND_FLAG,    /* bool: set to true */
	OPT_KIND_STRING,  /* const char *: the argument (min 1: an empty one is refused) */
	OPT_KIND_SECONDS, /* int: milliseconds (parse_seconds), at least min */
	OPT_KIND_COUNT,   /* long long: a whole number in [min, max] */
	OPT_KIND_CALL,    /* the command's callback is given id and the argument */
	OPT_KIND_COMMON,  /* -4 -6 -v -q -h --list-options: the driver's own (id) */
};

struct opt {
	char shortname; /* 0 if the option has no short form */
	const char *longname;
	const char *arg;              /* the argument's name ("SECS"), or NULL for a flag */
	const char *help;             /* one line for --help; NULL hides the row */
	const char *values;           /* space-separated choices for completion, or NULL */
	const char *(*choices)(void); /* the same, computed (the protocol list), or NULL */
	enum opt_kind kind;
	size_t offset;      /* of the bound field in the command's options struct */
	long long min, max; /* the bounds of COUNT (and min of SECONDS and STRING) */
	int id;             /* CALL and COMMON: what the handler is told */
};

/* The offset of field F of struct T, which must have type TYPE (checked at compile
 * time: a mismatch has no _Generic association and does not build). */
#define OPT_AT(T, F, TYPE) (offsetof(T, F) + 0 * _Generic(((T *)0)->F, TYPE : 0))

#define OPT_FLAG(S, L, T, F, HELP)                                                             \
	{                                                                                      \
		.shortname = S, .longname = L, .help = HELP, .kind = OPT_KIND_FLAG,            \
		.offset = OPT_AT(T, F, bool)                                                   \
	}
#define OPT_STRING(S, L, ARG, T, F, HELP)                                                      \
	{                                                                                      \
		.shortname = S, .longname = L, .arg = ARG, .help = HELP,                       \
		.kind = OPT_KIND_STRING, .offset = OPT_AT(T, F, const char *)                  \
	}
/* A string that may not be empty (a path, a name). */
#define OPT_NONEMPTY(S, L, ARG, T, F, HELP)                                                    \
	{                                                                                      \
		.shortname = S, .longname = L, .arg = ARG, .help = HELP,                       \
		.kind = OPT_KIND_STRING, .offset = OPT_AT(T, F, const char *), .min = 1        \
	}
#define OPT_SECONDS(S, L, T, F, MIN_MS, HELP)                                                  \
	{                                                                                      \
		.shortname = S, .longname = L, .arg = "SECS", .help = HELP,                    \
		.kind = OPT_KIND_SECONDS, .offset = OPT_AT(T, F, int), .min = MIN_MS           \
	}
#define OPT_COUNT(S, L, ARG, T, F, LO, HI, HELP)                                               \
	{                                                                                      \
		.shortname = S, .longname = L, .arg = ARG, .help = HELP,                       \
		.kind = OPT_KIND_COUNT, .offset = OPT_AT(T, F, long long), .min = LO,          \
		.max = HI                                                                      \
	}
#define OPT_CALL(S, L, ARG, ID, HELP)                                                          \
	{                                                                                      \
		.shortname = S, .longname = L, .arg = ARG, .help = HELP,                       \
		.kind = OPT_KIND_CALL, .id = ID                                                \
	}

/* Ids of the driver's own options and the first id free for a command's callbacks. */
enum {
	OPT_ID_IPV4 = 1,
	OPT_ID_IPV6,
	OPT_ID_VERBOSE,
	OPT_ID_QUIET,
	OPT_ID_HELP,
	OPT_ID_LIST,
	OPT_ID_PIN, /* --pin: added to the TLS client options (cmd.h's OPT_TLS_CLIENT) */
	OPT_ID_FIRST_CMD = 256,
};

#define OPT_COMMON_ROW(S, L, HELP, ID)                                                         \
	{                                                                                      \
		.shortname = S, .longname = L, .help = HELP, .kind = OPT_KIND_COMMON, .id = ID \
	}
/* Rows for -4 -6; for -v -q -h and --list-options; -w bound to struct T's common part. */
#define OPT_IPV4 OPT_COMMON_ROW('4', "ipv4", "IPv4 only", OPT_ID_IPV4)
#define OPT_IPV6 OPT_COMMON_ROW('6', "ipv6", "IPv6 only", OPT_ID_IPV6)
#define OPT_VERBOSE                                                                            \
	OPT_COMMON_ROW('v', "verbose", "diagnostics on stderr (-vv: per-read detail)",         \
	               OPT_ID_VERBOSE)
#define OPT_QUIET                                                                              \
	OPT_COMMON_ROW('q', "quiet", "no diagnostics; errors are still printed", OPT_ID_QUIET)
#define OPT_HELP      OPT_COMMON_ROW('h', "help", "this help", OPT_ID_HELP)
#define OPT_LIST      OPT_COMMON_ROW(0, "list-options", NULL, OPT_ID_LIST)
#define OPT_FAMILY    OPT_IPV4, OPT_IPV6
#define OPT_VERBOSITY OPT_VERBOSE, OPT_QUIET, OPT_HELP, OPT_LIST
/* The same as rows of a shared table (struct opt_row), for the commands C. */
#define OPT_FAMILY_ROWS(C)                                                                     \
	{C, OPT_IPV4},                                                                         \
	{                                                                                      \
		C, OPT_IPV6                                                                    \
	}
#define OPT_VERBOSITY_ROWS(C)                                                                  \
	{C, OPT_VERBOSE}, {C, OPT_QUIET}, {C, OPT_HELP},                                       \
	{                                                                                      \
		C, OPT_LIST                                                                    \
	}
#define OPT_TIMEOUT(T, HELP) OPT_SECONDS('w', "timeout", T, common.timeout_ms, 0, HELP)
/* --max-time, the same row in every command that has -w (sockit(1), "--max-time"). */
#define OPT_MAX_TIME(T)                                                                        \
	OPT_SECONDS(0, "max-time", T, common.max_time.ms, 1,                                   \
	            "a deadline for the whole command, whatever flows (exit 5)")
#define OPT_END                                                                                \
	{                                                                                      \
		.longname = NULL                                                               \
	}

struct opt_parser {
	int argc;
	char **argv; /* operands are gathered at its front, in order */
	int next;    /* the argv index to look at next */
	int noperands;
	const char *cluster; /* the rest of a short-option cluster (-vv4) */
	bool only_operands;  /* after `--` */
	const struct opt *table;
	const char *command; /* argv[0], for the nc and curl hints (hints.h) */
};

/* A row of a table that several commands share (serve and echo; the http-* commands):
 * the commands it belongs to, as bits the command file defines, and the option. */
struct opt_row {
	unsigned cmds;
	struct opt opt;
};

/* The options of rows[0..n) that belong to cmd, in order, into table (n + 1 entries),
 * ended by OPT_END; returns table. */
const struct opt *opt_select(struct opt *table, const struct opt_row *rows, size_t n,
                             unsigned cmd);
/* Parses argv[1..argc) against table (argv[0] is the command name). */
void opt_init(struct opt_parser *p, int argc, char **argv, const struct opt *table);
/* Returns the next option's row, with *arg set for options that take one; NULL when all
 * are read (operands are then p->argv[0..p->noperands)), and *failed set after a usage
 * error. */
const struct opt *opt_next(struct opt_parser *p, const char **arg, bool *failed);
/* How the option is named in messages: "-w", or "--max-line" when it has no short form. */
const char *opt_shown(const struct opt *o, char buf[64]);
/* Prints the usage synopsis and the option list of table to stdout. */
void opt_print_help(const char *synopsis, const struct opt *table);
/* Prints table for completions: short, long, argument, help, values; tab-separated. */
void opt_print_list(const struct opt *table);

#endif
