/* wasi_define.c — the wasi_snapshot_preview1 import table and its
   registration as host functions. One trampoline serves every function:
   it takes the guest memory as it is at the moment of the call (so bounds
   checks use the current size) and turns the errno into the i32 result. */
#include <stdlib.h>
#include <string.h>

#include "wasi_internal.h"

#define WASI_MODULE "wasi_snapshot_preview1"

/* Signatures as the witx defines them: 'i' i32 (pointers, lengths, fds,
   flags), 'I' i64 (offsets, sizes, rights, timestamps). */
static const wasi_fn_desc wasi_fns[] = {
    {"args_get", "ii", true, w_args_get},
    {"args_sizes_get", "ii", true, w_args_sizes_get},
    {"environ_get", "ii", true, w_environ_get},
    {"environ_sizes_get", "ii", true, w_environ_sizes_get},
    {"clock_res_get", "ii", true, w_clock_res_get},
    {"clock_time_get", "iIi", true, w_clock_time_get},
    {"fd_advise", "iIIi", true, w_fd_advise},
    {"fd_allocate", "iII", true, w_fd_allocate},
    {"fd_close", "i", true, w_fd_close},
    {"fd_datasync", "i", true, w_fd_datasync},
    {"fd_fdstat_get", "ii", true, w_fd_fdstat_get},
    {"fd_fdstat_set_flags", "ii", true, w_fd_fdstat_set_flags},
    {"fd_fdstat_set_rights", "iII", true, w_fd_fdstat_set_rights},
    {"fd_filestat_get", "ii", true, w_fd_filestat_get},
    {"fd_filestat_set_size", "iI", true, w_fd_filestat_set_size},
    {"fd_filestat_set_times", "iIIi", true, w_fd_filestat_set_times},
    {"fd_pread", "iiiIi", true, w_fd_pread},
    {"fd_prestat_get", "ii", true, w_fd_prestat_get},
    {"fd_prestat_dir_name", "iii", true, w_fd_prestat_dir_name},
    {"fd_pwrite", "iiiIi", true, w_fd_pwrite},
    {"fd_read", "iiii", true, w_fd_read},
    {"fd_readdir", "iiiIi", true, w_fd_readdir},
    {"fd_renumber", "ii", true, w_fd_renumber},
    {"fd_seek", "iIii", true, w_fd_seek},
    {"fd_sync", "i", true, w_fd_sync},
    {"fd_tell", "ii", true, w_fd_tell},
    {"fd_write", "iiii", true, w_fd_write},
    {"path_create_directory", "iii", true, w_path_create_directory},
    {"path_filestat_get", "iiiii", true, w_path_filestat_get},
    {"path_filestat_set_times", "iiiiIIi", true, w_path_filestat_set_times},
    {"path_link", "iiiiiii", true, w_path_link},
    {"path_open", "iiiiiIIii", true, w_path_open},
    {"path_readlink", "iiiiii", true, w_path_readlink},
    {"path_remove_directory", "iii", true, w_path_remove_directory},
    {"path_rename", "iiiiii", true, w_path_rename},
    {"path_symlink", "iiiii", true, w_path_symlink},
    {"path_unlink_file", "iii", true, w_path_unlink_file},
    {"poll_oneoff", "iiii", true, w_poll_oneoff},
    {"proc_exit", "i", false, w_proc_exit},
    {"proc_raise", "i", true, w_proc_raise},
    {"sched_yield", "", true, w_sched_yield},
    {"random_get", "ii", true, w_random_get},
    {"sock_accept", "iii", true, w_sock_accept},
    {"sock_recv", "iiiiii", true, w_sock_recv},
    {"sock_send", "iiiii", true, w_sock_send},
    {"sock_shutdown", "ii", true, w_sock_shutdown},
};
#define NFNS (sizeof wasi_fns / sizeof wasi_fns[0])

/* Every WASI function, on the caller's cells (ox_func_new_host_raw): its
   arguments are i32s and i64s, its one result an errno. */
static ox_error *trampoline(ox_caller *caller, void *user, ox_raw *cells)
{
    const wasi_binding *b = user;
    ox_memory *m = ox_caller_memory(caller);
    wasi_call c = {
        .w = b->w,
        .mem = m ? ox_memory_data(m) : NULL,
        .mem_size = m ? ox_memory_size(m) : 0,
        .err = NULL,
        .caller = caller,
    };
    uint32_t err = b->desc->impl(&c, cells);
    if (c.err)
        return c.err;
    if (b->desc->returns_errno)
        cells[0].i32 = (int32_t)err;
    return NULL;
}

ox_error *ox_wasi_define(ox_wasi *w, ox_linker *linker, ox_store *store)
{
    if (!w || !linker || !store)
        return ox_error_new(OX_ERR_ARG, "ox_wasi_define: NULL context, linker or store");
    if (!w->bindings) {
        w->bindings = calloc(NFNS, sizeof *w->bindings);
        if (!w->bindings)
            return ox_error_new(OX_ERR_NOMEM, "wasi: out of memory");
        for (size_t i = 0; i < NFNS; i++) {
            w->bindings[i].w = w;
            w->bindings[i].desc = &wasi_fns[i];
        }
    }
    static const ox_valtype i32_result[1] = {OX_I32};
    for (size_t i = 0; i < NFNS; i++) {
        const wasi_fn_desc *d = &wasi_fns[i];
        ox_valtype params[16];
        size_t np = strlen(d->params);
        for (size_t k = 0; k < np; k++)
            params[k] = d->params[k] == 'I' ? OX_I64 : OX_I32;
        ox_functype ft = {
            .nparams = (uint32_t)np,
            .nresults = d->returns_errno ? 1 : 0,
            .params = params,
            .results = i32_result,
        };
        ox_func *f;
        ox_error *e = ox_func_new_host_raw(store, &ft, trampoline, &w->bindings[i], NULL, &f);
        if (e)
            return e;
        ox_extern ext = {.kind = OX_EXTERN_FUNC, .of.func = f};
        e = ox_linker_define(linker, WASI_MODULE, d->name, ext);
        if (e)
            return e;
    }
    return NULL;
}
