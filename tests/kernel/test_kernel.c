/* test_kernel.c — the kernel façade and manifest-driven loading: the
   reference's kernel test, Wasm modules loaded from module.json (with digest
   check), per-module capability grants, file-backed kernels, isolation. */
#include <openssl/sha.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "oxide/kernel.h"

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

/* A manifest for the accounting guest, in its own directory. */
static const char *wasm_manifest(const char *dir_name, const char *id, const char *sha,
                                 const char *caps)
{
    static char dir[256];
    snprintf(dir, sizeof dir, "%s/%s", tmpdir, dir_name);
    mkdir(dir, 0700);
    char path[512], text[1024];
    snprintf(path, sizeof path, "%s/module.json", dir);
    snprintf(text, sizeof text,
             "{\"id\":\"%s\",\"name\":\"Acct\",\"version\":\"2.0.0\",\"kind\":\"wasm\","
             "\"wasm\":\"%s/accounting.wasm\"%s%s%s,\"capabilities\":[%s]}",
             id, OX_KGUEST_DIR, sha ? ",\"sha256\":\"" : "", sha ? sha : "", sha ? "\"" : "",
             caps);
    write_file(path, text);
    return dir;
}

static void kernel_wires_subsystems(void)
{
    ox_kernel *k;
    OK(ox_kernel_new(&k));
    CHECK(ox_bus_subscriber_count(ox_kernel_bus(k)) == 0);
    ox_module_record *rs;
    size_t n;
    OK(ox_registry_list_modules(ox_kernel_registry(k), &rs, &n));
    CHECK(n == 0);
    ox_module_records_free(rs, n);
    ox_module_info *infos;
    OK(ox_modules_list(ox_kernel_modules(k), &infos, &n));
    CHECK(n == 0);
    ox_module_infos_free(infos, n);
    ox_kernel_free(k);
}

static void wasm_manifest_loads_and_serves(void)
{
    char sha[65], wasm[512];
    snprintf(wasm, sizeof wasm, "%s/accounting.wasm", OX_KGUEST_DIR);
    sha_hex(wasm, sha);
    const char *dir = wasm_manifest("acct", "acct", sha, "\"text:compress\"");
    ox_kernel *k;
    OK(ox_kernel_new(&k));
    ox_resolved_manifest *r;
    OK(ox_kernel_register_manifest(k, dir, &r));
    CHECK_STR(r->manifest->id, "acct");
    CHECK_STR(r->wasm_path, wasm);
    ox_resolved_manifest_free(r);
    /* manager and registry both know it, loaded */
    ox_module_state st;
    CHECK(ox_modules_state(ox_kernel_modules(k), "acct", &st) && st == OX_STATE_LOADED);
    bool found;
    ox_module_record rec;
    OK(ox_registry_get_module(ox_kernel_registry(k), "acct", &found, &rec));
    CHECK(found && rec.state == OX_STATE_LOADED && rec.meta.kind == OX_MODULE_WASM);
    CHECK_STR(rec.meta.version, "2.0.0");
    ox_module_record_clear(&rec);
    /* capabilities go to this module only (the original granted globally) */
    CHECK(ox_bus_has_capability(ox_kernel_bus(k), "acct", "text:compress"));
    CHECK(!ox_bus_has_capability(ox_kernel_bus(k), "kernel", "text:compress"));
    /* init was done by registration: start serves invokes */
    OK(ox_modules_start(ox_kernel_modules(k), "acct"));
    OK(ox_registry_get_module(ox_kernel_registry(k), "acct", &found, &rec));
    CHECK(found && rec.state == OX_STATE_RUNNING);
    ox_module_record_clear(&rec);
    ox_subscription *s;
    OK(ox_bus_subscribe(ox_kernel_bus(k), &s));
    ox_message cmd = {.type = OX_CMD_INVOKE, .module_id = "acct", .method = "ping"};
    char id[37];
    OK(ox_bus_send_command(ox_kernel_bus(k), "kernel", &cmd, id));
    ox_envelope *e = NULL;
    for (int i = 0; i < 3; i++) {
        ox_subscription_recv(s, 5000, &e);
        if (!e || ox_envelope_message(e)->type == OX_EV_CUSTOM)
            break;
        ox_envelope_unref(e);
        e = NULL;
    }
    CHECK(e && !strcmp(ox_envelope_message(e)->kind, "ping.ok"));
    CHECK(e && !strcmp(ox_envelope_correlation_id(e), id));
    ox_envelope_unref(e);
    /* registering the same manifest again is a duplicate */
    ox_kerr *err = EXPECT_ERR(ox_kernel_register_manifest(k, dir, NULL), OX_KERR_DUPLICATE_MODULE);
    CHECK_STR(ox_kerr_message(err), "module already registered: acct");
    ox_kerr_free(err);
    ox_subscription_close(s);
    ox_kernel_free(k); /* stops the running module */
}

