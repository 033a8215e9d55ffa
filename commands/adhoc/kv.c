/* SPDX-License-Identifier: MIT */
/* Session state codec: see kv.h. */
#include "commands/adhoc/kv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static char *decode(const char *s, size_t len)
{
	char *out = malloc(len + 1);
	size_t i, o = 0;

	if (!out)
		return NULL;
	for (i = 0; i < len; i++) {
		if (s[i] == '%' && i + 2 < len &&
		    hex((unsigned char)s[i + 1]) >= 0 && hex((unsigned char)s[i + 2]) >= 0) {
			out[o++] = (char)(hex((unsigned char)s[i + 1]) * 16 + hex((unsigned char)s[i + 2]));
			i += 2;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	return out;
}

/* Finds "key=" at the start of a pair; returns the value start and length. */
static const char *find(const char *kv, const char *key, size_t *vlen, const char **pair,
			size_t *pairlen)
{
	size_t klen = strlen(key);
	const char *p = kv;

	while (p && *p) {
		const char *end = strchr(p, '&');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len > klen && strncmp(p, key, klen) == 0 && p[klen] == '=') {
			*vlen = len - klen - 1;
			if (pair) {
				*pair = p;
				*pairlen = len;
			}
			return p + klen + 1;
		}
		p = end ? end + 1 : NULL;
	}
	return NULL;
}

char *kv_get(const char *kv, const char *key)
{
	size_t vlen;
	const char *v = kv ? find(kv, key, &vlen, NULL, NULL) : NULL;

	return v ? decode(v, vlen) : NULL;
}

static char *encode(const char *value)
{
	static const char digits[] = "0123456789ABCDEF";
	size_t len = strlen(value), i, o = 0;
	char *out = malloc(len * 3 + 1);

	if (!out)
		return NULL;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)value[i];
		if (c == '%' || c == '&' || c == '=' || c < 0x20) {
			out[o++] = '%';
			out[o++] = digits[c >> 4];
			out[o++] = digits[c & 15];
		} else {
			out[o++] = (char)c;
		}
	}
	out[o] = '\0';
	return out;
}

int kv_set(char **kv, const char *key, const char *value)
{
	const char *old = *kv ? *kv : "";
	const char *pair = NULL;
	size_t vlen, pairlen = 0, restlen, len;
	char *enc = NULL, *out;

	if (value && !(enc = encode(value)))
		return -1;
	if (find(old, key, &vlen, &pair, &pairlen)) {
		/* drop the old pair and its separator */
		if (pair[pairlen] == '&')
			pairlen++;
		else if (pair > old)
			pair--, pairlen++;
	} else {
		pair = old + strlen(old);
	}
	restlen = strlen(old) - (size_t)(pair - old) - pairlen;
	len = (size_t)(pair - old) + restlen + (enc ? strlen(key) + strlen(enc) + 2 : 0);
	out = malloc(len + 1);
	if (!out) {
		free(enc);
		return -1;
	}
	memcpy(out, old, (size_t)(pair - old));
	memcpy(out + (pair - old), pair + pairlen, restlen);
	out[(pair - old) + restlen] = '\0';
	if (enc)
		sprintf(out + strlen(out), "%s%s=%s", *out ? "&" : "", key, enc);
	free(enc);
	free(*kv);
	*kv = out;
	return 0;
}
