/* `list`: optional filters, then pages of a multi-item result, highest
 * priority first; `next`/`prev` move between pages (PROTOCOL.md §5). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands/commands.h"
#include "commands/kv.h"
#include "commands/priority.h"
#include "commands/text.h"
#include "config/config.h"
#include "storage/store.h"

#define TEXT_FILTER_MAX 200
/* A row names its threat in at most this many characters: with at most
 * 100 rows a page (commands.list_page), a page stays under 128 KiB. */
#define LIST_NAME_CHARS 100

static const char *const statuses[] = { "identified", "analyzed", "addressed", "retired" };
static const char *const min_priorities[] = { "note", "low", "medium", "high", "critical" };

static int show_filters(struct adhoc_step *s, const char *note)
{
	xmpp_stanza_t *x = cmd_form(s, "List threats", "Filter the register, or just submit to "
						       "see every open threat.");
	xmpp_stanza_t *field;
	size_t i;

	if (!x)
		return -1;
	field = form_add_field(x, "status", "list-multi", "Status");
	if (!field || form_field_set_desc(field, "Which statuses to include (default: all but retired).") < 0)
		return -1;
	for (i = 0; i < 4; i++)
		if (form_field_add_option(field, statuses[i], statuses[i]) < 0 ||
		    (i < 3 && form_field_add_value(field, statuses[i]) < 0))
			return -1;
	field = form_add_field(x, "min-priority", "list-single", "Minimum priority");
	if (!field || form_field_set_desc(field, "Only threats at this priority or above.") < 0 ||
	    form_field_add_option(field, "any", "") < 0)
		return -1;
	for (i = 0; i < 5; i++)
		if (form_field_add_option(field, min_priorities[i], min_priorities[i]) < 0)
			return -1;
	field = form_add_field(x, "text", "text-single", "Text");
	if (!field || form_field_set_desc(field, "Words that must all appear in the name or the "
					  "abstract (up to 200 characters).") < 0)
		return -1;
	if (note)
		adhoc_note(s, "error", note);
	s->stage = 1;
	s->status = ADHOC_EXECUTING;
	s->offer_next = 1;
	return 0;
}

/* Reads the filter form into the session state. */
static int read_filters(struct adhoc_step *s, char *msg, size_t msglen)
{
	const struct form_field *status = form_find(s->submitted, "status");
	char *min = form_text(s->submitted, "min-priority", NULL);
	char *text = form_text(s->submitted, "text", NULL);
	unsigned mask = 0;
	char maskbuf[16], quoted[TEXT_QUOTE_BYTES];
	size_t i, j;
	int rc = -1;

	for (i = 0; status && i < status->nvalues; i++) {
		for (j = 0; j < 4 && strcmp(status->values[i], statuses[j]) != 0; j++)
			;
		if (j == 4) {
			text_format(msg, msglen, "status: \"%s\" is not one of identified, analyzed, "
				    "addressed, retired.", text_quote(quoted, sizeof quoted, status->values[i]));
			goto out;
		}
		mask |= 1u << j;
	}
	if (min && *min && priority_rank_from_name(min) < 1) {
		text_format(msg, msglen, "min-priority: \"%s\" is not one of note, low, medium, high, "
			    "critical.", text_quote(quoted, sizeof quoted, min));
		goto out;
	}
	if (text && strlen(text) > TEXT_FILTER_MAX * 4) {
		snprintf(msg, msglen, "text: longer than %d characters.", TEXT_FILTER_MAX);
		goto out;
	}
	snprintf(maskbuf, sizeof maskbuf, "%u", mask);
	if (kv_set(&s->state, "status", maskbuf) < 0 ||
	    kv_set(&s->state, "min", min && *min ? min : NULL) < 0 ||
	    kv_set(&s->state, "text", text && *text ? text : NULL) < 0 ||
	    kv_set(&s->state, "page", "1") < 0)
		goto out;
	rc = 0;
out:
	free(min);
	free(text);
	return rc;
}

static int add_cell(xmpp_stanza_t *item, const char *var, const char *value)
{
	xmpp_stanza_t *field = form_add_field(item, var, NULL, NULL);

	return field && form_field_add_value(field, value ? value : "") == 0 ? 0 : -1;
}

static xmpp_stanza_t *add_element(struct adhoc_step *s, xmpp_stanza_t *parent, const char *name)
{
	xmpp_stanza_t *el = xmpp_stanza_new(s->cc->xmpp);

	if (!el)
		return NULL;
	xmpp_stanza_set_name(el, name);
	xmpp_stanza_add_child_ex(parent, el, 0);
	return el;
}

