/* outfile.c: a download's -o FILE: written beside it, renamed into place when whole. */
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TMP_SUFFIX ".XXXXXX"

/* The temporary file, for the signal handler that removes it. */
static char tmp_path[PATH_MAX];
static volatile sig_atomic_t tmp_live;

/* A signal while the temporary file exists: remove it, then die of the signal as usual. */
static void on_fatal_signal(int sig)
{
	if (tmp_live)
		unlink(tmp_path);
	raise(sig); /* the handler was reset (SA_RESETHAND): this one is fatal */
}

static void fatal_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
}

static void catch_fatal_signals(void)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_fatal_signal;
	sa.sa_flags = (int)SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaction(sigs[i], &sa, NULL);
}

/* FILE.XXXXXX beside FILE (same file system: rename is atomic); FILE's last component is
 * cut short when the suffix would take it past NAME_MAX, so every legal FILE has one. */
static int temp_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t dir = slash ? (size_t)(slash - path) + 1 : 0;
	size_t base = strlen(path) - dir;

	if (base > NAME_MAX - (sizeof TMP_SUFFIX - 1))
		base = NAME_MAX - (sizeof TMP_SUFFIX - 1);
	if (dir + base + sizeof TMP_SUFFIX > sizeof tmp_path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(tmp_path, path, dir + base);
	memcpy(tmp_path + dir + base, TMP_SUFFIX, sizeof TMP_SUFFIX);
	return 0;
}

/* mkstemp with the signal handler told at once: no signal between the file's creation
 * and the handler knowing of it. */
static int make_temp(void)
{
	sigset_t fatal, old;
	int fd;

	catch_fatal_signals();
	fatal_signals(&fatal);
	sigprocmask(SIG_BLOCK, &fatal, &old);
	fd = mkstemp(tmp_path);
	tmp_live = fd >= 0;
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (fd >= 0)
		fcntl(fd, F_SETFD, FD_CLOEXEC);
	return fd;
}

/* The mode the file will have: an old file's, or what any new file would get (mkstemp
 * makes 0600), as curl's. An old file nobody may write is refused: as root access(2)
 * would say yes, so the mode bits decide. */
static int pick_mode(const struct stat *old, bool exists, mode_t *mode)
{
	mode_t mask;

	if (exists && !(old->st_mode & 0222)) {
		errno = EACCES;
		return -1;
	}
	if (exists) {
		*mode = old->st_mode & 0777;
		return 0;
	}
	mask = umask(0);
	umask(mask);
	*mode = 0666 & ~mask;
	return 0;
}

int outfile_open(struct outfile *of, const char *path)
{
	struct stat st;
	bool exists = stat(path, &st) == 0;
	mode_t mode;

	*of = (struct outfile){.path = path, .fd = -1};
	/* found now, not after the download, when rename(2) would refuse */
	if (exists && S_ISDIR(st.st_mode)) {
		errno = EISDIR;
		return -1;
	}
	/* a FIFO or a device (-o /dev/null) is written into, as curl does: renaming over it
	 * would replace it with a plain file */
	if (exists && !S_ISREG(st.st_mode)) {
		of->direct = true;
		of->fd = open(path, O_WRONLY | O_CLOEXEC);
		return of->fd < 0 ? -1 : 0;
	}
	if (pick_mode(&st, exists, &mode) < 0 || temp_name(path) < 0)
		return -1;
	if ((of->fd = make_temp()) < 0)
		return -1;
	fchmod(of->fd, mode);
	return 0;
}

static void remove_temp(void)
{
	unlink(tmp_path);
	tmp_live = 0;
}

void outfile_discard(struct outfile *of)
{
	if (of->fd < 0)
		return;
	close(of->fd);
	of->fd = -1;
	if (!of->direct)
		remove_temp();
}

int outfile_commit(struct outfile *of)
{
	int fd = of->fd, e;

	of->fd = -1;
	if (of->direct)
		return close(fd);
	if (close(fd) == 0 && rename(tmp_path, of->path) == 0) {
		tmp_live = 0;
		return 0;
	}
	e = errno;
	remove_temp();
	errno = e;
	return -1;
}
