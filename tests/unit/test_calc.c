/* test_calc.c: unit tests of the CALC evaluator, tables and random expressions. */
#include "calc.h"
#include "unit.h"

#include <stdbool.h>
#include <stdlib.h>

struct calc_case {
	const char *expr;
	enum calc_status st;
	int64_t value;
};

static void check_cases(const struct calc_case *cases, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct calc_error e = {0};
		int64_t v = 0;
		enum calc_status st = calc_eval(cases[i].expr, strlen(cases[i].expr), &v, &e);

		CHECK_INT(st, cases[i].st);
		if (st != cases[i].st)
			printf("     for \"%s\" (%s)\n", cases[i].expr, e.detail);
		else if (st == CALC_OK)
			CHECK_INT(v, cases[i].value);
	}
}

#define N(cases) (sizeof(cases) / sizeof((cases)[0]))

static void test_values(void)
{
	static const struct calc_case cases[] = {
	    {"3+4", CALC_OK, 7},
	    {"2*(3+4)-10/3", CALC_OK, 11},
	    {" 3 + 4 ", CALC_OK, 7},
	    {"-7/2", CALC_OK, -3},
	    {"-7%2", CALC_OK, -1},
	    {"7%-2", CALC_OK, 1},
	    {"-7/-2", CALC_OK, 3},
	    {"--3", CALC_OK, 3},
	    {"---3", CALC_OK, -3},
	    {"- - 3", CALC_OK, 3},
	    {"-(3)", CALC_OK, -3},
	    {"2--3", CALC_OK, 5},
	    {"2*-3", CALC_OK, -6},
	    {"-2*3", CALC_OK, -6},
	    {"1-2-3", CALC_OK, -4},
	    {"100/10/5", CALC_OK, 2},
	    {"2+3*4", CALC_OK, 14},
	    {"(2+3)*4", CALC_OK, 20},
	    {"17%5*3", CALC_OK, 6},
	    {"007", CALC_OK, 7},
	    {"0", CALC_OK, 0},
	    {"-0", CALC_OK, 0},
	    {"((((1))))", CALC_OK, 1},
	    {"( 1 + 2 ) * ( 3 )", CALC_OK, 9},
	    {"9223372036854775807", CALC_OK, INT64_MAX},
	    {"-9223372036854775807", CALC_OK, -INT64_MAX},
	    {"-9223372036854775808", CALC_OK, INT64_MIN},
	    {"- 9223372036854775808", CALC_OK, INT64_MIN},
	    {"(-9223372036854775807-1)%-1", CALC_OK, 0},
	    {"-9223372036854775808%-1", CALC_OK, 0},
	    {"-9223372036854775808/1", CALC_OK, INT64_MIN},
	    {"-9223372036854775808%7", CALC_OK, -1},
	    {"9223372036854775807%-1", CALC_OK, 0},
	    {"-9223372036854775807-1", CALC_OK, INT64_MIN},
	    {"3037000499*3037000499", CALC_OK, 9223372030926249001},
	    {"-9223372036854775808+9223372036854775807", CALC_OK, -1},
	    {"9223372036854775807-9223372036854775807", CALC_OK, 0},
	    {"00000000000000000000000000000000000000001", CALC_OK, 1},
	};

	check_cases(cases, N(cases));
}

