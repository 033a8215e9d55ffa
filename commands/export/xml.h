/* SPDX-License-Identifier: MIT */
/* libxml2 pieces shared by the XEP and HTML documents: text children,
 * paragraphs with XEP references as links, attack trees as nested lists. */
#ifndef VIGIL_EXPORT_XML_H
#define VIGIL_EXPORT_XML_H

#include <libxml/tree.h>

enum xml_flavour { XML_XEP, XML_HTML };

/* <name>text</name> under parent (text escaped by libxml2; NULL = empty). */
xmlNodePtr xml_child(xmlNodePtr parent, const char *name, const char *text);
void xml_attr(xmlNodePtr node, const char *name, const char *value);

/* Paragraphs of text (split at blank lines, lines joined by <br/>), with
 * "XEP-NNNN" turned into links titled from the catalogue. */
void xml_paragraphs(xmlNodePtr parent, const char *text, enum xml_flavour flavour);

/* The attack tree as nested lists: AND/OR, costs, the cheapest attack
 * marked, then the evaluation; a parse error as a paragraph. */
void xml_attack_tree(xmlNodePtr parent, const char *notation, enum xml_flavour flavour);

/* Serialises doc; caller frees. */
char *xml_serialise(xmlDocPtr doc, enum xml_flavour flavour);

#endif
