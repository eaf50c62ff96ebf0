/* kernel.c — the smallest program against the installed kernel: a kernel,
   a ping on its bus, answered by nobody but seen by a subscriber. Prints
   "kernel: ping seen". */
#include <oxide/kernel/kernel.h>
#include <stdio.h>

int main(void)
{
    oxk_kernel *k;
    oxk_err *err = oxk_kernel_new(&k);
    if (err) {
        fprintf(stderr, "kernel: %s\n", oxk_err_message(err));
        oxk_err_free(err);
        return 1;
    }
    oxk_subscription *sub;
    oxk_message ping = {.type = OXK_CMD_PING};
    oxk_envelope *env = NULL;
    if ((err = oxk_bus_subscribe(oxk_kernel_bus(k), &sub)) ||
        (err = oxk_bus_send_command(oxk_kernel_bus(k), "install-test", &ping, NULL))) {
        fprintf(stderr, "kernel: %s\n", oxk_err_message(err));
        return 1;
    }
    oxk_subscription_recv(sub, 1000, &env);
    int ok = env && oxk_envelope_message(env)->type == OXK_CMD_PING;
    printf("kernel: ping %s\n", ok ? "seen" : "lost");
    oxk_envelope_unref(env);
    oxk_subscription_close(sub);
    oxk_kernel_free(k);
    return !ok;
}
