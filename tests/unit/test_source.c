/*
 * tests/unit/test_source.c - input files read in chunks, plain or gzip
 * (pipeline/ingest/source.h). The gzip files are made here with zlib's gzwrite,
 * then cut, corrupted or extended to get the broken ones.
 */
#include <fcntl.h>
#include <sha2.h> /* libmd: an independent SHA-256 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "pipeline/ingest/source.h"
#include "tests/unit/scratch.h"

struct fixture {
    char dir[64];
    char path[128];
};

static int setup(void **state)
{
    struct fixture *fx = test_calloc(1, sizeof(*fx));
    if (!scratch_make(fx->dir, sizeof(fx->dir), "test_source")) {
        test_free(fx);
        return -1;
    }
    snprintf(fx->path, sizeof(fx->path), "%s/input", fx->dir);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    scratch_remove(fx->dir);
    test_free(fx);
    return 0;
}

/* Appends one gzip member holding data[0..len) to path (mode "wb" starts
 * the file, "ab" adds a member). */
static void gz_member(const char *path, const char *mode, const void *data,
                      size_t len)
{
    gzFile gz = gzopen(path, mode);
    assert_non_null(gz);
    if (len > 0)
        assert_int_equal(gzwrite(gz, data, (unsigned)len), (int)len);
    assert_int_equal(gzclose(gz), Z_OK);
}

/* Bytes that do not compress: a xorshift stream, printable or not. */
static unsigned char *noise(size_t len, uint64_t seed)
{
    unsigned char *buf = test_malloc(len);
    uint64_t x = seed | 1;
    for (size_t i = 0; i < len; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        buf[i] = (unsigned char)(x >> 24);
    }
    return buf;
}

/* Reads the whole source in pieces of at most cap bytes; the content is
 * returned (test_free it) and the error, if any, in *err. */
static unsigned char *read_all(struct source *src, size_t cap, size_t *len,
                               enum ftk_error *err, struct ftk_diag *diag)
{
    size_t size = 1024, used = 0;
    unsigned char *out = test_malloc(size);
    unsigned char *buf = test_malloc(cap);
    *err = FTK_OK;
    for (;;) {
        size_t got = 12345;
        *err = source_read(src, buf, cap, &got, diag);
        if (*err != FTK_OK)
            break;
        assert_true(got <= cap);
        if (got == 0)
            break;
        if (used + got > size) {
            while (used + got > size)
                size *= 2;
            out = test_realloc(out, size);
        }
        memcpy(out + used, buf, got);
        used += got;
    }
    test_free(buf);
    *len = used;
    return out;
}

/* Opens path, reads it all with pieces of cap bytes and checks that it
 * gives exactly want[0..want_len). */
static void expect_content(const char *path, size_t cap, const void *want,
                           size_t want_len)
{
    struct source src;
    struct ftk_diag diag = {{0}};
    assert_int_equal(source_open(&src, path, &diag), FTK_OK);
    enum ftk_error err;
    size_t len;
    unsigned char *got = read_all(&src, cap, &len, &err, &diag);
    if (err != FTK_OK)
        fail_msg("%s: %s", path, diag.msg);
    assert_int_equal(len, want_len);
    assert_memory_equal(got, want, want_len);
    assert_int_equal(src.bytes_plain, want_len);
    test_free(got);
    source_close(&src);
}

/* Opens path, reads it all and returns the error; diag keeps the
 * message. */
static enum ftk_error read_error(const char *path, struct ftk_diag *diag)
{
    struct source src;
    enum ftk_error err = source_open(&src, path, diag);
    if (err != FTK_OK)
        return err;
    size_t len;
    unsigned char *got = read_all(&src, 4096, &len, &err, diag);
    test_free(got);
    source_close(&src);
    return err;
}

static void test_source__plain_file_in_chunks(void **state)
{
    struct fixture *fx = *state;
    /* Over two SOURCE_CHUNKs, so the raw buffer is refilled. */
    size_t n = 2 * SOURCE_CHUNK + 777;
    unsigned char *data = noise(n, 42);
    scratch_write(fx->path, data, n);
    static const size_t caps[] = {4096, SOURCE_CHUNK, SOURCE_CHUNK + 1,
                                  3 * SOURCE_CHUNK};
    for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
        expect_content(fx->path, caps[i], data, n);
    /* Tiny pieces, on a prefix to keep the test quick. */
    scratch_write(fx->path, data, 5000);
    expect_content(fx->path, 1, data, 5000);
    expect_content(fx->path, 7, data, 5000);
    test_free(data);
}

