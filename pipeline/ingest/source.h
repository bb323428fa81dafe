/*
 * pipeline/ingest/source.h - an input file read in chunks, plain or gzip.
 *
 * Gzip is detected by the magic bytes 1f 8b, never by the file's name, and
 * inflated as it streams (several members are read one after the other).
 * A truncated or corrupt stream, or bytes after the last member, is an error
 * naming the file. The raw bytes are counted and hashed (SHA-256) on the
 * way, for the run manifest.
 */
#ifndef FTK_SOURCE_H
#define FTK_SOURCE_H

#include <openssl/evp.h>
#include <stdbool.h>
#include <stdint.h>
#include <zlib.h>

#include "pipeline/base/ftk_error.h"

#define SOURCE_CHUNK (256 * 1024)

struct source {
    const char *path; /* borrowed from the caller; NULL in a zeroed source */
    int fd;           /* -1 when closed; only meaningful once path is set */
    bool gzip;
    bool raw_eof;
    bool stream_end; /* the current gzip member ended */
    bool done;
    z_stream zs;
    bool zs_ready;
    unsigned char *raw; /* SOURCE_CHUNK bytes read from the file */
    size_t raw_len, raw_pos;
    uint64_t bytes;       /* raw bytes read so far */
    uint64_t bytes_plain; /* bytes handed out so far */
    EVP_MD_CTX *sha;      /* SHA-256 of the raw bytes (OpenSSL: SHA-NI) */
};

/* Opens path. FTK_E_NOINPUT when it does not exist or cannot be opened,
 * FTK_E_IO on a read error. path must outlive the source. */
enum ftk_error source_open(struct source *src, const char *path,
                           struct ftk_diag *diag);

/* Reads up to cap bytes of content into buf; *got is 0 only at the end.
 * FTK_E_DATA for a truncated or corrupt gzip stream, FTK_E_IO for a read
 * error. */
enum ftk_error source_read(struct source *src, unsigned char *buf, size_t cap,
                           size_t *got, struct ftk_diag *diag);

/* The SHA-256 of every raw byte, as 64 lowercase hex digits and a NUL.
 * Meaningful once source_read has returned *got == 0. */
void source_sha256(struct source *src, char hex[65]);

/* The size and SHA-256 of a whole file's raw bytes (nothing inflated), for
 * the manifest's list of inputs and outputs. */
enum ftk_error source_digest(const char *path, uint64_t *bytes, char hex[65],
                             struct ftk_diag *diag);

/* Closes the file and frees the buffers. Safe on a zeroed struct (a
 * source never opened) and when called twice. */
void source_close(struct source *src);

#endif
