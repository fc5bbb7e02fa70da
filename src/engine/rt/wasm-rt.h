/* SPDX-License-Identifier: Apache-2.0 */
/*
 * wasm-rt.h -- slight's own declaration of the runtime interface that wasm2c
 * 1.0.32 output expects (same names and types as wabt's wasm-rt.h, which is
 * the contract), implemented thread-safely in src/engine/wasm_rt.c.
 * Differences from wabt's header, on purpose:
 *  - wasm_rt_memory_t has extra trailing fields for the host (reservation,
 *    dirty-page map); generated code only uses data/pages/max_pages/size;
 *  - the call depth counter (explicit bounds-check mode) is per thread;
 *  - it compiles under tcc (no __has_builtin, no thread-local storage).
 * This header is embedded in the slight binary and written into the cache
 * for every module compile.
 */
#ifndef WASM_RT_H_
#define WASM_RT_H_

#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef __has_builtin
#define __has_builtin(x) 0
#endif

#if __has_builtin(__builtin_expect)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)
#define LIKELY(x) __builtin_expect(!!(x), 1)
#else
#define UNLIKELY(x) (x)
#define LIKELY(x) (x)
#endif

#if __has_builtin(__builtin_memcpy)
#define wasm_rt_memcpy __builtin_memcpy
#else
#define wasm_rt_memcpy memcpy
#endif

#if __has_builtin(__builtin_unreachable)
#define wasm_rt_unreachable __builtin_unreachable
#else
#define wasm_rt_unreachable abort
#endif

#ifndef WASM_RT_SKIP_SIGNAL_RECOVERY
#define WASM_RT_SKIP_SIGNAL_RECOVERY 0
#endif

#define WASM_RT_SIGNAL_RECOVERY_SUPPORTED 1

/* Guard pages by default; sanitizer builds define it to 0 everywhere. */
#ifndef WASM_RT_MEMCHECK_SIGNAL_HANDLER
#define WASM_RT_MEMCHECK_SIGNAL_HANDLER 1
#endif

#ifndef WASM_RT_USE_STACK_DEPTH_COUNT
#if WASM_RT_MEMCHECK_SIGNAL_HANDLER
#define WASM_RT_USE_STACK_DEPTH_COUNT 0
#else
#define WASM_RT_USE_STACK_DEPTH_COUNT 1
#endif
#endif

#if WASM_RT_USE_STACK_DEPTH_COUNT
#ifndef WASM_RT_MAX_CALL_STACK_DEPTH
#define WASM_RT_MAX_CALL_STACK_DEPTH 20000
#endif
#if defined(__TINYC__)
uint32_t *sl_rt_call_depth_location(void);
#define wasm_rt_call_stack_depth (*sl_rt_call_depth_location())
#else
extern __thread uint32_t wasm_rt_call_stack_depth;
#endif
#endif

#define WASM_RT_NO_RETURN __attribute__((noreturn))
#define WASM_RT_MERGED_OOB_AND_EXHAUSTION_TRAPS 0

typedef enum {
  WASM_RT_TRAP_NONE,
  WASM_RT_TRAP_OOB,
  WASM_RT_TRAP_INT_OVERFLOW,
  WASM_RT_TRAP_DIV_BY_ZERO,
  WASM_RT_TRAP_INVALID_CONVERSION,
  WASM_RT_TRAP_UNREACHABLE,
  WASM_RT_TRAP_CALL_INDIRECT,
  WASM_RT_TRAP_UNCAUGHT_EXCEPTION,
  WASM_RT_TRAP_EXHAUSTION,
} wasm_rt_trap_t;

typedef enum {
  WASM_RT_I32,
  WASM_RT_I64,
  WASM_RT_F32,
  WASM_RT_F64,
  WASM_RT_FUNCREF,
  WASM_RT_EXTERNREF,
} wasm_rt_type_t;

typedef void (*wasm_rt_function_ptr_t)(void);

typedef struct {
  uint32_t func_type;
  wasm_rt_function_ptr_t func;
  void* module_instance;
} wasm_rt_funcref_t;

static const wasm_rt_funcref_t wasm_rt_funcref_null_value = {0, NULL, NULL};

typedef void* wasm_rt_externref_t;

