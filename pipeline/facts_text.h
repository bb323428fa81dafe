/*
 * pipeline/facts_text.h - figures of struct facts said in words: a
 * customer's health with its reason and its focus areas (docs/kpis.md,
 * "Health reason" and "Focus areas in words"). Written on demand into the
 * caller's buffer, so that no run holds a text per customer it may never
 * show.
 */
#ifndef FTK_FACTS_TEXT_H
#define FTK_FACTS_TEXT_H

#include <stddef.h>

#include "pipeline/base/text.h"
#include "pipeline/facts.h"

/* Room for any health reason: the words, and a code and a percent for
 * each of CONFIG_MAX_WORKLOADS workloads. */
#define FACTS_TEXT_REASON_MAX 2560

/* Writes c's health with its reason into out (NUL-terminated; cut at
 * cap - 1 bytes, which FACTS_TEXT_REASON_MAX never is), e.g.
 * "Red: 2 core workloads under 40 % (OD 30.50 %, SPO 12.00 %)": the
 * configured customer bands applied to its core rows, listed in code
 * order (kpi_customer_health_reason). Its health word is c->health's. */
void facts_text_health_reason(const struct facts *f,
                              const struct fact_customer *c, char *out,
                              size_t cap);

/* Appends c's focus areas in words to out, in the order of the focus
 * area table, joined by "; ", each workload-level area followed by its
 * workloads in the configuration's order joined by ", ": "plateau on SPO,
 * OPP; slow kickoff; slow ramp-up on TEAMS". Appends nothing when c has no
 * focus area. The exec summary's "REQUESTS FOR SUPPORT" uses the same
 * words. */
void facts_text_focus_words(const struct facts *f,
                            const struct fact_customer *c, struct text *out);

#endif
