/*
 * jit_elf.c — compiled code loaded into the process: an x86-64 ELF
 * relocatable object, as LLVM emits it for the compiling tier (jit_llvm.c:
 * the small code model, position-independent). The object's own sections
 * are placed together, so its references to itself are 32-bit relative;
 * each symbol from outside (the runtime's functions, the C library's) gets
 * a 16-byte entry after the code: its address (what a GOT entry would
 * hold) and a jump through it (what a PLT entry would do), so code may be
 * placed however far from them.
 *
 * The engine loads objects itself instead of through LLVM's JIT linker:
 * a module found in the code cache then starts compiled without loading
 * LLVM at all (13 ms and 50 MB saved per process), and what is linked is
 * exactly what the cache holds. The loader places the allocated sections
 * (code, constants, data; not .eh_frame: nothing unwinds through compiled
 * frames) in one mapping, applies the relocations, and makes code
 * executable and constants read-only. Undefined symbols are the runtime's
 * functions (given by the caller) or the C library's (memcpy, memset...).
 *
 * The object comes from our compiler or our cache, but it is still read
 * as untrusted bytes: every offset and index is checked, and anything out
 * of place refuses the whole object (the module then runs interpreted or
 * is compiled again).
 */
#define _GNU_SOURCE 1 /* RTLD_DEFAULT */
#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jit_elf.h"

struct oxj_image {
    uint8_t *base;            /* the mapping */
    size_t size;
    const uint8_t *obj;       /* the object, for its symbols (copied) */
    size_t len;
    const Elf64_Sym *syms;
    size_t nsyms;
    const char *strs;
    size_t nstrs;
    uintptr_t *addr;          /* per section: where it was placed (0: not loaded) */
    uint16_t nsec;
    uint8_t *stubs;           /* per undefined symbol, 16 bytes: its address, a jump */
    uint32_t *stub_of;        /* per symbol: its entry's number (undefined ones) */
};

#define STUB 16u

static bool in(size_t off, size_t n, size_t len) { return off <= len && n <= len - off; }
/* The tables read in place (headers, symbols, relocations) must be
   8-byte aligned in the (malloc'd, so aligned) copy. */
static bool aligned(uint64_t off) { return off % 8 == 0; }

/* Whether section s is placed: allocated, not unwind tables. */
static bool placed(const Elf64_Shdr *s, const char *name)
{
    return (s->sh_flags & SHF_ALLOC) && strcmp(name, ".eh_frame") != 0;
}

void oxj_image_free(oxj_image *im)
{
    if (!im)
        return;
    if (im->base)
        munmap(im->base, im->size);
    free((void *)im->obj);
    free(im->addr);
    free(im->stub_of);
    free(im);
}

/* The address of symbol k, or 0 when it cannot be resolved. */
static uintptr_t sym_addr(const oxj_image *im, uint32_t k, oxj_resolve resolve, void *user)
{
    if (k >= im->nsyms)
        return 0;
    const Elf64_Sym *s = &im->syms[k];
    if (s->st_shndx == SHN_UNDEF) {
        if (s->st_name >= im->nstrs)
            return 0;
        const char *name = im->strs + s->st_name;
        if (!memchr(name, 0, im->nstrs - s->st_name))
            return 0;
        uintptr_t a = resolve ? resolve(user, name) : 0;
        return a ? a : (uintptr_t)dlsym(RTLD_DEFAULT, name);
    }
    if (s->st_shndx == SHN_ABS)
        return (uintptr_t)s->st_value;
    if (s->st_shndx >= im->nsec || !im->addr[s->st_shndx])
        return 0;
    return im->addr[s->st_shndx] + (uintptr_t)s->st_value;
}