static void test_errors(void)
{
	static const struct calc_case cases[] = {
	    /* hostile input: limits, overflow, malformed expressions */
	    {"9223372036854775807+1", CALC_OVERFLOW, 0},
	    {"-9223372036854775807-2", CALC_OVERFLOW, 0},
	    {"3037000500*3037000500", CALC_OVERFLOW, 0},
	    {"(-9223372036854775807-1)/-1", CALC_OVERFLOW, 0},
	    {"99999999999999999999", CALC_OVERFLOW, 0},
	    {"1/0", CALC_DIV0, 0},
	    {"1%0", CALC_DIV0, 0},
	    {"", CALC_SYNTAX, 0},
	    {"3+", CALC_SYNTAX, 0},
	    {"++", CALC_SYNTAX, 0},
	    {"3+4x", CALC_SYNTAX, 0},
	    {"0x10", CALC_SYNTAX, 0},
	    {"(1", CALC_SYNTAX, 0},
	    {"1 2", CALC_SYNTAX, 0},
	    /* more of the same kinds */
	    {"   ", CALC_SYNTAX, 0},
	    {"+3", CALC_SYNTAX, 0},
	    {"3++4", CALC_SYNTAX, 0},
	    {"1)", CALC_SYNTAX, 0},
	    {"()", CALC_SYNTAX, 0},
	    {"(1+)", CALC_SYNTAX, 0},
	    {"2(3)", CALC_SYNTAX, 0},
	    {"(3)4", CALC_SYNTAX, 0},
	    {"3 4 +", CALC_SYNTAX, 0},
	    {"*3", CALC_SYNTAX, 0},
	    {"3*", CALC_SYNTAX, 0},
	    {"3//4", CALC_SYNTAX, 0},
	    {"-", CALC_SYNTAX, 0},
	    {"1\t+2", CALC_SYNTAX, 0},
	    {"1.5", CALC_SYNTAX, 0},
	    {"1e3", CALC_SYNTAX, 0},
	    {"1,000", CALC_SYNTAX, 0},
	    {"3 -", CALC_SYNTAX, 0},
	    {"((1)", CALC_SYNTAX, 0},
	    {"(1))", CALC_SYNTAX, 0},
	    /* the syntax error wins, wherever the arithmetic one is */
	    {"1/0 +", CALC_SYNTAX, 0},
	    {"99999999999999999999 2", CALC_SYNTAX, 0},
	    {"9223372036854775807+1)", CALC_SYNTAX, 0},
	    /* then the first arithmetic error in evaluation order */
	    {"1/0+99999999999999999999", CALC_DIV0, 0},
	    {"99999999999999999999+1/0", CALC_OVERFLOW, 0},
	    {"9223372036854775807*2 + 1%0", CALC_OVERFLOW, 0},
	    {"-9223372036854775808/0", CALC_DIV0, 0},
	    {"0/0", CALC_DIV0, 0},
	    {"0%0", CALC_DIV0, 0},
	    /* 2^63 only right under a unary minus */
	    {"9223372036854775808", CALC_OVERFLOW, 0},
	    {"-(9223372036854775808)", CALC_OVERFLOW, 0},
	    {"1-9223372036854775808", CALC_OVERFLOW, 0},
	    {"--9223372036854775808", CALC_OVERFLOW, 0},
	    {"-9223372036854775809", CALC_OVERFLOW, 0},
	    {"-(-9223372036854775807-1)", CALC_OVERFLOW, 0},
	    {"-9223372036854775808/-1", CALC_OVERFLOW, 0},
	    {"-9223372036854775808*-1", CALC_OVERFLOW, 0},
	    {"-9223372036854775808-1", CALC_OVERFLOW, 0},
	    {"0-9223372036854775807-2", CALC_OVERFLOW, 0},
	    {"9223372036854775807+1-1", CALC_OVERFLOW, 0},
	    {"4611686018427387904*2", CALC_OVERFLOW, 0},
	    {"-4611686018427387904*2", CALC_OK, INT64_MIN},
	    {"18446744073709551616", CALC_OVERFLOW, 0},
	    {"18446744073709551615", CALC_OVERFLOW, 0},
	};

	check_cases(cases, N(cases));
}

static void check_detail(const char *expr, enum calc_status st, size_t pos, const char *detail)
{
	struct calc_error e = {0};
	int64_t v = 0;

	CHECK_INT(calc_eval(expr, strlen(expr), &v, &e), st);
	CHECK_INT(e.pos, pos);
	CHECK_STR(e.detail, detail);
}

static void test_details(void)
{
	check_detail("(1+)", CALC_SYNTAX, 4, "unexpected ')' at 4");
	check_detail("1 2", CALC_SYNTAX, 3, "unexpected '2' at 3");
	check_detail("3+4x", CALC_SYNTAX, 4, "unexpected 'x' at 4");
	check_detail("3+", CALC_SYNTAX, 3, "unexpected end at 3");
	check_detail("(1", CALC_SYNTAX, 3, "missing ')' at 3");
	check_detail("", CALC_SYNTAX, 1, "empty expression at 1");
	check_detail("1\t2", CALC_SYNTAX, 2, "unexpected byte 0x09 at 2");
	check_detail("1/0", CALC_DIV0, 2, "division by zero at 2");
	check_detail("7 % 0", CALC_DIV0, 3, "division by zero at 3");
	check_detail("9223372036854775807+1", CALC_OVERFLOW, 20, "overflow at 20");
	check_detail("1+99999999999999999999", CALC_OVERFLOW, 3, "number out of range at 3");
	check_detail("9223372036854775808", CALC_OVERFLOW, 1, "number out of range at 1");
	check_detail("--9223372036854775808", CALC_OVERFLOW, 1, "overflow at 1");
	check_detail("- -(-9223372036854775807-1)", CALC_OVERFLOW, 3, "overflow at 3");
	check_detail("1/0 +", CALC_SYNTAX, 6, "unexpected end at 6");
}

