/* calc.c: the CALC evaluator: recursive descent bounded by the nesting limit, checked int64. */
#include "calc.h"

#include <stdbool.h>
#include <stdio.h>

/* The magnitude of INT64_MIN, a valid literal only right after a unary minus. */
#define MIN_MAGNITUDE ((uint64_t)INT64_MAX + 1)

struct parser {
	const char *s;
	size_t len;
	size_t i;  /* the next byte to read */
	int depth; /* parentheses open around i */
	/* The first error. DIV0 and OVERFLOW are only noted, and the parse goes on, so that a
	 * syntax error found later still wins. */
	enum calc_status st;
	struct calc_error err;
};

static bool parse_expr(struct parser *p, int64_t *v);

static void note(struct parser *p, enum calc_status st, size_t at, const char *what)
{
	p->st = st;
	p->err.pos = at + 1;
	snprintf(p->err.detail, sizeof(p->err.detail), "%s at %zu", what, at + 1);
}

/* Returns false, the value every parse function gives up with. */
static bool syntax(struct parser *p, size_t at, const char *what)
{
	note(p, CALC_SYNTAX, at, what);
	return false;
}

/* A DIV0 or OVERFLOW: only the first counts. Returns the value the parse goes on with. */
static int64_t arith(struct parser *p, enum calc_status st, size_t at, const char *what)
{
	if (p->st == CALC_OK)
		note(p, st, at, what);
	return 0;
}

static bool unexpected(struct parser *p)
{
	char what[32];
	unsigned char c;

	if (p->i >= p->len)
		return syntax(p, p->i, "unexpected end");
	c = (unsigned char)p->s[p->i];
	if (c > ' ' && c < 0x7f)
		snprintf(what, sizeof(what), "unexpected '%c'", c);
	else
		snprintf(what, sizeof(what), "unexpected byte 0x%02x", c);
	return syntax(p, p->i, what);
}

static void skip_spaces(struct parser *p)
{
	while (p->i < p->len && p->s[p->i] == ' ')
		p->i++;
}

static bool at_digit(const struct parser *p)
{
	return p->i < p->len && p->s[p->i] >= '0' && p->s[p->i] <= '9';
}

/* Scans DIGITS; the magnitude saturates past INT64_MIN's so any length costs no overflow. */
static uint64_t scan_number(struct parser *p)
{
	uint64_t mag = 0;

	while (at_digit(p)) {
		unsigned d = (unsigned)(p->s[p->i++] - '0');

		mag = mag > (MIN_MAGNITUDE - d) / 10 ? MIN_MAGNITUDE + 1 : mag * 10 + d;
	}
	return mag;
}

static bool parse_group(struct parser *p, int64_t *v)
{
	if (p->depth == CALC_MAX_DEPTH)
		return syntax(p, p->i, "nesting deeper than 64");
	p->depth++;
	p->i++;
	if (!parse_expr(p, v))
		return false;
	skip_spaces(p);
	if (p->i >= p->len)
		return syntax(p, p->i, "missing ')'");
	if (p->s[p->i] != ')')
		return unexpected(p);
	p->i++;
	p->depth--;
	return true;
}

/*
 * unary := '-'* primary. The minus signs are counted, not recursed on, so ten thousand of
 * them cost no stack; all but the one a literal 9223372036854775808 absorbs cancel in
 * pairs, except on INT64_MIN, whose first negation overflows.
 */
static bool parse_unary(struct parser *p, int64_t *v)
{
	size_t negs = 0, last = 0, before = 0; /* the count and offsets of the last two '-' */
	size_t start;
	uint64_t mag;

	for (skip_spaces(p); p->i < p->len && p->s[p->i] == '-'; skip_spaces(p)) {
		before = last;
		last = p->i++;
		negs++;
	}
	start = p->i;
	if (at_digit(p)) {
		mag = scan_number(p);
		if (negs > 0 && mag == MIN_MAGNITUDE) {
			*v = INT64_MIN;
			negs--;
			last = before;
		} else if (mag > INT64_MAX) {
			*v = arith(p, CALC_OVERFLOW, start, "number out of range");
		} else {
			*v = (int64_t)mag;
		}
	} else if (p->i < p->len && p->s[p->i] == '(') {
		if (!parse_group(p, v))
			return false;
	} else {
		return unexpected(p);
	}
	if (negs > 0 && *v == INT64_MIN)
		*v = arith(p, CALC_OVERFLOW, last, "overflow");
	else if (negs % 2 == 1)
		*v = -*v;
	return true;
}

/* a op b, checked; x / -1 and x % -1 are done apart, as INT64_MIN / -1 traps on x86. */
static int64_t apply(struct parser *p, char op, int64_t a, int64_t b, size_t at)
{
	int64_t r = 0;
	bool over = false;

	switch (op) {
	case '+':
		over = __builtin_add_overflow(a, b, &r);
		break;
	case '-':
		over = __builtin_sub_overflow(a, b, &r);
		break;
	case '*':
		over = __builtin_mul_overflow(a, b, &r);
		break;
	default:
		if (b == 0)
			return arith(p, CALC_DIV0, at, "division by zero");
		if (b == -1)
			over = op == '/' && __builtin_sub_overflow((int64_t)0, a, &r);
		else
			r = op == '/' ? a / b : a % b;
		break;
	}
	return over ? arith(p, CALC_OVERFLOW, at, "overflow") : r;
}

/* The binary operator at i if it is one of ops, else 0 (the caller's level is done). */
static char binary_op(struct parser *p, char op1, char op2, char op3)
{
	char c;

	skip_spaces(p);
	if (p->i >= p->len)
		return 0;
	c = p->s[p->i];
	return c == op1 || c == op2 || c == op3 ? c : 0;
}

static bool parse_term(struct parser *p, int64_t *v)
{
	int64_t rhs;
	size_t at;
	char op;

	if (!parse_unary(p, v))
		return false;
	while ((op = binary_op(p, '*', '/', '%')) != 0) {
		at = p->i++;
		if (!parse_unary(p, &rhs))
			return false;
		*v = apply(p, op, *v, rhs, at);
	}
	return true;
}

static bool parse_expr(struct parser *p, int64_t *v)
{
	int64_t rhs;
	size_t at;
	char op;

	if (!parse_term(p, v))
		return false;
	while ((op = binary_op(p, '+', '-', '+')) != 0) {
		at = p->i++;
		if (!parse_term(p, &rhs))
			return false;
		*v = apply(p, op, *v, rhs, at);
	}
	return true;
}

enum calc_status calc_eval(const char *expr, size_t len, int64_t *out, struct calc_error *e)
{
	struct parser p = {.s = expr, .len = len};
	int64_t v = 0;

	skip_spaces(&p);
	if (p.i == len)
		syntax(&p, 0, "empty expression");
	else if (parse_expr(&p, &v) && p.i < len)
		unexpected(&p); /* what no operator can follow: `1 2`, `1)`, `3+4x` */
	if (p.st == CALC_OK)
		*out = v;
	else if (e != NULL)
		*e = p.err;
	return p.st;
}

const char *calc_status_name(enum calc_status st)
{
	switch (st) {
	case CALC_OK:
		return "OK";
	case CALC_SYNTAX:
		return "SYNTAX";
	case CALC_DIV0:
		return "DIV0";
	case CALC_OVERFLOW:
		return "OVERFLOW";
	}
	return "?";
}
