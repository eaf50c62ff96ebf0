/* echo.c — a JSON-ABI guest that answers {"method": M, "input": I, "calls": N}:
   it shows what the host sent and that guest state (the call counter)
   persists between calls. Method "fail" reports an error instead. */
#include "guest/guest.h"

static unsigned calls; /* lives as long as the instance */

static jval *num(unsigned v)
{
    char buf[16];
    int n = 0;
    do {
        buf[15 - n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    jval *j = j_str(buf + 16 - n, (size_t)n);
    if (j)
        j->t = J_NUM;
    return j;
}

jval *guest_dispatch(const char *method, size_t mlen, jval *input, const char **err)
{
    calls++;
    if (mlen == 4 && !memcmp(method, "fail", 4)) {
        *err = "echo was asked to fail";
        return 0;
    }
    jval *o = j_new(J_OBJ);
    jval *copy = 0;
    /* input is owned by the caller: re-parse is wasteful, so move its
       contents into a fresh node and leave the caller a null. */
    if (o && (copy = j_new(J_NULL))) {
        jval tmp = *copy;
        *copy = *input;
        *input = tmp;
    }
    if (!o || !copy || j_set(o, "method", 6, j_str(method, mlen)) ||
        j_set(o, "input", 5, copy) || j_set(o, "calls", 5, num(calls))) {
        j_free(o);
        *err = "out of memory";
        return 0;
    }
    return o;
}
