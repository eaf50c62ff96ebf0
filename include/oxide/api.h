/*
 * api.h — the mark of a public declaration. The shared libraries
 * (liboxide-wasm, liboxide) are built with every symbol hidden except those
 * declared OX_API in these headers, so what a program can link against is
 * exactly the documented API (tests/install checks it with nm).
 */
#ifndef OXIDE_API_H
#define OXIDE_API_H

#if defined(__GNUC__) || defined(__clang__)
#define OX_API __attribute__((visibility("default")))
#else
#define OX_API
#endif

#endif
