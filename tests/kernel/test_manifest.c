/* test_manifest.c — module.json: the reference's manifest tests, field
   rules, path resolution, and the new wasm/sha256 fields. */
#include <unistd.h>

#include "check.h"
#include "oxide/kernel/manifest.h"

static const char PETSTORE[] =
    "{\"id\":\"petstore\",\"name\":\"Petstore\",\"version\":\"1.0.0\",\"kind\":\"native\","
    "\"description\":\"Pet store client\",\"spec_kind\":\"openapi\",\"binary\":\"petstore-cli\","
    "\"skill\":\"SKILL.md\",\"mcp\":\"mcp.json\",\"base_url\":\"https://petstore.example\","
    "\"operations\":[\"listPets\",\"createPet\",\"getPet\"],\"future_field\":{\"x\":1}}";

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

static void parses_sample_manifest(void)
{
    oxk_manifest *m;
    OK(oxk_manifest_from_json(PETSTORE, strlen(PETSTORE), &m));
    CHECK_STR(m->id, "petstore");
    CHECK(m->kind == OXK_MODULE_NATIVE);
    CHECK(m->noperations == 3);
    CHECK_STR(m->operations[2], "getPet");
    CHECK(m->ncapabilities == 0);
    CHECK_STR(m->spec_kind, "openapi");
    CHECK(m->wasm == NULL && m->sha256 == NULL);
    oxk_module_meta meta = oxk_manifest_meta(m);
    CHECK_STR(meta.description, "Pet store client");
    oxk_manifest_free(m);
}

static void registers_manifest_in_registry(void)
{
    char path[128];
    snprintf(path, sizeof path, "%s/module.json", tmpdir);
    write_file(path, PETSTORE);
    oxk_manifest *m;
    OK(oxk_manifest_load(tmpdir, &m)); /* a directory means dir/module.json */
    char *base = oxk_manifest_base_dir(tmpdir);
    CHECK_STR(base, tmpdir);
    oxk_registry *r;
    OK(oxk_registry_open_memory(&r));
    OK(oxk_manifest_register_in_registry(r, m));
    oxk_resolved_manifest *res;
    OK(oxk_manifest_resolve(m, base, &res));
    CHECK_STR(res->manifest->id, "petstore");
    char want[160];
    snprintf(want, sizeof want, "%s/petstore-cli", tmpdir);
    CHECK_STR(res->binary_path, want);
    snprintf(want, sizeof want, "%s/SKILL.md", tmpdir);
    CHECK_STR(res->skill_path, want);
    bool found;
    oxk_module_record rec;
    OK(oxk_registry_get_module(r, "petstore", &found, &rec));
    CHECK(found && rec.state == OXK_STATE_LOADED);
    CHECK_STR(rec.meta.version, "1.0.0");
    oxk_module_record_clear(&rec);
    /* Loading the file itself gives the same; its base is the parent. */
    free(base);
    base = oxk_manifest_base_dir(path);
    CHECK_STR(base, tmpdir);
    free(base);
    base = oxk_manifest_base_dir("module.json");
    CHECK_STR(base, ".");
    free(base);
    oxk_resolved_manifest_free(res);
    oxk_registry_free(r);
}

