/* Display names and room names as people type them: validation, trimming and
 * the comparison used for "name_taken". Pure functions; thread-safe. */
#ifndef SRV_NAME_H
#define SRV_NAME_H

#include <stdbool.h>
#include <stddef.h>

#define SRV_NAME_MAX_CHARS 32
/* Bytes for a cleaned name: 32 characters of up to 4 UTF-8 bytes + NUL. */
#define SRV_NAME_BYTES (SRV_NAME_MAX_CHARS * 4 + 1)

/* Checks a display name of len bytes (it may hold NUL bytes, which are
 * refused) and copies it without leading and trailing spaces into out
 * (cap >= SRV_NAME_BYTES). HX_ERR_INVALID when, after trimming, it is empty or
 * longer than 32 characters, is not valid UTF-8, or holds a control character
 * (C0, DEL, C1, line or paragraph separator, bidirectional override). */
int srv_name_clean(const char *in, size_t len, char *out, size_t cap);
/* Names compare without regard to ASCII case: "ada" and "Ada" sound the same
 * through a screen reader. */
bool srv_name_same(const char *a, const char *b);

#endif
