/* fuzz_json.c: any bytes as a JSON string value: the line is always valid JSON (checked
 * structurally here), and valid UTF-8 comes back unchanged when the escapes are undone. */
#include "ascii.h"
#include "json.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok)
{
	if (!ok)
		abort();
}

/* Appends code point cp (never a surrogate here) to out as UTF-8. */
static size_t put_utf8(unsigned char *out, unsigned cp)
{
	if (cp < 0x80)
		return out[0] = (unsigned char)cp, 1;
	if (cp < 0x800)
		return out[0] = (unsigned char)(0xc0 | cp >> 6), out[1] = 0x80 | (cp & 0x3f), 2;
	out[0] = (unsigned char)(0xe0 | cp >> 12);
	out[1] = 0x80 | ((cp >> 6) & 0x3f);
	out[2] = 0x80 | (cp & 0x3f);
	return 3;
}

/* Parses the JSON string at s (after its opening quote), decoding it into out. Returns
 * the index just past its closing quote; aborts on anything RFC 8259 forbids. */
static size_t parse_string(const char *s, size_t n, unsigned char *out, size_t *outlen)
{
	size_t i = 0, len;

	*outlen = 0;
	while (i < n && s[i] != '"') {
		unsigned char c = (unsigned char)s[i];
		check(c >= 0x20); /* no raw control byte */
		if (c != '\\') {
			len = json_utf8_char((const unsigned char *)s + i, n - i);
			check(len > 0); /* the output is valid UTF-8 */
			memcpy(out + *outlen, s + i, len);
			*outlen += len;
			i += len;
			continue;
		}
		check(i + 1 < n);
		c = (unsigned char)s[i + 1];
		if (c == 'u') {
			unsigned cp = 0;
			check(i + 6 <= n);
			for (int k = 2; k < 6; k++) {
				int v = ascii_hex_value(s[i + k]);
				check(v >= 0);
				cp = cp << 4 | (unsigned)v;
			}
			check(cp < 0xd800 || cp > 0xdfff); /* the writer never splits a pair */
			*outlen += put_utf8(out + *outlen, cp);
			i += 6;
		} else {
			check(strchr("\"\\/bfnrt", c) != NULL && c != 0);
			out[(*outlen)++] = c;
			i += 2;
		}
	}
	check(i < n);
	return i + 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct json j;
	unsigned char *decoded = malloc(size * 3 + 16);
	size_t n, end, declen;
	char *line;
	FILE *f;

	check(decoded != NULL);
	json_begin(&j);
	json_str(&j, "k", (const char *)data, size);
	/* the line as it would reach stdout */
	f = open_memstream(&line, &n);
	check(f != NULL && json_end(&j, f) == 0);
	fclose(f);
	check(n >= 9 && memcmp(line, "{\"k\":\"", 6) == 0);
	end = 6 + parse_string(line + 6, n - 6, decoded, &declen);
	check(end == n - 2 && memcmp(line + end, "}\n", 2) == 0);
	/* valid UTF-8 comes back as it was (only escapes were added) */
	if (json_utf8_valid((const char *)data, size))
		check(declen == size && memcmp(decoded, data, size) == 0);
	free(line);
	free(decoded);
	return 0;
}
