/*
 * pipeline/base/csv_writer.c - the one place CSV cells are quoted and
 * neutralised.
 */
#include "csv_writer.h"

#include <inttypes.h>
#include <string.h>

#include "kpi/date.h"

void csv_writer_init(struct csv_writer *w, FILE *f, bool bom)
{
    w->f = f;
    w->row_started = false;
    if (bom)
        fputs("\xEF\xBB\xBF", f);
}

static void separator(struct csv_writer *w)
{
    if (w->row_started)
        putc(',', w->f);
    w->row_started = true;
}

static void cell(struct csv_writer *w, const char *s, size_t len,
                 bool neutralise, bool keep_spaces)
{
    separator(w);
    /* s[0] != '\0': strchr would find the set's own terminator */
    bool formula = neutralise && len > 0 && s[0] != '\0' &&
                   strchr("=+-@\t\r", s[0]) != NULL;
    bool quote = keep_spaces && len > 0 &&
                 (s[0] == ' ' || s[0] == '\t' || s[len - 1] == ' ' ||
                  s[len - 1] == '\t');
    for (size_t i = 0; i < len && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
    if (quote)
        putc('"', w->f);
    if (formula)
        putc('\'', w->f);
    if (!quote) {
        fwrite(s, 1, len, w->f);
    } else {
        for (size_t i = 0; i < len; i++) {
            if (s[i] == '"')
                putc('"', w->f);
            putc(s[i], w->f);
        }
        putc('"', w->f);
    }
}

void csv_writer_text(struct csv_writer *w, const char *s, size_t len)
{
    cell(w, s, len, true, false);
}

void csv_writer_exact(struct csv_writer *w, const char *s, size_t len)
{
    cell(w, s, len, false, true);
}

void csv_writer_str(struct csv_writer *w, const char *s)
{
    cell(w, s ? s : "", s ? strlen(s) : 0, true, false);
}

void csv_writer_plain(struct csv_writer *w, const char *s)
{
    cell(w, s, strlen(s), false, false);
}

void csv_writer_int(struct csv_writer *w, int64_t v)
{
    separator(w);
    fprintf(w->f, "%" PRId64, v);
}

void csv_writer_centi(struct csv_writer *w, kpi_centi v)
{
    char buf[32];
    kpi_centi_format(v, buf);
    separator(w);
    fputs(buf, w->f);
}

void csv_writer_date(struct csv_writer *w, int32_t days)
{
    if (days == KPI_NO_DATE) {
        csv_writer_empty(w);
        return;
    }
    char buf[11];
    kpi_date_format(days, buf);
    separator(w);
    fputs(buf, w->f);
}

void csv_writer_bool(struct csv_writer *w, bool v)
{
    separator(w);
    fputs(v ? "true" : "false", w->f);
}

void csv_writer_empty(struct csv_writer *w)
{
    separator(w);
}

void csv_writer_end(struct csv_writer *w)
{
    putc('\n', w->f);
    w->row_started = false;
}

void csv_writer_header(struct csv_writer *w, const char *const *names)
{
    for (size_t i = 0; names[i]; i++)
        csv_writer_plain(w, names[i]);
    csv_writer_end(w);
}

bool csv_writer_error(const struct csv_writer *w)
{
    return ferror(w->f) != 0;
}