static const char *const columns[][2] = {
	{ "id", "Id" }, { "name", "Name" }, { "priority", "Priority" },
	{ "likelihood", "Likelihood" }, { "damage", "Damage" }, { "status", "Status" },
	{ "updated", "Updated" },
};

static int show_page(struct adhoc_step *s, long long page)
{
	char *mask = kv_get(s->state, "status"), *min = kv_get(s->state, "min");
	char *text = kv_get(s->state, "text");
	struct threat_filter filter = { 0 };
	struct threat *list = NULL;
	size_t count = 0, total = 0, i, per_page = (size_t)s->cc->cfg->list_page;
	size_t pages, first;
	char tid[32], note[128], pagebuf[32], name[LIST_NAME_CHARS * 8];
	xmpp_stanza_t *x, *reported, *item;
	int rc = -1;

	filter.status_mask = mask ? (unsigned)strtoul(mask, NULL, 10) : 0;
	filter.min_priority_rank = min ? priority_rank_from_name(min) : 0;
	filter.text = text;
	if (page < 1)
		page = 1;
	if (store_threat_list(s->cc->store, &filter, (size_t)(page - 1) * per_page, per_page,
			      &list, &count, &total) < 0)
		goto out;
	pages = total ? (total + per_page - 1) / per_page : 1;
	if ((size_t)page > pages && total) {
		/* the register shrank under us: show the last page */
		store_threats_free(list, count);
		list = NULL;
		count = 0;
		page = (long long)pages;
		if (store_threat_list(s->cc->store, &filter, (size_t)(page - 1) * per_page, per_page,
				      &list, &count, &total) < 0)
			goto out;
	}
	x = cmd_result(s, "Threats");
	reported = x ? add_element(s, x, "reported") : NULL;
	if (!reported)
		goto out;
	for (i = 0; i < sizeof columns / sizeof columns[0]; i++)
		if (!form_add_field(reported, columns[i][0], "text-single", columns[i][1]))
			goto out;
	for (i = 0; i < count; i++) {
		const struct threat *t = &list[i];
		item = add_element(s, x, "item");
		threat_id_format(t->id, tid, sizeof tid);
		if (!item || add_cell(item, "id", tid) < 0 ||
		    add_cell(item, "name", text_shorten(name, sizeof name, threat_get(t, THREAT_NAME),
							LIST_NAME_CHARS)) < 0 ||
		    add_cell(item, "priority", t->priority) < 0 ||
		    add_cell(item, "likelihood", threat_get(t, THREAT_LIKELIHOOD)) < 0 ||
		    add_cell(item, "damage", threat_get(t, THREAT_DAMAGE)) < 0 ||
		    add_cell(item, "status", threat_get(t, THREAT_STATUS)) < 0 ||
		    add_cell(item, "updated", t->updated) < 0)
			goto out;
	}
	first = (size_t)(page - 1) * per_page;
	if (total)
		snprintf(note, sizeof note, "items %zu–%zu of %zu", first + 1, first + count, total);
	else
		snprintf(note, sizeof note, "No threat matches.");
	adhoc_note(s, "info", note);
	snprintf(pagebuf, sizeof pagebuf, "%lld", page);
	if (kv_set(&s->state, "page", pagebuf) < 0)
		goto out;
	s->stage = 2;
	if ((size_t)page < pages) {
		s->status = ADHOC_EXECUTING;
		s->offer_next = 1;
		s->offer_prev = page > 1;
	} else {
		s->status = ADHOC_COMPLETED;
	}
	rc = 0;
out:
	store_threats_free(list, count);
	free(mask);
	free(min);
	free(text);
	return rc;
}

/* The filter stage's fields. The pages are results: a form sent with next
 * or prev there carries nothing to read and is not looked at. */
static const char *const filter_vars[] = { "status", "min-priority", "text", NULL };

int cmd_list_step(struct adhoc_step *s)
{
	char *pagetext = kv_get(s->state, "page");
	long long page = pagetext ? strtoll(pagetext, NULL, 10) : 0;
	struct op_result r;
	char msg[256];

	free(pagetext);
	if (s->stage == 2) {
		if (s->action == ADHOC_PREV)
			return page <= 1 ? show_filters(s, NULL) : show_page(s, page - 1);
		return show_page(s, page + 1);
	}
	if (s->action == ADHOC_PREV || (!s->submitted && s->stage == 0))
		return show_filters(s, NULL);
	if (!s->submitted)
		return cmd_need_form(s);
	if (cmd_check_form(s, filter_vars, &r) < 0)
		return show_filters(s, r.message);
	if (read_filters(s, msg, sizeof msg) < 0)
		return show_filters(s, msg);
	return show_page(s, 1);
}
