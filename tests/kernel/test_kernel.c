/* test_kernel.c — the kernel façade and manifest-driven loading: the
   reference's kernel test, Wasm modules loaded from module.json (with digest
   check), per-module capability grants, file-backed kernels, isolation. */
#include <dirent.h>
#include <openssl/sha.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "oxide/kernel/kernel.h"

static char tmpdir[64];

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static void sha_hex(const char *path, char out[65])
{
    FILE *f = fopen(path, "rb");
    static unsigned char buf[1 << 20];
    size_t n = f ? fread(buf, 1, sizeof buf, f) : 0;
    if (f)
        fclose(f);
    unsigned char d[32];
    SHA256(buf, n, d);
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

/* A manifest for the accounting guest (`file`, binary or text), in its own
   directory. */
static const char *manifest_for(const char *dir_name, const char *id, const char *file,
                                const char *sha, const char *caps)
{
    static char dir[256];
    snprintf(dir, sizeof dir, "%s/%s", tmpdir, dir_name);
    mkdir(dir, 0700);
    char path[512], text[1024];
    snprintf(path, sizeof path, "%s/module.json", dir);
    snprintf(text, sizeof text,
             "{\"id\":\"%s\",\"name\":\"Acct\",\"version\":\"2.0.0\",\"kind\":\"wasm\","
             "\"wasm\":\"%s\"%s%s%s,\"capabilities\":[%s]}",
             id, file, sha ? ",\"sha256\":\"" : "", sha ? sha : "", sha ? "\"" : "",
             caps);
    write_file(path, text);
    return dir;
}

static const char *wasm_manifest(const char *dir_name, const char *id, const char *sha,
                                 const char *caps)
{
    return manifest_for(dir_name, id, OX_KGUEST_DIR "/accounting.wasm", sha, caps);
}

/* Send `method` to module `id` over the bus; true when `method`.ok comes
   back with the command's correlation id. */
static bool serves(oxk_kernel *k, const char *id, const char *method)
{
    oxk_subscription *s;
    OK(oxk_bus_subscribe(oxk_kernel_bus(k), &s));
    oxk_message cmd = {.type = OXK_CMD_INVOKE, .module_id = id, .method = method};
    char cid[37];
    OK(oxk_bus_send_command(oxk_kernel_bus(k), "kernel", &cmd, cid));
    oxk_envelope *e = NULL;
    for (int i = 0; i < 3; i++) {
        oxk_subscription_recv(s, 5000, &e);
        if (!e || oxk_envelope_message(e)->type == OXK_EV_CUSTOM)
            break;
        oxk_envelope_unref(e);
        e = NULL;
    }
    char want[64];
    snprintf(want, sizeof want, "%s.ok", method);
    bool ok = e && !strcmp(oxk_envelope_message(e)->kind, want) &&
              !strcmp(oxk_envelope_correlation_id(e), cid);
    if (e)
        oxk_envelope_unref(e);
    oxk_subscription_close(s);
    return ok;
}

static void kernel_wires_subsystems(void)
{
    oxk_kernel *k;
    OK(oxk_kernel_new(&k));
    CHECK(oxk_bus_subscriber_count(oxk_kernel_bus(k)) == 0);
    oxk_module_record *rs;
    size_t n;
    OK(oxk_registry_list_modules(oxk_kernel_registry(k), &rs, &n));
    CHECK(n == 0);
    oxk_module_records_free(rs, n);
    oxk_module_info *infos;
    OK(oxk_modules_list(oxk_kernel_modules(k), &infos, &n));
    CHECK(n == 0);
    oxk_module_infos_free(infos, n);
    oxk_kernel_free(k);
}

static void wasm_manifest_loads_and_serves(void)
{
    char sha[65], wasm[512];
    snprintf(wasm, sizeof wasm, "%s/accounting.wasm", OX_KGUEST_DIR);
    sha_hex(wasm, sha);
    const char *dir = wasm_manifest("acct", "acct", sha, "\"text:compress\"");
    oxk_kernel *k;
    OK(oxk_kernel_new(&k));
    oxk_resolved_manifest *r;
    OK(oxk_kernel_register_manifest(k, dir, &r));
    CHECK_STR(r->manifest->id, "acct");
    CHECK_STR(r->wasm_path, wasm);
    oxk_resolved_manifest_free(r);
    /* manager and registry both know it, loaded */
    oxk_module_state st;
    CHECK(oxk_modules_state(oxk_kernel_modules(k), "acct", &st) && st == OXK_STATE_LOADED);
    bool found;
    oxk_module_record rec;
    OK(oxk_registry_get_module(oxk_kernel_registry(k), "acct", &found, &rec));
    CHECK(found && rec.state == OXK_STATE_LOADED && rec.meta.kind == OXK_MODULE_WASM);
    CHECK_STR(rec.meta.version, "2.0.0");
    oxk_module_record_clear(&rec);
    /* capabilities go to this module only (the original granted globally) */
    CHECK(oxk_bus_has_capability(oxk_kernel_bus(k), "acct", "text:compress"));
    CHECK(!oxk_bus_has_capability(oxk_kernel_bus(k), "kernel", "text:compress"));
    /* init was done by registration: start serves invokes */
    OK(oxk_modules_start(oxk_kernel_modules(k), "acct"));
    OK(oxk_registry_get_module(oxk_kernel_registry(k), "acct", &found, &rec));
    CHECK(found && rec.state == OXK_STATE_RUNNING);
    oxk_module_record_clear(&rec);
    CHECK(serves(k, "acct", "ping"));
    /* registering the same manifest again is a duplicate */
    oxk_err *err = EXPECT_ERR(oxk_kernel_register_manifest(k, dir, NULL), OXK_ERR_DUPLICATE_MODULE);
    CHECK_STR(oxk_err_message(err), "module already registered: acct");
    oxk_err_free(err);
    oxk_kernel_free(k); /* stops the running module */
}

/* The manifest's module may be text: the engine tells by content, and the
   digest is the text file's. */
static void text_manifest_loads_and_serves(void)
{
    char sha[65];
    const char *wat = OX_KGUEST_SRC_DIR "/accounting.wat";
    sha_hex(wat, sha);
    const char *dir = manifest_for("acct-text", "acct-text", wat, sha, "");
    oxk_kernel *k;
    OK(oxk_kernel_new(&k));
    OK(oxk_kernel_register_manifest(k, dir, NULL));
    OK(oxk_modules_start(oxk_kernel_modules(k), "acct-text"));
    CHECK(serves(k, "acct-text", "ping"));
    oxk_kernel_free(k);
}

static void digest_mismatch_refuses_to_load(void)
{
    const char *dir = wasm_manifest(
        "bad", "bad", "0000000000000000000000000000000000000000000000000000000000000000", "");
    oxk_kernel *k;
    OK(oxk_kernel_new(&k));
    oxk_err *e = EXPECT_ERR(oxk_kernel_register_manifest(k, dir, NULL), OXK_ERR_MODULE);
    CHECK_CONTAINS(oxk_err_message(e), "digest mismatch");
    CHECK_CONTAINS(oxk_err_message(e), dir);
    oxk_err_free(e);
    oxk_module_state st;
    CHECK(!oxk_modules_state(oxk_kernel_modules(k), "bad", &st));
    bool found;
    oxk_module_record rec;
    OK(oxk_registry_get_module(oxk_kernel_registry(k), "bad", &found, &rec));
    CHECK(!found); /* nothing half-registered */
    oxk_kernel_free(k);
}

static void missing_wasm_file_is_named(void)
{
    char dir[256], path[300];
    snprintf(dir, sizeof dir, "%s/nofile", tmpdir);
    mkdir(dir, 0700);
    snprintf(path, sizeof path, "%s/module.json", dir);
    write_file(path, "{\"id\":\"nf\",\"name\":\"N\",\"version\":\"1\",\"kind\":\"wasm\","
                     "\"wasm\":\"absent.wasm\"}");
    oxk_kernel *k;
    OK(oxk_kernel_new(&k));
    oxk_err *e = EXPECT_ERR(oxk_kernel_register_manifest(k, path, NULL), OXK_ERR_OTHER);
    CHECK_CONTAINS(oxk_err_message(e), "absent.wasm");
    oxk_err_free(e);
    oxk_kernel_free(k);
}

/* Files in directory `dir` (0 when it does not exist). */
static int files_in(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d));)
        n += e->d_name[0] != '.';
    if (d)
        closedir(d);
    return n;
}

