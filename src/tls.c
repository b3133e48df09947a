/* tls.c: TLS through the system's OpenSSL 3, loaded with dlopen(3) on first use. The
 * few functions called are declared here (their prototypes as in OpenSSL 3.0's
 * <openssl/ssl.h>, the types opaque, the macros spelled as the SSL_ctrl calls they stand
 * for), so the binary builds without OpenSSL's headers and links libc only. */
#include "tls.h"

#include "base64.h"

#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* --- OpenSSL 3.0's ABI: opaque types, constants, prototypes ---------------------- */

typedef struct ssl_st SSL;
typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_method_st SSL_METHOD;
typedef struct ssl_cipher_st SSL_CIPHER;
typedef struct x509_st X509;
typedef struct X509_name_st X509_NAME;
typedef struct X509_pubkey_st X509_PUBKEY;
typedef struct X509_VERIFY_PARAM_st X509_VERIFY_PARAM;
typedef struct asn1_string_st ASN1_STRING;
typedef struct asn1_string_st ASN1_TIME;
typedef struct evp_md_st EVP_MD;
typedef struct engine_st ENGINE;
typedef struct bio_st BIO;
typedef struct stack_st OPENSSL_STACK;
typedef struct {
	int type; /* GEN_DNS, GEN_IPADD, ... */
	union {
		ASN1_STRING *str; /* dNSName (IA5String), iPAddress (OCTET STRING) */
	} d;
} GENERAL_NAME;

#define SSL_CTRL_SET_TLSEXT_HOSTNAME        55 /* SSL_set_tlsext_host_name */
#define TLSEXT_NAMETYPE_host_name           0
#define SSL_CTRL_SET_MIN_PROTO_VERSION      123 /* SSL_CTX_set_min_proto_version */
#define SSL_CTRL_MODE                       33  /* SSL_CTX_set_mode */
#define SSL_CTRL_SET_READ_AHEAD             41  /* SSL_CTX_set_read_ahead */
#define TLS1_2_VERSION                      0x0303
#define SSL_MODE_ENABLE_PARTIAL_WRITE       0x1u
#define SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER 0x2u
#define SSL_MODE_AUTO_RETRY                 0x4u
#define SSL_MODE_RELEASE_BUFFERS            0x10u
#define SSL_MODE_NO_AUTO_CHAIN              0x8u
#define SSL_OP_ENABLE_KTLS                  ((uint64_t)1 << 3)
#define SSL_OP_IGNORE_UNEXPECTED_EOF        ((uint64_t)1 << 7)
#define SSL_OP_NO_RENEGOTIATION             ((uint64_t)1 << 30)
#define SSL_VERIFY_NONE                     0x00
#define SSL_VERIFY_PEER                     0x01
#define SSL_VERIFY_FAIL_IF_NO_PEER_CERT     0x02
#define SSL_FILETYPE_PEM                    1
#define SSL_ERROR_SSL                       1
#define SSL_ERROR_WANT_READ                 2
#define SSL_ERROR_WANT_WRITE                3
#define SSL_ERROR_SYSCALL                   5
#define SSL_ERROR_ZERO_RETURN               6
#define BIO_CTRL_GET_KTLS_SEND              73 /* BIO_get_ktls_send */
#define OPENSSL_VERSION_STRING              6
#define NID_subject_alt_name                85
#define GEN_DNS                             2
#define GEN_IPADD                           7
#define ERR_LIB_SSL                         20
#define ERR_LIB_X509                        11
#define X509_R_KEY_VALUES_MISMATCH          116
#define ERR_SYSTEM_FLAG                     0x80000000ul
#define ERR_GET_LIB(e)                      (((e)&ERR_SYSTEM_FLAG) ? 2 : (int)(((e) >> 23) & 0xFF))
#define ERR_GET_REASON(e)                   (((e)&ERR_SYSTEM_FLAG) ? (int)((e)&0x7FFFFFFF) : (int)((e)&0x7FFFFF))
/* X509_V_ERR_* (x509_vfy.h) */
#define V_OK                     0
#define V_UNABLE_GET_ISSUER      2
#define V_NOT_YET_VALID          9
#define V_HAS_EXPIRED            10
#define V_DEPTH_ZERO_SELF_SIGNED 18
#define V_SELF_SIGNED_IN_CHAIN   19
#define V_UNABLE_ISSUER_LOCALLY  20
#define V_UNABLE_VERIFY_LEAF     21
#define V_HOSTNAME_MISMATCH      62
#define V_IP_MISMATCH            64
/* SSL_R_* (sslerr.h): SSL_AD_REASON_OFFSET (1000) + an alert's number for alerts */
#define R_WRONG_VERSION_NUMBER          267
#define R_PACKET_LENGTH_TOO_LONG        198
#define R_HTTP_REQUEST                  156
#define R_RECORD_LENGTH_MISMATCH        213
#define R_UNEXPECTED_EOF                294
#define R_UNSUPPORTED_PROTOCOL          258
#define R_NO_PROTOCOLS                  191
#define R_PEER_NO_CERTIFICATE           199
#define R_ALERT_HANDSHAKE_FAILURE       1040
#define R_ALERT_BAD_CERTIFICATE         1042
#define R_ALERT_UNKNOWN_CA              1048
#define R_ALERT_PROTOCOL_VERSION        1070
#define R_ALERT_CERTIFICATE_REQUIRED    1116
#define R_ALERT_NO_APPLICATION_PROTOCOL 1120