/* Builds n copies of unit between prefix and suffix, for the nesting tests. */
static char *repeat(const char *prefix, const char *unit, size_t n, const char *suffix,
                    size_t *len)
{
	size_t pl = strlen(prefix), ul = strlen(unit), sl = strlen(suffix), i;
	char *s = malloc(pl + ul * n + sl + 1);

	if (s == NULL)
		abort();
	memcpy(s, prefix, pl);
	for (i = 0; i < n; i++)
		memcpy(s + pl + i * ul, unit, ul);
	memcpy(s + pl + n * ul, suffix, sl + 1);
	*len = pl + ul * n + sl;
	return s;
}

static enum calc_status eval_nested(size_t depth, int64_t *v)
{
	size_t len, half;
	char *open = repeat("", "(", depth, "7", &half);
	char *s = repeat(open, ")", depth, "", &len);
	enum calc_status st = calc_eval(s, len, v, NULL);

	free(open);
	free(s);
	return st;
}

static void test_nesting(void)
{
	int64_t v = 0;
	size_t len;
	char *s;

	CHECK_INT(eval_nested(64, &v), CALC_OK);
	CHECK_INT(v, 7);
	CHECK_INT(eval_nested(65, &v), CALC_SYNTAX);
	/* 10 000 '(' and then some: a quick syntax error, no deep recursion */
	s = repeat("", "(", 10000, "1", &len);
	CHECK_INT(calc_eval(s, len, &v, NULL), CALC_SYNTAX);
	free(s);
	CHECK_INT(eval_nested(100000, &v), CALC_SYNTAX);
	/* siblings do not add up: depth is what is open at once */
	s = repeat("0", "+((((((((((1))))))))))", 1000, "", &len);
	CHECK_INT(calc_eval(s, len, &v, NULL), CALC_OK);
	CHECK_INT(v, 1000);
	free(s);
	/* unary minus is counted, not recursed on */
	s = repeat("", "-", 100000, "5", &len);
	CHECK_INT(calc_eval(s, len, &v, NULL), CALC_OK);
	CHECK_INT(v, 5);
	free(s);
	s = repeat("", "- ", 100001, "9223372036854775808", &len);
	CHECK_INT(calc_eval(s, len, &v, NULL), CALC_OVERFLOW);
	free(s);
	s = repeat("", "-", 1, "9223372036854775808", &len);
	CHECK_INT(calc_eval(s, len, &v, NULL), CALC_OK);
	CHECK_INT(v, INT64_MIN);
	free(s);
	/* a literal of 50 000 digits is just out of range */
	s = repeat("1+", "9", 50000, "", &len);
	CHECK_INT(calc_eval(s, len, &v, NULL), CALC_OVERFLOW);
	free(s);
}

/*
 * Random expressions: a tree, printed with random spacing and only the parentheses its
 * shape needs (sometimes more), evaluated here on the tree with the compiler's checked
 * builtins, first error in post-order: calc_eval must agree on the text.
 */
enum kind { LIT, NEG, BIN };

struct node {
	enum kind kind;
	char op;
	bool paren;   /* printed in parentheses it does not need */
	bool huge;    /* a literal above 2^64 */
	uint64_t mag; /* a literal's magnitude */
	struct node *kid[2];
};

static uint64_t rng_state = 42;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static uint64_t random_magnitude(void)
{
	/* the overflow edges of * and of + after a product */
	static const uint64_t edges[] = {3037000499u, 3037000500u, 4294967296u,
	                                 4611686018427387904u};

	switch (rnd() % 5) {
	case 0:
		return edges[rnd() % N(edges)];
	case 1:
		return (uint64_t)INT64_MAX - 1 + rnd() % 4; /* around the literal limit 2^63 */
	case 2:
		return rnd() % 1000;
	case 3:
		return rnd() >> (rnd() % 64);
	default:
		return rnd() % 10;
	}
}

static struct node *gen(int depth)
{
	struct node *n = calloc(1, sizeof(*n));
	unsigned pick = (unsigned)(rnd() % 10);

	if (n == NULL)
		abort();
	n->paren = rnd() % 8 == 0;
	if (depth == 0 || pick < 3) {
		n->kind = LIT;
		n->huge = rnd() % 64 == 0;
		n->mag = random_magnitude();
	} else if (pick < 5) {
		n->kind = NEG;
		n->kid[0] = gen(depth - 1);
	} else {
		n->kind = BIN;
		n->op = "+-*/%"[rnd() % 5];
		n->kid[0] = gen(depth - 1);
		n->kid[1] = gen(depth - 1);
	}
	return n;
}

static void free_tree(struct node *n)
{
	if (n == NULL)
		return;
	free_tree(n->kid[0]);
	free_tree(n->kid[1]);
	free(n);
}

static int prec(const struct node *n)
{
	if (n->kind == BIN)
		return n->op == '+' || n->op == '-' ? 1 : 2;
	return n->kind == NEG ? 3 : 4;
}

struct text {
	char buf[4096];
	size_t len;
};

