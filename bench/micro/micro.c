/*
 * micro.c — the engine's micro-figures, printed for bench/run:
 *   bytes -> callable instance, small module (a few KB) and large (~4 MB);
 *   decode + validate + compile throughput of the large module;
 *   host -> guest call overhead of a trivial export (ns per call);
 *   call_json round trip with a ~100-byte payload through the kernel's
 *   executor (when it is built: OX_BENCH_HAVE_EXECUTOR);
 *   an (i32, i32) -> i32 export called through the engine's own API and
 *   through the standard C API (wasm_func_call), and their ratio.
 * Peak RSS is measured by bench/run on a child process, not here.
 *
 * Output: one line per figure, tab-separated: name, value, unit, note.
 * Errors from the engine are printed as the figure's note with value
 * "n/a", and the exit status is 1, so a broken engine shows as such.
 *
 * Usage: ox_bench_micro [--quick]
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "oxide/wasm.h"
#include "wasm.h" /* the standard C API */
#include "wasm_gen.h"

#ifdef OX_BENCH_HAVE_EXECUTOR
#include <jansson.h>

#include "oxide/kernel/executor.h"
#endif

static int failures;

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void figure(const char *name, double value, const char *unit, const char *note)
{
    printf("%s\t%.3f\t%s\t%s\n", name, value, unit, note);
}

static void failed(const char *name, const char *what, ox_error *e)
{
    printf("%s\tn/a\t\t%s: %s\n", name, what, e ? ox_error_message(e) : "failed");
    ox_error_free(e);
    failures++;
}

/* One bytes -> callable instance: module, store, instance, export lookup.
   On success *store and *module are the caller's to free. */
static ox_error *instantiate(ox_engine *eng, const wbuf *w, ox_module **module,
                             ox_store **store, ox_func **id, double *module_ns)
{
    double t0 = now_ns();
    ox_error *e = ox_module_new(eng, w->p, w->len, module);
    if (e)
        return e;
    *module_ns = now_ns() - t0;
    ox_instance *inst;
    if ((e = ox_store_new(eng, store))) {
        ox_module_free(*module);
        return e;
    }
    if ((e = ox_instance_new(*store, *module, NULL, 0, &inst))) {
        ox_store_free(*store);
        ox_module_free(*module);
        return e;
    }
    ox_extern ext;
    if (!ox_instance_export(inst, "id", &ext) || ext.kind != OX_EXTERN_FUNC) {
        ox_store_free(*store);
        ox_module_free(*module);
        return ox_error_new(OX_ERR_NOTFOUND, "generated module has no export \"id\"");
    }
    *id = ext.of.func;
    return NULL;
}

/* Median over `reps` of bytes -> callable instance, and of the module
   step alone (decode + validate + compile). */
static void bench_instantiate(ox_engine *eng, const wbuf *w, unsigned reps, const char *label)
{
    double *total = malloc(sizeof(double) * reps), *mod = malloc(sizeof(double) * reps);
    if (!total || !mod) {
        failed(label, "out of memory", NULL);
        free(total);
        free(mod);
        return;
    }
    char name[96], note[96];
    for (unsigned i = 0; i < reps; i++) {
        ox_module *m;
        ox_store *s;
        ox_func *f;
        double t0 = now_ns();
        ox_error *e = instantiate(eng, w, &m, &s, &f, &mod[i]);
        total[i] = now_ns() - t0;
        if (e) {
            snprintf(name, sizeof name, "instantiate_%s", label);
            failed(name, "instantiate", e);
            free(total);
            free(mod);
            return;
        }
        ox_store_free(s);
        ox_module_free(m);
    }
    double t = median(total, reps), mt = median(mod, reps);
    snprintf(name, sizeof name, "instantiate_%s", label);
    snprintf(note, sizeof note, "bytes -> callable instance, %zu-byte module, median of %u",
             w->len, reps);
    if (w->len < 65536)
        figure(name, t / 1e3, "us", note);
    else
        figure(name, t / 1e6, "ms", note);
    snprintf(name, sizeof name, "compile_%s", label);
    snprintf(note, sizeof note, "decode + validate + compile (ox_module_new), %zu bytes", w->len);
    figure(name, (double)w->len / (mt / 1e9) / 1e6, "MB/s", note);
    free(total);
    free(mod);
}

