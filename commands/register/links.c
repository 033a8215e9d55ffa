/* SPDX-License-Identifier: MIT */
/* The web address of a threat's page: see links.h. */
#include "commands/register/links.h"

#include <string.h>

#include "commands/text/text.h"
#include "config/config.h"

int links_url(const char *base, const char *file, char *buf, size_t len)
{
	if (len)
		buf[0] = '\0';
	if (!base || !*base || !len)
		return 0;
	text_format(buf, len, "%s%s%s", base, base[strlen(base) - 1] == '/' ? "" : "/", file);
	return 1;
}

int links_threat_page(const struct vigil_config *cfg, long long id, char *buf, size_t len)
{
	char file[48];

	if (id > 0)
		text_format(file, sizeof file, "T-%lld.html", id);
	else
		text_format(file, sizeof file, "index.html");
	return links_url(cfg ? cfg->publish_base_url : NULL, file, buf, len);
}
