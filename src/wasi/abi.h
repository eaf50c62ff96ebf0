/*
 * abi.h — wasi_snapshot_preview1 constants and layouts, as the WASI spec's
 * witx defines them (values are part of the ABI and must never change).
 * Struct layouts are given as byte offsets because guest memory is read
 * and written byte by byte (little-endian, possibly unaligned).
 */
#ifndef OX_WASI_ABI_H
#define OX_WASI_ABI_H

#include <stdint.h>

/* errno */
enum {
    W_ESUCCESS = 0, W_E2BIG = 1, W_EACCES = 2, W_EADDRINUSE = 3, W_EADDRNOTAVAIL = 4,
    W_EAFNOSUPPORT = 5, W_EAGAIN = 6, W_EALREADY = 7, W_EBADF = 8, W_EBADMSG = 9,
    W_EBUSY = 10, W_ECANCELED = 11, W_ECHILD = 12, W_ECONNABORTED = 13,
    W_ECONNREFUSED = 14, W_ECONNRESET = 15, W_EDEADLK = 16, W_EDESTADDRREQ = 17,
    W_EDOM = 18, W_EDQUOT = 19, W_EEXIST = 20, W_EFAULT = 21, W_EFBIG = 22,
    W_EHOSTUNREACH = 23, W_EIDRM = 24, W_EILSEQ = 25, W_EINPROGRESS = 26, W_EINTR = 27,
    W_EINVAL = 28, W_EIO = 29, W_EISCONN = 30, W_EISDIR = 31, W_ELOOP = 32,
    W_EMFILE = 33, W_EMLINK = 34, W_EMSGSIZE = 35, W_EMULTIHOP = 36,
    W_ENAMETOOLONG = 37, W_ENETDOWN = 38, W_ENETRESET = 39, W_ENETUNREACH = 40,
    W_ENFILE = 41, W_ENOBUFS = 42, W_ENODEV = 43, W_ENOENT = 44, W_ENOEXEC = 45,
    W_ENOLCK = 46, W_ENOLINK = 47, W_ENOMEM = 48, W_ENOMSG = 49, W_ENOPROTOOPT = 50,
    W_ENOSPC = 51, W_ENOSYS = 52, W_ENOTCONN = 53, W_ENOTDIR = 54, W_ENOTEMPTY = 55,
    W_ENOTRECOVERABLE = 56, W_ENOTSOCK = 57, W_ENOTSUP = 58, W_ENOTTY = 59,
    W_ENXIO = 60, W_EOVERFLOW = 61, W_EOWNERDEAD = 62, W_EPERM = 63, W_EPIPE = 64,
    W_EPROTO = 65, W_EPROTONOSUPPORT = 66, W_EPROTOTYPE = 67, W_ERANGE = 68,
    W_EROFS = 69, W_ESPIPE = 70, W_ESRCH = 71, W_ESTALE = 72, W_ETIMEDOUT = 73,
    W_ETXTBSY = 74, W_EXDEV = 75, W_ENOTCAPABLE = 76,
};

