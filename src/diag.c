/* diag.c: one-line diagnostics on stderr, verbosity levels, and the hex dump. */
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

/* One write per message, so lines of concurrent processes do not interleave. */
static void emit(int with_command, const char *fmt, va_list ap)
{
	char line[1024];
	int n;

	if (with_command && command)
		n = snprintf(line, sizeof line, "sockit: %s: ", command);
	else
		n = snprintf(line, sizeof line, "sockit: ");
	vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
	n = (int)strlen(line);
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

int diag_usage(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(1, fmt, ap);
	va_end(ap);
	if (command)
		fprintf(stderr, "Try 'sockit %s --help'.\n", command);
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
