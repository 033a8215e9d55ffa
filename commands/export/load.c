/* SPDX-License-Identifier: MIT */
/* The register loaded for a document: the open and the retired threats and
 * the history by day (see export.h). Below export.c and site.c, which both
 * load it. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commands/export/export.h"
#include "commands/register/template.h"
#include "commands/text/text.h"
#include "config/config.h"
#include "storage/store.h"

#define DAY_SUMMARY_ITEMS 12

/* Groups the revision log by day. */
struct day_builder {
	struct export_doc *doc;
	struct text line;
	size_t items;
	int failed;
};

static void close_day(struct day_builder *b)
{
	struct export_day *day;

	if (!b->doc->ndays)
		return;
	day = &b->doc->days[b->doc->ndays - 1];
	if (b->items > DAY_SUMMARY_ITEMS)
		text_add(&b->line, "; and %zu more", b->items - DAY_SUMMARY_ITEMS);
	day->summary = text_take(&b->line);
	if (!day->summary)
		b->failed = 1;
}

static void add_revision(void *userdata, long long id, long long revision, const char *at,
			 const char *who, const char *changed, const char *name)
{
	struct day_builder *b = userdata;
	struct export_doc *doc = b->doc;
	struct export_day *day = doc->ndays ? &doc->days[doc->ndays - 1] : NULL;

	if (b->failed || !at)
		return;
	if (!day || strncmp(day->date, at, 10) != 0) {
		struct export_day *grown;
		close_day(b);
		grown = realloc(doc->days, (doc->ndays + 1) * sizeof *grown);
		if (!grown) {
			b->failed = 1;
			return;
		}
		doc->days = grown;
		day = &doc->days[doc->ndays++];
		memset(day, 0, sizeof *day);
		export_day(day->date, at);
		b->items = 0;
	}
	day->changes++;
	if (b->items++ >= DAY_SUMMARY_ITEMS)
		return;
	text_add(&b->line, "%sT-%lld \"%s\" ", b->items > 1 ? "; " : "", id, name ? name : "");
	if (revision == 1)
		text_put(&b->line, "filed");
	else if (changed && *changed)
		text_add(&b->line, "changed (%s)", changed);
	else
		text_put(&b->line, "revised");
	text_add(&b->line, " by %s", who ? who : "?");
}

void export_doc_clear(struct export_doc *doc)
{
	size_t i;

	store_threats_free(doc->open, doc->nopen);
	store_threats_free(doc->retired, doc->nretired);
	for (i = 0; i < doc->ndays; i++)
		free(doc->days[i].summary);
	free(doc->days);
	memset(doc, 0, sizeof *doc);
}

int export_load(struct store *st, struct export_doc *doc)
{
	struct threat_filter open = { 0 }, retired = { 1u << 3, 0, NULL };
	struct day_builder b = { doc, { 0 }, 0, 0 };
	size_t total;
	int rc;

	rc = store_threat_list(st, &open, 0, (size_t)-1 / 2, &doc->open, &doc->nopen, &total);
	if (rc == 0)
		rc = store_threat_list(st, &retired, 0, (size_t)-1 / 2, &doc->retired, &doc->nretired,
				       &total);
	if (rc == 0)
		rc = store_revision_log(st, add_revision, &b);
	close_day(&b);
	text_clear(&b.line);
	return rc < 0 || b.failed ? -1 : 0;
}

int export_open_doc(const struct vigil_config *cfg, struct store **st, struct export_doc *doc,
		    char *err, size_t errlen)
{
	time_t now = time(NULL);
	struct tm tm;

	*st = NULL;
	if (store_open(st, cfg->storage_path, STORE_OPEN_READ, template_schema(), err, errlen) < 0)
		return -1;
	if (export_load(*st, doc) < 0) {
		text_format(err, errlen, "%s: %s", cfg->storage_path, store_errmsg(*st));
		return -1;
	}
	gmtime_r(&now, &tm);
	strftime(doc->generated, sizeof doc->generated, "%Y-%m-%dT%H:%M:%SZ", &tm);
	doc->room = cfg->room_jid;
	doc->service = cfg->component_jid;
	doc->store = *st;
	doc->quorum = cfg->assess_quorum;
	return 0;
}
