/* cmd_resolve.c: `sockit resolve`, the addresses of names, or with -r the names
 * of addresses. */
#include "cmd.h"
#include "diag.h"
#include "hints.h"
#include "json.h"
#include "net.h"

#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

static const char synopsis[] =
    "usage: sockit resolve [OPTIONS] NAME...\n"
    "Prints each distinct address of each NAME, one per line, in the resolver's order.\n"
    "With -r, each NAME is an address and its host name is printed. A NAME that does not\n"
    "resolve is reported; the others are still printed, and the exit status is 3.";

struct resolve_opts {
	struct cmd_common common;
	bool first, reverse, lng, json;
};

/* --json: one object per line on stdout (sockit(1), JSON OUTPUT). */
static struct json js;

#define R struct resolve_opts
static const struct opt options[] = {
    OPT_FAMILY,
    OPT_FLAG('1', "first", R, first, "only the first address of each NAME"),
    OPT_FLAG('r', "reverse", R, reverse, "NAME is an address: print its host name"),
    OPT_FLAG('l', "long", R, lng, "print NAME FAMILY ADDRESS, and NAME canonical CNAME"),
    OPT_FLAG(0, "json", R, json, "one JSON object per address (or failure) per line"),
    OPT_VERBOSITY,
    OPT_END,
};
#undef R

/* Usage errors come before any lookup: no NAME, an empty one, -r with a non-address. */
static int check_names(const struct resolve_opts *o, char **names, int n)
{
	char err[NET_ERR_LEN];
	struct addrinfo *res;
	const char *hint;

	if (n == 0)
		return diag_usage("missing NAME");
	if (o->json && o->lng)
		return diag_usage("cannot use --json with -l");
	for (int i = 0; i < n; i++) {
		if (names[i][0] == '\0')
			return diag_usage("empty NAME");
		/* dig's +short and @server are words, not flags */
		if (strchr("+@", names[i][0]) && (hint = hints_unknown("resolve", names[i])))
			return diag_err("%s: %s", names[i], hint), EXIT_USAGE;
		if (!o->reverse)
			continue;
		if (net_resolve(err, names[i], NULL, AF_UNSPEC, SOCK_STREAM, AI_NUMERICHOST,
		                &res) < 0)
			return diag_usage("-r: '%.60s' is not an IP address", names[i]);
		freeaddrinfo(res);
	}
	return 0;
}

static const char *family_name(int family)
{
	return family == AF_INET6 ? "inet6" : "inet";
}

/* --json: {"KEY":"ARG","error":"reason"} for an ARG that failed (err is net.c's). */
static void json_failed(const char *key, const char *arg, const char *err)
{
	json_begin(&js);
	json_cstr(&js, key, arg);
	json_cstr(&js, "error", net_err_reason(err));
	json_end(&js, stdout);
}

/* --json: {"name":..,"family":..,"address":..}. */
static void json_address(const char *name, int family, const char *addr)
{
	json_begin(&js);
	json_cstr(&js, "name", name);
	json_cstr(&js, "family", family_name(family));
	json_cstr(&js, "address", addr);
	json_end(&js, stdout);
}

/* True if an entry of res before ai has ai's address (getaddrinfo may repeat one). */
static bool seen_before(const struct addrinfo *res, const struct addrinfo *ai)
{
	for (; res != ai; res = res->ai_next)
		if (net_same_addr(res->ai_addr, ai->ai_addr))
			return true;
	return false;
}

/* Prints name's addresses. Returns 0 or EXIT_RESOLVE. */
static int forward(const struct resolve_opts *o, const char *name)
{
	char err[NET_ERR_LEN], addr[NET_ADDR_LEN];
	struct addrinfo *res, *ai;
	int flags = o->lng ? AI_CANONNAME : 0;

	/* AI_ADDRCONFIG as getent ahosts, so both list the same addresses; but it also hides
	 * literals (::1 on a host without IPv6), so without it if nothing was found */
	if (net_resolve(err, name, NULL, o->common.family, SOCK_STREAM, flags | AI_ADDRCONFIG,
	                &res) < 0 &&
	    net_resolve(err, name, NULL, o->common.family, SOCK_STREAM, flags, &res) < 0) {
		if (o->json)
			json_failed("name", name, err);
		return diag_err("%s", err), EXIT_RESOLVE;
	}
	/* the canonical name comes first, as getaddrinfo reports it with the first address */
	if (o->lng && res->ai_canonname && strcmp(res->ai_canonname, name) != 0)
		printf("%s canonical %s\n", name, res->ai_canonname);
	for (ai = res; ai; ai = ai->ai_next) {
		if (seen_before(res, ai))
			continue;
		net_format_numeric(ai->ai_addr, ai->ai_addrlen, addr, sizeof addr);
		if (o->json)
			json_address(name, ai->ai_family, addr);
		else if (o->lng)
			printf("%s %s %s\n", name, family_name(ai->ai_family), addr);
		else
			printf("%s\n", addr);
		if (o->first)
			break;
	}
	freeaddrinfo(res);
	return 0;
}

/* Prints the host name of the address addr. Returns 0 or EXIT_RESOLVE. */
static int reverse(const struct resolve_opts *o, const char *addr)
{
	char err[NET_ERR_LEN], host[NI_MAXHOST];
	int family = net_reverse(err, addr, o->common.family, host, sizeof host);

	if (family < 0 && o->json)
		json_failed("address", addr, err);
	if (family < 0)
		return diag_err("%s", err), -family;
	if (o->json) {
		json_begin(&js);
		json_cstr(&js, "address", addr);
		json_cstr(&js, "name", host);
		json_end(&js, stdout);
	} else if (o->lng)
		printf("%s %s %s\n", addr, family_name(family), host);
	else
		printf("%s\n", host);
	return 0;
}

int cmd_resolve(int argc, char **argv)
{
	struct resolve_opts o = {.common = {.family = AF_UNSPEC}};
	int nops, status = 0;

	if ((nops = cmd_parse_options(argc, argv, options, synopsis, &o, &o.common, NULL)) < 0)
		return EXIT_USAGE;
	if (o.common.done)
		return 0;
	if (check_names(&o, argv, nops) != 0)
		return EXIT_USAGE;
	for (int i = 0; i < nops; i++) {
		int rc = o.reverse ? reverse(&o, argv[i]) : forward(&o, argv[i]);
		if (rc != 0)
			status = rc;
		fflush(stdout); /* in order with the errors on stderr */
	}
	json_free(&js);
	return status;
}
