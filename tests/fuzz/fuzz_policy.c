/*
 * libFuzzer target for the policy loader: any bytes must load or fail with
 * a message, never crash or leak.
 *   cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DHOTLINE_BUILD_FUZZ=ON && cmake --build build-fuzz --target fuzz_policy
 *   build-fuzz/tests/fuzz_policy -max_total_time=60 policies/
 */
#include <stddef.h>
#include <stdint.h>

#include "rules/policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	hotline__policy *p = NULL;
	hotline__err err;
	if (hotline__policy_load(&p, (const char *)data, size, &err) == 0)
		hotline__policy_free(p);
	else if (err.msg[0] == '\0')
		__builtin_trap(); /* every failure says why */
	return 0;
}
