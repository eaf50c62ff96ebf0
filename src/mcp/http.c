/* http.c — the Streamable HTTP transport (placeholder until it lands). */
#include "server.h"

oxk_err *oxm_serve_http(oxm_server *s, const oxm_http_options *o, volatile sig_atomic_t *stop)
{
    (void)s;
    (void)o;
    (void)stop;
    return oxk_err_new(OXK_ERR_OTHER, "oxide mcp --http is not implemented yet");
}