static void field_rules_are_enforced(void)
{
    struct {
        const char *json, *needle;
    } bad[] = {
        {"[1]", "must be a JSON object"},
        {"{\"name\":\"n\",\"version\":\"1\",\"kind\":\"native\"}", "missing field `id`"},
        {"{\"id\":\"x\",\"name\":\"n\",\"version\":\"1\",\"kind\":\"python\"}", "\"python\""},
        {"{\"id\":\"x\",\"name\":\"n\",\"version\":\"1\",\"kind\":\"native\",\"binary\":3}",
         "`binary` must be a string or null"},
        {"{\"id\":\"x\",\"name\":\"n\",\"version\":\"1\",\"kind\":\"native\",\"operations\":[1]}",
         "`operations[0]`"},
        {"{\"id\":\"x\",\"name\":\"n\",\"version\":\"1\",\"kind\":\"native\",\"capabilities\":\"a\"}",
         "`capabilities` must be an array"},
        {"{\"id\":\"x\",\"name\":\"n\",\"version\":\"1\",\"kind\":\"wasm\"}", "needs a `wasm` path"},
        {"{\"id\":\"x\",\"name\":\"n\",\"version\":\"1\",\"kind\":\"wasm\",\"wasm\":\"a.wasm\","
         "\"sha256\":\"abc\"}", "64 hexadecimal"},
        {"{\"id\":", "manifest"},
        {"{\"id\":\"x\",\"name\":\"n\",\"version\":\"1\",\"kind\":\"native\",\"limits\":[]}",
         "`limits` must be an object"},
        {"{\"id\":\"x\",\"name\":\"n\",\"version\":\"1\",\"kind\":\"native\",\"limits\":"
         "{\"fuel\":-1}}", "`limits.fuel` must be a non-negative integer"},
        {"{\"id\":\"x\",\"name\":\"n\",\"version\":\"1\",\"kind\":\"native\",\"limits\":"
         "{\"max_memory_pages\":70000}}", "above 65536"},
        {"{\"id\":\"x\",\"name\":\"n\",\"version\":\"1\",\"kind\":\"native\",\"timeout_ms\":"
         "\"5\"}", "`timeout_ms` must be a non-negative integer"},
        {"{\"id\":\"x\",\"name\":\"n\",\"version\":\"1\",\"kind\":\"native\",\"fuel\":1.5}",
         "`fuel` must be a non-negative integer"},
        {"{\"id\":\"x\",\"name\":\"n\",\"version\":\"1\",\"kind\":\"native\",\"fuel\":1,"
         "\"limits\":{\"fuel\":2}}", "`fuel` is given both at the top level and in `limits`"},
        {"{\"id\":\"x\",\"name\":\"n\",\"version\":\"1\",\"kind\":\"native\","
         "\"max_memory_pages\":65537}", "above 65536"},
        {"{\"id\":\"x\",\"name\":\"n\",\"version\":\"1\",\"kind\":\"native\","
         "\"wasi\":[]}", "field `wasi` must be an object"},
        {"{\"id\":\"x\",\"name\":\"n\",\"version\":\"1\",\"kind\":\"native\","
         "\"tier\":\"fast\"}", "`tier` must be \"interp\", \"jit\" or \"auto\", not \"fast\""},
        {"{\"id\":\"x\",\"name\":\"n\",\"version\":\"1\",\"kind\":\"native\","
         "\"tier\":1}", "`tier`"},
        {"{\"id\":\"x\",\"name\":\"n\",\"version\":\"1\",\"kind\":\"native\","
         "\"wasi\":{\"dirs\":{}}}", "`wasi.dirs` must be an array"},
        {"{\"id\":\"x\",\"name\":\"n\",\"version\":\"1\",\"kind\":\"native\","
         "\"wasi\":{\"dirs\":[{\"host\":\"a\",\"guest\":\"/a\"},{\"host\":\"b\"}]}}", "`wasi.dirs[1].guest` must be a non-empty string"},
        {"{\"id\":\"x\",\"name\":\"n\",\"version\":\"1\",\"kind\":\"native\","
         "\"wasi\":{\"dirs\":[{\"host\":\"\",\"guest\":\"/a\"}]}}", "`wasi.dirs[0].host` must be a non-empty string"},
        {"{\"id\":\"x\",\"name\":\"n\",\"version\":\"1\",\"kind\":\"native\","
         "\"wasi\":{\"dirs\":[{\"host\":\"a\\u0000b\",\"guest\":\"/a\"}]}}", "`wasi.dirs[0].host`"},
        {"{\"id\":\"x\",\"name\":\"n\",\"version\":\"1\",\"kind\":\"native\","
         "\"wasi\":{\"dirs\":[{\"host\":\"a\",\"guest\":\"/a\",\"read_only\":1}]}}", "`wasi.dirs[0].read_only` must be true or false"},
        {"{\"id\":\"x\",\"name\":\"n\",\"version\":\"1\",\"kind\":\"native\","
         "\"wasi\":{\"args\":[\"a\",2]}}", "`wasi.args[1]`"},
        {"{\"id\":\"x\",\"name\":\"n\",\"version\":\"1\",\"kind\":\"native\","
         "\"wasi\":{\"env\":{\"A=B\":\"c\"}}}", "without '='"},
        {"{\"id\":\"x\",\"name\":\"n\",\"version\":\"1\",\"kind\":\"native\","
         "\"wasi\":{\"env\":{\"A\":3}}}", "`wasi.env.A` must be a string"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        oxk_manifest *m = (oxk_manifest *)1;
        oxk_err *e = oxk_manifest_from_json(bad[i].json, strlen(bad[i].json), &m);
        CHECK(e && oxk_err_code_of(e) == OXK_ERR_SERDE);
        CHECK(m == NULL);
        CHECK_CONTAINS(oxk_err_message(e), bad[i].needle);
        oxk_err_free(e);
    }
    /* Nulls are accepted for optional fields. */
    const char *ok = "{\"id\":\"x\",\"name\":\"n\",\"version\":\"1\",\"kind\":\"native\","
                     "\"binary\":null,\"description\":null}";
    oxk_manifest *m;
    OK(oxk_manifest_from_json(ok, strlen(ok), &m));
    CHECK(m->binary == NULL && m->description == NULL);
    CHECK(m->max_memory_pages == 0 && m->timeout_ms == 0 && m->fuel == 0);
    oxk_manifest_free(m);
    const char *lim = "{\"id\":\"x\",\"name\":\"n\",\"version\":\"1\",\"kind\":\"native\","
                      "\"limits\":{\"max_memory_pages\":16,\"timeout_ms\":250,\"fuel\":1000000}}";
    OK(oxk_manifest_from_json(lim, strlen(lim), &m));
    CHECK(m->max_memory_pages == 16 && m->timeout_ms == 250 && m->fuel == 1000000);
    oxk_manifest_free(m);
    /* The form: the same three fields at the top level. */
    const char *top = "{\"id\":\"x\",\"name\":\"n\",\"version\":\"1\",\"kind\":\"native\","
                      "\"max_memory_pages\":8,\"timeout_ms\":99,\"fuel\":7,\"limits\":null,"
                      "\"max_gc_bytes\":1048576}";
    OK(oxk_manifest_from_json(top, strlen(top), &m));
    CHECK(m->max_memory_pages == 8 && m->timeout_ms == 99 && m->fuel == 7);
    CHECK(m->max_gc_bytes == 1048576); /* the GC heap's own limit (3.0 GC) */
    CHECK(m->wasi == NULL);
    CHECK(m->tier == NULL); /* the kernel's tier */
    oxk_manifest_free(m);
    const char *tiered = "{\"id\":\"x\",\"name\":\"n\",\"version\":\"1\",\"kind\":\"native\","
                         "\"tier\":\"auto\"}";
    OK(oxk_manifest_from_json(tiered, strlen(tiered), &m));
    CHECK(m->tier && !strcmp(m->tier, "auto"));
    oxk_manifest_free(m);
    const char *wasi = "{\"id\":\"x\",\"name\":\"n\",\"version\":\"1\",\"kind\":\"native\","
                       "\"wasi\":{\"dirs\":[{\"host\":\"d\",\"guest\":\"/g\",\"read_only\":true},"
                       "{\"host\":\"/abs\",\"guest\":\"/h\"}],\"args\":[\"a\"],"
                       "\"env\":{\"K\":\"v=w\"}}}";
    OK(oxk_manifest_from_json(wasi, strlen(wasi), &m));
    CHECK(m->wasi && m->wasi->ndirs == 2 && m->wasi->nargs == 1 && m->wasi->nenv == 1);
    if (m->wasi && m->wasi->ndirs == 2 && m->wasi->nenv == 1) {
        CHECK_STR(m->wasi->dirs[0].guest, "/g");
        CHECK(m->wasi->dirs[0].read_only && !m->wasi->dirs[1].read_only);
        CHECK_STR(m->wasi->env[0], "K=v=w");
    }
    oxk_resolved_manifest *r;
    OK(oxk_manifest_resolve(m, "/base", &r)); /* takes m */
    CHECK_STR(r->wasi_dir_paths[0], "/base/d");
    CHECK_STR(r->wasi_dir_paths[1], "/abs");
    oxk_resolved_manifest_free(r);
}

static void missing_file_names_the_path(void)
{
    oxk_manifest *m;
    oxk_err *e = EXPECT_ERR(oxk_manifest_load("/no/such/dir/module.json", &m), OXK_ERR_OTHER);
    CHECK_CONTAINS(oxk_err_message(e), "failed to read manifest /no/such/dir/module.json");
    oxk_err_free(e);
}

static void wasm_path_and_digest(void)
{
    const char *j = "{\"id\":\"c\",\"name\":\"C\",\"version\":\"1\",\"kind\":\"wasm\","
                    "\"wasm\":\"c.wasm\",\"capabilities\":[\"text:compress\"],\"sha256\":"
                    "\"BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD\"}";
    oxk_manifest *m;
    OK(oxk_manifest_from_json(j, strlen(j), &m));
    CHECK(m->kind == OXK_MODULE_WASM);
    CHECK(m->ncapabilities == 1);
    /* sha256("abc"), compared case-insensitively */
    OK(oxk_manifest_verify_digest(m, (const uint8_t *)"abc", 3));
    oxk_err *e = EXPECT_ERR(oxk_manifest_verify_digest(m, (const uint8_t *)"abd", 3),
                            OXK_ERR_MODULE);
    CHECK_CONTAINS(oxk_err_message(e), "digest mismatch");
    oxk_err_free(e);
    oxk_resolved_manifest *r;
    OK(oxk_manifest_resolve(m, "/opt/mods/", &r));
    CHECK_STR(r->wasm_path, "/opt/mods/c.wasm");
    CHECK(r->binary_path == NULL);
    oxk_resolved_manifest_free(r);
    /* An absolute path replaces the base. */
    const char *abs = "{\"id\":\"c\",\"name\":\"C\",\"version\":\"1\",\"kind\":\"wasm\","
                      "\"wasm\":\"/srv/c.wasm\"}";
    OK(oxk_manifest_from_json(abs, strlen(abs), &m));
    OK(oxk_manifest_resolve(m, "/opt", &r));
    CHECK_STR(r->wasm_path, "/srv/c.wasm");
    OK(oxk_manifest_verify_digest(r->manifest, (const uint8_t *)"", 0)); /* no digest: no check */
    oxk_resolved_manifest_free(r);
}

/* Bad input never crashes: mutated manifests parse or give SERDE errors. */
static void mutated_manifests_never_crash(void)
{
    size_t len = strlen(PETSTORE);
    char *buf = malloc(len + 1);
    uint32_t seed = 777;
    int rejected = 0;
    for (int i = 0; i < 3000; i++) {
        memcpy(buf, PETSTORE, len + 1);
        for (int k = 0; k < 1 + i % 3; k++) {
            seed = seed * 1103515245u + 12345u;
            size_t at = (seed >> 8) % len;
            seed = seed * 1103515245u + 12345u;
            buf[at] = (char)(seed >> 16);
        }
        oxk_manifest *m = NULL;
        oxk_err *e = oxk_manifest_from_json(buf, len, &m);
        if (e) {
            rejected++;
            CHECK(oxk_err_code_of(e) == OXK_ERR_SERDE && m == NULL);
            oxk_err_free(e);
        }
        oxk_manifest_free(m);
    }
    CHECK(rejected > 0);
    free(buf);
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/oxman.XXXXXX");
    if (!mkdtemp(tmpdir))
        return 1;
    RUN(parses_sample_manifest);
    RUN(registers_manifest_in_registry);
    RUN(field_rules_are_enforced);
    RUN(missing_file_names_the_path);
    RUN(wasm_path_and_digest);
    RUN(mutated_manifests_never_crash);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
    return CHECK_DONE();
}
