/*
 * pipeline/base/shard.h - which shard of a split run a tenant belongs to
 * (docs/sharding.md).
 *
 * A run split over N machines gives each tenant to one shard: FNV-1a-64 of
 * the tenant_id's bytes, modulo N. The function is fixed (docs/sharding.md
 * states it) so that every shard, on any machine and at any time, makes the
 * same split.
 */
#ifndef FTK_SHARD_H
#define FTK_SHARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The most shards a run may be split into. */
#define SHARD_MAX 100000

/* Shard index of count (0 <= index < count). count 0 means the run is not
 * split: every tenant is its own. */
struct shard {
    uint32_t index, count;
};

/* FNV-1a, 64 bits, of len bytes at p. */
uint64_t shard_fnv1a64(const void *p, size_t len);

/* The shard of a tenant_id of len bytes in a run split in count (> 0). */
uint32_t shard_of(const char *id, size_t len, uint32_t count);

/* True when the tenant_id belongs to shard s (always when s is not a
 * split). */
bool shard_owns(const struct shard *s, const char *id, size_t len);

/* "I/N": plain decimal digits, 0 <= I < N <= SHARD_MAX. */
bool shard_parse(const char *spec, struct shard *out);

/* --shard auto, from the values of the environment variables (NULL when
 * unset): Slurm's SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT when the
 * first is set, else Kubernetes' JOB_COMPLETION_INDEX with FTKPI_SHARDS.
 * False when neither pair is set or a value is not a valid I and N; *which
 * then names the pair tried ("" when none was set). */
bool shard_from_env(const char *slurm_id, const char *slurm_count,
                    const char *k8s_index, const char *k8s_count,
                    struct shard *out, const char **which);

#endif