/* A manifest's `tier` overrides the kernel's: what the code cache holds
   after registering tells which tier loaded the module. */
static void manifest_tier_overrides_the_kernel(void)
{
    char dir[256], path[300], cache[300];
    snprintf(dir, sizeof dir, "%s/tiered", tmpdir);
    mkdir(dir, 0700);
    snprintf(path, sizeof path, "%s/module.json", dir);
    const char *tiers[2] = {"jit", "interp"};
    for (int t = 0; t < 2; t++) {
        char text[1024];
        snprintf(text, sizeof text,
                 "{\"id\":\"tiered\",\"name\":\"T\",\"version\":\"1\",\"kind\":\"wasm\","
                 "\"wasm\":\"%s\",\"tier\":\"%s\"}", OX_KGUEST_DIR "/accounting.wasm", tiers[t]);
        write_file(path, text);
        snprintf(cache, sizeof cache, "%s/cache-%s", tmpdir, tiers[t]);
        oxk_kernel *k;
        OK(oxk_kernel_new(&k));
        /* the kernel's own tier is the other one */
        OK(oxk_kernel_set_tier(k, t == 0 || !ox_jit_available() ? OX_TIER_INTERP : OX_TIER_JIT, cache));
        if (t == 0 && !ox_jit_available()) {
            oxk_err *e = EXPECT_ERR(oxk_kernel_register_manifest(k, dir, NULL), OXK_ERR_WASM);
            CHECK_CONTAINS(oxk_err_message(e), "no compiling tier");
            oxk_err_free(e);
            oxk_kernel_free(k);
            continue;
        }
        OK(oxk_kernel_register_manifest(k, dir, NULL));
        OK(oxk_modules_start(oxk_kernel_modules(k), "tiered"));
        CHECK(serves(k, "tiered", "ping"));
        CHECK(files_in(cache) == (t == 0 ? 1 : 0)); /* compiled and cached, or not compiled */
        oxk_kernel_free(k);
    }
}

