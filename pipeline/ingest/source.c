/*
 * pipeline/ingest/source.c - chunked reading with zlib's inflate.
 *
 * inflate is driven by hand rather than through gzread: gzread treats a
 * truncated stream as a short read unless gzerror is asked, and hides the
 * raw bytes that the manifest's checksum needs.
 */
#include "source.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pipeline/base/testing.h"

static enum ftk_error fill_raw(struct source *src, struct ftk_diag *diag)
{
    src->raw_pos = 0;
    src->raw_len = 0;
    while (!src->raw_eof) {
        ssize_t n = read(src->fd, src->raw, SOURCE_CHUNK);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return ftk_fail(diag, FTK_E_IO, "%s: read error: %s", src->path,
                            strerror(errno));
        }
        if (n == 0) {
            src->raw_eof = true;
            break;
        }
        src->raw_len = (size_t)n;
        src->bytes += (uint64_t)n;
        EVP_DigestUpdate(src->sha, src->raw, (size_t)n);
        break;
    }
    return FTK_OK;
}

enum ftk_error source_open(struct source *src, const char *path,
                           struct ftk_diag *diag)
{
    memset(src, 0, sizeof(*src));
    src->path = path;
    src->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (src->fd < 0)
        return ftk_fail(diag, FTK_E_NOINPUT, "%s: cannot open: %s", path,
                        strerror(errno));
    struct stat sb;
    if (fstat(src->fd, &sb) == 0 && S_ISDIR(sb.st_mode)) {
        source_close(src);
        return ftk_fail(diag, FTK_E_NOINPUT,
                        "%s: is a folder: expected a file (use --in DIR for "
                        "a folder of extracts)",
                        path);
    }
    src->raw = malloc(SOURCE_CHUNK);
    src->sha = EVP_MD_CTX_new();
    if (!src->raw || !src->sha ||
        !EVP_DigestInit_ex(src->sha, EVP_sha256(), NULL)) {
        source_close(src);
        return ftk_fail(diag, FTK_E_NOMEM, "%s: out of memory", path);
    }
    enum ftk_error err = fill_raw(src, diag);
    if (err != FTK_OK) {
        source_close(src);
        return err;
    }
    /* Two bytes decide; a one-byte file cannot be gzip. The first read of a
     * regular file returns at least two bytes when it has them. */
    src->gzip = src->raw_len >= 2 && src->raw[0] == 0x1f && src->raw[1] == 0x8b;
    if (src->gzip) {
        if (inflateInit2(&src->zs, 16 + MAX_WBITS) != Z_OK) {
            source_close(src);
            return ftk_fail(diag, FTK_E_NOMEM, "%s: cannot start gzip: %s",
                            path, "out of memory");
        }
        src->zs_ready = true;
    }
    return FTK_OK;
}

static enum ftk_error read_plain(struct source *src, unsigned char *buf,
                                 size_t cap, size_t *got, struct ftk_diag *diag)
{
    if (src->raw_pos == src->raw_len) {
        enum ftk_error err = fill_raw(src, diag);
        if (err != FTK_OK)
            return err;
    }
    size_t n = src->raw_len - src->raw_pos;
    if (n > cap)
        n = cap;
    memcpy(buf, src->raw + src->raw_pos, n);
    src->raw_pos += n;
    *got = n;
    return FTK_OK;
}

/* After a member's end: another member may follow; anything else is an
 * error, like gzip -t. */
static enum ftk_error next_member(struct source *src, struct ftk_diag *diag)
{
    for (;;) {
        if (src->raw_pos == src->raw_len) {
            enum ftk_error err = fill_raw(src, diag);
            if (err != FTK_OK)
                return err;
            if (src->raw_len == 0) {
                src->done = true;
                return FTK_OK;
            }
        }
        if (src->raw[src->raw_pos] != 0x1f)
            return ftk_fail(
                diag, FTK_E_DATA,
                "%s: corrupt gzip stream: unexpected data after "
                "the end of the compressed data (byte %llu)",
                src->path,
                (unsigned long long)(src->bytes - src->raw_len + src->raw_pos));
        inflateReset(&src->zs);
        src->stream_end = false;
        return FTK_OK;
    }
}

