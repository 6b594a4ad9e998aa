/* SPDX-License-Identifier: Apache-2.0 */
/* vAccel return codes: 0 on success, positive errno-style values on failure. */
#ifndef VACCEL_ERROR_H
#define VACCEL_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

/* The values equal the Linux errno values of the same name. */
enum {
	VACCEL_OK = 0,
	VACCEL_EPERM = 1,	  /* not permitted (also: runtime not bootstrapped) */
	VACCEL_ENOENT = 2,	  /* no such entry/file */
	VACCEL_EIO = 5,		  /* I/O error */
	VACCEL_ENOEXEC = 8,	  /* exec format error */
	VACCEL_EBADF = 9,	  /* bad file descriptor */
	VACCEL_EAGAIN = 11,	  /* try again */
	VACCEL_ENOMEM = 12,	  /* out of memory */
	VACCEL_EACCES = 13,	  /* permission denied */
	VACCEL_EFAULT = 14,	  /* bad address */
	VACCEL_EBUSY = 16,	  /* busy */
	VACCEL_EEXIST = 17,	  /* already exists */
	VACCEL_ENODEV = 19,	  /* no such device */
	VACCEL_ENOTDIR = 20,	  /* not a directory */
	VACCEL_EINVAL = 22,	  /* invalid argument */
	VACCEL_ENOSPC = 28,	  /* no space left */
	VACCEL_EROFS = 30,	  /* read-only file system */
	VACCEL_EMLINK = 31,	  /* too many links */
	VACCEL_ERANGE = 34,	  /* out of range */
	VACCEL_ENAMETOOLONG = 36, /* name too long */
	VACCEL_ENOSYS = 38,	  /* function not implemented */
	VACCEL_ELOOP = 40,	  /* too many symbolic links */
	VACCEL_EBACKEND = 71,	  /* plugin/backend failure (EPROTO) */
	VACCEL_ELIBBAD = 80,	  /* not a (usable) vAccel plugin */
	VACCEL_EUSERS = 87,	  /* out of IDs */
	VACCEL_ENOTSUP = 95,	  /* operation not supported */
	VACCEL_ESESS = 104,	  /* session error (ECONNRESET) */
	VACCEL_EINPROGRESS = 115, /* operation in progress */
	VACCEL_EREMOTEIO = 121,	  /* remote I/O error */
};

#ifdef __cplusplus
}
#endif

#endif /* VACCEL_ERROR_H */
