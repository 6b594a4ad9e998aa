/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause */
/*
 * virtio-accel: wire protocol and the ioctl ABI of the driver's node (/dev/vaccel).
 *
 * This one header is shared, unchanged, by the Linux guest driver, guest
 * userspace (the vAccel VirtIO plugin) and the host device (vhost-user-accel).
 * The normative description is docs/virtio-accel.md; section numbers below
 * ("spec §N") refer to it.
 *
 * Everything on the wire is little-endian with explicit padding; there are
 * no pointers on the wire. The ioctl structures use fixed-width fields only,
 * so they are identical for 32- and 64-bit guest processes.
 */
#ifndef _UAPI_LINUX_VIRTIO_ACCEL_H
#define _UAPI_LINUX_VIRTIO_ACCEL_H

#include <linux/types.h>
#include <linux/ioctl.h>

/*
 * Device ID (spec §2). PROVISIONAL: not yet reserved with the VIRTIO TC.
 * 21 (signal distribution) and 42 (RDMA in spec drafts) are taken; 57 is
 * unassigned and 0x1040 + 57 = 0x1079 fits the virtio-pci modern range.
 */
#define VIRTIO_ID_ACCEL 57

/* Protocol version carried in config space (spec §4). */
#define VIRTIO_ACCEL_PROTOCOL_VERSION 1

/* Device feature bits (spec §3). Bits 0..23 are device specific. */
/* The device accepts REGISTER_RESOURCE / UNREGISTER_RESOURCE. */
#define VIRTIO_ACCEL_F_RESOURCES 0
/* The host operator allows running libraries uploaded by the guest. */
#define VIRTIO_ACCEL_F_EXEC_UPLOAD 1

/* Config space (spec §4), read-only for the driver. 24 bytes. */
struct virtio_accel_config {
	__le32 version;		  /* VIRTIO_ACCEL_PROTOCOL_VERSION */
	__le16 num_queues;	  /* request queues, >= 1 */
	__le16 max_args;	  /* read + write args per request */
	__le32 max_segments;	  /* descriptors per request chain */
	__le32 status;		  /* VIRTIO_ACCEL_CONFIG_S_*, set by the VMM; a backend sends 0 */
	__le64 max_request_bytes; /* payload bytes per request, both parts */
};

/*
 * Config status bits (spec §4.2). BACKEND_AWAY: the VMM has lost its backend
 * (crash, restart, upgrade) and has not got one back; the other fields are
 * the last ones the backend gave.
 */
#define VIRTIO_ACCEL_CONFIG_S_BACKEND_AWAY 1u

/*
 * Request codes (spec §6). A GENOP's read arg 0 is the vAccel op type (a
 * UINT8; devices also take upstream 0.7.1's 4-byte form), its other args as
 * the op's row in spec §6.2 lays them out; the model ops (TF, TFLite,
 * Torch) carry tensors as {dims, data type, data} args (spec §6.3).
 */
enum virtio_accel_code {
	VIRTIO_ACCEL_C_CREATE_SESSION = 1,
	VIRTIO_ACCEL_C_DESTROY_SESSION = 2,
	VIRTIO_ACCEL_C_REGISTER_RESOURCE = 3,
	VIRTIO_ACCEL_C_UNREGISTER_RESOURCE = 4,
	VIRTIO_ACCEL_C_GENOP = 5,
	/*
	 * Sent by the driver after it reset the device for a backend restart
	 * (spec §4.2): no args; the response id is 1 when the device kept every
	 * session and resource (same ids: the new backend restored them), 0
	 * when none is kept. A device that does not know the code answers
	 * NOTSUPP, which means 0.
	 */
	VIRTIO_ACCEL_C_RESUME = 6,
};

/* Response status byte (spec §7). */
enum virtio_accel_status {
	VIRTIO_ACCEL_S_OK = 0,	    /* request ran; see vaccel_ret */
	VIRTIO_ACCEL_S_BADMSG = 1,  /* malformed request, nothing ran */
	VIRTIO_ACCEL_S_NOTSUPP = 2, /* unknown code or disabled feature */
	VIRTIO_ACCEL_S_INVSESS = 3, /* unknown session for this driver */
	VIRTIO_ACCEL_S_INVRES = 4,  /* unknown resource for this driver */
	VIRTIO_ACCEL_S_NOSPACE = 5, /* a limit was exceeded */
	VIRTIO_ACCEL_S_ERR = 6,	    /* device-side failure (e.g. out of memory) */
};

/* Argument direction (spec §5.2). */
#define VIRTIO_ACCEL_ARG_READ 0	 /* device reads: input */
#define VIRTIO_ACCEL_ARG_WRITE 1 /* device writes: output */

/*
 * Request header (spec §5.1), first in the device-readable part. 40 bytes.
 * nr_read + nr_write argument headers follow immediately, read args first.
 */
struct virtio_accel_req_hdr {
	__le16 code;	  /* enum virtio_accel_code */
	__le16 nr_read;	  /* read (input) args */
	__le16 nr_write;  /* write (output) args */
	__le16 reserved0; /* 0 */
	__le32 flags;	  /* code specific: session flags, resource type */
	__le32 reserved1; /* 0 */
	__le64 session_id;
	__le64 object_id; /* code specific: a resource id */
	__le64 tag;	  /* opaque to the device, for tracing */
};

