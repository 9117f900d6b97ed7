/*
 * CRC-32C (Castagnoli), the checksum of every journal record and snapshot
 * section.
 */
#ifndef ATT_CRC32C_H
#define ATT_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/* Continue a CRC: att_crc32c(0, buf, n) starts one. */
uint32_t att_crc32c(uint32_t crc, const void *buf, size_t n);
/* The portable software version (tests compare the two). */
uint32_t att__crc32c_sw(uint32_t crc, const void *buf, size_t n);

#endif