/* Every function called, resolved once: X(return type, name, parameters). */
#define TLS_FUNCTIONS                                                                          \
	X(const char *, OpenSSL_version, (int))                                                \
	X(const SSL_METHOD *, TLS_client_method, (void))                                       \
	X(const SSL_METHOD *, TLS_server_method, (void))                                       \
	X(SSL_CTX *, SSL_CTX_new, (const SSL_METHOD *))                                        \
	X(void, SSL_CTX_free, (SSL_CTX *))                                                     \
	X(long, SSL_CTX_ctrl, (SSL_CTX *, int, long, void *))                                  \
	X(uint64_t, SSL_CTX_set_options, (SSL_CTX *, uint64_t))                                \
	X(void, SSL_CTX_set_verify, (SSL_CTX *, int, void *))                                  \
	X(int, SSL_CTX_set_default_verify_paths, (SSL_CTX *))                                  \
	X(int, SSL_CTX_load_verify_locations, (SSL_CTX *, const char *, const char *))         \
	X(int, SSL_CTX_use_certificate_chain_file, (SSL_CTX *, const char *))                  \
	X(int, SSL_CTX_use_PrivateKey_file, (SSL_CTX *, const char *, int))                    \
	X(int, SSL_CTX_check_private_key, (const SSL_CTX *))                                   \
	X(int, SSL_CTX_set_alpn_protos, (SSL_CTX *, const unsigned char *, unsigned))          \
	X(void, SSL_CTX_set_default_read_buffer_len, (SSL_CTX *, size_t))                      \
	X(int, SSL_CTX_set_num_tickets, (SSL_CTX *, size_t))                                   \
	X(SSL *, SSL_new, (SSL_CTX *))                                                         \
	X(void, SSL_free, (SSL *))                                                             \
	X(int, SSL_set_fd, (SSL *, int))                                                       \
	X(long, SSL_ctrl, (SSL *, int, long, void *))                                          \
	X(int, SSL_set1_host, (SSL *, const char *))                                           \
	X(X509_VERIFY_PARAM *, SSL_get0_param, (SSL *))                                        \
	X(void, SSL_set_connect_state, (SSL *))                                                \
	X(void, SSL_set_accept_state, (SSL *))                                                 \
	X(int, SSL_do_handshake, (SSL *))                                                      \
	X(int, SSL_read, (SSL *, void *, int))                                                 \
	X(int, SSL_write, (SSL *, const void *, int))                                          \
	X(int, SSL_shutdown, (SSL *))                                                          \
	X(int, SSL_get_error, (const SSL *, int))                                              \
	X(int, SSL_pending, (const SSL *))                                                     \
	X(int, SSL_has_pending, (const SSL *))                                                 \
	X(long, SSL_get_verify_result, (const SSL *))                                          \
	X(X509 *, SSL_get1_peer_certificate, (const SSL *))                                    \
	X(const char *, SSL_get_version, (const SSL *))                                        \
	X(const SSL_CIPHER *, SSL_get_current_cipher, (const SSL *))                           \
	X(const char *, SSL_CIPHER_get_name, (const SSL_CIPHER *))                             \
	X(void, SSL_get0_alpn_selected, (const SSL *, const unsigned char **, unsigned *))     \
	X(const char *, SSL_get_servername, (const SSL *, int))                                \
	X(BIO *, SSL_get_wbio, (const SSL *))                                                  \
	X(BIO *, SSL_get_rbio, (const SSL *))                                                  \
	X(uint64_t, BIO_number_read, (BIO *))                                                  \
	X(long, BIO_ctrl, (BIO *, int, long, void *))                                          \
	X(int, X509_VERIFY_PARAM_set1_ip_asc, (X509_VERIFY_PARAM *, const char *))             \
	X(const char *, X509_verify_cert_error_string, (long))                                 \
	X(void, X509_free, (X509 *))                                                           \
	X(const ASN1_TIME *, X509_get0_notAfter, (const X509 *))                               \
	X(const ASN1_TIME *, X509_get0_notBefore, (const X509 *))                              \
	X(X509_NAME *, X509_get_subject_name, (const X509 *))                                  \
	X(X509_NAME *, X509_get_issuer_name, (const X509 *))                                   \
	X(char *, X509_NAME_oneline, (const X509_NAME *, char *, int))                         \
	X(void *, X509_get_ext_d2i, (const X509 *, int, int *, int *))                         \
	X(X509_PUBKEY *, X509_get_X509_PUBKEY, (const X509 *))                                 \
	X(int, i2d_X509_PUBKEY, (const X509_PUBKEY *, unsigned char **))                       \
	X(void, GENERAL_NAMES_free, (OPENSSL_STACK *))                                         \
	X(int, OPENSSL_sk_num, (const OPENSSL_STACK *))                                        \
	X(void *, OPENSSL_sk_value, (const OPENSSL_STACK *, int))                              \
	X(const unsigned char *, ASN1_STRING_get0_data, (const ASN1_STRING *))                 \
	X(int, ASN1_STRING_length, (const ASN1_STRING *))                                      \
	X(int, ASN1_TIME_diff, (int *, int *, const ASN1_TIME *, const ASN1_TIME *))           \
	X(int, ASN1_TIME_to_tm, (const ASN1_TIME *, struct tm *))                              \
	X(const EVP_MD *, EVP_sha256, (void))                                                  \
	X(int, EVP_Digest,                                                                     \
	  (const void *, size_t, unsigned char *, unsigned *, const EVP_MD *, ENGINE *))       \
	X(unsigned long, ERR_get_error, (void))                                                \
	X(unsigned long, ERR_peek_error, (void))                                               \
	X(void, ERR_clear_error, (void))                                                       \
	X(const char *, ERR_reason_error_string, (unsigned long))