const char *oxj_image_load(const void *bytes, size_t len, oxj_resolve resolve, void *user,
                           oxj_image **out)
{
    *out = NULL;
    oxj_image *im = calloc(1, sizeof *im);
    uint8_t *obj = malloc(len ? len : 1);
    if (!im || !obj) {
        free(im);
        free(obj);
        return "out of memory";
    }
    memcpy(obj, bytes, len);
    im->obj = obj;
    im->len = len;
    const char *why = NULL;
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)obj;
    if (len < sizeof *eh || memcmp(eh->e_ident, ELFMAG, SELFMAG) || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
        eh->e_ident[EI_DATA] != ELFDATA2LSB || eh->e_type != ET_REL || eh->e_machine != EM_X86_64 ||
        eh->e_shentsize != sizeof(Elf64_Shdr) || !aligned(eh->e_shoff) ||
        !in(eh->e_shoff, (size_t)eh->e_shnum * sizeof(Elf64_Shdr), len) ||
        eh->e_shstrndx >= eh->e_shnum) {
        why = "not an x86-64 relocatable object";
        goto fail;
    }
    const Elf64_Shdr *sh = (const Elf64_Shdr *)(obj + eh->e_shoff);
    im->nsec = eh->e_shnum;
    im->addr = calloc(im->nsec, sizeof *im->addr);
    if (!im->addr) {
        why = "out of memory";
        goto fail;
    }
    const Elf64_Shdr *shstr = &sh[eh->e_shstrndx];
    if (shstr->sh_type != SHT_STRTAB || !in(shstr->sh_offset, shstr->sh_size, len) || !shstr->sh_size ||
        obj[shstr->sh_offset + shstr->sh_size - 1] != 0) {
        why = "bad section names";
        goto fail;
    }
    const char *names = (const char *)obj + shstr->sh_offset;
    /* the symbol table, and the layout: code first, then the rest, each
       part page-aligned so it gets its own protection */
    size_t size[2] = {0, 0};
    for (uint16_t k = 0; k < im->nsec; k++) {
        const Elf64_Shdr *s = &sh[k];
        if (s->sh_name >= shstr->sh_size) {
            why = "bad section name";
            goto fail;
        }
        if (s->sh_type == SHT_SYMTAB) {
            if (!in(s->sh_offset, s->sh_size, len) || !aligned(s->sh_offset) ||
                s->sh_entsize != sizeof(Elf64_Sym) ||
                s->sh_link >= im->nsec || sh[s->sh_link].sh_type != SHT_STRTAB ||
                !in(sh[s->sh_link].sh_offset, sh[s->sh_link].sh_size, len)) {
                why = "bad symbol table";
                goto fail;
            }
            im->syms = (const Elf64_Sym *)(obj + s->sh_offset);
            im->nsyms = s->sh_size / sizeof(Elf64_Sym);
            im->strs = (const char *)obj + sh[s->sh_link].sh_offset;
            im->nstrs = sh[s->sh_link].sh_size;
        }
        if (!placed(s, names + s->sh_name))
            continue;
        uint64_t align = s->sh_addralign ? s->sh_addralign : 1;
        if (align & (align - 1) || align > 4096 || s->sh_size > (UINT64_C(1) << 30) ||
            (s->sh_type != SHT_NOBITS && !in(s->sh_offset, s->sh_size, len))) {
            why = "bad section";
            goto fail;
        }
        int part = (s->sh_flags & SHF_EXECINSTR) ? 0 : 1;
        size[part] = (size[part] + align - 1) & ~(align - 1);
        im->addr[k] = size[part] + 1; /* offset + 1 in its part, fixed below */
        size[part] += s->sh_size;
    }
    if (!im->syms) {
        why = "no symbol table";
        goto fail;
    }
    /* the outside symbols' entries, after the code */
    im->stub_of = calloc(im->nsyms ? im->nsyms : 1, sizeof *im->stub_of);
    if (!im->stub_of) {
        why = "out of memory";
        goto fail;
    }
    size_t nstubs = 0;
    for (size_t k = 1; k < im->nsyms; k++)
        if (im->syms[k].st_shndx == SHN_UNDEF)
            im->stub_of[k] = (uint32_t)nstubs++;
    size[0] = (size[0] + STUB - 1) & ~(size_t)(STUB - 1);
    size_t stubs_at = size[0];
    size[0] += nstubs * STUB;
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t text = (size[0] + page - 1) & ~(page - 1), rest = (size[1] + page - 1) & ~(page - 1);
    im->size = text + rest ? text + rest : page;
    void *base = mmap(NULL, im->size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED) {
        why = "cannot map memory for code";
        goto fail;
    }
    im->base = base;
    im->stubs = im->base + stubs_at;
    for (uint16_t k = 0; k < im->nsec; k++) {
        if (!im->addr[k])
            continue;
        int part = (sh[k].sh_flags & SHF_EXECINSTR) ? 0 : 1;
        im->addr[k] = (uintptr_t)im->base + (part ? text : 0) + im->addr[k] - 1;
        if (sh[k].sh_type != SHT_NOBITS)
            memcpy((void *)im->addr[k], obj + sh[k].sh_offset, sh[k].sh_size);
    }
    /* relocations of the placed sections */
    for (uint16_t k = 0; k < im->nsec; k++) {
        const Elf64_Shdr *r = &sh[k];
        if (r->sh_type == SHT_REL) {
            why = "REL relocations";
            goto fail;
        }
        if (r->sh_type != SHT_RELA || r->sh_info >= im->nsec || !im->addr[r->sh_info])
            continue;
        if (!in(r->sh_offset, r->sh_size, len) || !aligned(r->sh_offset) ||
            r->sh_entsize != sizeof(Elf64_Rela)) {
            why = "bad relocations";
            goto fail;
        }
        const Elf64_Shdr *target = &sh[r->sh_info];
        const Elf64_Rela *rel = (const Elf64_Rela *)(obj + r->sh_offset);
        for (size_t i = 0; i < r->sh_size / sizeof *rel; i++) {
            uint32_t type = ELF64_R_TYPE(rel[i].r_info), k = ELF64_R_SYM(rel[i].r_info);
            size_t width = type == R_X86_64_64 || type == R_X86_64_PC64 ? 8 : 4;
            if (!in(rel[i].r_offset, width, target->sh_size)) {
                why = "relocation outside its section";
                goto fail;
            }
            uintptr_t s = sym_addr(im, k, resolve, user);
            if (!s) {
                why = "a symbol of the object is not defined";
                goto fail;
            }
            uint8_t *at = (uint8_t *)im->addr[r->sh_info] + rel[i].r_offset;
            switch (type) {
            case R_X86_64_PLT32: /* a call: straight to the object's own code, else the stub */
            case R_X86_64_GOTPCREL: case R_X86_64_GOTPCRELX: case R_X86_64_REX_GOTPCRELX:
                if (im->syms[k].st_shndx != SHN_UNDEF) {
                    if (type == R_X86_64_PLT32)
                        break;
                    why = "a GOT entry for a symbol of the object";
                    goto fail;
                }
                /* the entry: the address, then `jmp *-14(%rip)` (to it) */
                uint8_t *e = im->stubs + (size_t)im->stub_of[k] * STUB;
                static const uint8_t jmp[8] = {0xFF, 0x25, 0xF2, 0xFF, 0xFF, 0xFF, 0xCC, 0xCC};
                memcpy(e, &s, 8);
                memcpy(e + 8, jmp, 8);
                s = (uintptr_t)(type == R_X86_64_PLT32 ? e + 8 : e);
                break;
            case R_X86_64_64: case R_X86_64_PC64: case R_X86_64_PC32:
                break;
            default:
                why = "a relocation the loader does not know";
                goto fail;
            }
            uint64_t v = (uint64_t)s + (uint64_t)rel[i].r_addend;
            if (type != R_X86_64_64)
                v -= (uint64_t)(uintptr_t)at;
            if (width == 8) {
                memcpy(at, &v, 8);
            } else {
                int64_t d = (int64_t)v;
                if (d != (int32_t)d) {
                    why = "a relative relocation out of range";
                    goto fail;
                }
                int32_t d32 = (int32_t)d;
                memcpy(at, &d32, 4);
            }
        }
    }
    if ((text && mprotect(im->base, text, PROT_READ | PROT_EXEC)) ||
        (rest && mprotect(im->base + text, rest, PROT_READ))) {
        why = "cannot make code executable";
        goto fail;
    }
    *out = im;
    return NULL;
