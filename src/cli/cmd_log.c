/* cmd_log.c — `oxide log`: the decision log of a registry file.
     oxide log verify --registry FILE [--expect HASH]   check the hash chain
     oxide log list --registry FILE [--limit N]         newest entries, JSON lines */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "commands.h"
#include "oxide/kernel/kernel.h"

static const char usage_text[] =
    "usage: oxide log verify --registry FILE [--expect HASH]\n"
    "       oxide log list --registry FILE [--limit N]\n"
    "\n"
    "The decision log (every guest failure, every MCP tools/call) is a hash chain:\n"
    "each entry carries the hash of the one before. verify walks it and names the\n"
    "first entry changed, removed, inserted or moved; it prints the head hash, which\n"
    "--expect compares with one recorded earlier elsewhere (a rewrite of the whole\n"
    "chain shows only against such a copy). list prints the newest entries, one JSON\n"
    "object a line.\n"
    "\n"
    "exit status: 0 intact, 1 tampered, 2 usage, 3 the registry cannot be read.\n";

int cmd_log(int argc, char **argv)
{
    const char *sub = argc > 1 ? argv[1] : NULL, *registry = NULL, *expect = NULL;
    long limit = 20;
    if (sub && (!strcmp(sub, "--help") || !strcmp(sub, "-h"))) {
        fputs(usage_text, stdout);
        return 0;
    }
    if (!sub || (strcmp(sub, "verify") && strcmp(sub, "list"))) {
        fprintf(stderr, "oxide log: expected verify or list\n\n%s", usage_text);
        return 2;
    }
    for (int i = 2; i < argc; i++) {
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            fputs(usage_text, stdout);
            return 0;
        } else if (!strcmp(argv[i], "--registry") && v) {
            registry = argv[++i];
        } else if (!strcmp(argv[i], "--expect") && v && !strcmp(sub, "verify")) {
            expect = argv[++i];
        } else if (!strcmp(argv[i], "--limit") && v && !strcmp(sub, "list")) {
            char *end;
            limit = strtol(argv[++i], &end, 10);
            if (*end || limit < 1) {
                fprintf(stderr, "oxide log: --limit takes a positive number, not '%s'\n", argv[i]);
                return 2;
            }
        } else {
            fprintf(stderr, "oxide log: unexpected '%s'\n\n%s", argv[i], usage_text);
            return 2;
        }
    }
    struct stat st;
    if (!registry) {
        fprintf(stderr, "oxide log: --registry FILE is required\n");
        return 2;
    }
    if (stat(registry, &st) != 0) { /* opening would create an empty one */
        fprintf(stderr, "oxide log: no registry at %s\n", registry);
        return 3;
    }
    oxk_registry *r = NULL;
    oxk_decision_log *log = NULL;
    oxk_err *err = oxk_registry_open(registry, NULL, &r);
    if (!err)
        err = oxk_decision_log_open(r, &log);
    int status = 0;
    if (!err && !strcmp(sub, "verify")) {
        oxk_log_verdict v;
        err = oxk_decision_log_verify(log, &v);
        if (!err && !v.ok) {
            printf("TAMPERED: %s\n", v.problem);
            status = 1;
        } else if (!err && expect && strcmp(expect, v.head)) {
            printf("TAMPERED: the head is %s, not the expected %s (the chain was rewritten, or grew)\n",
                   v.head, expect);
            status = 1;
        } else if (!err) {
            printf("ok: %lld entries, head %s\n", (long long)v.entries, v.head);
        }
    } else if (!err) {
        oxk_decision *ds = NULL;
        size_t n = 0;
        err = oxk_decision_log_recent(log, limit, &ds, &n);
        for (size_t i = 0; !err && i < n; i++) {
            json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:O, s:O}", "id", ds[i].id, "timestamp",
                                  ds[i].timestamp, "actor", ds[i].actor, "action", ds[i].action, "rationale",
                                  ds[i].rationale, "inputs", ds[i].inputs, "output", ds[i].output);
            char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
            if (text)
                puts(text);
            free(text);
            json_decref(o);
        }
        oxk_decisions_free(ds, n);
    }
    if (err) {
        fprintf(stderr, "oxide log: %s\n", oxk_err_message(err));
        oxk_err_free(err);
        status = 3;
    }
    oxk_decision_log_free(log);
    oxk_registry_free(r);
    return status;
}
