/* cmd_common.c: the one option-parsing driver, and the operands every network command
 * shares. */
#include "cmd.h"

#include "diag.h"
#include "parse.h"
#include "proxy.h"
#include "transport.h"

#include <string.h>
#include <sys/socket.h>

/* -4 -6 -v -q --pin; --help and --list-options are answered after the whole parse. */
static int common_option(struct cmd_common *c, int id, const char *arg)
{
	char err[TLS_ERR_LEN];

	int family = id == OPT_ID_IPV4 ? AF_INET : AF_INET6;

	switch (id) {
	case OPT_ID_IPV4:
	case OPT_ID_IPV6:
		if (c->family != AF_UNSPEC && c->family != family)
			return diag_usage("cannot use -4 and -6 together");
		c->family = family;
		break;
	case OPT_ID_VERBOSE:
		c->verbosity = c->verbosity < 0 ? 1 : c->verbosity + 1;
		break;
	case OPT_ID_QUIET:
		c->verbosity = -1;
		break;
	case OPT_ID_PIN:
		if (tls_pin_parse(err, &c->tls, arg) < 0)
			return diag_usage("%s", err);
		break;
	}
	return 0;
}

/* Stores arg into the field o is bound to, checked against the row's bounds. */
static int store(void *opts, const struct opt *o, const char *arg)
{
	char *field = (char *)opts + o->offset, shown[64];
	long long n;
	int ms;

	switch (o->kind) {
	case OPT_KIND_FLAG:
		*(bool *)field = true;
		return 0;
	case OPT_KIND_STRING:
		if (o->min > 0 && arg[0] == '\0')
			return diag_usage("empty %s for %s", o->arg, opt_shown(o, shown));
		*(const char **)field = arg;
		return 0;
	case OPT_KIND_SECONDS:
		if (parse_seconds(arg, &ms) < 0 || ms < o->min)
			return diag_usage(
			    "invalid value '%.40s' for %s (seconds, e.g. 2 or 0.5%s)", arg,
			    opt_shown(o, shown), o->min > 0 ? ", not 0" : "");
		*(int *)field = ms;
		return 0;
	case OPT_KIND_COUNT:
		if (parse_count(arg, o->min, o->max, &n) < 0)
			return diag_usage("invalid value '%.40s' for %s (%lld-%lld)", arg,
			                  opt_shown(o, shown), o->min, o->max);
		*(long long *)field = n;
		return 0;
	default:
		return 0;
	}
}

/* After the parse: --help or --list-options if asked, else the diagnostics level. */
static void finish(struct cmd_common *c, int asked, const char *synopsis,
                   const struct opt *table)
{
	if (asked == OPT_ID_HELP)
		opt_print_help(synopsis, table);
	else if (asked == OPT_ID_LIST)
		opt_print_list(table);
	c->done = asked != 0;
	if (!c->done)
		diag_set_level(c->verbosity);
	deadline_start(&c->max_time); /* the whole command runs under --max-time from here */
}

int cmd_parse_options(int argc, char **argv, const struct opt *table, const char *synopsis,
                      void *opts, struct cmd_common *c, cmd_option_fn *apply)
{
	struct opt_parser p;
	const struct opt *o;
	const char *arg;
	bool failed;
	int asked = 0, rc = 0;

	opt_init(&p, argc, argv, table);
	while ((o = opt_next(&p, &arg, &failed))) {
		if (o->kind == OPT_KIND_COMMON &&
		    (o->id == OPT_ID_HELP || o->id == OPT_ID_LIST))
			asked = asked ? asked : o->id;
		else if (o->kind == OPT_KIND_COMMON)
			rc = common_option(c, o->id, arg);
		else if (o->kind == OPT_KIND_CALL)
			rc = apply(opts, o->id, arg);
		else
			rc = store(opts, o, arg);
		if (rc < 0)
			return -1;
	}
	if (failed)
		return -1;
	finish(c, asked, synopsis, table);
	return p.noperands;
}

int cmd_peer_operands(char **ops, int n, char *host, size_t hostcap, char *port, size_t portcap)
{
	if (n < 1)
		return diag_usage("missing HOST and PORT");
	int rc = parse_hostport(ops[0], host, hostcap, port, portcap);
	if (rc < 0 || host[0] == '\0')
		return diag_usage("invalid address '%.60s%s'", ops[0],
		                  strlen(ops[0]) > 60 ? "..." : "");
	if (rc == 1)
		return 1;
	if (n < 2)
		return diag_usage("missing PORT after '%.60s'", ops[0]);
	if (strlen(ops[1]) >= portcap)
		return diag_usage("invalid port '%.40s...'", ops[1]);
	strcpy(port, ops[1]);
	return 2;
}

