# bench/lib.sh: helpers shared by the benchmark scripts (sourced, not run).
# shellcheck shell=bash

# free_port: a TCP port nothing listens on right now (bound, then released).
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# wait_accepts PORT: bounded poll until 127.0.0.1:PORT accepts a connection.
wait_accepts() {
	local i
	for ((i = 0; i < 500; i++)); do
		(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
		sleep 0.01
	done
	echo "$0: nothing accepts on port $1" >&2
	return 1
}