static void bench_call(ox_engine *eng, const wbuf *w, uint32_t calls)
{
    ox_module *m;
    ox_store *s;
    ox_func *f;
    double unused;
    ox_error *e = instantiate(eng, w, &m, &s, &f, &unused);
    if (e) {
        failed("call_trivial", "instantiate", e);
        return;
    }
    ox_val arg, res;
    int64_t sum = 0;
    double best = 0;
    /* Best of three batches: the figure is the engine's cost, not the
       neighbours' load on a shared machine. */
    for (int batch = 0; batch < 3; batch++) {
        double t0 = now_ns();
        for (uint32_t i = 0; i < calls; i++) {
            arg = ox_val_i32((int32_t)i);
            if ((e = ox_func_call(f, &arg, 1, &res, 1))) {
                failed("call_trivial", "ox_func_call", e);
                goto out;
            }
            sum += res.of.i32;
        }
        double per = (now_ns() - t0) / calls;
        if (batch == 0 || per < best)
            best = per;
    }
    /* The export returns its argument: check the engine really ran it. */
    if (sum != 3 * ((int64_t)calls * (calls - 1) / 2)) {
        failed("call_trivial", "wrong results from id()", NULL);
        goto out;
    }
    char note[96];
    snprintf(note, sizeof note, "ox_func_call of (i32)->i32 identity, best of 3 x %" PRIu32, calls);
    figure("call_trivial", best, "ns", note);
out:
    ox_store_free(s);
    ox_module_free(m);
}

/* The same export, add(i32, i32) -> i32, called through both APIs in
   alternating batches (best of five each), so the ratio compares like
   with like on a noisy machine. */
static void bench_capi_call(uint32_t calls)
{
    static const char wat[] = "(module (func (export \"add\") (param i32 i32) (result i32)"
                              " local.get 0 local.get 1 i32.add))";
    wasm_engine_t *engine = wasm_engine_new();
    wasm_store_t *store = engine ? wasm_store_new(engine) : NULL;
    wasm_byte_vec_t text = {sizeof wat - 1, (char *)wat}; /* Oxide reads text where a module goes */
    wasm_module_t *module = store ? wasm_module_new(store, &text) : NULL;
    wasm_extern_vec_t imports = WASM_EMPTY_VEC, exports = WASM_EMPTY_VEC;
    wasm_instance_t *inst = module ? wasm_instance_new(store, module, &imports, NULL) : NULL;
    if (inst)
        wasm_instance_exports(inst, &exports);
    const wasm_func_t *add = exports.size ? wasm_extern_as_func(exports.data[0]) : NULL;
    ox_module *m = NULL;
    ox_store *s = NULL;
    ox_instance *oi = NULL;
    ox_extern ex = {0};
    ox_error *e = NULL;
    ox_engine *oe = NULL;
    if (!add || (e = ox_engine_new(NULL, &oe)) || (e = ox_module_new(oe, (const uint8_t *)wat, sizeof wat - 1, &m)) ||
        (e = ox_store_new(oe, &s)) || (e = ox_instance_new(s, m, NULL, 0, &oi)) || !ox_instance_export(oi, "add", &ex)) {
        failed("call_capi", add ? "the engine's API" : "the standard API", e);
        goto out;
    }
    double best_own = 0, best_std = 0;
    int64_t sum_own = 0, sum_std = 0;
    for (int batch = 0; batch < 5; batch++) {
        double t0 = now_ns();
        for (uint32_t i = 0; i < calls; i++) {
            ox_val args[2] = {ox_val_i32((int32_t)i), ox_val_i32(1)}, r;
            if ((e = ox_func_call(ex.of.func, args, 2, &r, 1))) {
                failed("call_capi", "ox_func_call", e);
                goto out;
            }
            sum_own += r.of.i32;
        }
        double own = (now_ns() - t0) / calls;
        t0 = now_ns();
        for (uint32_t i = 0; i < calls; i++) {
            wasm_val_t args[2] = {WASM_I32_VAL((int32_t)i), WASM_I32_VAL(1)}, rs[1] = {WASM_INIT_VAL};
            wasm_val_vec_t av = WASM_ARRAY_VEC(args), rv = WASM_ARRAY_VEC(rs);
            wasm_trap_t *t = wasm_func_call(add, &av, &rv);
            if (t) {
                wasm_trap_delete(t);
                failed("call_capi", "wasm_func_call trapped", NULL);
                goto out;
            }
            sum_std += rs[0].of.i32;
        }
        double std = (now_ns() - t0) / calls;
        if (batch == 0 || own < best_own)
            best_own = own;
        if (batch == 0 || std < best_std)
            best_std = std;
    }
    if (sum_own != sum_std || sum_own != 5 * ((int64_t)calls * (calls - 1) / 2 + calls)) {
        failed("call_capi", "wrong results from add()", NULL);
        goto out;
    }
    char note[128];
    snprintf(note, sizeof note, "ox_func_call of (i32, i32)->i32 add, best of 5 x %" PRIu32, calls);
    figure("call_own_api", best_own, "ns", note);
    snprintf(note, sizeof note, "wasm_func_call of the same export, batches alternating with the above");
    figure("call_std_api", best_std, "ns", note);
    figure("call_std_over_own", best_std / best_own, "x", "the standard C API's call cost over the engine's own");
out:
    if (s)
        ox_store_free(s);
    ox_module_free(m);
    if (oe)
        ox_engine_free(oe);
    wasm_extern_vec_delete(&exports);
    wasm_instance_delete(inst);
    wasm_module_delete(module);
    wasm_store_delete(store);
    wasm_engine_delete(engine);
}