static void test_source__plain_counts_bytes_and_stays_at_end(void **state)
{
    struct fixture *fx = *state;
    scratch_write(fx->path, "hello\n", 6);
    struct source src;
    struct ftk_diag diag = {{0}};
    assert_int_equal(source_open(&src, fx->path, &diag), FTK_OK);
    assert_false(src.gzip);
    unsigned char buf[64];
    size_t got;
    assert_int_equal(source_read(&src, buf, sizeof(buf), &got, &diag), FTK_OK);
    assert_int_equal(got, 6);
    assert_memory_equal(buf, "hello\n", 6);
    /* The end is reported, and again when asked again. */
    for (int i = 0; i < 3; i++) {
        got = 99;
        assert_int_equal(source_read(&src, buf, sizeof(buf), &got, &diag),
                         FTK_OK);
        assert_int_equal(got, 0);
    }
    assert_int_equal(src.bytes, 6);
    assert_int_equal(src.bytes_plain, 6);
    source_close(&src);
    source_close(&src); /* safe twice */
}

static void test_source__gzip_inflates_to_the_same_bytes(void **state)
{
    struct fixture *fx = *state;
    /* Noise does not compress, so the .gz is over two raw chunks too. */
    size_t n = 2 * SOURCE_CHUNK + 1000;
    unsigned char *data = noise(n, 7);
    gz_member(fx->path, "wb", data, n);
    size_t gz_len;
    unsigned char *gz = (unsigned char *)scratch_read(fx->path, &gz_len);
    assert_true(gz_len > SOURCE_CHUNK);
    test_free(gz);

    expect_content(fx->path, 4096, data, n);
    expect_content(fx->path, SOURCE_CHUNK, data, n);
    expect_content(fx->path, 3 * SOURCE_CHUNK, data, n);

    struct source src;
    struct ftk_diag diag = {{0}};
    assert_int_equal(source_open(&src, fx->path, &diag), FTK_OK);
    assert_true(src.gzip);
    enum ftk_error err;
    size_t len;
    unsigned char *got = read_all(&src, 1000, &len, &err, &diag);
    assert_int_equal(err, FTK_OK);
    /* bytes counts the file's (compressed) bytes, not the content's. */
    assert_int_equal(src.bytes, gz_len);
    assert_int_equal(src.bytes_plain, n);
    test_free(got);
    source_close(&src);
    test_free(data);
}

static void test_source__gzip_of_text_in_tiny_pieces(void **state)
{
    struct fixture *fx = *state;
    const char *text = "tenant_id,workload\nT1,EXO\nT2,SPO\n";
    gz_member(fx->path, "wb", text, strlen(text));
    expect_content(fx->path, 1, text, strlen(text));
    expect_content(fx->path, 5, text, strlen(text));
}

static void test_source__two_gzip_members_are_concatenated(void **state)
{
    struct fixture *fx = *state;
    const char *a = "first member\n", *b = "second member\n";
    gz_member(fx->path, "wb", a, strlen(a));
    gz_member(fx->path, "ab", b, strlen(b));
    char want[64];
    snprintf(want, sizeof(want), "%s%s", a, b);
    expect_content(fx->path, 4096, want, strlen(want));
    expect_content(fx->path, 1, want, strlen(want));
    expect_content(fx->path, 13, want, strlen(want));
}

static void test_source__empty_gzip_member_between_two(void **state)
{
    struct fixture *fx = *state;
    gz_member(fx->path, "wb", "ab", 2);
    gz_member(fx->path, "ab", "", 0);
    gz_member(fx->path, "ab", "cd", 2);
    expect_content(fx->path, 4096, "abcd", 4);
    expect_content(fx->path, 1, "abcd", 4);
}

