/* cipher.h — AES-256-GCM for config values (internal; OpenSSL libcrypto). */
#ifndef OXK_KERNEL_CIPHER_H
#define OXK_KERNEL_CIPHER_H

#include <stddef.h>

#include "oxide/kernel/error.h"

typedef struct oxk_cipher {
    unsigned char key[32]; /* SHA-256 of the key string */
} oxk_cipher;

void oxk_cipher_init(oxk_cipher *c, const char *key_string);
/* plaintext → padded URL-safe base64 of nonce(12)‖ciphertext‖tag(16);
   *out malloc'd. Errors are "config encrypt: …". */
oxk_err *oxk_cipher_seal(const oxk_cipher *c, const char *plain, size_t len, char **out);
/* The inverse; *out is a malloc'd NUL-terminated UTF-8 string. Errors are
   "config decrypt: base64 decode: …", "… encrypted blob too short",
   "… decrypt: …", "… utf8: …". */
oxk_err *oxk_cipher_open(const oxk_cipher *c, const char *text, char **out);

/* Helpers exposed for tests: URL-safe base64 with '=' padding. */
char *oxk_b64url_encode(const unsigned char *data, size_t len);
/* NULL on invalid input; *len gets the decoded size. */
unsigned char *oxk_b64url_decode(const char *text, size_t *len);

#endif