static void emit(struct text *t, const char *s)
{
	size_t n = strlen(s);

	if (t->len + n < sizeof(t->buf)) {
		memcpy(t->buf + t->len, s, n);
		t->len += n;
	}
}

static void spaces(struct text *t)
{
	if (rnd() % 3 == 0)
		emit(t, rnd() % 2 ? " " : "  ");
}

static void print_node(struct text *t, const struct node *n, bool need_paren);

static void print_bare(struct text *t, const struct node *n)
{
	char num[32];

	switch (n->kind) {
	case LIT:
		snprintf(num, sizeof(num), "%llu", (unsigned long long)n->mag);
		emit(t, n->huge ? "99999999999999999999" : num);
		break;
	case NEG:
		emit(t, "-");
		spaces(t);
		print_node(t, n->kid[0], n->kid[0]->kind == BIN);
		break;
	case BIN: {
		char op[2] = {n->op, '\0'};

		print_node(t, n->kid[0], prec(n->kid[0]) < prec(n));
		spaces(t);
		emit(t, op);
		spaces(t);
		/* left associative: an equal-precedence right operand needs its parentheses */
		print_node(t, n->kid[1], prec(n->kid[1]) <= prec(n));
		break;
	}
	}
}

static void print_node(struct text *t, const struct node *n, bool need_paren)
{
	if (!need_paren && !n->paren) {
		print_bare(t, n);
		return;
	}
	emit(t, "(");
	spaces(t);
	print_bare(t, n);
	spaces(t);
	emit(t, ")");
}

static void first(enum calc_status *st, enum calc_status now)
{
	if (*st == CALC_OK)
		*st = now;
}

static int64_t ref_binary(char op, int64_t a, int64_t b, enum calc_status *st)
{
	int64_t r = 0;
	bool over = false;

	if (op == '+')
		over = __builtin_add_overflow(a, b, &r);
	else if (op == '-')
		over = __builtin_sub_overflow(a, b, &r);
	else if (op == '*' || b == -1)
		over = __builtin_mul_overflow(a, op == '*' ? b : -1, &r);
	else if (b != 0)
		r = op == '/' ? a / b : a % b;
	if (op == '%' && b == -1)
		return 0;
	if ((op == '/' || op == '%') && b == 0)
		first(st, CALC_DIV0);
	if (over)
		first(st, CALC_OVERFLOW);
	return r;
}

static int64_t ref_eval(const struct node *n, enum calc_status *st)
{
	const struct node *k = n->kid[0];
	int64_t a, b, r = 0;

	switch (n->kind) {
	case LIT:
		if (n->huge || n->mag > (uint64_t)INT64_MAX) {
			first(st, CALC_OVERFLOW);
			return 0;
		}
		return (int64_t)n->mag;
	case NEG:
		/* printed as "-9223372036854775808": the one literal that is INT64_MIN */
		if (k->kind == LIT && !k->paren && !k->huge && k->mag == 9223372036854775808u)
			return INT64_MIN;
		a = ref_eval(k, st);
		if (__builtin_sub_overflow((int64_t)0, a, &r))
			first(st, CALC_OVERFLOW);
		return r;
	case BIN:
		a = ref_eval(n->kid[0], st);
		b = ref_eval(n->kid[1], st);
		return ref_binary(n->op, a, b, st);
	}
	return 0;
}

static void test_random(void)
{
	int i, bad = 0, ok = 0;

	for (i = 0; i < 5000; i++) {
		struct node *tree = gen(1 + i % 6);
		struct text t = {.len = 0};
		enum calc_status want = CALC_OK, got;
		int64_t wantv, gotv = 0;

		spaces(&t);
		print_node(&t, tree, false);
		spaces(&t);
		wantv = ref_eval(tree, &want);
		got = calc_eval(t.buf, t.len, &gotv, NULL);
		if (got != want || (got == CALC_OK && gotv != wantv)) {
			if (bad++ < 5)
				printf("     \"%.*s\": got %d %lld, want %d %lld\n", (int)t.len,
				       t.buf, got, (long long)gotv, want, (long long)wantv);
		}
		ok += got == CALC_OK;
		free_tree(tree);
	}
	CHECK_INT(bad, 0);
	/* the generator must not be all errors, or the test tests nothing */
	CHECK(ok > 1000);
}

static void test_status_names(void)
{
	CHECK_STR(calc_status_name(CALC_OK), "OK");
	CHECK_STR(calc_status_name(CALC_SYNTAX), "SYNTAX");
	CHECK_STR(calc_status_name(CALC_DIV0), "DIV0");
	CHECK_STR(calc_status_name(CALC_OVERFLOW), "OVERFLOW");
}

void suite_calc(void);
void suite_calc(void)
{
	test_values();
	test_errors();
	test_details();
	test_nesting();
	test_random();
	test_status_names();
}