static enum ftk_error read_gzip(struct source *src, unsigned char *buf,
                                size_t cap, size_t *got, struct ftk_diag *diag)
{
    z_stream *zs = &src->zs;
    zs->next_out = buf;
    zs->avail_out = (uInt)(cap > UINT32_MAX ? UINT32_MAX : cap);
    while (zs->avail_out > 0 && !src->done) {
        if (src->stream_end) {
            enum ftk_error err = next_member(src, diag);
            if (err != FTK_OK)
                return err;
            continue;
        }
        if (src->raw_pos == src->raw_len) {
            enum ftk_error err = fill_raw(src, diag);
            if (err != FTK_OK)
                return err;
            if (src->raw_len == 0)
                return ftk_fail(diag, FTK_E_DATA,
                                "%s: truncated gzip stream: unexpected end "
                                "of file after %llu bytes",
                                src->path, (unsigned long long)src->bytes);
        }
        zs->next_in = src->raw + src->raw_pos;
        zs->avail_in = (uInt)(src->raw_len - src->raw_pos);
        int rc = inflate(zs, Z_NO_FLUSH);
        src->raw_pos = src->raw_len - zs->avail_in;
        if (rc == Z_STREAM_END) {
            src->stream_end = true;
            /* Hand out what this member gave before looking further. */
            if (zs->avail_out < cap)
                break;
        } else if (rc == Z_DATA_ERROR || rc == Z_NEED_DICT) {
            return ftk_fail(diag, FTK_E_DATA, "%s: corrupt gzip stream: %s",
                            src->path, zs->msg ? zs->msg : "bad data");
        } else if (rc == Z_MEM_ERROR) {
            return ftk_fail(diag, FTK_E_NOMEM, "%s: out of memory", src->path);
        } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
            return ftk_fail(diag, FTK_E_DATA, "%s: gzip error %d: %s",
                            src->path, rc, zs->msg ? zs->msg : "unknown");
        }
    }
    *got = cap - zs->avail_out;
    return FTK_OK;
}

enum ftk_error source_read(struct source *src, unsigned char *buf, size_t cap,
                           size_t *got, struct ftk_diag *diag)
{
    *got = 0;
    enum ftk_error err = src->gzip ? read_gzip(src, buf, cap, got, diag)
                                   : read_plain(src, buf, cap, got, diag);
    src->bytes_plain += *got;
    return err;
}

void source_sha256(struct source *src, char hex[65])
{
    static const char digits[] = "0123456789abcdef";
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_MD_CTX *copy = EVP_MD_CTX_new();
    if (!copy || !EVP_MD_CTX_copy_ex(copy, src->sha) ||
        !EVP_DigestFinal_ex(copy, digest, &len))
        len = 0;
    EVP_MD_CTX_free(copy);
    if (len != 32) {
        memset(hex, '0', 64);
        hex[64] = '\0';
        return;
    }
    for (int i = 0; i < 32; i++) {
        hex[2 * i] = digits[digest[i] >> 4];
        hex[2 * i + 1] = digits[digest[i] & 15];
    }
    hex[64] = '\0';
}

void source_close(struct source *src)
{
    if (src->zs_ready)
        inflateEnd(&src->zs);
    src->zs_ready = false;
    /* a zeroed source has fd 0 but no path: it holds no descriptor */
    if (src->path && src->fd >= 0)
        close(src->fd);
    src->fd = -1;
    free(src->raw);
    src->raw = NULL;
    EVP_MD_CTX_free(src->sha);
    src->sha = NULL;
}

enum ftk_error source_digest(const char *path, uint64_t *bytes, char hex[65],
                             struct ftk_diag *diag)
{
    struct source src;
    enum ftk_error err = source_open(&src, path, diag);
    if (err != FTK_OK)
        return err;
    while (err == FTK_OK && src.raw_len > 0)
        err = fill_raw(&src, diag);
    if (err == FTK_OK) {
        *bytes = src.bytes;
        source_sha256(&src, hex);
    }
    source_close(&src);
    return err;
}
