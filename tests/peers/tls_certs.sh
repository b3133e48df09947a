#!/bin/sh
# tls_certs.sh DIR: the TLS tests' certificates, made with the openssl command (P-256
# keys, valid 30 days): ca.pem/ca.key (a test CA), server.pem/server.key (for localhost,
# 127.0.0.1 and ::1, signed by the CA), client.pem/client.key (CN=alice, signed by the
# CA), other-ca.pem and stranger.pem/stranger.key (CN=mallory, from a CA nobody trusts).
set -eu
d=$1
mkdir -p "$d"
cd "$d"

# key NAME: a fresh P-256 key in NAME.key
key() {
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" 2>/dev/null
}

# ca NAME CN: a self-signed CA
ca() {
	key "$1"
	openssl req -x509 -new -key "$1.key" -days 30 -subj "/CN=$2" -out "$1.pem" \
		-addext basicConstraints=critical,CA:TRUE \
		-addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
}

# leaf NAME CN CA [EXTENSIONS]: a certificate for CN signed by CA
leaf() {
	key "$1"
	openssl req -new -key "$1.key" -subj "/CN=$2" -out "$1.csr" 2>/dev/null
	printf '%s\n' "${4:-basicConstraints=CA:FALSE}" >"$1.ext"
	openssl x509 -req -in "$1.csr" -CA "$3.pem" -CAkey "$3.key" -CAcreateserial -days 30 \
		-extfile "$1.ext" -out "$1.pem" 2>/dev/null
	rm -f "$1.csr" "$1.ext"
}

ca ca "sockit test CA"
ca other-ca "someone else's CA"
leaf server localhost ca "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1"
leaf client alice ca
leaf stranger mallory other-ca
