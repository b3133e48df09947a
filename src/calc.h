/* calc.h: the CALC expression evaluator: signed 64-bit integers, every operation checked.
 * Pure: no I/O, no allocation, stack use bounded by CALC_MAX_DEPTH whatever the input. */
#ifndef CALC_H
#define CALC_H

#include <stddef.h>
#include <stdint.h>

/*
 * The language (sockit(1), "The calc protocol"):
 *   expr  := term (('+' | '-') term)*          left-associative
 *   term  := unary (('*' | '/' | '%') unary)*  left-associative
 *   unary := '-'* primary                      binds tighter than * / %, as in C
 *   primary := DIGITS | '(' expr ')'
 * - Literals are decimal digits only (leading zeros allowed; no sign, no 0x, no suffix).
 *   A literal must fit in int64_t, except 9223372036854775808 directly after a unary
 *   minus (spaces between allowed), which is INT64_MIN: `-(9223372036854775808)` and
 *   `1-9223372036854775808` are CALC_OVERFLOW.
 * - Unary minus may repeat (`--3` is 3); there is no unary plus (`+3`, `++` are syntax).
 * - Only the space character separates tokens; a tab is a syntax error.
 * - Parentheses nest at most CALC_MAX_DEPTH deep; deeper is CALC_SYNTAX.
 * - `/` truncates toward zero and `%` takes the sign of the dividend, as in C; x % -1 is 0
 *   for every x; a zero divisor is CALC_DIV0; any result outside int64_t, intermediate
 *   ones included, is CALC_OVERFLOW.
 * Which error wins: the whole expression is parsed first, so CALC_SYNTAX beats the others
 * (`1/0 +` is a syntax error); otherwise the first DIV0 or OVERFLOW in evaluation order
 * (left to right, operands before their operator) is the one reported.
 */
#define CALC_MAX_DEPTH 64

enum calc_status { CALC_OK = 0, CALC_SYNTAX, CALC_DIV0, CALC_OVERFLOW };

/* Where and why an expression failed. */
struct calc_error {
	size_t pos;      /* the 1-based column the detail names (len + 1 for the end) */
	char detail[64]; /* e.g. "unexpected ')' at 5", for `ERR:SYNTAX unexpected ')' at 5` */
};

/* Evaluates expr[0..len) (not NUL-terminated): CALC_OK with *out set, else an error and *e
 * filled (e may be NULL). */
enum calc_status calc_eval(const char *expr, size_t len, int64_t *out, struct calc_error *e);
/* The reply code of a status: "OK", "SYNTAX", "DIV0" or "OVERFLOW". */
const char *calc_status_name(enum calc_status st);

#endif