static const wasm_rt_externref_t wasm_rt_externref_null_value = NULL;

/* A linear memory. The first four fields are wasm2c's contract. */
typedef struct {
  uint8_t* data;
  uint32_t pages, max_pages;
  uint32_t size;
  /* host-only: bytes reserved at data (guard-page mode), 0 when malloc'ed */
  uint64_t reserved;
  /* host-only: one byte per 4 KiB page written since the last reset, or NULL */
  uint8_t* dirty;
} wasm_rt_memory_t;

/*
 * Write barrier of modules compiled for pooled instances: every store marks
 * its 4 KiB page(s) in the memory's dirty map, so a reset copies back only
 * those pages. Stores happen first, so an out-of-bounds one traps before it
 * marks anything.
 */
#define SL_DIRTY_PAGE_SHIFT 12
#define SL_MARK_DIRTY(mem, addr, n)                                   \
  do {                                                                \
    uint8_t* d_ = (mem)->dirty;                                       \
    if (d_) {                                                         \
      d_[(uint64_t)(addr) >> SL_DIRTY_PAGE_SHIFT] = 1;                \
      d_[((uint64_t)(addr) + (n)-1) >> SL_DIRTY_PAGE_SHIFT] = 1;      \
    }                                                                 \
  } while (0)

static inline void sl_mark_dirty_range(wasm_rt_memory_t* mem, uint64_t addr, uint64_t n) {
  if (mem->dirty && n) {
    uint64_t p;
    for (p = addr >> SL_DIRTY_PAGE_SHIFT; p <= (addr + n - 1) >> SL_DIRTY_PAGE_SHIFT; p++)
      mem->dirty[p] = 1;
  }
}

typedef struct {
  wasm_rt_funcref_t* data;
  uint32_t max_size;
  uint32_t size;
} wasm_rt_funcref_table_t;

typedef struct {
  wasm_rt_externref_t* data;
  uint32_t max_size;
  uint32_t size;
} wasm_rt_externref_table_t;

void wasm_rt_init(void);
bool wasm_rt_is_initialized(void);
void wasm_rt_free(void);
WASM_RT_NO_RETURN void wasm_rt_trap(wasm_rt_trap_t);
const char* wasm_rt_strerror(wasm_rt_trap_t trap);
uint32_t wasm_rt_register_func_type(uint32_t params, uint32_t results, ...);
uint32_t wasm_rt_register_tag(uint32_t size);
void wasm_rt_load_exception(uint32_t tag, uint32_t size, const void* values);
WASM_RT_NO_RETURN void wasm_rt_throw(void);

#define WASM_RT_UNWIND_TARGET jmp_buf
WASM_RT_UNWIND_TARGET* wasm_rt_get_unwind_target(void);
void wasm_rt_set_unwind_target(WASM_RT_UNWIND_TARGET* target);
uint32_t wasm_rt_exception_tag(void);
uint32_t wasm_rt_exception_size(void);
void* wasm_rt_exception(void);

#define WASM_RT_SETJMP(buf) sigsetjmp(buf, 1)
#define wasm_rt_try(target) WASM_RT_SETJMP(target)

void wasm_rt_allocate_memory(wasm_rt_memory_t*, uint32_t initial_pages, uint32_t max_pages);
uint32_t wasm_rt_grow_memory(wasm_rt_memory_t*, uint32_t pages);
void wasm_rt_free_memory(wasm_rt_memory_t*);
void wasm_rt_allocate_funcref_table(wasm_rt_funcref_table_t*, uint32_t elements,
                                    uint32_t max_elements);
void wasm_rt_free_funcref_table(wasm_rt_funcref_table_t*);
void wasm_rt_allocate_externref_table(wasm_rt_externref_table_t*, uint32_t elements,
                                      uint32_t max_elements);
void wasm_rt_free_externref_table(wasm_rt_externref_table_t*);
uint32_t wasm_rt_grow_funcref_table(wasm_rt_funcref_table_t*, uint32_t delta,
                                    wasm_rt_funcref_t init);
uint32_t wasm_rt_grow_externref_table(wasm_rt_externref_table_t*, uint32_t delta,
                                      wasm_rt_externref_t init);

#ifdef __cplusplus
}
#endif

#endif /* WASM_RT_H_ */
