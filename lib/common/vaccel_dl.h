/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vaccel_dl.h: the one rule for calling into a loaded library by a name
 * that came from outside (a guest, a request): the symbol must be a
 * function the library itself defines. dlsym() on a library's handle also
 * searches its whole dependency tree, so libc's abort, exit or pause would
 * resolve through any library, and a data symbol would be called as code.
 * Used by the daemon's exec policy and by the exec plugin. Header only.
 */
#ifndef VACCEL_DL_H
#define VACCEL_DL_H

#include <dlfcn.h>
#include <link.h>
#include <stddef.h>

/* The address of function `symbol` of the object behind `handle` itself, or NULL. */
static inline void *vaccel_dl_own_function(void *handle, const char *symbol)
{
	struct link_map *own = NULL, *where = NULL;
	const ElfW(Sym) *sym = NULL;
	unsigned type;
	Dl_info info;
	void *addr;

	if (!handle || !symbol || dlinfo(handle, RTLD_DI_LINKMAP, &own) != 0 || !own)
		return NULL;
	dlerror();
	addr = dlsym(handle, symbol);
	if (!addr)
		return NULL;
	/* Defined in the object itself, at exactly this address... */
	if (!dladdr1(addr, &info, (void **)&where, RTLD_DL_LINKMAP) || where != own ||
	    info.dli_saddr != addr)
		return NULL;
	/* ... and a function. */
	if (!dladdr1(addr, &info, (void **)&sym, RTLD_DL_SYMENT) || !sym)
		return NULL;
	type = ELF64_ST_TYPE(sym->st_info); /* the same macro for ELF32 */
	return type == STT_FUNC || type == STT_GNU_IFUNC ? addr : NULL;
}

#endif /* VACCEL_DL_H */
