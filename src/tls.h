/* tls.h: TLS through the system's OpenSSL 3, the only module that knows it. libssl.so.3
 * is loaded with dlopen(3) the first time a command needs TLS, so the binary links libc
 * only and runs (without TLS) where the library is missing (sockit(1), TLS). Byte movers
 * do not call this module: they read and write through transport.h. As net.h: each
 * function that can fail takes an error buffer first and returns a negative code. */
#ifndef TLS_H
#define TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define TLS_ERR_LEN  256
#define TLS_NAME_LEN 256 /* a subject or issuer as shown ("CN=localhost, O=Test") */
#define TLS_MAX_PINS 8

/* Failure codes; the negated code is the exit status (sockit(1), EXIT STATUS). The WANT
 * codes are not failures: a non-blocking step waits for the socket to poll readable or
 * writable, then is called again. */
enum {
	TLS_EUSAGE = -2,      /* a certificate, key or CA file that cannot be used */
	TLS_ENET = -4,        /* the socket failed (errno kept): reset, refused */
	TLS_ETIMEOUT = -5,    /* a bounded handshake ran out of time */
	TLS_ETRUNC = -6,      /* the peer ended in the middle of a record */
	TLS_EFAIL = -8,       /* handshake failed, certificate not trusted, no libssl */
	TLS_WANT_READ = -20,  /* call again once the socket is readable */
	TLS_WANT_WRITE = -21, /* call again once the socket is writable */
};

/* A --pin: the SHA-256 of a certificate's SubjectPublicKeyInfo (curl's pinnedpubkey). */
struct tls_pin {
	unsigned char sha256[32];
};

/* What a client trusts and shows (connect --tls, https://, wait, serve --to-tls). */
struct tls_client_opts {
	const char *cafile; /* --cacert: trust these CAs, not the system's store */
	bool insecure;      /* --insecure: no verification at all */
	const char *name;   /* --tls-name: check this name (and send it as SNI) */
	const char *cert;   /* --cert: a client certificate (PEM, chain allowed) */
	const char *key;    /* --key: its key; NULL: in the --cert file */
	const char *alpn;   /* "http/1.1", or NULL for none */
	struct tls_pin pins[TLS_MAX_PINS]; /* --pin: trust exactly these keys */
	size_t npins;
};

/* What a server presents (serve --tls). */
struct tls_server_opts {
	const char *cert, *key; /* PEM files; key NULL: in the cert file */
	const char *cafile;     /* --cacert: the CAs client certificates must chain to */
	bool verify_client; /* --verify-client: a client without a trusted cert is refused */
};

struct tls_ctx;  /* settings shared by many sessions (an SSL_CTX) */
struct tls_conn; /* one session over one socket (an SSL) */

/* Details of an established session, for -v, -z --tls, --json and --write-out. */
struct tls_info {
	char version[16];           /* "TLSv1.3" */
	char cipher[64];            /* "TLS_AES_256_GCM_SHA384" */
	char subject[TLS_NAME_LEN]; /* the peer certificate's, "" if it sent none */
	char issuer[TLS_NAME_LEN];
	char not_after[32];  /* "2027-03-01T12:00:00Z" */
	long long days_left; /* whole days until not_after (negative: expired) */
	long verify_result;  /* X509_V_OK (0) or the verifier's code */
	bool verified;       /* chain, dates and name (or a pin) checked out */
	bool have_cert;
	char alpn[32]; /* the protocol agreed, "" if none */
};

/* Loads libssl.so.3 once (later calls return the first outcome). Returns 0, or
 * TLS_EFAIL with err "TLS needs libssl.so.3 (Debian: apt-get install libssl3)". */
int tls_load(char *err);
/* For --version: "OpenSSL 3.0.19 (loaded on use)" or "unavailable (libssl.so.3 not
 * found)". Loads the library. Returns buf. */
char *tls_describe(char *buf, size_t cap);

/* A client context from o (loads the library). Returns 0 with *out set, TLS_EFAIL (no
 * library), or TLS_EUSAGE for a --cacert/--cert/--key that cannot be used. */
int tls_client_ctx(char *err, const struct tls_client_opts *o, struct tls_ctx **out);
/* A server context from o: certificate and key read now, checked to match. Returns 0,
 * TLS_EFAIL (no library) or TLS_EUSAGE ("cannot use --cert server.pem: ..."). */
int tls_server_ctx(char *err, const struct tls_server_opts *o, struct tls_ctx **out);
/* Frees a context (NULL allowed); sessions made from it must be freed first. */
void tls_ctx_free(struct tls_ctx *c);

/* A client session over the connected socket fd, for host (a name or an IP literal,
 * unless the context's --tls-name replaces it): the name it verifies, and SNI for names.
 * Returns NULL with err filled. The fd stays the caller's. */
