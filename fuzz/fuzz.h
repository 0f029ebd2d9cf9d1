/* libFuzzer entry point shared by every harness; standalone.c runs the same function over
 * files so ctest replays the corpora and every input that ever crashed. */
#ifndef XF_FUZZ_H
#define XF_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#endif