static void digest_mismatch_refuses_to_load(void)
{
    const char *dir = wasm_manifest(
        "bad", "bad", "0000000000000000000000000000000000000000000000000000000000000000", "");
    ox_kernel *k;
    OK(ox_kernel_new(&k));
    ox_kerr *e = EXPECT_ERR(ox_kernel_register_manifest(k, dir, NULL), OX_KERR_MODULE);
    CHECK_CONTAINS(ox_kerr_message(e), "digest mismatch");
    CHECK_CONTAINS(ox_kerr_message(e), dir);
    ox_kerr_free(e);
    ox_module_state st;
    CHECK(!ox_modules_state(ox_kernel_modules(k), "bad", &st));
    bool found;
    ox_module_record rec;
    OK(ox_registry_get_module(ox_kernel_registry(k), "bad", &found, &rec));
    CHECK(!found); /* nothing half-registered */
    ox_kernel_free(k);
}

static void missing_wasm_file_is_named(void)
{
    char dir[256], path[300];
    snprintf(dir, sizeof dir, "%s/nofile", tmpdir);
    mkdir(dir, 0700);
    snprintf(path, sizeof path, "%s/module.json", dir);
    write_file(path, "{\"id\":\"nf\",\"name\":\"N\",\"version\":\"1\",\"kind\":\"wasm\","
                     "\"wasm\":\"absent.wasm\"}");
    ox_kernel *k;
    OK(ox_kernel_new(&k));
    ox_kerr *e = EXPECT_ERR(ox_kernel_register_manifest(k, path, NULL), OX_KERR_OTHER);
    CHECK_CONTAINS(ox_kerr_message(e), "absent.wasm");
    ox_kerr_free(e);
    ox_kernel_free(k);
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
    ox_kernel *k;
    OK(ox_kernel_new(&k));
    ox_resolved_manifest *r;
    OK(ox_kernel_register_manifest(k, path, &r));
    char want[300];
    snprintf(want, sizeof want, "%s/petstore-cli", dir);
    CHECK_STR(r->binary_path, want);
    ox_resolved_manifest_free(r);
    CHECK(ox_bus_has_capability(ox_kernel_bus(k), "petstore", "pets:write"));
    OK(ox_modules_start(ox_kernel_modules(k), "petstore"));
    OK(ox_modules_stop(ox_kernel_modules(k), "petstore"));
    ox_kernel_free(k);
}

static void file_backed_kernel_persists(void)
{
    char path[256];
    snprintf(path, sizeof path, "%s/kernel.db", tmpdir);
    ox_kernel *k;
    OK(ox_kernel_open(path, "k3y", &k));
    json_t *v = json_string("Hello, agent.");
    OK(ox_registry_set_config(ox_kernel_registry(k), "kernel.greeting", v));
    json_decref(v);
    ox_kernel_free(k);
    OK(ox_kernel_open(path, "k3y", &k));
    json_t *got;
    OK(ox_registry_get_config(ox_kernel_registry(k), "kernel.greeting", &got));
    CHECK_STR(json_string_value(got), "Hello, agent.");
    json_decref(got);
    ox_kernel_free(k);
}

static void two_kernels_share_nothing(void)
{
    ox_kernel *a, *b;
    OK(ox_kernel_new(&a));
    OK(ox_kernel_new(&b));
    const char *dir = wasm_manifest("iso", "iso", NULL, "\"x:y\"");
    OK(ox_kernel_register_manifest(a, dir, NULL));
    ox_module_state st;
    CHECK(ox_modules_state(ox_kernel_modules(a), "iso", &st));
    CHECK(!ox_modules_state(ox_kernel_modules(b), "iso", &st));
    CHECK(!ox_bus_has_capability(ox_kernel_bus(b), "iso", "x:y"));
    OK(ox_kernel_register_manifest(b, dir, NULL)); /* no duplicate across kernels */
    ox_kernel_free(a);
    ox_kernel_free(b);
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/oxkern.XXXXXX");
    if (!mkdtemp(tmpdir))
        return 1;
    RUN(kernel_wires_subsystems);
    RUN(wasm_manifest_loads_and_serves);
    RUN(digest_mismatch_refuses_to_load);
    RUN(missing_wasm_file_is_named);
    RUN(native_manifest_registers_a_passive_module);
    RUN(file_backed_kernel_persists);
    RUN(two_kernels_share_nothing);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
    return CHECK_DONE();
}