static void test_source__large_gzip_members_across_chunks(void **state)
{
    struct fixture *fx = *state;
    /* Member boundaries fall inside raw chunks, not on their edges. */
    size_t n = SOURCE_CHUNK + 5000;
    unsigned char *data = noise(2 * n, 99);
    gz_member(fx->path, "wb", data, n);
    gz_member(fx->path, "ab", data + n, n);
    expect_content(fx->path, 4096, data, 2 * n);
    expect_content(fx->path, 3 * SOURCE_CHUNK, data, 2 * n);
    test_free(data);
}

static void test_source__truncated_gzip_is_an_error(void **state)
{
    struct fixture *fx = *state;
    size_t n = 3000;
    unsigned char *data = noise(n, 5);
    gz_member(fx->path, "wb", data, n);
    size_t gz_len;
    unsigned char *gz = (unsigned char *)scratch_read(fx->path, &gz_len);
    /* Cut inside the header, the deflate data, the CRC and the length. */
    const size_t cuts[] = {2,          5,          10,        gz_len / 2,
                           gz_len - 8, gz_len - 5, gz_len - 1};
    for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
        scratch_write(fx->path, gz, cuts[i]);
        struct ftk_diag diag = {{0}};
        enum ftk_error err = read_error(fx->path, &diag);
        if (err != FTK_E_DATA)
            fail_msg("cut at %zu of %zu: error %d, want FTK_E_DATA", cuts[i],
                     gz_len, (int)err);
        assert_non_null(strstr(diag.msg, "truncated"));
        assert_non_null(strstr(diag.msg, fx->path));
    }
    test_free(gz);
    test_free(data);
}

static void test_source__truncated_second_member_is_an_error(void **state)
{
    struct fixture *fx = *state;
    gz_member(fx->path, "wb", "one\n", 4);
    size_t first;
    unsigned char *gz = (unsigned char *)scratch_read(fx->path, &first);
    test_free(gz);
    gz_member(fx->path, "ab", "two\n", 4);
    size_t gz_len;
    gz = (unsigned char *)scratch_read(fx->path, &gz_len);
    /* Only the magic of the next member, then half of it. */
    const size_t cuts[] = {first + 1, first + 2, first + (gz_len - first) / 2};
    for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
        scratch_write(fx->path, gz, cuts[i]);
        struct ftk_diag diag = {{0}};
        assert_int_equal(read_error(fx->path, &diag), FTK_E_DATA);
        assert_non_null(strstr(diag.msg, "truncated"));
    }
    test_free(gz);
}

static void test_source__corrupt_deflate_data_is_an_error(void **state)
{
    struct fixture *fx = *state;
    const char *text = "tenant_id,workload,date,active_users\n"
                       "T1,EXO,2024-01-31,40\nT2,SPO,2024-01-31,12\n";
    gz_member(fx->path, "wb", text, strlen(text));
    size_t gz_len;
    unsigned char *gz = (unsigned char *)scratch_read(fx->path, &gz_len);
    /* Every byte of the deflate data (after the 10-byte header, before
     * the 8-byte trailer), one at a time, then the CRC and the length. */
    for (size_t at = 10; at < gz_len; at++) {
        unsigned char *bad = test_malloc(gz_len);
        memcpy(bad, gz, gz_len);
        bad[at] ^= 0x55;
        scratch_write(fx->path, bad, gz_len);
        struct ftk_diag diag = {{0}};
        enum ftk_error err = read_error(fx->path, &diag);
        if (err != FTK_E_DATA)
            fail_msg("byte %zu of %zu flipped: error %d, want FTK_E_DATA", at,
                     gz_len, (int)err);
        assert_non_null(strstr(diag.msg, fx->path));
        test_free(bad);
    }
    test_free(gz);
}

static void test_source__bad_crc_names_the_check(void **state)
{
    struct fixture *fx = *state;
    gz_member(fx->path, "wb", "hello\n", 6);
    size_t gz_len;
    unsigned char *gz = (unsigned char *)scratch_read(fx->path, &gz_len);
    gz[gz_len - 8] ^= 1; /* first byte of the CRC-32 */
    scratch_write(fx->path, gz, gz_len);
    struct ftk_diag diag = {{0}};
    assert_int_equal(read_error(fx->path, &diag), FTK_E_DATA);
    assert_non_null(strstr(diag.msg, "corrupt gzip stream"));
    assert_non_null(strstr(diag.msg, "check"));
    test_free(gz);
}

