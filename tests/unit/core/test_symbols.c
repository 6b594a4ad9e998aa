/* SPDX-License-Identifier: Apache-2.0 */
/* libvaccel.so exports the public API (vaccel_*) and nothing else. */
#include "th.h"
#include <elf.h>
#include <fcntl.h>
#include <link.h> /* ElfW(): this ABI's ELF class (32-bit on armhf) */
#include <sys/mman.h>

#if __SIZEOF_POINTER__ == 8
#define TEST_ELFCLASS ELFCLASS64
#define TEST_ST_BIND ELF64_ST_BIND
#else
#define TEST_ELFCLASS ELFCLASS32
#define TEST_ST_BIND ELF32_ST_BIND
#endif

static void test_only_vaccel_exports(void **state)
{
	int fd = open(TEST_LIBVACCEL, O_RDONLY);
	struct stat st;
	const uint8_t *img;
	const ElfW(Ehdr) * eh;
	const ElfW(Shdr) * sh;
	size_t exported = 0;

	(void)state;
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
			if (strncmp(name, "vaccel_", 7) != 0)
				fail_msg("libvaccel.so exports non-API symbol '%s'", name);
			exported++;
		}
	}
	assert_true(exported > 150);
	munmap((void *)img, (size_t)st.st_size);
	close(fd);
}

static void test_dlsym(void **state)
{
	void *h = dlopen(TEST_LIBVACCEL, RTLD_LAZY | RTLD_LOCAL);

	(void)state;
	assert_non_null(h);
	assert_non_null(dlsym(h, "vaccel_session_init"));
	assert_non_null(dlsym(h, "vaccel_log_print"));
	assert_non_null(dlsym(h, "vaccel_plugin_register_ops"));
	assert_null(dlsym(h, "rt_config"));
	assert_null(dlsym(h, "rt_plugin_find"));
	assert_null(dlsym(h, "rt_id_pool_get"));
	assert_null(dlsym(h, "slog_print"));
	dlclose(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_only_vaccel_exports),
	    cmocka_unit_test(test_dlsym),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
