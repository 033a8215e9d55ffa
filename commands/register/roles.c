/* SPDX-License-Identifier: MIT */
/* Who may do what (PROTOCOL.md §9), from the access.* settings. */
#include <string.h>

#include "commands/register/context.h"
#include "config/config.h"

enum role role_of(const struct vigil_config *cfg, const char *bare_jid)
{
	const char *at = strchr(bare_jid, '@');
	const char *domain = at ? at + 1 : bare_jid;

	if (config_list_has(&cfg->admins, bare_jid))
		return ROLE_ADMIN;
	if (config_list_has(&cfg->assessors, bare_jid))
		return ROLE_ASSESSOR;
	if (cfg->allow_domains.count && !config_list_has(&cfg->allow_domains, domain))
		return ROLE_NONE;
	return ROLE_MEMBER;
}
