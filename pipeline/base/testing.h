/*
 * pipeline/base/testing.h - included last by every .c file that allocates, so
 * that the unit tests (built with -DUNIT_TESTING) route malloc, calloc,
 * realloc and free through cmocka's allocator, which reports leaks and
 * double frees. strdup and friends are not routed: the code never uses
 * them.
 */
#ifndef FTK_TESTING_H
#define FTK_TESTING_H

#ifdef UNIT_TESTING
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#endif

#endif