/* rights */
#define W_RIGHT_FD_DATASYNC              (UINT64_C(1) << 0)
#define W_RIGHT_FD_READ                  (UINT64_C(1) << 1)
#define W_RIGHT_FD_SEEK                  (UINT64_C(1) << 2)
#define W_RIGHT_FD_FDSTAT_SET_FLAGS      (UINT64_C(1) << 3)
#define W_RIGHT_FD_SYNC                  (UINT64_C(1) << 4)
#define W_RIGHT_FD_TELL                  (UINT64_C(1) << 5)
#define W_RIGHT_FD_WRITE                 (UINT64_C(1) << 6)
#define W_RIGHT_FD_ADVISE                (UINT64_C(1) << 7)
#define W_RIGHT_FD_ALLOCATE              (UINT64_C(1) << 8)
#define W_RIGHT_PATH_CREATE_DIRECTORY    (UINT64_C(1) << 9)
#define W_RIGHT_PATH_CREATE_FILE         (UINT64_C(1) << 10)
#define W_RIGHT_PATH_LINK_SOURCE         (UINT64_C(1) << 11)
#define W_RIGHT_PATH_LINK_TARGET         (UINT64_C(1) << 12)
#define W_RIGHT_PATH_OPEN                (UINT64_C(1) << 13)
#define W_RIGHT_FD_READDIR               (UINT64_C(1) << 14)
#define W_RIGHT_PATH_READLINK            (UINT64_C(1) << 15)
#define W_RIGHT_PATH_RENAME_SOURCE       (UINT64_C(1) << 16)
#define W_RIGHT_PATH_RENAME_TARGET       (UINT64_C(1) << 17)
#define W_RIGHT_PATH_FILESTAT_GET        (UINT64_C(1) << 18)
#define W_RIGHT_PATH_FILESTAT_SET_SIZE   (UINT64_C(1) << 19)
#define W_RIGHT_PATH_FILESTAT_SET_TIMES  (UINT64_C(1) << 20)
#define W_RIGHT_FD_FILESTAT_GET          (UINT64_C(1) << 21)
#define W_RIGHT_FD_FILESTAT_SET_SIZE     (UINT64_C(1) << 22)
#define W_RIGHT_FD_FILESTAT_SET_TIMES    (UINT64_C(1) << 23)
#define W_RIGHT_PATH_SYMLINK             (UINT64_C(1) << 24)
#define W_RIGHT_PATH_REMOVE_DIRECTORY    (UINT64_C(1) << 25)
#define W_RIGHT_PATH_UNLINK_FILE         (UINT64_C(1) << 26)
#define W_RIGHT_POLL_FD_READWRITE        (UINT64_C(1) << 27)
#define W_RIGHT_SOCK_SHUTDOWN            (UINT64_C(1) << 28)
#define W_RIGHT_SOCK_ACCEPT              (UINT64_C(1) << 29)

/* What a regular file / stream can be granted. */
#define W_RIGHTS_FILE                                                                    \
    (W_RIGHT_FD_DATASYNC | W_RIGHT_FD_READ | W_RIGHT_FD_SEEK | W_RIGHT_FD_FDSTAT_SET_FLAGS | \
     W_RIGHT_FD_SYNC | W_RIGHT_FD_TELL | W_RIGHT_FD_WRITE | W_RIGHT_FD_ADVISE |           \
     W_RIGHT_FD_ALLOCATE | W_RIGHT_FD_FILESTAT_GET | W_RIGHT_FD_FILESTAT_SET_SIZE |       \
     W_RIGHT_FD_FILESTAT_SET_TIMES | W_RIGHT_POLL_FD_READWRITE)
/* What a directory can be granted. */
#define W_RIGHTS_DIR                                                                     \
    (W_RIGHT_FD_FDSTAT_SET_FLAGS | W_RIGHT_FD_SYNC | W_RIGHT_FD_ADVISE |                 \
     W_RIGHT_PATH_CREATE_DIRECTORY | W_RIGHT_PATH_CREATE_FILE | W_RIGHT_PATH_LINK_SOURCE | \
     W_RIGHT_PATH_LINK_TARGET | W_RIGHT_PATH_OPEN | W_RIGHT_FD_READDIR |                 \
     W_RIGHT_PATH_READLINK | W_RIGHT_PATH_RENAME_SOURCE | W_RIGHT_PATH_RENAME_TARGET |   \
     W_RIGHT_PATH_FILESTAT_GET | W_RIGHT_PATH_FILESTAT_SET_SIZE |                        \
     W_RIGHT_PATH_FILESTAT_SET_TIMES | W_RIGHT_FD_FILESTAT_GET |                         \
     W_RIGHT_FD_FILESTAT_SET_TIMES | W_RIGHT_PATH_SYMLINK | W_RIGHT_PATH_REMOVE_DIRECTORY | \
     W_RIGHT_PATH_UNLINK_FILE)
