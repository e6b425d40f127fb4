/* sha256.h: SHA-256 (FIPS 180-4), for change detection and backup
 * manifests.  Small and dependency-free: the core links no crypto library. */
#ifndef VHOSTFIX_SHA256_H
#define VHOSTFIX_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN	32
#define SHA256_HEXLEN	64

struct sha256 {
	uint32_t	h[8];
	uint64_t	len;		/* bytes hashed so far */
	unsigned char	blk[64];
	size_t		nblk;
};

void	sha256_init(struct sha256 *);
void	sha256_update(struct sha256 *, const void *, size_t);
void	sha256_final(struct sha256 *, unsigned char out[SHA256_LEN]);
/* Hash p[0..n) and write 64 lowercase hex digits and a NUL into hex. */
void	sha256_hex(const void *p, size_t n, char hex[SHA256_HEXLEN + 1]);

#endif