#ifdef OX_BENCH_HAVE_EXECUTOR
static void bench_call_json(uint32_t calls)
{
    wbuf w = {0};
    if (!gen_echo_guest(&w)) {
        failed("call_json", "out of memory", NULL);
        return;
    }
    oxk_executor *ex;
    oxk_err *ke = oxk_executor_from_bytes(w.p, w.len, NULL, &ex);
    wbuf_free(&w);
    if (ke) {
        printf("call_json\tn/a\t\texecutor: %s\n", oxk_err_message(ke));
        oxk_err_free(ke);
        failures++;
        return;
    }
    /* ~100 bytes of compact JSON, like a small tool request. */
    json_error_t jerr;
    json_t *in = json_loads("{\"tool\":\"search\",\"query\":\"wasm interpreter speed\","
                            "\"limit\":10,\"filters\":{\"lang\":\"c\",\"recent\":true}}",
                            0, &jerr);
    if (!in) {
        printf("call_json\tn/a\t\tpayload: %s\n", jerr.text);
        failures++;
        oxk_executor_free(ex);
        return;
    }
    char *text = json_dumps(in, JSON_COMPACT);
    size_t payload = text ? strlen(text) : 0;
    free(text);
    double best = 0;
    for (int batch = 0; batch < 3; batch++) {
        double t0 = now_ns();
        for (uint32_t i = 0; i < calls; i++) {
            json_t *out = NULL;
            if ((ke = oxk_executor_call_json(ex, "echo", in, &out))) {
                printf("call_json\tn/a\t\t%s\n", oxk_err_message(ke));
                oxk_err_free(ke);
                failures++;
                goto out;
            }
            int same = json_equal(in, out);
            json_decref(out);
            if (!same) {
                printf("call_json\tn/a\t\tthe echo guest returned different JSON\n");
                failures++;
                goto out;
            }
        }
        double per = (now_ns() - t0) / calls;
        if (batch == 0 || per < best)
            best = per;
    }
    char note[128];
    snprintf(note, sizeof note,
             "oxk_executor_call_json, %zu-byte payload echoed, incl. JSON encode/parse, best of 3",
             payload);
    figure("call_json", best / 1e3, "us", note);
out:
    json_decref(in);
    oxk_executor_free(ex);
}
#endif

int main(int argc, char **argv)
{
    int quick = argc > 1 && !strcmp(argv[1], "--quick");
    if (argc > 2 || (argc == 2 && !quick)) {
        fprintf(stderr, "usage: %s [--quick]\n", argv[0]);
        return 2;
    }
    ox_engine *eng;
    ox_error *e = ox_engine_new(NULL, &eng);
    if (e) {
        failed("engine", "ox_engine_new", e);
        return 1;
    }
    wbuf small = {0}, large = {0};
    /* ~4 KB and ~4 MB; fixed seeds so every run measures the same code. */
    if (!gen_module(&small, 16, 16, 7) || !gen_module(&large, 2400, 128, 9)) {
        fprintf(stderr, "ox_bench_micro: out of memory generating modules\n");
        return 1;
    }
    bench_instantiate(eng, &small, quick ? 200 : 2000, "small");
    /* the same in an engine of the auto tier (what `oxide run` uses): the
       compiling tier must not cost start-up more than its code cache's
       lookup (here without a cache directory: hashing the module) */
    if (ox_jit_available()) {
        ox_config auto_cfg = {0};
        auto_cfg.tier = OX_TIER_AUTO;
        ox_engine *auto_eng;
        if ((e = ox_engine_new(&auto_cfg, &auto_eng)) != NULL) {
            failed("instantiate_small_auto", "ox_engine_new", e);
        } else {
            bench_instantiate(auto_eng, &small, quick ? 200 : 2000, "small_auto");
            ox_engine_free(auto_eng);
        }
    }
    bench_instantiate(eng, &large, quick ? 1 : 5, "large");
    bench_call(eng, &small, quick ? 100000 : 2000000);
    bench_capi_call(quick ? 100000 : 2000000);
#ifdef OX_BENCH_HAVE_EXECUTOR
    bench_call_json(quick ? 10000 : 100000);
#else
    printf("call_json\tn/a\t\tbuilt without the kernel executor\n");
#endif
    wbuf_free(&small);
    wbuf_free(&large);
    ox_engine_free(eng);
    return failures ? 1 : 0;
}