static void test_source__trailing_garbage_is_an_error(void **state)
{
    struct fixture *fx = *state;
    static const struct {
        const char *bytes;
        size_t len;
    } tails[] = {
        {"garbage", 7},      {"\n", 1},
        {"\0\0\0\0", 4},     /* tar-style zero padding */
        {"\x1f", 1},         /* half a magic number */
        {"\x1f\x8bjunk", 6}, /* a magic number, then no header */
    };
    for (size_t i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
        gz_member(fx->path, "wb", "a,b\n", 4);
        scratch_append(fx->path, tails[i].bytes, tails[i].len);
        struct ftk_diag diag = {{0}};
        enum ftk_error err = read_error(fx->path, &diag);
        if (err != FTK_E_DATA)
            fail_msg("tail %zu: error %d, want FTK_E_DATA", i, (int)err);
        assert_non_null(strstr(diag.msg, fx->path));
    }
    /* The message for plain garbage says where it starts. */
    gz_member(fx->path, "wb", "a,b\n", 4);
    size_t gz_len;
    unsigned char *gz = (unsigned char *)scratch_read(fx->path, &gz_len);
    test_free(gz);
    scratch_append(fx->path, "xyz", 3);
    struct ftk_diag diag = {{0}};
    assert_int_equal(read_error(fx->path, &diag), FTK_E_DATA);
    char where[64];
    snprintf(where, sizeof(where), "(byte %zu)", gz_len);
    assert_non_null(strstr(diag.msg, "after the end of the compressed data"));
    assert_non_null(strstr(diag.msg, where));
}

static void test_source__plain_file_named_gz_is_plain(void **state)
{
    struct fixture *fx = *state;
    char path[160];
    snprintf(path, sizeof(path), "%s/usage.csv.gz", fx->dir);
    const char *text = "tenant_id,workload\nT1,EXO\n";
    scratch_write(path, text, strlen(text));
    struct source src;
    struct ftk_diag diag = {{0}};
    assert_int_equal(source_open(&src, path, &diag), FTK_OK);
    assert_false(src.gzip);
    source_close(&src);
    expect_content(path, 4096, text, strlen(text));
}

static void test_source__gzip_named_csv_is_gzip(void **state)
{
    struct fixture *fx = *state;
    char path[160];
    snprintf(path, sizeof(path), "%s/usage.csv", fx->dir);
    gz_member(path, "wb", "x,y\n", 4);
    struct source src;
    struct ftk_diag diag = {{0}};
    assert_int_equal(source_open(&src, path, &diag), FTK_OK);
    assert_true(src.gzip);
    source_close(&src);
    expect_content(path, 4096, "x,y\n", 4);
}

static void test_source__one_magic_byte_is_plain(void **state)
{
    struct fixture *fx = *state;
    scratch_write(fx->path, "\x1f", 1);
    expect_content(fx->path, 4096, "\x1f", 1);
    scratch_write(fx->path,
                  "\x1f"
                  "a",
                  2);
    expect_content(fx->path, 4096,
                   "\x1f"
                   "a",
                   2);
}

static void test_source__missing_file_is_noinput(void **state)
{
    struct fixture *fx = *state;
    char path[160];
    snprintf(path, sizeof(path), "%s/nope.csv", fx->dir);
    struct source src;
    struct ftk_diag diag = {{0}};
    assert_int_equal(source_open(&src, path, &diag), FTK_E_NOINPUT);
    assert_non_null(strstr(diag.msg, path));
    assert_non_null(strstr(diag.msg, "cannot open"));
    /* A failed open leaves nothing to close, and closing is safe. */
    source_close(&src);
}

/* A source never opened holds nothing: closing it (twice) must not close
 * descriptor 0. */
static void test_source__close_safe_on_zeroed_and_twice(void **state)
{
    (void)state;
    if (fcntl(0, F_GETFD) == -1)
        assert_int_equal(open("/dev/null", O_RDONLY), 0);
    struct source src;
    memset(&src, 0, sizeof(src));
    source_close(&src);
    source_close(&src);
    assert_int_not_equal(fcntl(0, F_GETFD), -1);
}