int cmd_expect_init(struct expect *e, const char *pattern, const struct deadline *max_time)
{
	char err[256];

	int rc = expect_init(e, pattern, max_time, err, sizeof err);

	if (rc == -2)
		return diag_fail(EXIT_IO, "--expect: %s", err);
	if (rc < 0)
		return diag_fail(EXIT_USAGE,
		                 "invalid regular expression '%.60s%s' for --expect: %s",
		                 pattern, strlen(pattern) > 60 ? "..." : "", err);
	return 0;
}

int cmd_expect_outcome(const struct expect *e, const char *pattern)
{
	if (e->state == EXPECT_MATCHED)
		return 0;
	if (e->state == EXPECT_NOMEM)
		return diag_fail(EXIT_IO, "out of memory");
	if (e->state == EXPECT_TIMEOUT)
		return deadline_report(e->deadline);
	return diag_fail(EXIT_NO, "no line received matched '%.60s%s'", pattern,
	                 strlen(pattern) > 60 ? "..." : "");
}

/* Credentials are never shown (sockit(1), Proxies): messages print the URL redacted, and
 * once p holds its copy the password in argv is overwritten, so that ps cannot read it.
 * url and user point into argv, except a url from the environment (from is not --proxy),
 * which a program run by `wait` inherits unchanged. */
int cmd_proxy(struct proxy *p, const char *url, const char *from, const char *user)
{
	const char *why;
	char shown[128];

	if (proxy_parse(p, url, &why) < 0)
		return diag_usage("invalid proxy '%.80s' (%s): %s",
		                  proxy_redact(shown, sizeof shown, url), from, why);
	if (user && proxy_set_user(p, user, &why) < 0)
		return diag_usage("invalid --proxy-user: %s", why);
	if (strcmp(from, "--proxy") == 0)
		proxy_blank_password((char *)url, false);
	if (user)
		proxy_blank_password((char *)user, true);
	return 0;
}

int cmd_tls_check(const struct cmd_common *c, bool tls, const char *how)
{
	const struct tls_client_opts *t = &c->tls;
	const char *given = t->cafile     ? "--cacert"
	                    : t->insecure ? "--insecure"
	                    : t->npins    ? "--pin"
	                    : t->name     ? "--tls-name"
	                    : t->cert     ? "--cert"
	                    : t->key      ? "--key"
	                                  : NULL;

	if (given && !tls)
		return diag_usage("%s needs %s", given, how);
	if (t->key && !t->cert)
		return diag_usage("--key needs --cert");
	if (t->insecure && t->npins)
		return diag_usage("cannot use --insecure with --pin");
	return 0;
}

/* -v: one line on the session: version, cipher, the certificate and its expiry. */
static void tls_verbose(const struct transport *t)
{
	struct tls_info i;

	tls_get_info(t->tls, &i);
	diag_verbose(1, "TLS: %s %s, subject %s, issuer %s, expires %s (%lld days left)%s",
	             i.version, i.cipher, i.have_cert ? i.subject : "(none)",
	             i.have_cert ? i.issuer : "(none)", i.have_cert ? i.not_after : "never",
	             i.days_left, i.verified ? "" : ", NOT VERIFIED");
	diag_verbose(1, "TLS: %s",
	             t->zero_copy_out
	                 ? "the kernel encrypts what is sent (kTLS): zero-copy kept"
	                 : "no kernel TLS here: the bytes are copied through sockit");
}

int cmd_tls_ctx(struct tls_ctx **ctx, const struct cmd_common *c)
{
	char err[TLS_ERR_LEN];
	int rc;

	if (*ctx)
		return 0;
	if ((rc = tls_client_ctx(err, &c->tls, ctx)) < 0) {
		/* no pointer to --help: a file is at fault, not the line */
		diag_err("%s", err);
		return rc == TLS_EUSAGE ? EXIT_USAGE : EXIT_TLS;
	}
	if (c->tls.insecure && diag_level() >= 0)
		diag_err("warning: --insecure: the peer's certificate is not checked");
	return 0;
}

int cmd_tls_start(struct transport *t, struct tls_ctx **ctx, const struct cmd_common *c, int fd,
                  const char *host, int timeout_ms, struct tls_info *info)
{
	char err[TLS_ERR_LEN];
	struct tls_conn *conn;
	int rc;

	if ((rc = cmd_tls_ctx(ctx, c)) != 0)
		return rc;
	if (!(conn = tls_client_new(err, *ctx, fd, host)))
		return diag_fail(EXIT_TLS, "%s", err);
	transport_tls(t, fd, conn);
	rc = transport_handshake_wait(t, timeout_ms);
	if (info)
		tls_get_info(conn, info);
	if (rc < 0) {
		snprintf(err, sizeof err, "%s", t->err);
		diag_err("%s", err);
		transport_free(t);
		snprintf(t->err, sizeof t->err, "%s", err); /* kept for the caller's records */
		return rc == TRANSPORT_ETIMEOUT ? EXIT_TIMEOUT : EXIT_TLS;
	}
	tls_verbose(t);
	return 0;
}