/*
 * Argument header (spec §5.2). 24 bytes. For a read arg, len is the size of
 * its data; for a write arg, len is the capacity of its output buffer.
 */
struct virtio_accel_arg_hdr {
	__le64 len;
	__le32 type;	       /* vAccel vaccel_arg_type_t value */
	__le32 custom_type_id; /* for VACCEL_ARG_CUSTOM */
	__u8 dir;	       /* VIRTIO_ACCEL_ARG_READ / _WRITE */
	__u8 reserved[7];      /* 0 */
};

/*
 * Response (spec §7): last in the device-writable part, after the write-arg
 * buffers. A fixed 16-byte header followed by nr_write __le64 actual lengths.
 */
struct virtio_accel_resp_hdr {
	__u8 status;	   /* enum virtio_accel_status */
	__u8 reserved[3];  /* 0 */
	__le32 vaccel_ret; /* vAccel return code of the operation */
	__le64 id;	   /* CREATE_SESSION / REGISTER_RESOURCE: the new id */
			   /* followed by: __le64 out_len[nr_write]; */
};

/*
 * Wire sizes in bytes (spec §4, §5.1, §5.2, §7): the structures above, and
 * one out_len entry. Every part (driver, plugin, device) sizes requests with
 * these; the static assertions tie them to the structures.
 */
#define VIRTIO_ACCEL_CONFIG_SIZE 24
#define VIRTIO_ACCEL_REQ_HDR_SIZE 40
#define VIRTIO_ACCEL_ARG_HDR_SIZE 24
#define VIRTIO_ACCEL_RESP_HDR_SIZE 16
#define VIRTIO_ACCEL_OUT_LEN_SIZE 8

/* The headers that open the readable part, for nr_args = nr_read + nr_write (spec §5). */
#define VIRTIO_ACCEL_HDRS_SIZE(nr_args)                                                            \
	(VIRTIO_ACCEL_REQ_HDR_SIZE + VIRTIO_ACCEL_ARG_HDR_SIZE * (__u64)(nr_args))
/* The response block that closes the writable part: header and out_len[nr_write] (spec §7). */
#define VIRTIO_ACCEL_RESP_SIZE(nr_write)                                                           \
	(VIRTIO_ACCEL_RESP_HDR_SIZE + VIRTIO_ACCEL_OUT_LEN_SIZE * (__u64)(nr_write))

/* Argument types are vAccel's vaccel_arg_type_t values, all below this (spec §5.2). */
#define VIRTIO_ACCEL_ARG_TYPE_MAX 30

#if !defined(__cplusplus) && defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
_Static_assert(sizeof(struct virtio_accel_config) == VIRTIO_ACCEL_CONFIG_SIZE, "spec §4");
_Static_assert(sizeof(struct virtio_accel_req_hdr) == VIRTIO_ACCEL_REQ_HDR_SIZE, "spec §5.1");
_Static_assert(sizeof(struct virtio_accel_arg_hdr) == VIRTIO_ACCEL_ARG_HDR_SIZE, "spec §5.2");
_Static_assert(sizeof(struct virtio_accel_resp_hdr) == VIRTIO_ACCEL_RESP_HDR_SIZE, "spec §7");
#endif

/* Limits every device honours at least (spec §4.1). */
#define VIRTIO_ACCEL_MIN_ARGS 32
#define VIRTIO_ACCEL_MAX_ARGS_LIMIT 1024

/* ------------------------------------------------------------------------
 * Device-node ioctl ABI (spec §9). Fixed-width fields; addresses are user
 * pointers carried as __u64.
 */

/* One argument. 24 bytes. */
struct virtio_accel_ioc_arg {
	__u64 addr;	      /* user buffer */
	__u64 len;	      /* in: size or capacity; out (write args): actual length */
	__u32 type;	      /* vaccel_arg_type_t */
	__u32 custom_type_id; /* for VACCEL_ARG_CUSTOM */
};

/* One request. 64 bytes. */
struct virtio_accel_ioc_req {
	__u16 code; /* enum virtio_accel_code */
	__u16 nr_read;
	__u16 nr_write;
	__u16 reserved0; /* 0 */
	__u32 flags;	 /* as in the request header */
	__u32 reserved1; /* 0 */
	__u64 session_id;
	__u64 object_id;
	__u64 read_args;  /* user pointer to struct virtio_accel_ioc_arg[nr_read] */
	__u64 write_args; /* user pointer to struct virtio_accel_ioc_arg[nr_write] */
	/* out */
	__u64 id;	  /* the response id */
	__s32 vaccel_ret; /* the response vaccel_ret */
	__u8 status;	  /* the response status */
	__u8 reserved2[3];
};

/* Device limits as the driver sees them. 32 bytes. */
struct virtio_accel_ioc_info {
	__u32 version;
	__u32 num_queues;
	__u32 max_args;
	__u32 max_segments;
	__u64 max_request_bytes;
	__u64 features; /* negotiated device feature bits 0..63 */
};

#define VIRTIO_ACCEL_IOC_MAGIC '@'
#define VIRTIO_ACCEL_IOC_REQUEST _IOWR(VIRTIO_ACCEL_IOC_MAGIC, 0x10, struct virtio_accel_ioc_req)
#define VIRTIO_ACCEL_IOC_INFO _IOR(VIRTIO_ACCEL_IOC_MAGIC, 0x11, struct virtio_accel_ioc_info)

#endif /* _UAPI_LINUX_VIRTIO_ACCEL_H */
