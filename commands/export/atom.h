/* SPDX-License-Identifier: MIT */
/* An announcement as an Atom entry (RFC 4287): the one builder of the
 * entries of the site's feed.atom and of the `feed` PubSub node
 * (PROTOCOL.md §6.5), so both say the same, escaped by libxml2. */
#ifndef VIGIL_EXPORT_ATOM_H
#define VIGIL_EXPORT_ATOM_H

#include <libxml/tree.h>

#define ATOM_NS "http://www.w3.org/2005/Atom"
#define ATOM_CONTENT_SIZE 4096 /* bytes of an entry's content, shortened by characters */

/* An announcement; the strings are lent, NULL ones left out or "". */
struct atom_entry {
	const char *service;   /* who mints the tag: id (the component JID) */
	const char *base_url;  /* publish.base_url; NULL: no link ... */
	int relative_link;     /* ... unless set: a link relative to the feed */
	long long threat_id, revision;
	const char *id_suffix; /* after the id's T-7-r3, for an entry of its own (a digest) */
	const char *at;        /* the revision's time, RFC 3339 */
	const char *who;
	const char *line;      /* the room's line: the title */
	const char *note;      /* the revision's note: the content after the line, else */
	const char *abstract;  /* ... the threat's abstract (NULL or "": the line only) */
};

/* Fills the <entry> e (in namespace ns): id, title, updated, author,
 * link, content. */
void atom_entry_add(xmlNodePtr e, xmlNsPtr ns, const struct atom_entry *in);

/* <entry xmlns='http://www.w3.org/2005/Atom'>...</entry> as text, no XML
 * declaration; NULL when out of memory. Caller frees. */
char *atom_entry_text(const struct atom_entry *in);

#endif
