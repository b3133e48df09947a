/* jsoncheck.c: a streaming check that a text is one JSON value (RFC 8259 §2-§8): a state
 * machine fed byte by byte, so --data-json's body is checked without being held. */
#include "jsoncheck.h"

#include "ascii.h"

#include <string.h>

/* What the next byte may be. */
enum {
	M_VALUE,   /* a value (sub 1: or ']', right after '[') */
	M_KEY,     /* an object's key (sub 1: or '}', right after '{') */
	M_COLON,   /* the ':' after a key */
	M_AFTER,   /* after a value: ',' or a closing bracket, or at depth 0 the end */
	M_STRING,  /* inside a string */
	M_ESC,     /* after a backslash */
	M_HEX,     /* the hex digits of \uXXXX (sub: how many are left) */
	M_UTF8,    /* the continuation bytes of a UTF-8 character (sub: how many are left) */
	M_NUMBER,  /* inside a number (sub: N_*) */
	M_LITERAL, /* inside true, false or null (sub: the next letter's index) */
};

/* The steps of a number: -? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)? */
enum { N_MINUS, N_ZERO, N_INT, N_DOT, N_FRAC, N_E, N_ESIGN, N_EXP };

static int fail(struct jsoncheck *j, const char *why)
{
	j->failed = true;
	j->why = why;
	return -1;
}

void jsoncheck_init(struct jsoncheck *j)
{
	memset(j, 0, sizeof *j);
	j->mode = M_VALUE;
}

static bool in_object(const struct jsoncheck *j)
{
	unsigned d = j->depth - 1;

	return j->stack[d / 8] >> (d % 8) & 1;
}

static int push(struct jsoncheck *j, bool object)
{
	unsigned d = j->depth;

	if (d == JSONCHECK_DEPTH_MAX)
		return fail(j, "nested too deeply");
	if (object)
		j->stack[d / 8] |= (unsigned char)(1u << (d % 8));
	else
		j->stack[d / 8] &= (unsigned char)~(1u << (d % 8));
	j->depth++;
	j->mode = object ? M_KEY : M_VALUE;
	j->sub = 1;
	return 0;
}

static int value_done(struct jsoncheck *j)
{
	j->mode = M_AFTER;
	return 0;
}

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static bool is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* A UTF-8 lead byte inside a string: how many continuation bytes follow, and the bounds of
 * the first (RFC 3629 §4: no overlong forms, no surrogates, nothing above U+10FFFF). */
static int utf8_lead(struct jsoncheck *j, unsigned char c)
{
	j->lo = 0x80;
	j->hi = 0xbf;
	if (c >= 0xc2 && c <= 0xdf)
		j->sub = 1;
	else if (c >= 0xe0 && c <= 0xef)
		j->sub = 2;
	else if (c >= 0xf0 && c <= 0xf4)
		j->sub = 3;
	else
		return fail(j, "invalid UTF-8 in a string");
	if (c == 0xe0)
		j->lo = 0xa0;
	else if (c == 0xed)
		j->hi = 0x9f;
	else if (c == 0xf0)
		j->lo = 0x90;
	else if (c == 0xf4)
		j->hi = 0x8f;
	j->mode = M_UTF8;
	return 0;
}

static int in_string(struct jsoncheck *j, unsigned char c)
{
	if (c == '"') {
		j->mode = j->key ? M_COLON : M_AFTER;
		return 0;
	}
	if (c == '\\') {
		j->mode = M_ESC;
		return 0;
	}
	if (c < 0x20)
		return fail(j, "control byte in a string");
	return c < 0x80 ? 0 : utf8_lead(j, c);
}

static int escape(struct jsoncheck *j, unsigned char c)
{
	if (c == 'u') {
		j->mode = M_HEX;
		j->sub = 4;
		return 0;
	}
	if (c == 0 || !strchr("\"\\/bfnrt", c))
		return fail(j, "invalid escape in a string");
	j->mode = M_STRING;
	return 0;
}

static int hex(struct jsoncheck *j, unsigned char c)
{
	if (ascii_hex_value((char)c) < 0)
		return fail(j, "invalid \\u escape");
	if (--j->sub == 0)
		j->mode = M_STRING;
	return 0;
}

static int utf8_more(struct jsoncheck *j, unsigned char c)
{
	if (c < j->lo || c > j->hi)
		return fail(j, "invalid UTF-8 in a string");
	j->lo = 0x80;
	j->hi = 0xbf;
	if (--j->sub == 0)
		j->mode = M_STRING;
	return 0;
}

