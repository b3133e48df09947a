/* main.c: runs every unit suite (the list is generated from tests/unit/test_*.c). */
#include "unit.h"

#include <stdlib.h>

static int passed, failed;

void unit_check(int ok, const char *what, const char *file, int line)
{
	if (ok) {
		passed++;
		return;
	}
	failed++;
	printf("FAIL %s:%d: %s\n", file, line, what);
}

void unit_check_int(long long got, long long want, const char *what, const char *file, int line)
{
	unit_check(got == want, what, file, line);
	if (got != want)
		printf("     got %lld, want %lld\n", got, want);
}

void unit_check_str(const char *got, const char *want, const char *what, const char *file,
                    int line)
{
	int same = (got == NULL || want == NULL) ? got == want : strcmp(got, want) == 0;

	unit_check(same, what, file, line);
	if (!same)
		printf("     got \"%s\", want \"%s\"\n", got ? got : "(null)",
		       want ? want : "(null)");
}

void unit_check_mem(const void *got, size_t gotlen, const void *want, size_t wantlen,
                    const char *what, const char *file, int line)
{
	int same = gotlen == wantlen && (gotlen == 0 || memcmp(got, want, gotlen) == 0);

	unit_check(same, what, file, line);
	if (!same)
		printf("     got %zu bytes, want %zu bytes\n", gotlen, wantlen);
}

#define SUITE(name) void name(void);
#include "suites.h"
#undef SUITE

int main(void)
{
#define SUITE(name)                                                                            \
	do {                                                                                   \
		int before = failed;                                                           \
		name();                                                                        \
		printf("%-24s %s\n", #name, failed == before ? "ok" : "FAILED");               \
	} while (0);
#include "suites.h"
#undef SUITE
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
