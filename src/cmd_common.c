/* cmd_common.c: the options and operands that every network command shares. */
#include "cmd.h"

#include "diag.h"
#include "parse.h"

#include <string.h>
#include <sys/socket.h>

int cmd_common_option(struct cmd_common *c, int id, const char *arg)
{
	switch (id) {
	case '4':
	case '6':
		if (c->family != AF_UNSPEC && c->family != (id == '4' ? AF_INET : AF_INET6))
			return diag_usage("cannot use -4 and -6 together"), -1;
		c->family = id == '4' ? AF_INET : AF_INET6;
		return 1;
	case 'w':
		if (parse_seconds(arg, &c->timeout_ms) < 0)
			return diag_usage(
			           "invalid timeout '%.40s' for -w (seconds, e.g. 2 or 0.5)",
			           arg),
			       -1;
		c->timeout_set = true;
		return 1;
	case 'v':
		c->verbosity = c->verbosity < 0 ? 1 : c->verbosity + 1;
		return 1;
	case 'q':
		c->verbosity = -1;
		return 1;
	case 'h':
		c->help = true;
		return 1;
	case OPT_LIST_OPTIONS:
		c->list = true;
		return 1;
	}
	return 0;
}

int cmd_common_finish(struct cmd_common *c, const char *synopsis, const struct opt *table)
{
	if (c->help) {
		opt_print_help(synopsis, table);
		return 1;
	}
	if (c->list) {
		opt_print_list(table);
		return 1;
	}
	diag_set_level(c->verbosity);
	return 0;
}

int cmd_parse_options(int argc, char **argv, const struct opt *table, const char *synopsis,
                      struct cmd_common *c, cmd_option_fn *apply, void *ctx)
{
	struct opt_parser p;
	const char *arg;
	int id, rc;

	opt_init(&p, argc, argv, table);
	while ((id = opt_next(&p, &arg)) > 0) {
		rc = cmd_common_option(c, id, arg);
		if (rc < 0 || (rc == 0 && apply(ctx, id, arg) < 0))
			return -1;
	}
	if (id < 0 || cmd_common_finish(c, synopsis, table) < 0)
		return -1;
	return p.noperands;
}

int cmd_peer_operands(char **ops, int n, char *host, size_t hostcap, char *port, size_t portcap)
{
	if (n < 1) {
		diag_usage("missing HOST and PORT");
		return -1;
	}
	int rc = parse_hostport(ops[0], host, hostcap, port, portcap);
	if (rc < 0 || host[0] == '\0') {
		diag_usage("invalid address '%.60s%s'", ops[0],
		           strlen(ops[0]) > 60 ? "..." : "");
		return -1;
	}
	if (rc == 1)
		return 1;
	if (n < 2) {
		diag_usage("missing PORT after '%.60s'", ops[0]);
		return -1;
	}
	if (strlen(ops[1]) >= portcap) {
		diag_usage("invalid port '%.40s...'", ops[1]);
		return -1;
	}
	strcpy(port, ops[1]);
	return 2;
}
