/* SPDX-License-Identifier: MIT */
/* `list` and `search`: pages of threats, highest priority first, each a
 * line of the text-multi field `threats` (commands/adhoc/rows.h);
 * `next`/`prev` move between pages (PROTOCOL.md §5). `list` answers its
 * first page at once (open threats); a filter form submitted with the
 * first request is still read. `search` asks for the filters first. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands/adhoc/commands.h"
#include "commands/adhoc/kv.h"
#include "commands/adhoc/rows.h"
#include "commands/register/priority.h"
#include "commands/text/text.h"
#include "commands/register/validate.h"
#include "config/config.h"
#include "storage/store.h"

#define TEXT_FILTER_MAX 200
#define MIN_PRIORITY_ANY "any"

static const char *const statuses[] = { "identified", "analyzed", "addressed", "retired" };
static const char *const min_priorities[] = { "note", "low", "medium", "high", "critical" };

static int show_filters(struct adhoc_step *s, const char *note)
{
	char *searched = kv_get(s->state, "search");
	xmpp_stanza_t *x = cmd_form(s, searched ? "Search threats" : "List threats",
				    "Filter the register, or just submit to see every open threat.");
	xmpp_stanza_t *field;
	size_t i;

	free(searched);

	if (!x)
		return -1;
	/* XEP-0004's order: desc, values, then options */
	field = form_add_field(x, "status", "list-multi", "Status");
	if (!field || form_field_set_desc(field, "Which statuses to include (default: all but retired).") < 0)
		return -1;
	for (i = 0; i < 3; i++)
		if (form_field_add_value(field, statuses[i]) < 0)
			return -1;
	for (i = 0; i < 4; i++)
		if (form_field_add_option(field, statuses[i], statuses[i]) < 0)
			return -1;
	/* "any" has a value of its own: a browser submits the selected option,
	 * and Profanity crashes on an empty one */
	field = form_add_field(x, "min-priority", "list-single", "Minimum priority");
	if (!field || form_field_set_desc(field, "Only threats at this priority or above.") < 0 ||
	    form_field_add_value(field, MIN_PRIORITY_ANY) < 0 ||
	    form_field_add_option(field, "any", MIN_PRIORITY_ANY) < 0)
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
	if (min && strcmp(min, MIN_PRIORITY_ANY) == 0)
		*min = '\0'; /* no minimum, as an empty value always meant */
	if (min && *min && priority_rank_from_name(min) < 1) {
		text_format(msg, msglen, "min-priority: \"%s\" is not one of any, note, low, medium, "
			    "high, critical.", text_quote(quoted, sizeof quoted, min));
		goto out;
	}
	if (text && validate_text("text", text, TEXT_FILTER_MAX, msg, msglen) < 0)
		goto out;
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

static int show_page(struct adhoc_step *s, long long page)
{
	char *mask = kv_get(s->state, "status"), *min = kv_get(s->state, "min");
	char *text = kv_get(s->state, "text"), *searched;
	struct threat_filter filter = { 0 };
	struct threat *list = NULL;
	size_t count = 0, total = 0, i, per_page = (size_t)s->cc->cfg->list_page;
	size_t pages, first;
	char note[128], pagebuf[32], line[ROWS_LINE_BUF];
	xmpp_stanza_t *x, *field;
	int rc = -1;

	if (per_page > ROWS_PAGE_MAX)
		per_page = ROWS_PAGE_MAX;
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
	/* at most ROWS_PAGE_MAX lines of at most ROWS_LINE_BYTES: under the
	 * stanza limit (rows.h) */
	x = cmd_result(s, "Threats");
	field = x ? form_add_field(x, "threats", "text-multi", "Threats") : NULL;
	if (!field)
		goto out;
	for (i = 0; i < count; i++)
		if (form_field_add_value(field, rows_threat_line(line, sizeof line, &list[i])) < 0)
			goto out;
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
	searched = kv_get(s->state, "search");
	if ((size_t)page < pages) {
		s->status = ADHOC_EXECUTING;
		s->offer_next = 1;
		s->offer_prev = page > 1 || searched;
	} else if (page > 1) {
		/* the last page can still go back (XEP-0050: prev with complete) */
		s->status = ADHOC_EXECUTING;
		s->offer_prev = 1;
		s->offer_complete = 1;
	} else {
		s->status = ADHOC_COMPLETED;
	}
	free(searched);
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

/* A page was shown: the one after or before it, back to the filters of a
 * search, or the end on `complete`. */
static int turn_page(struct adhoc_step *s)
{
	char *pagetext = kv_get(s->state, "page"), *searched = kv_get(s->state, "search");
	long long page = pagetext ? strtoll(pagetext, NULL, 10) : 1;
	int rc;

	if (s->action == ADHOC_COMPLETE) {
		s->status = ADHOC_COMPLETED;
		rc = adhoc_note(s, "info", "Done.");
	} else if (s->action == ADHOC_PREV) {
		rc = page > 1 ? show_page(s, page - 1) : searched ? show_filters(s, NULL) : show_page(s, 1);
	} else {
		rc = show_page(s, page + 1);
	}
	free(pagetext);
	free(searched);
	return rc;
}

/* The filters submitted: read them and show the first page. */
static int filtered(struct adhoc_step *s)
{
	struct op_result r;
	char msg[256];

	if (cmd_check_form(s, filter_vars, &r) < 0)
		return show_filters(s, r.message);
	if (read_filters(s, msg, sizeof msg) < 0)
		return show_filters(s, msg);
	return show_page(s, 1);
}

int cmd_list_step(struct adhoc_step *s)
{
	if (s->stage == 2)
		return turn_page(s);
	if (s->stage == 1) /* the filters, shown again after a bad one */
		return s->submitted ? filtered(s) : cmd_need_form(s);
	/* PROTOCOL.md §5 extended: the first page of open threats at once, unless
	 * the request already carries the filter form */
	return s->submitted ? filtered(s) : show_page(s, 1);
}

int cmd_search_step(struct adhoc_step *s)
{
	if (s->stage == 0) {
		if (kv_set(&s->state, "search", "1") < 0)
			return -1;
		return s->submitted ? filtered(s) : show_filters(s, NULL);
	}
	return cmd_list_step(s);
}
