/* The discussion in the evolving document: see export.h. */
#include <stdlib.h>
#include <string.h>

#include "commands/export/export.h"
#include "commands/register/consensus.h"
#include "commands/text/text.h"
#include "storage/discussion.h"

static void assessments(struct text *out, struct store *st, long long id, int quorum)
{
	struct stored_assessment *list = NULL;
	struct consensus_vote *votes = NULL;
	struct consensus c;
	char stance[256];
	size_t n = 0, i;

	if (store_assessment_list(st, id, &list, &n) < 0 || !n ||
	    !(votes = calloc(n, sizeof *votes)))
		goto out;
	for (i = 0; i < n; i++)
		votes[i] = (struct consensus_vote){ list[i].likelihood, list[i].damage };
	consensus_compute(votes, n, quorum > 0 ? (size_t)quorum : 1, &c);
	consensus_describe(&c, stance, sizeof stance);
	text_add(out, "Assessments: %s.", stance);
	for (i = 0; i < n; i++)
		text_add(out, "\n\n%s: likelihood %s, damage %s (%s)%s%s", list[i].assessor,
			 *list[i].likelihood ? list[i].likelihood : "not assessed",
			 *list[i].damage ? list[i].damage : "not assessed", list[i].at,
			 list[i].rationale ? " — " : "", list[i].rationale ? list[i].rationale : "");
out:
	free(votes);
	store_assessments_free(list, n);
}

static void comments(struct text *out, struct store *st, long long id)
{
	struct stored_comment *list = NULL;
	size_t n = 0, i;
	long long total = 0;

	if (store_comment_list(st, id, 0, &list, &n, &total) < 0 || !n)
		goto out;
	text_add(out, "%sComments: %lld.", out->len ? "\n\n" : "", total);
	for (i = 0; i < n; i++) {
		if (list[i].body)
			text_add(out, "\n\n#%lld %s (%s): %s", list[i].id, list[i].who, list[i].at,
				 list[i].body);
		else
			text_add(out, "\n\n#%lld %s (%s): deleted by %s on %s", list[i].id, list[i].who,
				 list[i].at, list[i].deleted_by ? list[i].deleted_by : "?",
				 list[i].deleted_at ? list[i].deleted_at : "?");
	}
out:
	store_comments_free(list, n);
}

char *export_discussion(const struct export_doc *doc, long long id)
{
	struct text out = { 0 };

	if (!doc->store)
		return NULL;
	assessments(&out, doc->store, id, doc->quorum);
	comments(&out, doc->store, id);
	if (!out.len) {
		free(text_take(&out));
		return NULL;
	}
	return text_take(&out);
}
