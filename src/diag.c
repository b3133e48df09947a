/* diag.c: one-line diagnostics on stderr, verbosity levels, the escaping of what reaches a
 * terminal, and the hex dump. */
#include "diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const char *command;
static int level;

void diag_set_command(const char *cmd)
{
	command = cmd;
}

void diag_set_level(int l)
{
	level = l;
}

int diag_level(void)
{
	return level;
}

/* The length of the valid UTF-8 sequence at s (n bytes left), or 0: shortest form only,
 * no surrogates, nothing past U+10FFFF (RFC 3629). Sets *cp to the code point. */
static size_t utf8_seq(const unsigned char *s, size_t n, unsigned long *cp)
{
	size_t need;
	unsigned long c, min;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		need = 2, c = s[0] & 0x1f, min = 0x80;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		need = 3, c = s[0] & 0x0f, min = 0x800;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		need = 4, c = s[0] & 0x07, min = 0x10000;
	else
		return 0;
	if (n < need)
		return 0;
	for (size_t i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return need;
}

/* Code points a terminal obeys or that reorder what is shown around them. */
static int unsafe_cp(unsigned long c)
{
	return (c >= 0x80 && c <= 0x9f) || c == 0x2028 || c == 0x2029 ||
	       (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

size_t diag_escape(char *dst, size_t cap, const char *src, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)src;
	size_t k = 0, i = 0;

	while (i < len) {
		unsigned long cp = 0;
		size_t n = s[i] < 0x80 ? 1 : utf8_seq(s + i, len - i, &cp);
		int plain = s[i] < 0x80 ? (s[i] >= 0x20 && s[i] != 0x7f) || s[i] == '\t'
		                        : n > 0 && !unsafe_cp(cp);
		/* an invalid lead byte goes alone: resync after it */
		size_t bytes = n > 0 ? n : 1;

		if (k + (plain ? bytes : 4 * bytes) >= cap)
			break;
		for (size_t j = 0; j < bytes; j++, i++) {
			if (plain) {
				dst[k++] = (char)s[i];
				continue;
			}
			dst[k++] = '\\';
			dst[k++] = 'x';
			dst[k++] = hex[s[i] >> 4];
			dst[k++] = hex[s[i] & 15];
		}
	}
	if (cap > 0)
		dst[k] = '\0';
	return k;
}

/* One write per message, so lines of concurrent processes do not interleave; whatever the
 * message quotes (a peer's reason phrase, a name typed) reaches the terminal escaped. */
static void emit(int with_command, const char *fmt, va_list ap)
{
	char text[1024], line[4 * sizeof text + 64];
	int n;

	if (with_command && command)
		n = snprintf(line, sizeof line, "sockit: %s: ", command);
	else
		n = snprintf(line, sizeof line, "sockit: ");
	if (n < 0 || (size_t)n >= sizeof line - 4 * sizeof text)
		n = 0;
	vsnprintf(text, sizeof text, fmt, ap);
	n += (int)diag_escape(line + n, sizeof line - (size_t)n - 1, text, strlen(text));
	line[n++] = '\n';
	fwrite(line, 1, (size_t)n, stderr);
	fflush(stderr);
}

void diag_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(1, fmt, ap);
	va_end(ap);
}

/* The line after a usage error. */
static void try_help(void)
{
	if (command)
		fprintf(stderr, "Try 'sockit %s --help'.\n", command);
}

int diag_fail(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(1, fmt, ap);
	va_end(ap);
	if (status == EXIT_USAGE)
		try_help();
	return status;
}

int diag_usage(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(1, fmt, ap);
	va_end(ap);
	try_help();
	return -1;
}

void diag_verbose_line(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(1, fmt, ap);
	va_end(ap);
}

void diag_always(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(0, fmt, ap);
	va_end(ap);
}

void diag_hexdump(char dir, const void *buf, size_t len)
{
	diag_hexdump_to(stderr, dir, buf, len);
}

void diag_hexdump_to(FILE *out, char dir, const void *buf, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = buf;
	char line[96];

	for (size_t off = 0; off < len; off += 16) {
		size_t n = len - off < 16 ? len - off : 16;
		int k = snprintf(line, sizeof line, "%c %08zx  ", dir, off);

		for (size_t i = 0; i < 16; i++) {
			if (i < n) {
				line[k++] = hex[p[off + i] >> 4];
				line[k++] = hex[p[off + i] & 15];
			} else {
				line[k++] = ' ';
				line[k++] = ' ';
			}
			line[k++] = ' ';
			if (i == 7) /* a gap between the two halves, as hexdump -C */
				line[k++] = ' ';
		}
		line[k++] = '|';
		for (size_t i = 0; i < n; i++) {
			unsigned char c = p[off + i];
			line[k++] = (c >= 0x20 && c < 0x7f) ? (char)c : '.';
		}
		line[k++] = '|';
		line[k++] = '\n';
		fwrite(line, 1, (size_t)k, out);
	}
}