static void native_manifest_registers_a_passive_module(void)
{
    char dir[256], path[300];
    snprintf(dir, sizeof dir, "%s/petstore", tmpdir);
    mkdir(dir, 0700);
    snprintf(path, sizeof path, "%s/module.json", dir);
    write_file(path, "{\"id\":\"petstore\",\"name\":\"Petstore\",\"version\":\"1.0.0\",\"kind\":"
                     "\"native\",\"binary\":\"petstore-cli\",\"operations\":[\"a\",\"b\",\"c\"],"
                     "\"capabilities\":[\"pets:read\",\"pets:write\"]}");
    oxk_kernel *k;
    OK(oxk_kernel_new(&k));
    oxk_resolved_manifest *r;
    OK(oxk_kernel_register_manifest(k, path, &r));
    char want[300];
    snprintf(want, sizeof want, "%s/petstore-cli", dir);
    CHECK_STR(r->binary_path, want);
    oxk_resolved_manifest_free(r);
    CHECK(oxk_bus_has_capability(oxk_kernel_bus(k), "petstore", "pets:write"));
    OK(oxk_modules_start(oxk_kernel_modules(k), "petstore"));
    OK(oxk_modules_stop(oxk_kernel_modules(k), "petstore"));
    oxk_kernel_free(k);
}

static void file_backed_kernel_persists(void)
{
    char path[256];
    snprintf(path, sizeof path, "%s/kernel.db", tmpdir);
    oxk_kernel *k;
    OK(oxk_kernel_open(path, "k3y", &k));
    json_t *v = json_string("Hello, agent.");
    OK(oxk_registry_set_config(oxk_kernel_registry(k), "kernel.greeting", v));
    json_decref(v);
    oxk_kernel_free(k);
    OK(oxk_kernel_open(path, "k3y", &k));
    json_t *got;
    OK(oxk_registry_get_config(oxk_kernel_registry(k), "kernel.greeting", &got));
    CHECK_STR(json_string_value(got), "Hello, agent.");
    json_decref(got);
    oxk_kernel_free(k);
}

static void two_kernels_share_nothing(void)
{
    oxk_kernel *a, *b;
    OK(oxk_kernel_new(&a));
    OK(oxk_kernel_new(&b));
    const char *dir = wasm_manifest("iso", "iso", NULL, "\"x:y\"");
    OK(oxk_kernel_register_manifest(a, dir, NULL));
    oxk_module_state st;
    CHECK(oxk_modules_state(oxk_kernel_modules(a), "iso", &st));
    CHECK(!oxk_modules_state(oxk_kernel_modules(b), "iso", &st));
    CHECK(!oxk_bus_has_capability(oxk_kernel_bus(b), "iso", "x:y"));
    OK(oxk_kernel_register_manifest(b, dir, NULL)); /* no duplicate across kernels */
    oxk_kernel_free(a);
    oxk_kernel_free(b);
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/oxkern.XXXXXX");
    if (!mkdtemp(tmpdir))
        return 1;
    RUN(kernel_wires_subsystems);
    RUN(wasm_manifest_loads_and_serves);
    RUN(text_manifest_loads_and_serves);
    RUN(digest_mismatch_refuses_to_load);
    RUN(missing_wasm_file_is_named);
    RUN(manifest_tier_overrides_the_kernel);
    RUN(native_manifest_registers_a_passive_module);
    RUN(file_backed_kernel_persists);
    RUN(two_kernels_share_nothing);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
    return CHECK_DONE();
}
