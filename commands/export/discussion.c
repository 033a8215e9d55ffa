/* SPDX-License-Identifier: MIT */
/* The discussion in the evolving document: see export.h. */
#include <stdlib.h>

#include "commands/export/export.h"
#include "commands/register/discussion_text.h"

char *export_discussion(const struct export_doc *doc, long long id)
{
	struct text out = { 0 };

	if (!doc->store)
		return NULL;
	discussion_assessments_text(&out, doc->store, id, doc->quorum, 0, 0);
	discussion_comments_text(&out, doc->store, id, 0, 0);
	if (!out.len) {
		free(text_take(&out));
		return NULL;
	}
	return text_take(&out);
}
