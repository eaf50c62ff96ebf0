/* engine.c — the smallest program against the installed engine: text to
   binary, instantiate, call; built with pkg-config's flags for oxide-wasm
   (shared and static) and through find_package(Oxide). Prints "add(2, 3) = 5". */
#include <oxide/wasi.h>
#include <oxide/wasm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(ox_error *e)
{
    fprintf(stderr, "engine: %s\n", ox_error_message(e));
    ox_error_free(e);
    return 1;
}

int main(void)
{
    const char *wat = "(module (func (export \"add\") (param i32 i32) (result i32)"
                      " local.get 0 local.get 1 i32.add))";
    uint8_t *bin;
    size_t len;
    ox_error *e = ox_wat_to_wasm(wat, strlen(wat), &bin, &len);
    if (e)
        return fail(e);
    ox_engine *engine;
    ox_module *module;
    ox_store *store;
    ox_instance *inst;
    if ((e = ox_engine_new(NULL, &engine)) || (e = ox_module_new(engine, bin, len, &module)) ||
        (e = ox_store_new(engine, &store)) || (e = ox_instance_new(store, module, NULL, 0, &inst)))
        return fail(e);
    free(bin);
    ox_extern add;
    if (!ox_instance_export(inst, "add", &add) || add.kind != OX_EXTERN_FUNC) {
        fprintf(stderr, "engine: no export add\n");
        return 1;
    }
    ox_val args[2] = {ox_val_i32(2), ox_val_i32(3)}, r;
    if ((e = ox_func_call(add.of.func, args, 2, &r, 1)))
        return fail(e);
    ox_wasi_config cfg; /* linked from the same library */
    ox_wasi_config_init(&cfg);
    printf("add(2, 3) = %d\n", r.of.i32);
    ox_store_free(store);
    ox_module_free(module);
    ox_engine_free(engine);
    return r.of.i32 == 5 ? 0 : 1;
}