/* The next step of a number for c, or -1 when c cannot continue it. */
static int number_step(int st, unsigned char c)
{
	bool d = is_digit(c), e = c == 'e' || c == 'E';

	switch (st) {
	case N_MINUS:
		return c == '0' ? N_ZERO : d ? N_INT : -1;
	case N_ZERO:
		return c == '.' ? N_DOT : e ? N_E : -1;
	case N_INT:
		return d ? N_INT : c == '.' ? N_DOT : e ? N_E : -1;
	case N_DOT:
	case N_FRAC:
		return d ? N_FRAC : e && st == N_FRAC ? N_E : -1;
	case N_E:
		return c == '+' || c == '-' ? N_ESIGN : d ? N_EXP : -1;
	default: /* N_ESIGN, N_EXP */
		return d ? N_EXP : -1;
	}
}

static bool number_whole(int st)
{
	return st == N_ZERO || st == N_INT || st == N_FRAC || st == N_EXP;
}

static int step(struct jsoncheck *j, unsigned char c);

static int number(struct jsoncheck *j, unsigned char c)
{
	int next = number_step(j->sub, c);

	if (next >= 0) {
		j->sub = next;
		return 0;
	}
	if (!number_whole(j->sub))
		return fail(j, "invalid number");
	value_done(j);
	return step(j, c); /* the byte after the number is the next token's */
}

static int literal(struct jsoncheck *j, unsigned char c)
{
	if ((unsigned char)j->lit[j->sub] != c)
		return fail(j, "invalid literal (true, false or null?)");
	if (j->lit[++j->sub] == '\0')
		value_done(j);
	return 0;
}

static int value(struct jsoncheck *j, unsigned char c)
{
	static const char *const lits[] = {"true", "false", "null"};

	if (c == '{' || c == '[')
		return push(j, c == '{');
	if (c == ']' && j->sub == 1) {
		j->depth--;
		return value_done(j);
	}
	if (c == '"') {
		j->mode = M_STRING;
		j->key = false;
		return 0;
	}
	if (c == '-' || is_digit(c)) {
		j->mode = M_NUMBER;
		j->sub = c == '-' ? N_MINUS : c == '0' ? N_ZERO : N_INT;
		return 0;
	}
	for (size_t i = 0; i < sizeof lits / sizeof *lits; i++)
		if (c == (unsigned char)lits[i][0]) {
			j->mode = M_LITERAL;
			j->lit = lits[i];
			j->sub = 1;
			return 0;
		}
	return fail(j, "expected a value");
}

static int key(struct jsoncheck *j, unsigned char c)
{
	if (c == '}' && j->sub == 1) {
		j->depth--;
		return value_done(j);
	}
	if (c != '"')
		return fail(j, "expected a string key");
	j->mode = M_STRING;
	j->key = true;
	return 0;
}

static int after(struct jsoncheck *j, unsigned char c)
{
	if (j->depth == 0)
		return fail(j, "text after the value");
	if (c == ',') {
		j->mode = in_object(j) ? M_KEY : M_VALUE;
		j->sub = 0;
		return 0;
	}
	if (c == (in_object(j) ? '}' : ']')) {
		j->depth--;
		return value_done(j);
	}
	return fail(j, in_object(j) ? "expected ',' or '}'" : "expected ',' or ']'");
}

static int step(struct jsoncheck *j, unsigned char c)
{
	switch (j->mode) {
	case M_STRING:
		return in_string(j, c);
	case M_ESC:
		return escape(j, c);
	case M_HEX:
		return hex(j, c);
	case M_UTF8:
		return utf8_more(j, c);
	case M_NUMBER:
		return number(j, c);
	case M_LITERAL:
		return literal(j, c);
	}
	if (is_space(c)) /* between tokens */
		return 0;
	switch (j->mode) {
	case M_VALUE:
		return value(j, c);
	case M_KEY:
		return key(j, c);
	case M_COLON:
		if (c != ':')
			return fail(j, "expected ':'");
		j->mode = M_VALUE;
		j->sub = 0;
		return 0;
	default:
		return after(j, c);
	}
}

int jsoncheck_feed(struct jsoncheck *j, const char *s, size_t n)
{
	for (size_t i = 0; i < n && !j->failed; i++) {
		if (step(j, (unsigned char)s[i]) < 0)
			return -1;
		j->at++;
	}
	return j->failed ? -1 : 0;
}

int jsoncheck_end(struct jsoncheck *j)
{
	if (j->failed)
		return -1;
	if (j->depth == 0 &&
	    (j->mode == M_AFTER || (j->mode == M_NUMBER && number_whole(j->sub))))
		return 0;
	return fail(j, j->at == 0 || (j->mode == M_VALUE && j->depth == 0)
	                   ? "no JSON value"
	                   : "the text ends early");
}

int jsoncheck_text(struct jsoncheck *j, const char *s, size_t n)
{
	jsoncheck_init(j);
	if (jsoncheck_feed(j, s, n) < 0)
		return -1;
	return jsoncheck_end(j);
}
