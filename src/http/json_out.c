/* Answers' JSON text: src/core/jw.c writes it (jansson trees and value by value). */
#include "../core/jw.h"
#include "http.h"

void http_json_write(struct buf *b, const json_t *v)
{
	jw_document(b, v);
}
