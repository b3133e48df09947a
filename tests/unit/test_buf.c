/* test_buf.c: the one growing buffer: appends, growth by doubling, reset and free. */
#include "buf.h"
#include "unit.h"

#include <string.h>

void suite_buf(void);
void suite_buf(void)
{
	struct buf b = {0};
	char big[1000];

	buf_puts(&b, "ab");
	buf_putc(&b, 'c');
	buf_put(&b, "", 0);
	CHECK_MEM(b.data, b.len, "abc", 3);
	CHECK_INT(b.cap, 256);
	memset(big, 'x', sizeof big);
	buf_put(&b, big, sizeof big); /* 1003 bytes: 256 doubled to 1024 */
	CHECK_INT(b.len, 1003);
	CHECK_INT(b.cap, 1024);
	CHECK(!b.failed && memcmp(b.data + 3, big, sizeof big) == 0);
	buf_reset(&b);
	CHECK_INT(b.len, 0);
	CHECK_INT(b.cap, 1024);               /* the memory is kept */
	buf_put(&b, big, (size_t)-1 / 2 + 1); /* past half the address space: failed for good */
	CHECK(b.failed);
	buf_puts(&b, "more");
	CHECK(b.failed && b.len == 0);
	buf_reset(&b);
	buf_puts(&b, "ok");
	CHECK(!b.failed && b.len == 2);
	buf_free(&b);
	CHECK(b.data == NULL && b.len == 0 && b.cap == 0);
}
