/* I/O fault injection for tests/ops/test_faults.sh, loaded with LD_PRELOAD into the server:
 * while the file named by $XF_FAULT_CTL exists, writes and syncs of files whose path starts
 * with $XF_FAULT_PATH fail with the error the control file names ("eio", "enospc" or
 * "erofs"). Reads are never touched. Removing the control file ends the fault, as fixing
 * the disk would. Only for tests: it is never linked into xingfu. */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

/* The error to inject for fd now, or 0. */
static int fault_for(int fd)
{
	const char *ctl = getenv("XF_FAULT_CTL"), *prefix = getenv("XF_FAULT_PATH");
	if (!ctl || !prefix || !*prefix)
		return 0;
	char what[16] = "";
	int c = open(ctl, O_RDONLY | O_CLOEXEC);
	if (c < 0)
		return 0;
	ssize_t n = read(c, what, sizeof what - 1);
	close(c);
	if (n <= 0)
		return 0;
	what[n] = 0;
	char link[64], path[4096];
	snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
	ssize_t len = readlink(link, path, sizeof path - 1);
	if (len <= 0)
		return 0;
	path[len] = 0;
	if (strncmp(path, prefix, strlen(prefix)) != 0)
		return 0;
	if (strncmp(what, "enospc", 6) == 0)
		return ENOSPC;
	if (strncmp(what, "erofs", 5) == 0)
		return EROFS;
	return EIO;
}

/* The libc function this one stands in front of. */
#define REAL(name)                                                                                 \
	static __typeof__(&name) real_##name;                                                      \
	if (!real_##name)                                                                          \
		real_##name = (__typeof__(&name))dlsym(RTLD_NEXT, #name);

ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off)
{
	REAL(pwrite64);
	int e = fault_for(fd);
	if (e) {
		errno = e;
		return -1;
	}
	return real_pwrite64(fd, buf, n, off);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
	REAL(pwrite);
	int e = fault_for(fd);
	if (e) {
		errno = e;
		return -1;
	}
	return real_pwrite(fd, buf, n, off);
}

ssize_t write(int fd, const void *buf, size_t n)
{
	REAL(write);
	int e = fd > 2 ? fault_for(fd) : 0;
	if (e) {
		errno = e;
		return -1;
	}
	return real_write(fd, buf, n);
}

int fsync(int fd)
{
	REAL(fsync);
	int e = fault_for(fd);
	if (e) {
		errno = e == ENOSPC ? EIO : e;
		return -1;
	}
	return real_fsync(fd);
}

int fdatasync(int fd)
{
	REAL(fdatasync);
	int e = fault_for(fd);
	if (e) {
		errno = e == ENOSPC ? EIO : e;
		return -1;
	}
	return real_fdatasync(fd);
}

int ftruncate(int fd, off_t len)
{
	REAL(ftruncate);
	int e = fault_for(fd);
	if (e) {
		errno = e;
		return -1;
	}
	return real_ftruncate(fd, len);
}