static void test_source__empty_file_reads_nothing(void **state)
{
    struct fixture *fx = *state;
    scratch_write(fx->path, "", 0);
    struct source src;
    struct ftk_diag diag = {{0}};
    assert_int_equal(source_open(&src, fx->path, &diag), FTK_OK);
    assert_false(src.gzip);
    unsigned char buf[16];
    size_t got = 99;
    assert_int_equal(source_read(&src, buf, sizeof(buf), &got, &diag), FTK_OK);
    assert_int_equal(got, 0);
    assert_int_equal(src.bytes, 0);
    char hex[65];
    source_sha256(&src, hex);
    assert_string_equal(
        hex,
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    source_close(&src);
}

static void test_source__sha256_of_known_content(void **state)
{
    struct fixture *fx = *state;
    scratch_write(fx->path, "abc", 3);
    struct source src;
    struct ftk_diag diag = {{0}};
    assert_int_equal(source_open(&src, fx->path, &diag), FTK_OK);
    enum ftk_error err;
    size_t len;
    unsigned char *got = read_all(&src, 1, &len, &err, &diag);
    assert_int_equal(err, FTK_OK);
    test_free(got);
    char hex[65];
    source_sha256(&src, hex);
    assert_string_equal(
        hex,
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    /* Asking twice gives the same (the context is not consumed). */
    source_sha256(&src, hex);
    assert_string_equal(
        hex,
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_int_equal(src.bytes, 3);
    source_close(&src);
}

static void test_source__sha256_and_bytes_of_gzip_are_of_raw_bytes(void **state)
{
    struct fixture *fx = *state;
    /* Over one chunk, to hash more than one raw read. */
    size_t n = SOURCE_CHUNK + 4321;
    unsigned char *data = noise(n, 3);
    gz_member(fx->path, "wb", data, n);
    size_t gz_len;
    unsigned char *gz = (unsigned char *)scratch_read(fx->path, &gz_len);
    uint8_t digest[SHA256_DIGEST_LENGTH];
    SHA2_CTX ctx;
    SHA256Init(&ctx);
    SHA256Update(&ctx, gz, gz_len);
    SHA256Final(digest, &ctx);
    char want[65];
    for (int i = 0; i < SHA256_DIGEST_LENGTH; i++)
        snprintf(want + 2 * i, 3, "%02x", digest[i]);

    struct source src;
    struct ftk_diag diag = {{0}};
    assert_int_equal(source_open(&src, fx->path, &diag), FTK_OK);
    enum ftk_error err;
    size_t len;
    unsigned char *got = read_all(&src, 65536, &len, &err, &diag);
    assert_int_equal(err, FTK_OK);
    assert_int_equal(len, n);
    char hex[65];
    source_sha256(&src, hex);
    assert_string_equal(hex, want);
    assert_int_equal(src.bytes, gz_len);
    assert_int_equal(src.bytes_plain, n);
    test_free(got);
    source_close(&src);
    test_free(gz);
    test_free(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_source__plain_file_in_chunks,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_source__plain_counts_bytes_and_stays_at_end, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_source__gzip_inflates_to_the_same_bytes, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_source__gzip_of_text_in_tiny_pieces, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_source__two_gzip_members_are_concatenated, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_source__empty_gzip_member_between_two, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_source__large_gzip_members_across_chunks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_source__truncated_gzip_is_an_error,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_source__truncated_second_member_is_an_error, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_source__corrupt_deflate_data_is_an_error, setup, teardown),
        cmocka_unit_test_setup_teardown(test_source__bad_crc_names_the_check,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_source__trailing_garbage_is_an_error, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_source__plain_file_named_gz_is_plain, setup, teardown),
        cmocka_unit_test_setup_teardown(test_source__gzip_named_csv_is_gzip,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_source__one_magic_byte_is_plain,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_source__missing_file_is_noinput,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_source__close_safe_on_zeroed_and_twice, setup, teardown),
        cmocka_unit_test_setup_teardown(test_source__empty_file_reads_nothing,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_source__sha256_of_known_content,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_source__sha256_and_bytes_of_gzip_are_of_raw_bytes, setup,
            teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
