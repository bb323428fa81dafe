/*
 * pipeline/base/shard.c - the split of a run by tenant (shard.h).
 */
#include "shard.h"

#include <string.h>

uint64_t shard_fnv1a64(const void *p, size_t len)
{
    const unsigned char *b = p;
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (size_t i = 0; i < len; i++) {
        h ^= b[i];
        h *= UINT64_C(0x100000001b3);
    }
    return h;
}

uint32_t shard_of(const char *id, size_t len, uint32_t count)
{
    return (uint32_t)(shard_fnv1a64(id, len) % count);
}

bool shard_owns(const struct shard *s, const char *id, size_t len)
{
    return s->count <= 1 || shard_of(id, len, s->count) == s->index;
}

/* Plain decimal digits, at most SHARD_MAX. */
static bool parse_number(const char *s, size_t len, uint32_t *out)
{
    uint32_t v = 0;
    if (len == 0)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (uint32_t)(s[i] - '0');
        if (v > SHARD_MAX)
            return false;
    }
    *out = v;
    return true;
}

static bool shard_set(uint32_t index, uint32_t count, struct shard *out)
{
    if (count == 0 || index >= count)
        return false;
    out->index = index;
    out->count = count;
    return true;
}

bool shard_parse(const char *spec, struct shard *out)
{
    const char *slash = strchr(spec, '/');
    uint32_t i, n;
    return slash && parse_number(spec, (size_t)(slash - spec), &i) &&
           parse_number(slash + 1, strlen(slash + 1), &n) &&
           shard_set(i, n, out);
}

bool shard_from_env(const char *slurm_id, const char *slurm_count,
                    const char *k8s_index, const char *k8s_count,
                    struct shard *out, const char **which)
{
    const char *id = slurm_id, *count = slurm_count;
    *which = "SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT";
    if (!slurm_id) {
        id = k8s_index;
        count = k8s_count;
        *which = "JOB_COMPLETION_INDEX and FTKPI_SHARDS";
    }
    if (!id) {
        *which = "";
        return false;
    }
    uint32_t i, n;
    return count && parse_number(id, strlen(id), &i) &&
           parse_number(count, strlen(count), &n) && shard_set(i, n, out);
}
