/* test_body.c: unit tests of the pure parts of request bodies: the multipart/form-data
 * writer, -F's parsing, the boundary check and the type of a file from its name. */
#include "body.h"
#include "unit.h"

/* buf[0..n) is exactly the string literal S. */
#define IS(buf, n, S) CHECK_MEM(buf, n, S, sizeof S - 1)

static void test_mime(void)
{
	CHECK_STR(body_mime_type("a.png"), "image/png");
	CHECK_STR(body_mime_type("/x/y/DATA.CSV"), "text/csv");
	CHECK_STR(body_mime_type("archive.tar.gz"), "application/gzip");
	CHECK_STR(body_mime_type("dir.d/noext"), "application/octet-stream");
	CHECK_STR(body_mime_type("file."), "application/octet-stream");
	CHECK_STR(body_mime_type(".json"), "application/json");
}

static void test_head(void)
{
	char buf[256];
	size_t n;

	n = body_form_head(buf, sizeof buf, "B", "field", 5, NULL, NULL);
	IS(buf, n, "--B\r\nContent-Disposition: form-data; name=\"field\"\r\n\r\n");
	n = body_form_head(buf, sizeof buf, "B", "f", 1, "a\"b\r\n.png", "image/png");
	IS(buf, n,
	   "--B\r\nContent-Disposition: form-data; name=\"f\"; "
	   "filename=\"a%22b%0D%0A.png\"\r\nContent-Type: image/png\r\n\r\n");
	/* too small a buffer: nothing, never a cut head */
	CHECK_INT((long long)body_form_head(buf, 20, "B", "field", 5, NULL, NULL), 0);
	n = body_form_tail(buf, sizeof buf, "B");
	IS(buf, n, "--B--\r\n");
}

static void test_parse(void)
{
	struct body_part p;

	CHECK_INT(body_form_parse(&p, "a=b=c"), 0);
	CHECK_MEM(p.name, p.namelen, "a", 1);
	CHECK_STR(p.value, "b=c");
	CHECK(p.path == NULL && p.fd == -1);
	CHECK_INT(body_form_parse(&p, "file=@/tmp/x.txt"), 0);
	CHECK_STR(p.path, "/tmp/x.txt");
	CHECK(p.value == NULL);
	CHECK_INT(body_form_parse(&p, "e="), 0);
	CHECK_INT((long long)p.valuelen, 0);
	CHECK_INT(body_form_parse(&p, "novalue"), -1);
	CHECK_INT(body_form_parse(&p, "=x"), -1);
	CHECK_INT(body_form_parse(&p, "f=@"), -1);
}

static void test_length(void)
{
	struct body b = {.kind = BODY_FORM, .nparts = 2};
	char head[256];
	uint64_t want;

	memcpy(b.boundary, "xyz", 4);
	body_form_parse(&b.part[0], "a=hello");
	body_form_parse(&b.part[1], "f=@dir/pic.png");
	b.part[1].size = 1000;
	want = body_form_head(head, sizeof head, "xyz", "a", 1, NULL, NULL) + 5 + 2 +
	       body_form_head(head, sizeof head, "xyz", "f", 1, "pic.png", "image/png") + 1000 +
	       2 + body_form_tail(head, sizeof head, "xyz");
	CHECK_INT((long long)body_form_length(&b), (long long)want);
	CHECK_INT((long long)body_length(&b), (long long)want);
	b.kind = BODY_PIPE;
	CHECK_INT((long long)body_length(&b), -1);
}

static void test_boundary(void)
{
	CHECK(body_boundary_free("sockit-abc", "text without it", 15));
	CHECK(!body_boundary_free("sockit-abc", "x--sockit-abcx", 14));
	CHECK(body_boundary_free("sockit-abc", "sockit-ab", 9));
}

void suite_body(void);
void suite_body(void)
{
	test_mime();
	test_head();
	test_parse();
	test_length();
	test_boundary();
}
