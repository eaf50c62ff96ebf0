/* cipher.c — AES-256-GCM sealing of config values with OpenSSL libcrypto. */
#include "cipher.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <stdlib.h>
#include <string.h>

#include "kutil.h"

#define NONCE_LEN 12
#define TAG_LEN 16

void oxk_cipher_init(oxk_cipher *c, const char *key_string)
{
    SHA256((const unsigned char *)key_string, strlen(key_string), c->key);
}

char *oxk_b64url_encode(const unsigned char *data, size_t len)
{
    size_t n = 4 * ((len + 2) / 3);
    char *out = malloc(n + 1);
    if (!out)
        return NULL;
    EVP_EncodeBlock((unsigned char *)out, data, (int)len);
    /* Standard alphabet → URL-safe alphabet; '=' padding is kept. */
    for (size_t i = 0; i < n; i++)
        out[i] = out[i] == '+' ? '-' : out[i] == '/' ? '_' : out[i];
    out[n] = 0;
    return out;
}

unsigned char *oxk_b64url_decode(const char *text, size_t *len)
{
    size_t n = strlen(text);
    if (n % 4)
        return NULL;
    char *std = malloc(n + 1);
    unsigned char *out = malloc(n / 4 * 3 + 1);
    if (!std || !out)
        goto fail;
    size_t pad = 0;
    for (size_t i = 0; i < n; i++) {
        char c = text[i];
        if (c == '=') {
            /* padding only at the very end, at most two */
            if (i < n - 2 || (i == n - 2 && text[n - 1] != '='))
                goto fail;
            pad++;
        } else if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                     c == '-' || c == '_')) {
            goto fail;
        }
        std[i] = c == '-' ? '+' : c == '_' ? '/' : c;
    }
    std[n] = 0;
    int got = EVP_DecodeBlock(out, (unsigned char *)std, (int)n);
    if (got < 0)
        goto fail;
    free(std);
    *len = (size_t)got - pad; /* DecodeBlock counts padding as zero bytes */
    return out;
fail:
    free(std);
    free(out);
    return NULL;
}

oxk_err *oxk_cipher_seal(const oxk_cipher *c, const char *plain, size_t len, char **out)
{
    *out = NULL;
    if (len > 0x7FFFFFF0u)
        return oxk_err_new(OXK_ERR_OTHER, "config encrypt: value too large");
    unsigned char *blob = malloc(NONCE_LEN + len + TAG_LEN);
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    const char *why = "out of memory";
    int n = 0, fin = 0;
    if (!blob || !ctx)
        goto fail;
    why = "random nonce unavailable";
    if (RAND_bytes(blob, NONCE_LEN) != 1)
        goto fail;
    why = "AES-256-GCM failed";
    if (EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, NONCE_LEN, NULL) != 1 ||
        EVP_EncryptInit_ex(ctx, NULL, NULL, c->key, blob) != 1 ||
        EVP_EncryptUpdate(ctx, blob + NONCE_LEN, &n, (const unsigned char *)plain, (int)len) != 1 ||
        EVP_EncryptFinal_ex(ctx, blob + NONCE_LEN + n, &fin) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, TAG_LEN, blob + NONCE_LEN + n + fin) != 1)
        goto fail;
    *out = oxk_b64url_encode(blob, NONCE_LEN + (size_t)(n + fin) + TAG_LEN);
    why = "out of memory";
    if (!*out)
        goto fail;
    EVP_CIPHER_CTX_free(ctx);
    free(blob);
    return NULL;
fail:
    EVP_CIPHER_CTX_free(ctx);
    free(blob);
    return oxk_err_new(OXK_ERR_OTHER, "config encrypt: %s", why);
}

oxk_err *oxk_cipher_open(const oxk_cipher *c, const char *text, char **out)
{
    *out = NULL;
    size_t len;
    unsigned char *blob = oxk_b64url_decode(text, &len);
    if (!blob)
        return oxk_err_new(OXK_ERR_OTHER,
                           "config decrypt: base64 decode: not padded URL-safe base64");
    if (len < NONCE_LEN + TAG_LEN) {
        free(blob);
        return oxk_err_new(OXK_ERR_OTHER, "config decrypt: encrypted blob too short");
    }
    size_t clen = len - NONCE_LEN - TAG_LEN;
    char *plain = malloc(clen + 1);
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int n = 0, fin = 0;
    oxk_err *err = NULL;
    if (!plain || !ctx) {
        err = oxk_err_new(OXK_ERR_OTHER, "out of memory");
    } else if (EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL) != 1 ||
               EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, NONCE_LEN, NULL) != 1 ||
               EVP_DecryptInit_ex(ctx, NULL, NULL, c->key, blob) != 1 ||
               EVP_DecryptUpdate(ctx, (unsigned char *)plain, &n, blob + NONCE_LEN, (int)clen) != 1 ||
               EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, TAG_LEN,
                                   blob + NONCE_LEN + clen) != 1 ||
               EVP_DecryptFinal_ex(ctx, (unsigned char *)plain + n, &fin) != 1) {
        err = oxk_err_new(OXK_ERR_OTHER,
                          "config decrypt: decrypt: authentication failed (wrong key or "
                          "tampered value)");
    } else if (!ox_utf8_valid((unsigned char *)plain, (size_t)(n + fin))) {
        err = oxk_err_new(OXK_ERR_OTHER, "config decrypt: utf8: plaintext is not UTF-8");
    }
    EVP_CIPHER_CTX_free(ctx);
    free(blob);
    if (err) {
        free(plain);
        return err;
    }
    plain[n + fin] = 0;
    *out = plain;
    return NULL;
}
