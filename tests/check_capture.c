/*
 * Live capture tests: capture_kvm() against a direct, independent
 * KVM_GET_SUPPORTED_CPUID ioctl (entry by entry, flags included), and
 * capture_host() against the CPUID instruction for leaves that do not
 * depend on which CPU runs them.  Skips (77) without /dev/kvm.
 */
#include "config.h"

#include <check.h>
#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "capture.h"

static struct kvm_cpuid2 *direct(int *n)
{
	int fd = open("/dev/kvm", O_RDWR);
	int nent = 4096;
	struct kvm_cpuid2 *c;

	ck_assert_int_ge(fd, 0);
	c = calloc(1, sizeof *c + (size_t)nent * sizeof c->entries[0]);
	c->nent = (uint32_t)nent;
	ck_assert_int_eq(ioctl(fd, KVM_GET_SUPPORTED_CPUID, c), 0);
	close(fd);
	*n = (int)c->nent;
	return c;
}

START_TEST(test_kvm_matches_direct_ioctl)
{
	struct cc_err e;
	struct cc_set *s = capture_kvm(NULL, &e);
	struct kvm_cpuid2 *c;
	int n, i, compared = 0;

	ck_assert_msg(s != NULL, "%s", e.msg);
	c = direct(&n);
	for (i = 0; i < n; i++) {
		const struct kvm_cpuid_entry2 *k = &c->entries[i];
		uint32_t sub = (k->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX)
				       ? k->index
				       : 0;
		uint32_t base = k->function & 0xffff0000u;
		const struct cc_leaf *l = cc_set_get(s, k->function, sub);

		if (k->function > cc_set_range_max(s, base) ||
		    cc_set_range_max(s, base) == 0) {
			ck_assert_msg(l == NULL, "leaf %#x past max kept",
				      k->function);
			continue;
		}
		ck_assert_msg(l != NULL, "leaf %#x.%u missing", k->function,
			      sub);
		ck_assert_uint_eq(l->reg[CC_EAX], k->eax);
		ck_assert_uint_eq(l->reg[CC_EBX], k->ebx);
		ck_assert_uint_eq(l->reg[CC_ECX], k->ecx);
		ck_assert_uint_eq(l->reg[CC_EDX], k->edx);
		ck_assert_uint_eq(l->flags, k->flags);
		compared++;
	}
	ck_assert_int_eq(compared, (int)s->n);
	ck_assert_ptr_nonnull(cc_set_get(s, 0x40000000u, 0));
	ck_assert_ptr_nonnull(cc_set_get(s, 0x40000001u, 0));
	ck_assert_str_eq(cc_set_meta(s, "source"), "kvm");
	free(c);
	cc_set_free(s);
}
END_TEST

START_TEST(test_host_matches_instruction)
{
	struct cc_err e;
	struct cc_set *s = capture_host(&e);
	unsigned a, b, c, d;
	const struct cc_leaf *l;

	ck_assert_msg(s != NULL, "%s", e.msg);
	__cpuid_count(0, 0, a, b, c, d);
	l = cc_set_get(s, 0, 0);
	ck_assert_uint_eq(l->reg[CC_EAX], a);
	ck_assert_uint_eq(l->reg[CC_EBX], b);
	ck_assert_uint_eq(cc_set_range_max(s, 0), a);
	__cpuid_count(7, 0, a, b, c, d);
	l = cc_set_get(s, 7, 0);
	ck_assert_uint_eq(l->reg[CC_EBX], b);
	ck_assert_uint_eq(l->reg[CC_ECX], c);
	ck_assert_uint_eq(l->reg[CC_EDX], d);
	ck_assert_str_eq(cc_set_meta(s, "source"), "host");
	ck_assert_str_eq(cc_set_meta(s, "tool"), PACKAGE_STRING);
	cc_set_free(s);
}
END_TEST

START_TEST(test_kvm_errors_name_device)
{
	struct cc_err e;

	ck_assert_ptr_null(capture_kvm("/nonexistent/kvm", &e));
	ck_assert_str_eq(e.msg, "/nonexistent/kvm: no such device: KVM is not "
				"available (load kvm_intel or kvm_amd, or enable "
				"virtualization in firmware)");
	ck_assert_ptr_null(capture_kvm("/dev/null", &e));
	ck_assert_msg(strstr(e.msg, "/dev/null: not a KVM device") != NULL,
		      "%s", e.msg);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("capture");
	TCase *tc = tcase_create("host");
	SRunner *sr;
	int failed, have_kvm = access("/dev/kvm", R_OK | W_OK) == 0;

	tcase_add_test(tc, test_host_matches_instruction);
	tcase_add_test(tc, test_kvm_errors_name_device);
	suite_add_tcase(s, tc);
	if (have_kvm) {
		tc = tcase_create("kvm");
		tcase_add_test(tc, test_kvm_matches_direct_ioctl);
		suite_add_tcase(s, tc);
	}
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	if (failed)
		return EXIT_FAILURE;
	return have_kvm ? EXIT_SUCCESS : 77;
}
