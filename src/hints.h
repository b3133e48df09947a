/* hints.h: the flags nc, curl, wget, dig and wait-for-it users type that mean something
 * else in sockit, or nothing, and the commands they type (sockit(1), COMING FROM NC OR
 * CURL): one table, which the option parser, resolve and the dispatcher read so that
 * such a word is answered with sockit's way instead of "unknown option". */
#ifndef HINTS_H
#define HINTS_H

/* The hint for flag as typed ("-l", "--ssl-reqd"), which is not an option of command
 * cmd; NULL if there is none. Pure. */
const char *hints_unknown(const char *cmd, const char *flag);
/* The hint for the short option flag ("-p") of cmd given value (its argument, or for a
 * flag the word after it) when that value shows nc's or curl's meaning of the flag:
 * `serve -p 8080`, `connect -q 5`, `http-get -w '%{http_code}'`; NULL if none. Pure. */
const char *hints_value(const char *cmd, const char *flag, const char *value);
/* The hint for word, typed where a command goes ("get", "listen"), which is none of
 * sockit's commands; NULL if there is none. Pure. */
const char *hints_command(const char *word);

#endif
