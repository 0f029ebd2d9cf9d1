/* Private to src/io: what the XLSX package reader (xlsx_pkg.c) gives the sheet reader
 * (xlsx_read.c): zip parts read under size caps, and expat parsers with the same guards. */
#ifndef XF_XLSX_INT_H
#define XF_XLSX_INT_H

#include "io/table_int.h"

#define XML_DTD 1 /* Debian builds expat with DTD support: declares the billion-laughs knobs */
#include <expat.h>
#include <zip.h>

#define XML_CHUNK     65536
#define XML_MAX_DEPTH 64
#define XML_QUIET_MAX ((size_t)4 << 20) /* input without a single callback: one huge token */
#define NS_SEP        '\x01'            /* between namespace URI and local name */
#define REL_STR       512               /* longest part name, Id or Target kept */

/* One XML part being parsed: the parser and the guards every part gets. Each part's
 * context starts with this, so expat's user data can be read as either. */
struct xguard {
	XML_Parser p;
	struct table_reader *t;
	const char *part;
	bool sheet; /* the worksheet: errors name the row */
	int depth;
	bool saw_cb; /* a callback ran during the last chunk */
	size_t quiet;
	bool failed;
};

/* A zip entry being inflated, with the bytes it declared and the bytes it gave so far. */
struct zpart {
	zip_file_t *f;
	zip_uint64_t declared;
	size_t got;
	bool eof;
	char name[REL_STR];
};

/* Element and attribute names as expat gives them with namespaces: "uri\x01local". */
const char *table_xml_local(const char *name);
/* The value of attribute `local` (namespaced: with any namespace; else with none). */
const char *table_xml_attr(const char **atts, const char *local, bool namespaced);
/* A parser for one part: no DTDs, entity declarations, deep nesting or huge tokens. */
void table_xml_new(struct xguard *g, struct table_reader *t, const char *part,
                   XML_StartElementHandler start, XML_EndElementHandler end,
                   XML_CharacterDataHandler text);
/* In handlers: count depth (false = stop handling: failed or too deep). */
bool table_xml_enter(struct xguard *g);
bool table_xml_leave(struct xguard *g);
/* Stop the parser after the reader's error was recorded (or record one first). */
void table_xml_abort(struct xguard *g);
void table_xml_fail(struct xguard *g, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

int table_not_xlsx(struct table_reader *t, const char *why);
/* Open entry idx, refusing a declared size over max_part. */
int table_zip_open(struct table_reader *t, zip_t *z, zip_int64_t idx, struct zpart *zp);
void table_zip_close(struct zpart *zp);
/* Feed the parser the next chunk of the part, or resume it after a suspension. 1 = more to
 * do, 0 = the part is parsed to its end, <0 = error (recorded in t). */
int table_xml_step(struct table_reader *t, struct xguard *g, struct zpart *zp, bool *suspended);
/* Parse a whole (small) part with the handlers table_xml_new gave g. */
int table_xml_parse_part(struct table_reader *t, zip_t *z, struct xguard *g, zip_int64_t idx);
/* The first visible worksheet (else the first worksheet, else the usual names) and the
 * shared strings (-1 if none); sets t->date1904. Error if there is no sheet. */
int table_xlsx_find_parts(struct table_reader *t, zip_t *z, zip_int64_t *sheet, zip_int64_t *sst);

#endif
