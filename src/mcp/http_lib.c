/* http_lib.c — libmicrohttpd opened on first use (http_lib.h says why). */
#ifdef OXM_HAVE_HTTP
#include "http_lib.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef OXM_MHD_SONAME
#define OXM_MHD_SONAME "libmicrohttpd.so.12"
#endif

/* Written once, under pthread_once, then only read: every server of the
   process shares the one library. */
static oxm_mhd lib;
static const char *lib_why;
static char why_buf[512];
static pthread_once_t lib_once = PTHREAD_ONCE_INIT;

static void load(void)
{
    /* $OXIDE_MHD_LIB names another file (tests: one that is not there) */
    const char *path = getenv("OXIDE_MHD_LIB");
    if (!path || !*path)
        path = OXM_MHD_SONAME;
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *err = dlerror();
        snprintf(why_buf, sizeof why_buf,
                 "cannot load %s (%s): install libmicrohttpd (Debian: libmicrohttpd12), or serve "
                 "over stdio",
                 path, err ? err : "not found");
        lib_why = why_buf;
        return;
    }
    /* dlsym's void * into a function pointer: POSIX guarantees it works */
    void *f;
#define SYM(field, name)                                                                      \
    if (!(f = dlsym(h, #name))) {                                                             \
        lib_why = "libmicrohttpd has no " #name;                                             \
        return;                                                                               \
    }                                                                                         \
    memcpy(&lib.field, &f, sizeof f);
    SYM(start_daemon, MHD_start_daemon)
    SYM(stop_daemon, MHD_stop_daemon)
    SYM(get_daemon_info, MHD_get_daemon_info)
    SYM(create_response_from_callback, MHD_create_response_from_callback)
    SYM(create_response_from_buffer, MHD_create_response_from_buffer)
    SYM(add_response_header, MHD_add_response_header)
    SYM(queue_response, MHD_queue_response)
    SYM(destroy_response, MHD_destroy_response)
    SYM(lookup_connection_value, MHD_lookup_connection_value)
#undef SYM
    /* the handle stays open: the process may serve again */
}

const oxm_mhd *oxm_mhd_load(const char **why)
{
    pthread_once(&lib_once, load);
    if (lib_why) {
        *why = lib_why;
        return NULL;
    }
    return &lib;
}
#endif