static struct {
#define X(ret, name, args) ret(*name) args;
	TLS_FUNCTIONS
#undef X
} ssl;

#define LIBSSL        "libssl.so.3"
#define READ_BUFFER   (64 * 1024) /* raw bytes one read(2) takes with read-ahead */
#define MISSING_WORDS "TLS needs " LIBSSL " (Debian: apt-get install libssl3)"

static int load_state; /* 0: not tried; 1: loaded; -1: missing */
static char load_err[TLS_ERR_LEN];

/* Resolves every function of the table from the library (libcrypto's come with it). */
static int resolve_all(void *h)
{
#define X(ret, name, args)                                                                     \
	if (!(*(void **)&ssl.name = dlsym(h, #name))) {                                        \
		snprintf(load_err, sizeof load_err, LIBSSL " lacks %s: %s", #name,             \
		         MISSING_WORDS);                                                       \
		return -1;                                                                     \
	}
	TLS_FUNCTIONS
#undef X
	return 0;
}

int tls_load(char *err)
{
	if (load_state == 0) {
		/* RTLD_LOCAL: OpenSSL's names stay out of the global scope */
		void *h = dlopen(LIBSSL, RTLD_NOW | RTLD_LOCAL);
		if (!h)
			snprintf(load_err, sizeof load_err, "%s", MISSING_WORDS);
		load_state = h && resolve_all(h) == 0 ? 1 : -1;
	}
	if (load_state < 0) {
		snprintf(err, TLS_ERR_LEN, "%s", load_err);
		return TLS_EFAIL;
	}
	return 0;
}

char *tls_describe(char *buf, size_t cap)
{
	char err[TLS_ERR_LEN];

	if (tls_load(err) < 0)
		snprintf(buf, cap, "unavailable (" LIBSSL " not found)");
	else
		snprintf(buf, cap, "OpenSSL %s (loaded on use)",
		         ssl.OpenSSL_version(OPENSSL_VERSION_STRING));
	return buf;
}

/* --- contexts -------------------------------------------------------------------- */

struct tls_ctx {
	SSL_CTX *ctx;
	struct tls_client_opts client; /* copied: pins, name, insecure */
	bool is_client;
};

/* The first error of the queue (the cause), or 0; clears the queue. */
static unsigned long first_error(void)
{
	unsigned long e = ssl.ERR_get_error(), next;

	while ((next = ssl.ERR_get_error()) != 0)
		;
	return e;
}

/* The words for error e: a system error's own (a file that is not there), else the
 * library's reason, or fallback. */
static const char *reason_of(unsigned long e, const char *fallback)
{
	const char *r;

	if (e & ERR_SYSTEM_FLAG)
		return strerror(ERR_GET_REASON(e));
	r = e ? ssl.ERR_reason_error_string(e) : NULL;
	return r ? r : fallback;
}

/* The library's reason for the latest error, or fallback; clears the queue. */
static const char *last_reason(const char *fallback)
{
	return reason_of(first_error(), fallback);
}

/* Settings every context shares: TLS 1.2 at least, partial writes from a buffer that may
 * move between calls, no buffers held while idle, the EOF rule of tls_read. */
static void ctx_common(SSL_CTX *c)
{
	ssl.SSL_CTX_ctrl(c, SSL_CTRL_SET_MIN_PROTO_VERSION, TLS1_2_VERSION, NULL);
	ssl.SSL_CTX_ctrl(c, SSL_CTRL_MODE,
	                 SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
	                     SSL_MODE_AUTO_RETRY | SSL_MODE_RELEASE_BUFFERS,
	                 NULL);
	/* read-ahead: one read(2) takes as many records as READ_BUFFER holds, so many small
	 * records cost one system call, not two each (header, then body); tls_read returns
	 * all the whole ones. The buffer is released again once empty */
	ssl.SSL_CTX_ctrl(c, SSL_CTRL_SET_READ_AHEAD, 1, NULL);
	ssl.SSL_CTX_set_default_read_buffer_len(c, READ_BUFFER);
	/* an EOF without close_notify reads as an end; tls_read tells one inside a record.
	 * Kernel TLS where the kernel offers it, so splice(2) and sendfile(2) keep working
	 * (tls_ktls_send says whether it was granted) */
	ssl.SSL_CTX_set_options(c, SSL_OP_IGNORE_UNEXPECTED_EOF | SSL_OP_ENABLE_KTLS);
}

/* A new context for one side, the library loaded. Returns it, or NULL with err filled
 * and *rc the failure. */
static struct tls_ctx *ctx_new(char *err, bool client, int *rc)
{
	struct tls_ctx *t;

	if ((*rc = tls_load(err)) < 0)
		return NULL;
	if (!(t = calloc(1, sizeof *t)) ||
	    !(t->ctx = ssl.SSL_CTX_new(client ? ssl.TLS_client_method()
	                                      : ssl.TLS_server_method()))) {
		snprintf(err, TLS_ERR_LEN, "cannot set up TLS: %s",
		         last_reason("out of memory"));
		free(t);
		*rc = TLS_EFAIL;
		return NULL;
	}
	ctx_common(t->ctx);
	t->is_client = client;
	return t;
}

/* Hands t out if rc is 0, else frees it. Returns rc. */
static int ctx_done(struct tls_ctx *t, int rc, struct tls_ctx **out)
{
	if (rc < 0)
		tls_ctx_free(t);
	else
		*out = t;
	return rc;
}

/* Why the key file could not be used, in words, into err. */
static void key_failure(char *err, const char *cert, const char *key)
{
	unsigned long e = first_error();

	if (e & ERR_SYSTEM_FLAG)
		snprintf(err, TLS_ERR_LEN, "cannot use --key %s: %s", key ? key : cert,
		         reason_of(e, ""));
	else if (ERR_GET_LIB(e) == ERR_LIB_X509 &&
	         ERR_GET_REASON(e) == X509_R_KEY_VALUES_MISMATCH)
		snprintf(err, TLS_ERR_LEN, "--key %s does not match --cert %s",
		         key ? key : cert, cert);
	else if (!key)
		snprintf(err, TLS_ERR_LEN,
		         "cannot use --cert %s: no private key in it (--key FILE)", cert);
	else
		snprintf(err, TLS_ERR_LEN, "cannot use --key %s: not a PEM private key (%s)",
		         key, reason_of(e, "no key found"));
}

/* --cert and --key into c. Returns 0 or TLS_EUSAGE with err filled. */
static int use_cert(char *err, SSL_CTX *c, const char *cert, const char *key)
{
	if (ssl.SSL_CTX_use_certificate_chain_file(c, cert) != 1) {
		unsigned long e = first_error();
		snprintf(err, TLS_ERR_LEN, "cannot use --cert %s: %s%s%s", cert,
		         e & ERR_SYSTEM_FLAG ? "" : "not a PEM certificate (",
		         reason_of(e, "no certificate found"), e & ERR_SYSTEM_FLAG ? "" : ")");
		return TLS_EUSAGE;
	}
	if (ssl.SSL_CTX_use_PrivateKey_file(c, key ? key : cert, SSL_FILETYPE_PEM) != 1) {
		key_failure(err, cert, key);
		return TLS_EUSAGE;
	}
	if (ssl.SSL_CTX_check_private_key(c) != 1) {
		ssl.ERR_clear_error();
		snprintf(err, TLS_ERR_LEN, "--key %s does not match --cert %s",
		         key ? key : cert, cert);
		return TLS_EUSAGE;
	}
	return 0;
}

static int use_cafile(char *err, SSL_CTX *c, const char *cafile)
{
	if (ssl.SSL_CTX_load_verify_locations(c, cafile, NULL) == 1)
		return 0;
	snprintf(err, TLS_ERR_LEN, "cannot use --cacert %s: %s", cafile,
	         last_reason("no PEM certificates in it"));
	return TLS_EUSAGE;
}

/* ALPN's wire form: each protocol name preceded by its length. */
static int set_alpn(SSL_CTX *c, const char *proto)
{
	unsigned char wire[64];
	size_t n = strlen(proto);

	if (n == 0 || n >= sizeof wire)
		return -1;
	wire[0] = (unsigned char)n;
	memcpy(wire + 1, proto, n);
	return ssl.SSL_CTX_set_alpn_protos(c, wire, (unsigned)n + 1) == 0 ? 0 : -1;
}

int tls_client_ctx(char *err, const struct tls_client_opts *o, struct tls_ctx **out)
{
	int rc;
	struct tls_ctx *t = ctx_new(err, true, &rc);

	if (!t)
		return rc;
	t->client = *o;
	/* the handshake always completes; the verifier's result is judged afterwards
	 * (tls_handshake), before a byte of ours is sent, so the refusal can name what the
	 * certificate holds */
	ssl.SSL_CTX_set_verify(t->ctx, SSL_VERIFY_NONE, NULL);
	if (o->cafile)
		rc = use_cafile(err, t->ctx, o->cafile);
	else
		ssl.SSL_CTX_set_default_verify_paths(t->ctx);
	if (rc == 0 && o->cert)
		rc = use_cert(err, t->ctx, o->cert, o->key);
	if (rc == 0 && o->alpn && set_alpn(t->ctx, o->alpn) < 0) {
		snprintf(err, TLS_ERR_LEN, "cannot offer ALPN %s", o->alpn);
		rc = TLS_EFAIL;
	}
	return ctx_done(t, rc, out);
}

int tls_server_ctx(char *err, const struct tls_server_opts *o, struct tls_ctx **out)
{
	int rc;
	struct tls_ctx *t = ctx_new(err, false, &rc);

	if (!t)
		return rc;
	/* a client may not ask to renegotiate (a cheap way to make a server work hard); the
	 * kernel encrypts where it can, so that sendfile keeps working */
	ssl.SSL_CTX_set_options(t->ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_ENABLE_KTLS);
	/* per handshake: the chain sent is the --cert file's, not one searched for in the
	 * store each time; one TLS 1.3 ticket (a client resumes with one), not two */
	ssl.SSL_CTX_ctrl(t->ctx, SSL_CTRL_MODE, SSL_MODE_NO_AUTO_CHAIN, NULL);
	ssl.SSL_CTX_set_num_tickets(t->ctx, 1);
	rc = use_cert(err, t->ctx, o->cert, o->key);
	if (rc == 0 && o->cafile)
		rc = use_cafile(err, t->ctx, o->cafile);
	if (rc == 0 && o->verify_client)
		ssl.SSL_CTX_set_verify(t->ctx,
		                       SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	return ctx_done(t, rc, out);
}

void tls_ctx_free(struct tls_ctx *c)
{
	if (!c)
		return;
	if (c->ctx)
		ssl.SSL_CTX_free(c->ctx);
	free(c);
}

/* --- sessions -------------------------------------------------------------------- */

struct tls_conn {
	SSL *ssl;
	struct tls_ctx *ctx;
	char host[256]; /* the name verified ("" for a server session) */
	bool client;
	bool done;    /* the handshake itself completed */
	bool checked; /* the peer was judged trusted (or --insecure) */
	int held_rc;  /* a read's end or failure met after bytes it returned */
	char held_err[TLS_ERR_LEN];
	bool held_end; /* the peer's end, met after bytes a read returned: the next read's */
	bool starved;  /* the last read wanted the socket: what is held is part of a record */
};

/* True if s is an IPv4 or IPv6 literal: checked as an address, and sent as no SNI. */
static bool is_ip_literal(const char *s)
{
	unsigned char a[16];
	return inet_pton(AF_INET, s, a) == 1 || inet_pton(AF_INET6, s, a) == 1;
}

/* A session of c over fd, either side. Returns NULL with err filled. */
static struct tls_conn *session_new(char *err, struct tls_ctx *c, int fd)
{
	struct tls_conn *t = calloc(1, sizeof *t);

	if (!t || !(t->ssl = ssl.SSL_new(c->ctx)) || ssl.SSL_set_fd(t->ssl, fd) != 1) {
		snprintf(err, TLS_ERR_LEN, "cannot set up TLS: %s",
		         last_reason("out of memory"));
		tls_conn_free(t);
		return NULL;
	}
	t->ctx = c;
	return t;
}

struct tls_conn *tls_client_new(char *err, struct tls_ctx *c, int fd, const char *host)
{
	const char *name = c->client.name ? c->client.name : host;
	struct tls_conn *t = session_new(err, c, fd);
	int ok;

	if (!t)
		return NULL;
	t->client = true;
	snprintf(t->host, sizeof t->host, "%s", name);
	ssl.SSL_set_connect_state(t->ssl);
	if (is_ip_literal(name)) {
		ok = ssl.X509_VERIFY_PARAM_set1_ip_asc(ssl.SSL_get0_param(t->ssl), name);
	} else {
		ok = ssl.SSL_set1_host(t->ssl, name) == 1 &&
		     ssl.SSL_ctrl(t->ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME,
		                  TLSEXT_NAMETYPE_host_name, (void *)name) == 1;
	}
	if (!ok) {
		snprintf(err, TLS_ERR_LEN, "cannot check the name '%.80s'", name);
		tls_conn_free(t);
		return NULL;
	}
	return t;
}

struct tls_conn *tls_server_new(char *err, struct tls_ctx *c, int fd)
{
	struct tls_conn *t = session_new(err, c, fd);

	if (t)
		ssl.SSL_set_accept_state(t->ssl);
	return t;
}

void tls_conn_free(struct tls_conn *t)
{
	if (!t)
		return;
	if (t->ssl)
		ssl.SSL_free(t->ssl);
	free(t);
}

/* --- what went wrong, in words --------------------------------------------------- */

static const char *error_words(unsigned long e, const char *reason);

/* The outcome of an SSL call that returned ret <= 0: a WANT code, 0 for the peer's
 * end, or a failure with err filled (what: "handshake failed", "read", "write"). */
static int outcome(char *err, struct tls_conn *t, int ret, bool handshake)
{
	int saved = errno, kind = ssl.SSL_get_error(t->ssl, ret);
	unsigned long e;

	switch (kind) {
	case SSL_ERROR_WANT_READ:
		return TLS_WANT_READ;
	case SSL_ERROR_WANT_WRITE:
		return TLS_WANT_WRITE;
	case SSL_ERROR_ZERO_RETURN:
		if (!handshake)
			return 0;
		snprintf(err, TLS_ERR_LEN, "handshake failed: the peer closed the connection");
		return TLS_EFAIL;
	case SSL_ERROR_SYSCALL:
		e = ssl.ERR_get_error();
		ssl.ERR_clear_error();
		if (e == 0 && saved != 0) {
			errno = saved;
			snprintf(err, TLS_ERR_LEN, "%s%s",
			         handshake ? "handshake failed: " : "", strerror(saved));
			return TLS_ENET;
		}
		if (e == 0 && !handshake) /* an EOF the library did not call an error */
			return 0;
		tls_handshake_message(err, TLS_ERR_LEN, e,
		                      e ? ssl.ERR_reason_error_string(e)
		                        : "the peer closed the connection");
		return TLS_EFAIL;
	default:
		e = ssl.ERR_get_error();
		ssl.ERR_clear_error();
		if (!handshake && ERR_GET_LIB(e) == ERR_LIB_SSL &&
		    ERR_GET_REASON(e) == R_ALERT_HANDSHAKE_FAILURE) {
			/* an established session's peer: what a server refuses then is a
			 * renegotiation (TLS 1.2), which the peer then ends with this alert */
			snprintf(err, TLS_ERR_LEN,
			         "the peer ended the session with a handshake "
			         "failure (a renegotiation refused?)");
			return TLS_EFAIL;
		}
		snprintf(err, TLS_ERR_LEN, "%s%s", handshake ? "handshake failed: " : "",
		         error_words(e, e ? ssl.ERR_reason_error_string(e) : NULL));
		return TLS_EFAIL;
	}
}

/* The words for library error e (reason: the library's own text for it). */
static const char *error_words(unsigned long e, const char *reason)
{
	const char *words = reason ? reason : "unknown error";
	int r = ERR_GET_REASON(e);

	if (e && ERR_GET_LIB(e) == ERR_LIB_SSL) {
		switch (r) {
		case R_WRONG_VERSION_NUMBER:
		case R_PACKET_LENGTH_TOO_LONG:
		case R_HTTP_REQUEST:
		case R_RECORD_LENGTH_MISMATCH:
			words = "peer speaks no TLS";
			break;
		case R_UNSUPPORTED_PROTOCOL:
		case R_NO_PROTOCOLS:
		case R_ALERT_PROTOCOL_VERSION:
			words = "no TLS version in common (1.2 or later needed)";
			break;
		case R_ALERT_CERTIFICATE_REQUIRED:
		case R_PEER_NO_CERTIFICATE:
			words = "a client certificate is required (--cert FILE)";
			break;
		case R_ALERT_BAD_CERTIFICATE:
			words = "the peer refused our certificate";
			break;
		case R_ALERT_UNKNOWN_CA:
			words =
			    "the peer refused our certificate (it does not trust its issuer)";
			break;
		case R_ALERT_HANDSHAKE_FAILURE:
			words = "the peer refused it (no common cipher or key type?)";
			break;
		case R_ALERT_NO_APPLICATION_PROTOCOL:
			words = "no application protocol (ALPN) in common";
			break;
		case R_UNEXPECTED_EOF:
			words = "the peer closed the connection";
			break;
		default:
			break;
		}
	}
	return words;
}

char *tls_handshake_message(char *buf, size_t cap, unsigned long e, const char *reason)
{
	snprintf(buf, cap, "handshake failed: %s", error_words(e, reason));
	return buf;
}

/* --- judging the peer ------------------------------------------------------------ */

/* The SHA-256 of x's SubjectPublicKeyInfo (DER). Returns 0 or -1. */
static int spki_sha256(X509 *x, unsigned char md[32])
{
	X509_PUBKEY *pk = ssl.X509_get_X509_PUBKEY(x);
	unsigned char *der, *p;
	unsigned mdlen = 0;
	int n = pk ? ssl.i2d_X509_PUBKEY(pk, NULL) : -1, ok;

	if (n <= 0 || !(der = malloc((size_t)n)))
		return -1;
	p = der;
	ok = ssl.i2d_X509_PUBKEY(pk, &p) == n &&
	     ssl.EVP_Digest(der, (size_t)n, md, &mdlen, ssl.EVP_sha256(), NULL) == 1 &&
	     mdlen == 32;
	free(der);
	return ok ? 0 : -1;
}

/* Appends one name to the list "a, b", bounded. */
static void add_name(char *list, size_t cap, const char *name, size_t n)
{
	size_t len = strlen(list);

	if (len + n + 8 >= cap) {
		if (len + 4 < cap && !strstr(list, ", ..."))
			snprintf(list + len, cap - len, ", ...");
		return;
	}
	snprintf(list + len, cap - len, "%s%.*s", len ? ", " : "", (int)n, name);
}

/* The names x holds: its subjectAltName DNS names and addresses, else its CN. */
static void cert_names(X509 *x, char *list, size_t cap)
{
	OPENSSL_STACK *gens = ssl.X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	char addr[64], subj[TLS_NAME_LEN];

	list[0] = 0;
	for (int i = 0; gens && i < ssl.OPENSSL_sk_num(gens); i++) {
		const GENERAL_NAME *g = ssl.OPENSSL_sk_value(gens, i);
		const unsigned char *d = ssl.ASN1_STRING_get0_data(g->d.str);
		int n = ssl.ASN1_STRING_length(g->d.str);
		if (g->type == GEN_DNS)
			add_name(list, cap, (const char *)d, (size_t)n);
		else if (g->type == GEN_IPADD && (n == 4 || n == 16) &&
		         inet_ntop(n == 4 ? AF_INET : AF_INET6, d, addr, sizeof addr))
			add_name(list, cap, addr, strlen(addr));
	}
	if (gens)
		ssl.GENERAL_NAMES_free(gens);
	if (list[0])
		return;
	ssl.X509_NAME_oneline(ssl.X509_get_subject_name(x), subj, sizeof subj);
	const char *cn = strstr(subj, "/CN=");
	if (cn)
		add_name(list, cap, cn + 4, strcspn(cn + 4, "/"));
	else
		snprintf(list, cap, "no name");
}

/* Whole days from a to b (NULL: now), as ASN1_TIME_diff counts them. */
static long long days_between(const ASN1_TIME *a, const ASN1_TIME *b)
{
	int d = 0, s = 0;

	return ssl.ASN1_TIME_diff(&d, &s, a, b) == 1 ? d : 0;
}

/* The client's judgement once the handshake is done: the verifier's result, or the
 * pins. Returns 0 or TLS_EFAIL with the refusal in words. */
static int judge_peer(char *err, struct tls_conn *t)
{
	const struct tls_client_opts *o = &t->ctx->client;
	struct tls_refusal r = {.host = t->host};
	char names[TLS_NAME_LEN], seen[64], b64[48];
	unsigned char md[32];
	X509 *x;

	if (o->insecure)
		return 0;
	if (!(x = ssl.SSL_get1_peer_certificate(t->ssl))) {
		snprintf(err, TLS_ERR_LEN, "the peer sent no certificate");
		return TLS_EFAIL;
	}
	if (o->npins) {
		r.pin_mismatch = spki_sha256(x, md) == 0;
		for (size_t i = 0; r.pin_mismatch && i < o->npins; i++)
			if (memcmp(md, o->pins[i].sha256, 32) == 0)
				r.pin_mismatch = false;
		if (r.pin_mismatch) {
			base64_encode(b64, sizeof b64, md, 32);
			snprintf(seen, sizeof seen, "sha256//%s", b64);
			r.pin_seen = seen;
		} else if (spki_sha256(x, md) < 0) {
			r.pin_mismatch = true;
			r.pin_seen = "(no key)";
		}
	} else if ((r.code = ssl.SSL_get_verify_result(t->ssl)) != V_OK) {
		cert_names(x, names, sizeof names);
		r.names = names;
		r.detail = ssl.X509_verify_cert_error_string(r.code);
		if (r.code == V_HAS_EXPIRED)
			r.days = days_between(ssl.X509_get0_notAfter(x), NULL);
		else if (r.code == V_NOT_YET_VALID)
			r.days = days_between(NULL, ssl.X509_get0_notBefore(x));
	}
	ssl.X509_free(x);
	if (!r.pin_mismatch && r.code == V_OK)
		return 0;
	tls_refusal_message(err, TLS_ERR_LEN, &r);
	return TLS_EFAIL;
}

int tls_handshake(char *err, struct tls_conn *t)
{
	int ret, rc;

	errno = 0;
	ssl.ERR_clear_error();
	if ((ret = ssl.SSL_do_handshake(t->ssl)) != 1)
		return outcome(err, t, ret, true);
	t->done = true;
	if (t->client && !t->checked && (rc = judge_peer(err, t)) < 0)
		return rc;
	t->checked = true;
	return 0;
}

/* --- moving bytes ---------------------------------------------------------------- */

/* The end of the peer's stream: an EOF inside a record (bytes of it still held) is a
 * truncation; between records it is an end, close_notify or not. */
static int stream_end(char *err, struct tls_conn *t)
{
	if (!ssl.SSL_has_pending(t->ssl))
		return 0;
	snprintf(err, TLS_ERR_LEN,
	         "the peer ended the connection in the middle of a TLS record");
	return TLS_ETRUNC;
}

ssize_t tls_read(char *err, struct tls_conn *t, void *buf, size_t cap)
{
	size_t got = 0;
	int rc;

	if (t->held_rc) {
		snprintf(err, TLS_ERR_LEN, "%s", t->held_err);
		return t->held_rc;
	}
	if (t->held_end)
		return 0;
	/* the records the library holds already go too (never a wait for a new one: the
	 * socket may be blocking; at most for the rest of one read-ahead began) */
	while (got < cap && (got == 0 || ssl.SSL_has_pending(t->ssl))) {
		int want = cap - got > INT_MAX ? INT_MAX : (int)(cap - got);
		errno = 0;
		ssl.ERR_clear_error();
		int n = ssl.SSL_read(t->ssl, (char *)buf + got, want);
		t->starved = false;
		if (n > 0) {
			got += (size_t)n;
			continue;
		}
		rc = outcome(err, t, n, false);
		t->starved = rc == TLS_WANT_READ;
		if (rc == 0)
			rc = stream_end(err, t);
		if (got == 0 || rc == TLS_WANT_READ || rc == TLS_WANT_WRITE)
			return got ? (ssize_t)got : rc;
		if (rc < 0) { /* given after the bytes already read */
			t->held_rc = rc;
			snprintf(t->held_err, sizeof t->held_err, "%s", err);
		}
		/* the socket will not poll readable for it again: tls_pending says it is
		 * there */
		t->held_end = rc == 0;
		break;
	}
	return (ssize_t)got;
}

ssize_t tls_write(char *err, struct tls_conn *t, const void *buf, size_t len)
{
	int n;

	errno = 0;
	ssl.ERR_clear_error();
	n = ssl.SSL_write(t->ssl, buf, len > INT_MAX ? INT_MAX : (int)len);
	if (n > 0)
		return n;
	n = outcome(err, t, n, false);
	if (n == 0) { /* the library refuses to write after the peer's close_notify */
		errno = EPIPE;
		snprintf(err, TLS_ERR_LEN, "%s", strerror(EPIPE));
		return TLS_ENET;
	}
	return n;
}

int tls_close_notify(char *err, struct tls_conn *t)
{
	int ret;

	errno = 0;
	ssl.ERR_clear_error();
	ret = ssl.SSL_shutdown(t->ssl);
	if (ret >= 0) /* 0: sent, the peer's not yet seen; 1: both done */
		return 0;
	ret = outcome(err, t, ret, false);
	return ret == 0 ? 0 : ret;
}

size_t tls_pending(const struct tls_conn *t)
{
	int n = ssl.SSL_pending(t->ssl);

	if (t->held_rc || t->held_end) /* what the next read returns */
		return 1;
	if (n > 0)
		return (size_t)n;
	/* raw bytes held after a read that wanted the socket are a record's first part: the
	 * socket polls readable for the rest (counting them would make a poller spin) */
	return !t->starved && ssl.SSL_has_pending(t->ssl) ? 1 : 0;
}

bool tls_peer_silent(const struct tls_conn *t)
{
	BIO *b = ssl.SSL_get_rbio(t->ssl);

	return !t->done && b && ssl.BIO_number_read(b) == 0;
}

bool tls_ktls_send(const struct tls_conn *t)
{
	BIO *b = ssl.SSL_get_wbio(t->ssl);

	return b && ssl.BIO_ctrl(b, BIO_CTRL_GET_KTLS_SEND, 0, NULL) > 0;
}

const char *tls_sni(const struct tls_conn *t)
{
	return ssl.SSL_get_servername(t->ssl, TLSEXT_NAMETYPE_host_name);
}

/* --- details --------------------------------------------------------------------- */

static void cert_info(X509 *x, struct tls_info *info)
{
	char one[TLS_NAME_LEN];
	const ASN1_TIME *na = ssl.X509_get0_notAfter(x);
	struct tm tm;

	info->have_cert = true;
	ssl.X509_NAME_oneline(ssl.X509_get_subject_name(x), one, sizeof one);
	tls_name_show(info->subject, sizeof info->subject, one);
	ssl.X509_NAME_oneline(ssl.X509_get_issuer_name(x), one, sizeof one);
	tls_name_show(info->issuer, sizeof info->issuer, one);
	if (na && ssl.ASN1_TIME_to_tm(na, &tm) == 1)
		strftime(info->not_after, sizeof info->not_after, "%Y-%m-%dT%H:%M:%SZ", &tm);
	info->days_left = na ? days_between(NULL, na) : 0;
}

const char *tls_version(const struct tls_conn *t)
{
	return t->done ? ssl.SSL_get_version(t->ssl) : "";
}

void tls_get_info(const struct tls_conn *t, struct tls_info *info)
{
	const SSL_CIPHER *c = ssl.SSL_get_current_cipher(t->ssl);
	const unsigned char *alpn = NULL;
	unsigned alpn_len = 0;
	X509 *x;

	memset(info, 0, sizeof *info);
	if (!t->done)
		return;
	snprintf(info->version, sizeof info->version, "%s", ssl.SSL_get_version(t->ssl));
	snprintf(info->cipher, sizeof info->cipher, "%s", c ? ssl.SSL_CIPHER_get_name(c) : "");
	ssl.SSL_get0_alpn_selected(t->ssl, &alpn, &alpn_len);
	if (alpn && alpn_len < sizeof info->alpn)
		snprintf(info->alpn, sizeof info->alpn, "%.*s", (int)alpn_len,
		         (const char *)alpn);
	info->verify_result = ssl.SSL_get_verify_result(t->ssl);
	info->verified = t->checked && !(t->client && t->ctx->client.insecure);
	if ((x = ssl.SSL_get1_peer_certificate(t->ssl))) {
		cert_info(x, info);
		ssl.X509_free(x);
	}
}

/* --- pure helpers ---------------------------------------------------------------- */

int tls_pin_parse(char *err, struct tls_client_opts *o, const char *arg)
{
	const char *p = arg;

	do {
		size_t n = strcspn(p, ";");
		if (n < 8 || strncmp(p, "sha256//", 8) != 0 ||
		    base64_decode(o->pins[o->npins < TLS_MAX_PINS ? o->npins : 0].sha256, 32,
		                  p + 8, n - 8) != 32) {
			snprintf(
			    err, TLS_ERR_LEN,
			    "--pin wants sha256// and 44 characters of base64, not '%.60s'",
			    arg);
			return -1;
		}
		if (o->npins == TLS_MAX_PINS) {
			snprintf(err, TLS_ERR_LEN, "at most %d pins", TLS_MAX_PINS);
			return -1;
		}
		o->npins++;
		p += n;
	} while (*p++ == ';');
	return 0;
}

char *tls_days_phrase(char *buf, size_t cap, long long days, bool future)
{
	if (days < 1)
		snprintf(buf, cap, future ? "in less than a day" : "less than a day ago");
	else
		snprintf(buf, cap, future ? "in %lld day%s" : "%lld day%s ago", days,
		         days == 1 ? "" : "s");
	return buf;
}

char *tls_refusal_message(char *buf, size_t cap, const struct tls_refusal *r)
{
	char when[48];

	if (r->pin_mismatch) {
		snprintf(buf, cap, "public key does not match --pin (it is %s)",
		         r->pin_seen ? r->pin_seen : "unknown");
		return buf;
	}
	switch (r->code) {
	case V_HAS_EXPIRED:
		snprintf(buf, cap, "certificate for %s has expired (%s)", r->host,
		         tls_days_phrase(when, sizeof when, r->days, false));
		break;
	case V_NOT_YET_VALID:
		snprintf(buf, cap, "certificate for %s is not valid yet (valid %s)", r->host,
		         tls_days_phrase(when, sizeof when, r->days, true));
		break;
	case V_HOSTNAME_MISMATCH:
	case V_IP_MISMATCH:
		snprintf(buf, cap, "certificate is for %s, not %s",
		         r->names ? r->names : "no name", r->host);
		break;
	case V_DEPTH_ZERO_SELF_SIGNED:
		snprintf(buf, cap,
		         "self-signed certificate: trust it with --cacert FILE or --pin");
		break;
	case V_SELF_SIGNED_IN_CHAIN:
	case V_UNABLE_ISSUER_LOCALLY:
	case V_UNABLE_GET_ISSUER:
	case V_UNABLE_VERIFY_LEAF:
		snprintf(buf, cap,
		         "certificate for %s is signed by an unknown issuer: trust it with "
		         "--cacert FILE or --pin",
		         r->host);
		break;
	default:
		snprintf(buf, cap, "certificate for %s not trusted: %s", r->host,
		         r->detail ? r->detail : "verification failed");
		break;
	}
	return buf;
}

char *tls_name_show(char *buf, size_t cap, const char *oneline)
{
	size_t k = 0;
	const char *p = oneline[0] == '/' ? oneline + 1 : oneline;

	for (; *p && k + 3 < cap; p++) {
		/* a '/' starts the next attribute only when "KEY=" follows */
		size_t key = strspn(
		    p + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.");
		if (*p == '/' && key > 0 && p[1 + key] == '=') {
			buf[k++] = ',';
			buf[k++] = ' ';
		} else {
			buf[k++] = *p;
		}
	}
	if (cap)
		buf[k < cap ? k : cap - 1] = 0;
	return buf;
}
