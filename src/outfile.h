/* outfile.h: -o FILE for a download. The bytes go to a temporary file beside FILE that
 * takes FILE's name only when whole; a FIFO or a device is written into directly; a
 * signal (SIGINT, SIGTERM, SIGHUP) removes the temporary file before it kills. */
#ifndef OUTFILE_H
#define OUTFILE_H

#include <stdbool.h>

struct outfile {
	const char *path; /* FILE as the user gave it */
	int fd;           /* where the bytes go; -1 once committed or discarded */
	bool direct;      /* FILE is a FIFO or a device: written into, never replaced */
};

/* Opens FILE for writing, found writable before any byte is fetched: a directory is
 * EISDIR, an existing file without a write bit for anyone is EACCES (root too). A new
 * file gets 0666 less the umask, a replaced one keeps its mode. Returns 0, or -1 with
 * errno set. */
int outfile_open(struct outfile *of, const char *path);
/* The bytes are whole: FILE takes them in one step (rename(2)). Returns 0, or -1 with
 * errno set and the temporary file removed. */
int outfile_commit(struct outfile *of);
/* The download failed: the temporary file goes, FILE is left as it was. */
void outfile_discard(struct outfile *of);

#endif
