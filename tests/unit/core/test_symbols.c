/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libvaccel.so exports the public API (vaccel_*) plus exactly the upstream-compat names
 * its version script (TEST_LIBVACCEL_MAP) lists, and nothing else.
 */
#include "th.h"
#include <ctype.h>
#include <elf.h>
#include <fcntl.h>
#include <link.h> /* ElfW(): this ABI's ELF class (32-bit on armhf) */
#include <stdbool.h>
#include <sys/mman.h>
#include "vt_main.h"

#if __SIZEOF_POINTER__ == 8
#define TEST_ELFCLASS ELFCLASS64
#define TEST_ST_BIND ELF64_ST_BIND
#else
#define TEST_ELFCLASS ELFCLASS32
#define TEST_ST_BIND ELF32_ST_BIND
#endif

#define MAX_COMPAT 16

/* The non-pattern names of the map's `global:` section (e.g. slog_print). */
static size_t map_compat_names(char names[MAX_COMPAT][64])
{
	FILE *f = fopen(TEST_LIBVACCEL_MAP, "r");
	char line[256];
	bool global = false;
	size_t n = 0;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *end;

		while (isspace((unsigned char)*p))
			p++;
		if (!strncmp(p, "global:", 7)) {
			global = true;
			continue;
		}
		if (!strncmp(p, "local:", 6))
			global = false;
		end = strchr(p, ';');
		if (!global || !end || strchr(p, '*'))
			continue;
		*end = '\0';
		assert_true(n < MAX_COMPAT && strlen(p) < 64);
		strcpy(names[n++], p);
	}
	fclose(f);
	return n;
}

static bool listed(char names[MAX_COMPAT][64], size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return true;
	return false;
}

static void test_only_vaccel_exports(void **state)
{
	int fd = open(TEST_LIBVACCEL, O_RDONLY);
	struct stat st;
	const uint8_t *img;
	const ElfW(Ehdr) * eh;
	const ElfW(Shdr) * sh;
	size_t exported = 0, compat_found = 0;
	char compat[MAX_COMPAT][64];
	size_t nr_compat = map_compat_names(compat);

	(void)state;
	assert_true(nr_compat >= 1); /* slog_print at least */
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	img = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	assert_true(img != MAP_FAILED);
	eh = (const ElfW(Ehdr) *)img;
	assert_memory_equal(eh->e_ident, ELFMAG, SELFMAG);
	assert_int_equal(eh->e_ident[EI_CLASS], TEST_ELFCLASS);
	sh = (const ElfW(Shdr) *)(img + eh->e_shoff);
	for (int i = 0; i < eh->e_shnum; i++) {
		if (sh[i].sh_type != SHT_DYNSYM)
			continue;
		const ElfW(Sym) *sym = (const ElfW(Sym) *)(img + sh[i].sh_offset);
		const char *strtab = (const char *)(img + sh[sh[i].sh_link].sh_offset);
		size_t n = sh[i].sh_size / sizeof(*sym);

		for (size_t j = 1; j < n; j++) {
			const char *name = strtab + sym[j].st_name;
			int bind = TEST_ST_BIND(sym[j].st_info);

			if (sym[j].st_shndx == SHN_UNDEF || bind == STB_LOCAL)
				continue;
			if (listed(compat, nr_compat, name))
				compat_found++;
			else if (strncmp(name, "vaccel_", 7) != 0)
				fail_msg("libvaccel.so exports non-API symbol '%s'", name);
			exported++;
		}
	}
	assert_true(exported > 150);
	assert_int_equal(compat_found, nr_compat); /* each listed name is exported */
	munmap((void *)img, (size_t)st.st_size);
	close(fd);
}

static void test_dlsym(void **state)
{
	static const struct {
		const char *name;
		bool exported;
	} symbols[] = {
	    {"vaccel_session_init", true},
	    {"vaccel_log_print", true},
	    {"vaccel_plugin_register_ops", true},
	    {"rt_config", false},
	    {"rt_plugin_find", false},
	    {"rt_id_pool_get", false},
	    {"slog_print", true}, /* upstream's log ABI */
	    {"fs_file_read", true},
	    {"rt_log_force", false},
	};
	void *h = dlopen(TEST_LIBVACCEL, RTLD_LAZY | RTLD_LOCAL);

	(void)state;
	assert_non_null(h);
	for (size_t i = 0; i < sizeof(symbols) / sizeof(symbols[0]); i++) {
		bool found = dlsym(h, symbols[i].name) != NULL;

		if (found != symbols[i].exported)
			fail_msg("%s: dlsym %s, expected %s", symbols[i].name,
				 found ? "found it" : "did not find it",
				 symbols[i].exported ? "exported" : "internal");
	}
	dlclose(h);
}

VT_MAIN(NULL, NULL, test_only_vaccel_exports, test_dlsym)
