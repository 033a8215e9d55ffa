/* SPDX-License-Identifier: MIT */
/* A tiny "key=value&key=value" codec (values percent-encoded) for the state
 * an ad-hoc session keeps between stages, stored as text in the database. */
#ifndef VIGIL_KV_H
#define VIGIL_KV_H

/* Returns a newly allocated copy of key's value in `kv` (NULL kv = empty),
 * or NULL when absent or on allocation failure. */
char *kv_get(const char *kv, const char *key);

/* Replaces or adds key=value in *kv (reallocated). value NULL removes key.
 * Returns 0 or -1 (then *kv is unchanged). Keys are [a-z0-9_-]. */
int kv_set(char **kv, const char *key, const char *value);

#endif
