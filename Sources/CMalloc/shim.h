#ifndef CMALLOC_SHIM_H
#define CMALLOC_SHIM_H
// glibc's allocator tuning (mallopt and its M_* parameters), which Swift's Glibc module does not include.
// Used only by TrainingServer/App/AllocatorSettings.swift.
#if defined(__linux__)
#include <malloc.h>
#endif
#endif