fail:
    oxj_image_free(im);
    return why;
}

void oxj_image_range(const oxj_image *im, uintptr_t *lo, uintptr_t *hi)
{
    *lo = (uintptr_t)im->base;
    *hi = (uintptr_t)im->base + im->size;
}

void *oxj_image_symbol(const oxj_image *im, const char *name, size_t *size)
{
    for (size_t k = 1; k < im->nsyms; k++) {
        const Elf64_Sym *s = &im->syms[k];
        if (s->st_shndx == SHN_UNDEF || s->st_name >= im->nstrs)
            continue;
        if (!strncmp(im->strs + s->st_name, name, im->nstrs - s->st_name)) {
            if (size)
                *size = s->st_size;
            return (void *)sym_addr(im, (uint32_t)k, NULL, NULL);
        }
    }
    return NULL;
}

/* ---- a shared library's identity ----------------------------------------- */

/* The GNU build ID among the notes of an ELF64 file open at fd: the
   linker's hash of what it wrote. */
static size_t build_id(int fd, uint8_t *out, size_t cap)
{
    Elf64_Ehdr eh;
    if (pread(fd, &eh, sizeof eh, 0) != (ssize_t)sizeof eh || memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
        eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum > 64)
        return 0;
    for (unsigned i = 0; i < eh.e_phnum; i++) {
        Elf64_Phdr ph;
        uint8_t notes[1024];
        if (pread(fd, &ph, sizeof ph, (off_t)(eh.e_phoff + i * sizeof ph)) != (ssize_t)sizeof ph)
            return 0;
        if (ph.p_type != PT_NOTE || ph.p_filesz > sizeof notes ||
            pread(fd, notes, ph.p_filesz, (off_t)ph.p_offset) != (ssize_t)ph.p_filesz)
            continue;
        for (size_t at = 0; at + sizeof(Elf64_Nhdr) <= ph.p_filesz;) {
            Elf64_Nhdr nh;
            memcpy(&nh, notes + at, sizeof nh);
            size_t name = at + sizeof nh, desc = name + ((nh.n_namesz + 3u) & ~3u);
            size_t next = desc + ((nh.n_descsz + 3u) & ~3u);
            if (nh.n_namesz > sizeof notes || nh.n_descsz > sizeof notes || next > ph.p_filesz)
                break;
            if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 && !memcmp(notes + name, "GNU", 4) &&
                nh.n_descsz && nh.n_descsz <= cap) {
                memcpy(out, notes + desc, nh.n_descsz);
                return nh.n_descsz;
            }
            at = next;
        }
    }
    return 0;
}

size_t oxj_file_identity(const char *path, uint8_t *out, size_t cap)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    size_t n = build_id(fd, out, cap);
    struct stat st;
    if (!n && fstat(fd, &st) == 0) {
        uint64_t facts[4] = {(uint64_t)st.st_size, (uint64_t)st.st_mtim.tv_sec, (uint64_t)st.st_mtim.tv_nsec,
                             (uint64_t)st.st_ino};
        n = sizeof facts < cap ? sizeof facts : cap;
        memcpy(out, facts, n);
    }
    close(fd);
    return n;
}
