/* SPDX-License-Identifier: MIT */
/* The web address of a threat's page: see links.h. */
#include "commands/register/links.h"

#include <string.h>

#include "commands/text/text.h"
#include "config/config.h"

int links_threat_page(const struct vigil_config *cfg, long long id, char *buf, size_t len)
{
	const char *base = cfg ? cfg->publish_base_url : NULL;
	const char *slash;

	if (len)
		buf[0] = '\0';
	if (!base || !*base || !len)
		return 0;
	slash = base[strlen(base) - 1] == '/' ? "" : "/";
	if (id > 0)
		text_format(buf, len, "%s%sT-%lld.html", base, slash, id);
	else
		text_format(buf, len, "%s%sindex.html", base, slash);
	return 1;
}
