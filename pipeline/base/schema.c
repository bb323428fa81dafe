/*
 * pipeline/base/schema.c - CSV header and values from a schema table.
 */
#include "schema.h"

#include <string.h>
#include <strings.h>

#include "kpi/date.h"
#include "kpi/kpi.h"

void schema_csv_header(struct csv_writer *w, const struct schema *sc)
{
    for (size_t c = 0; c < sc->n_cols; c++)
        if (sc->col[c].name)
            csv_writer_plain(w, sc->col[c].name);
    csv_writer_end(w);
}

void schema_csv_value(struct csv_writer *w, enum schema_type t,
                      const struct schema_value *v)
{
    if (!v->known) {
        csv_writer_empty(w);
        return;
    }
    switch (t) {
    case SCHEMA_TEXT:
        csv_writer_str(w, v->s ? v->s : "");
        return;
    case SCHEMA_CODE:
        csv_writer_plain(w, v->s ? v->s : "");
        return;
    case SCHEMA_INT:
        csv_writer_int(w, v->i);
        return;
    case SCHEMA_PCT:
    case SCHEMA_PP:
        csv_writer_centi(w, (kpi_centi)v->i);
        return;
    case SCHEMA_BOOL:
        csv_writer_bool(w, v->i != 0);
        return;
    case SCHEMA_DATE:
        csv_writer_date(w, (int32_t)v->i);
        return;
    case SCHEMA_MONTH: {
        char month[8];
        kpi_month_format((int32_t)v->i, month);
        csv_writer_plain(w, month);
        return;
    }
    case SCHEMA_HEALTH:
        csv_writer_plain(w, kpi_health_name((enum kpi_health)v->i));
        return;
    }
    csv_writer_empty(w);
}

int schema_find(const struct schema *sc, const char *name)
{
    for (size_t c = 0; c < sc->n_cols; c++)
        if (sc->col[c].name && strcmp(sc->col[c].name, name) == 0)
            return (int)c;
    return -1;
}

int schema_match(const struct schema *sc, const char *s, size_t len)
{
    for (size_t c = 0; c < sc->n_cols; c++)
        if (sc->col[c].name && strlen(sc->col[c].name) == len &&
            strncasecmp(sc->col[c].name, s, len) == 0)
            return (int)c;
    return -1;
}
