/* http_lib.h — libmicrohttpd, loaded on first use (internal).

   The HTTP transport is the only user of libmicrohttpd, which brings in
   GnuTLS and eight more libraries: linked into `oxide`, loading and
   relocating them doubled the start-up time of every command (an `oxide
   run` of a small program 6.4 -> 13.7 ms) and its resident memory (2.5 ->
   6.0 MiB). So it is opened by `oxide mcp --http` alone, by its soname
   (found at build time), and its functions are called through this table.
   Each entry has the type of the header's declaration. */
#ifndef OXM_HTTP_LIB_H
#define OXM_HTTP_LIB_H

#include <microhttpd.h>

typedef struct oxm_mhd {
    __typeof__(&MHD_start_daemon) start_daemon;
    __typeof__(&MHD_stop_daemon) stop_daemon;
    __typeof__(&MHD_get_daemon_info) get_daemon_info;
    __typeof__(&MHD_create_response_from_callback) create_response_from_callback;
    __typeof__(&MHD_create_response_from_buffer) create_response_from_buffer;
    __typeof__(&MHD_add_response_header) add_response_header;
    __typeof__(&MHD_queue_response) queue_response;
    __typeof__(&MHD_destroy_response) destroy_response;
    __typeof__(&MHD_lookup_connection_value) lookup_connection_value;
} oxm_mhd;

/* The library's functions, loaded once per process (thread-safe; the table
   never changes after), or NULL with *why saying what failed. */
const oxm_mhd *oxm_mhd_load(const char **why);

#endif
