/* fuzz_hints.c: the hint table: any command, flag and value (NUL-separated in the input),
 * and any command word, is looked up without a crash, and a hint found is one printable
 * line. */
#include "hints.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_line(const char *hint)
{
	if (!hint)
		return;
	if (hint[0] == '\0' || strchr(hint, '\n'))
		abort();
	for (const char *c = hint; *c; c++)
		if ((unsigned char)*c < 0x20)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* three NUL-terminated words: the last one always ends in the copy's final NUL */
	char *buf = malloc(size + 3), *cmd, *flag, *value;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	memset(buf + size, 0, 3);
	cmd = buf;
	flag = cmd + strlen(cmd) + 1;
	value = flag + strlen(flag) + 1;
	if (flag > buf + size)
		flag = buf + size + 1;
	if (value > buf + size + 1)
		value = buf + size + 2;
	check_line(hints_unknown(cmd, flag));
	check_line(hints_value(cmd, flag, value));
	check_line(hints_value(cmd, flag, NULL));
	check_line(hints_command(flag));
	free(buf);
	return 0;
}
