/* SPDX-License-Identifier: MIT */
/* `!list`'s pages and `!search` (PROTOCOL.md §8): threats matching a
 * filter, LIST_PAGE a page, one line each (render_threat_line), read with
 * the same store query as the ad-hoc `list` and `search`. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "commands/chat/chat_internal.h"
#include "commands/chat/render.h"
#include "commands/register/priority.h"
#include "commands/register/template.h"
#include "commands/register/validate.h"
#include "commands/text/text.h"
#include "storage/store.h"

#define LIST_PAGE 20
#define PAGE_MAX 1000000
#define SEARCH_TEXT_MAX 200 /* as the ad-hoc search's text filter */

static const char search_usage[] = "!search WORDS [min=PRIORITY] [status=STATUS,…] [page=N]";

void chat_list_page(struct chat_ctx *chat, const struct chat_out *out,
		    const struct threat_filter *filter, long page, const char *heading,
		    const char *none)
{
	struct threat *list = NULL;
	size_t count = 0, total = 0, i, pages;
	struct text t = { 0 };

	if (store_threat_list(chat->cc->store, filter, (size_t)(page - 1) * LIST_PAGE, LIST_PAGE,
			      &list, &count, &total) < 0) {
		chat_say(out, "Sorry, the register could not be read just now.");
		return;
	}
	pages = total ? (total + LIST_PAGE - 1) / LIST_PAGE : 1;
	if (!total)
		text_put(&t, none);
	else if ((size_t)page > pages)
		text_add(&t, "There are only %zu page%s.", pages, pages == 1 ? "" : "s");
	else
		text_add(&t, "%s, page %ld of %zu:", heading, page, pages);
	for (i = 0; i < count; i++) {
		text_put(&t, "\n");
		render_threat_line(&t, &list[i]);
	}
	store_threats_free(list, count);
	chat_say_text(out, &t);
}

/* The value of "key=value" when word starts with key= (any case), else NULL. */
static const char *option(const char *word, const char *key)
{
	size_t n = strlen(key);

	return strncasecmp(word, key, n) == 0 && word[n] == '=' ? word + n + 1 : NULL;
}

/* Refuses a value: `min: "severe" is not one of …` and the usage. */
static void refuse(const struct chat_out *out, const char *key, const char *value, const char *choices)
{
	char quoted[TEXT_QUOTE_BYTES], problem[TEXT_QUOTE_BYTES + 160];

	text_format(problem, sizeof problem, "%s: \"%s\" is not %s", key,
		    text_quote(quoted, sizeof quoted, value), choices);
	chat_say_error(out, problem, search_usage);
}

/* status=identified,analyzed: the bits store_threat_list() takes, in the
 * order of the template's status options. -1 for a value not among them. */
static int read_statuses(const char *value, unsigned *mask, char *bad, size_t badlen)
{
	const struct template_option *o = template_by_slot(THREAT_STATUS)->options;
	const char *p = value;
	char *item;
	size_t len, i;

	do {
		len = strcspn(p, ",");
		for (i = 0; o[i].value && !(strlen(o[i].value) == len &&
					    strncasecmp(o[i].value, p, len) == 0); i++)
			;
		if (!o[i].value || !len) {
			item = strndup(p, len);
			text_quote(bad, badlen, item ? item : "");
			free(item);
			return -1;
		}
		*mask |= 1u << i;
		p += len;
	} while (*p++ == ',');
	return 0;
}

void chat_search(struct chat_ctx *chat, const struct chat_out *out, const char *arg)
{
	struct threat_filter filter = { 0 };
	struct text words = { 0 };
	char *copy = strdup(arg), *word, *save = NULL, *text = NULL, *end;
	char lower[16], bad[TEXT_QUOTE_BYTES], msg[256];
	const char *value;
	long page = 1;
	size_t i;

	if (!copy) {
		chat_say(out, "Sorry, I am out of memory.");
		return;
	}
	for (word = strtok_r(copy, " \t\n", &save); word; word = strtok_r(NULL, " \t\n", &save)) {
		if ((value = option(word, "min"))) {
			for (i = 0; value[i] && i + 1 < sizeof lower; i++)
				lower[i] = (char)(value[i] >= 'A' && value[i] <= 'Z' ? value[i] + 32 : value[i]);
			lower[i] = '\0';
			if (value[i] || priority_rank_from_name(lower) < 1) {
				refuse(out, "min", value, "a priority: note, low, medium, high or critical");
				goto out;
			}
			filter.min_priority_rank = priority_rank_from_name(lower);
		} else if ((value = option(word, "status"))) {
			if (read_statuses(value, &filter.status_mask, bad, sizeof bad) < 0) {
				refuse(out, "status", bad, "a status: identified, analyzed, addressed or "
				       "retired");
				goto out;
			}
		} else if ((value = option(word, "page"))) {
			errno = 0;
			page = strtol(value, &end, 10);
			if (errno || end == value || *end || page < 1 || page > PAGE_MAX) {
				refuse(out, "page", value, "a page number");
				goto out;
			}
		} else {
			text_add(&words, "%s%s", words.len ? " " : "", word);
		}
	}
	if (!(text = text_take(&words))) {
		chat_say(out, "Sorry, I am out of memory.");
		goto out;
	}
	if ((!text || !*text) && !filter.min_priority_rank && !filter.status_mask) {
		chat_say_error(out, "Search for what? Give words, min= or status=", search_usage);
		goto out;
	}
	if (text && validate_text("words", text, SEARCH_TEXT_MAX, msg, sizeof msg) < 0) {
		chat_say_error(out, msg, search_usage);
		goto out;
	}
	filter.text = text && *text ? text : NULL;
	chat_list_page(chat, out, &filter, page, "Matching threats", "No threat matches.");
out:
	text_clear(&words);
	free(text);
	free(copy);
}