struct tls_conn *tls_client_new(char *err, struct tls_ctx *c, int fd, const char *host);
/* A server session over an accepted socket fd. Returns NULL with err filled. */
struct tls_conn *tls_server_new(char *err, struct tls_ctx *c, int fd);
/* Frees a session without a word to the peer (tls_close_notify first for a clean end). */
void tls_conn_free(struct tls_conn *t);

/* One step of the handshake on a non-blocking socket. Returns 0 once it is done and (for
 * a client) the peer is trusted; TLS_WANT_READ/TLS_WANT_WRITE; or TLS_EFAIL / TLS_ENET
 * with err in words ("certificate for 127.0.0.1 has expired (3 days ago)"). */
int tls_handshake(char *err, struct tls_conn *t);
/* Reads at most cap bytes: one record, and those the library holds already (it reads
 * ahead: one read(2) may take many records); on a blocking socket it waits as read(2)
 * does. Returns the count; 0 at the peer's end (its close_notify, or a TCP end between
 * records: not an error, as curl); TLS_WANT_READ/TLS_WANT_WRITE with nothing read; TLS_ETRUNC
 * (an end inside a record), TLS_ENET (errno kept) or TLS_EFAIL, with err filled. */
ssize_t tls_read(char *err, struct tls_conn *t, void *buf, size_t cap);
/* Writes at most len bytes. Returns the count taken (at least 1), TLS_WANT_*, or
 * TLS_ENET (errno kept: EPIPE, ECONNRESET) / TLS_EFAIL with err filled. */
ssize_t tls_write(char *err, struct tls_conn *t, const void *buf, size_t len);
/* Sends close_notify: TLS's half-close (no more writes; reads go on). Returns 0,
 * TLS_WANT_WRITE, or TLS_ENET / TLS_EFAIL. */
int tls_close_notify(char *err, struct tls_conn *t);
/* Bytes the library holds that a read returns without the socket polling readable
 * (decrypted, or at least 1 for records read ahead and not yet decrypted, or an end or
 * failure met after bytes a read returned); 0 after a read that wanted the socket. */
size_t tls_pending(const struct tls_conn *t);
/* True if the handshake is not done and the peer has sent not one byte: a client that
 * connected and closed (a port check) rather than one that failed. */
bool tls_peer_silent(const struct tls_conn *t);
/* True if the kernel encrypts what is written (kTLS granted): splice/sendfile into the
 * socket keep working. */
bool tls_ktls_send(const struct tls_conn *t);
/* Fills in the session's details: all empty (version "") unless the handshake completed
 * (it may have, and the peer still not be trusted: verified false). */
void tls_get_info(const struct tls_conn *t, struct tls_info *info);
/* The version agreed, "TLSv1.3", or "" while the handshake is not done. */
const char *tls_version(const struct tls_conn *t);
/* The server name the client asked for (SNI), or NULL. */
const char *tls_sni(const struct tls_conn *t);

/* Pure helpers (no library needed; unit-tested and fuzzed). */

/* Adds the pins of arg, "sha256//BASE64[;sha256//BASE64...]", to o. Returns 0, or -1 with
 * err saying what is wrong ("--pin wants sha256//BASE64 (44 characters)"). */
int tls_pin_parse(char *err, struct tls_client_opts *o, const char *arg);

/* Why a certificate was not trusted, in the facts the message needs. */
struct tls_refusal {
	long code;            /* the verifier's result (X509_V_ERR_*), or 0 */
	const char *host;     /* the name checked (host, or --tls-name) */
	const char *names;    /* the names the certificate holds, "a, b" (SAN, else CN) */
	long long days;       /* expired: days since not_after; not yet valid: days until */
	bool pin_mismatch;    /* --pin given and no pin matched */
	const char *pin_seen; /* the peer key's pin, "sha256//..." */
	const char *detail;   /* the verifier's own words for other codes */
};
/* The message of r: "certificate for 127.0.0.1 has expired (3 days ago)", "certificate
 * is for *.example.org, not db.internal", "self-signed certificate: trust it with
 * --cacert FILE or --pin", ... Returns buf. */
char *tls_refusal_message(char *buf, size_t cap, const struct tls_refusal *r);
/* The words for a handshake the library ended with error e (ERR_get_error's code)
 * before any certificate was judged ("peer speaks no TLS"), reason its own text.
 * Returns buf. */
char *tls_handshake_message(char *buf, size_t cap, unsigned long e, const char *reason);
/* An X509_NAME_oneline name "/C=US/O=Acme/CN=x" shown as "C=US, O=Acme, CN=x". */
char *tls_name_show(char *buf, size_t cap, const char *oneline);
/* "3 days ago", "1 day ago", "less than a day ago", or with future: "in 3 days". */
char *tls_days_phrase(char *buf, size_t cap, long long days, bool future);

#endif