/* Every right that changes the file system; a read-only preopen lacks them. */
#define W_RIGHTS_MUTATE                                                                  \
    (W_RIGHT_FD_DATASYNC | W_RIGHT_FD_WRITE | W_RIGHT_FD_ALLOCATE |                      \
     W_RIGHT_PATH_CREATE_DIRECTORY | W_RIGHT_PATH_CREATE_FILE | W_RIGHT_PATH_LINK_SOURCE | \
     W_RIGHT_PATH_LINK_TARGET | W_RIGHT_PATH_RENAME_SOURCE | W_RIGHT_PATH_RENAME_TARGET | \
     W_RIGHT_PATH_FILESTAT_SET_SIZE | W_RIGHT_PATH_FILESTAT_SET_TIMES |                  \
     W_RIGHT_FD_FILESTAT_SET_SIZE | W_RIGHT_FD_FILESTAT_SET_TIMES | W_RIGHT_PATH_SYMLINK | \
     W_RIGHT_PATH_REMOVE_DIRECTORY | W_RIGHT_PATH_UNLINK_FILE)

/* filetype */
enum {
    W_FT_UNKNOWN = 0, W_FT_BLOCK_DEVICE = 1, W_FT_CHARACTER_DEVICE = 2, W_FT_DIRECTORY = 3,
    W_FT_REGULAR_FILE = 4, W_FT_SOCKET_DGRAM = 5, W_FT_SOCKET_STREAM = 6, W_FT_SYMLINK = 7,
};

/* fdflags */
#define W_FDFLAG_APPEND   (1u << 0)
#define W_FDFLAG_DSYNC    (1u << 1)
#define W_FDFLAG_NONBLOCK (1u << 2)
#define W_FDFLAG_RSYNC    (1u << 3)
#define W_FDFLAG_SYNC     (1u << 4)

/* oflags */
#define W_O_CREAT     (1u << 0)
#define W_O_DIRECTORY (1u << 1)
#define W_O_EXCL      (1u << 2)
#define W_O_TRUNC     (1u << 3)

/* lookupflags */
#define W_LOOKUP_SYMLINK_FOLLOW (1u << 0)

/* fstflags */
#define W_FST_ATIM     (1u << 0)
#define W_FST_ATIM_NOW (1u << 1)
#define W_FST_MTIM     (1u << 2)
#define W_FST_MTIM_NOW (1u << 3)

/* whence */
enum { W_WHENCE_SET = 0, W_WHENCE_CUR = 1, W_WHENCE_END = 2 };

/* clockid */
enum { W_CLOCK_REALTIME = 0, W_CLOCK_MONOTONIC = 1, W_CLOCK_PROCESS = 2, W_CLOCK_THREAD = 3 };

/* eventtype, subclockflags, eventrwflags */
enum { W_EVENT_CLOCK = 0, W_EVENT_FD_READ = 1, W_EVENT_FD_WRITE = 2 };
#define W_SUBCLOCK_ABSTIME (1u << 0)
#define W_EVENTRW_HANGUP   (1u << 0)

/* advice */
enum { W_ADVICE_NORMAL = 0, W_ADVICE_SEQUENTIAL, W_ADVICE_RANDOM, W_ADVICE_WILLNEED,
       W_ADVICE_DONTNEED, W_ADVICE_NOREUSE };

/* preopentype */
enum { W_PREOPEN_DIR = 0 };

/* Layouts (size, then field offsets). */
enum {
    W_IOVEC_SIZE = 8,          /* buf u32 @0, buf_len u32 @4 */
    W_FDSTAT_SIZE = 24,        /* filetype u8 @0, flags u16 @2, base u64 @8, inheriting u64 @16 */
    W_FILESTAT_SIZE = 64,      /* dev @0 ino @8 filetype u8 @16 nlink @24 size @32 atim @40 mtim @48 ctim @56 */
    W_DIRENT_SIZE = 24,        /* next u64 @0, ino u64 @8, namlen u32 @16, type u8 @20 */
    W_PRESTAT_SIZE = 8,        /* tag u8 @0, name_len u32 @4 */
    W_SUBSCRIPTION_SIZE = 48,  /* userdata u64 @0, tag u8 @8, union @16:
                                  clock: id u32 @16 timeout u64 @24 precision u64 @32 flags u16 @40
                                  fd_readwrite: fd u32 @16 */
    W_EVENT_SIZE = 32,         /* userdata u64 @0, error u16 @8, type u8 @10,
                                  fd_readwrite: nbytes u64 @16, flags u16 @24 */
};

#endif
