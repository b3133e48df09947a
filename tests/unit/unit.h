/* unit.h: the tiny assertion kit shared by the C unit tests. */
#ifndef UNIT_H
#define UNIT_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Records one check; prints a line for a failure only. */
void unit_check(int ok, const char *what, const char *file, int line);
/* Compares two integers and prints both on a mismatch. */
void unit_check_int(long long got, long long want, const char *what, const char *file,
                    int line);
/* Compares two NUL-terminated strings (NULL allowed) and prints both on a mismatch. */
void unit_check_str(const char *got, const char *want, const char *what, const char *file,
                    int line);
/* Compares two byte ranges and prints their lengths on a mismatch. */
void unit_check_mem(const void *got, size_t gotlen, const void *want, size_t wantlen,
                    const char *what, const char *file, int line);

#define CHECK(cond)          unit_check(!!(cond), #cond, __FILE__, __LINE__)
#define CHECK_INT(got, want) unit_check_int((got), (want), #got, __FILE__, __LINE__)
#define CHECK_STR(got, want) unit_check_str((got), (want), #got, __FILE__, __LINE__)
#define CHECK_MEM(got, gotlen, want, wantlen)                                                  \
	unit_check_mem((got), (gotlen), (want), (wantlen), #got, __FILE__, __LINE__)

#endif
