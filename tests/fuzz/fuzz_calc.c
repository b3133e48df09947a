/* fuzz_calc.c: libFuzzer target: calc_eval against an independent shunting-yard evaluator. */
#include "calc.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/*
 * The reference reads the same language another way: an operator stack instead of
 * recursion, 128-bit arithmetic with a range check instead of overflow builtins, and
 * C's own / and % on 128 bits (where INT64_MIN / -1 is just out of range). Both must
 * give the same status, and the same value when it is CALC_OK.
 */
#define REF_MAX 4096

struct ref {
	__int128 val[REF_MAX];
	char op[REF_MAX]; /* '(' , 'n' (unary minus) or a binary operator */
	size_t nval, nop;
	int depth;
	enum calc_status st; /* the first DIV0/OVERFLOW */
};

static void first(struct ref *r, enum calc_status st)
{
	if (r->st == CALC_OK)
		r->st = st;
}

static __int128 in_range(struct ref *r, __int128 v)
{
	if (v < INT64_MIN || v > INT64_MAX) {
		first(r, CALC_OVERFLOW);
		return 0;
	}
	return v;
}

/* Applies the operator on top of the stack to the values on top of theirs. */
static void reduce(struct ref *r)
{
	char op = r->op[--r->nop];
	__int128 b = r->val[--r->nval], a;

	if (op == 'n') {
		r->val[r->nval++] = in_range(r, -b);
		return;
	}
	a = r->val[--r->nval];
	if ((op == '/' || op == '%') && b == 0) {
		first(r, CALC_DIV0);
		r->val[r->nval++] = 0;
		return;
	}
	switch (op) {
	case '+':
		a += b;
		break;
	case '-':
		a -= b;
		break;
	case '*':
		a *= b;
		break;
	case '/':
		a /= b;
		break;
	default:
		a %= b;
		break;
	}
	r->val[r->nval++] = in_range(r, a);
}

static int prec(char op)
{
	return op == 'n' ? 3 : op == '*' || op == '/' || op == '%' ? 2 : op == '(' ? 0 : 1;
}

/* A literal; 2^63 right after a unary minus takes that minus along as INT64_MIN. */
static void literal(struct ref *r, const uint8_t *s, size_t n, size_t *i, bool after_minus)
{
	__int128 v = 0;

	while (*i < n && s[*i] >= '0' && s[*i] <= '9') {
		if (v <= (__int128)1 << 70)
			v = v * 10 + (s[*i] - '0');
		(*i)++;
	}
	if (after_minus && v == (__int128)INT64_MAX + 1) {
		r->nop--;
		v = INT64_MIN;
	} else if (v > INT64_MAX) {
		first(r, CALC_OVERFLOW);
		v = 0;
	}
	r->val[r->nval++] = v;
}

/* A '(' , ')' or binary operator; false if it cannot stand here (a syntax error). */
static bool punct(struct ref *r, uint8_t c, bool *operand)
{
	if (*operand && c == '(') {
		r->op[r->nop++] = '(';
		return ++r->depth <= CALC_MAX_DEPTH;
	}
	if (*operand || c == 0)
		return false;
	if (c == ')') {
		while (r->nop > 0 && r->op[r->nop - 1] != '(')
			reduce(r);
		if (r->nop == 0)
			return false;
		r->nop--;
		r->depth--;
		return true;
	}
	if (strchr("+-*/%", c) == NULL)
		return false;
	while (r->nop > 0 && prec(r->op[r->nop - 1]) >= prec((char)c))
		reduce(r);
	r->op[r->nop++] = (char)c;
	*operand = true;
	return true;
}

static enum calc_status ref_eval(struct ref *r, const uint8_t *s, size_t n, int64_t *out)
{
	bool operand = true;      /* expecting an operand, not an operator */
	bool after_minus = false; /* the last token was a unary '-' */
	size_t i = 0;

	while (i < n) {
		uint8_t c = s[i];

		if (c == ' ') {
			i++;
		} else if (operand && c >= '0' && c <= '9') {
			literal(r, s, n, &i, after_minus);
			operand = after_minus = false;
		} else if (operand && c == '-') {
			r->op[r->nop++] = 'n';
			after_minus = true;
			i++;
		} else if (punct(r, c, &operand)) {
			after_minus = false;
			i++;
		} else {
			return CALC_SYNTAX;
		}
	}
	if (operand)
		return CALC_SYNTAX;
	while (r->nop > 0) {
		if (r->op[r->nop - 1] == '(')
			return CALC_SYNTAX;
		reduce(r);
	}
	*out = (int64_t)r->val[0];
	return r->st;
}

static struct ref ref;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct calc_error e1, e2;
	int64_t v1 = 0, v2 = 0, rv = 0;
	enum calc_status st1, st2, rst;

	memset(&e1, 0x55, sizeof(e1));
	st1 = calc_eval((const char *)data, size, &v1, &e1);
	st2 = calc_eval((const char *)data, size, &v2, &e2);
	if (st1 != st2 || (st1 == CALC_OK && v1 != v2))
		abort();
	if (st1 != CALC_OK) {
		/* the detail is a string, names a column inside the input or just past it */
		if (memchr(e1.detail, '\0', sizeof(e1.detail)) == NULL || e1.pos < 1 ||
		    e1.pos > size + 1 || strcmp(e1.detail, e2.detail) != 0)
			abort();
	}
	if (size >= REF_MAX)
		return 0;
	memset(&ref, 0, sizeof(ref));
	rst = ref_eval(&ref, data, size, &rv);
	if (rst != st1 || (rst == CALC_OK && rv != v1))
		abort();
	return 0;
}
