/* embedded/startup.c - minimal Cortex-M3/M4 startup: vector table, stack painting, FPU enable,
 * .data copy, .bss clear, static constructors, main(), and exit through semihosting.
 *
 * C rather than C++ because C++ forbids calling main. Memory layout and the symbols used here
 * come from link.ld. Any exception other than reset reports through semihosting and stops the
 * program with a failure status. On a real board, replace semihost() with the board's own
 * output and stop (a debugger-less core faults on the semihosting breakpoint). */
#include <stdint.h>

/* Defined by link.ld. */
extern uint32_t ctattn_stack_limit[];
extern uint32_t ctattn_stack_top[];
extern uint32_t ctattn_data_load[];
extern uint32_t ctattn_data_start[];
extern uint32_t ctattn_data_end[];
extern uint32_t ctattn_bss_start[];
extern uint32_t ctattn_bss_end[];
extern void (*ctattn_init_array_start[])(void);
extern void (*ctattn_init_array_end[])(void);

/* The word the reserved stack is filled with at reset (stack.hpp reads it back: the deepest
 * word that no longer holds it is the stack's high-water mark). */
const uint32_t ctattn_stack_paint = 0xC7A77E57u;

int main(void);
void ctattn_reset_handler(void) __attribute__((noreturn));
void ctattn_fault_handler(void) __attribute__((noreturn));

enum {
  sys_write0 = 0x04,                /* r1 = NUL-terminated string */
  sys_exit = 0x18,                  /* r1 = reason code */
  application_exit = 0x20026,       /* ADP_Stopped_ApplicationExit: QEMU exits with 0 */
  runtime_error = 0x20023           /* ADP_Stopped_RunTimeErrorUnknown: QEMU exits with 1 */
};

static void semihost(uint32_t op, uintptr_t arg) {
  __asm__ volatile("mov r0, %0\n\tmov r1, %1\n\tbkpt 0xab" : : "r"(op), "r"(arg)
                   : "r0", "r1", "memory");
}

__attribute__((noreturn)) static void stop(int success) {
  semihost(sys_exit, success ? application_exit : runtime_error);
  for (;;) {
  }
}

typedef void (*handler)(void);

/* The first 16 entries of the Armv7-M vector table: the initial stack pointer, then the
 * system exception handlers. No interrupt is enabled, so no IRQ entries follow. */
__attribute__((section(".vectors"), used)) static const struct {
  void* initial_sp;
  handler entries[15];
} vectors = {
    ctattn_stack_top,
    {
        ctattn_reset_handler, /* reset */
        ctattn_fault_handler, /* NMI */
        ctattn_fault_handler, /* hard fault */
        ctattn_fault_handler, /* memory management fault */
        ctattn_fault_handler, /* bus fault */
        ctattn_fault_handler, /* usage fault */
        0, 0, 0, 0,           /* reserved */
        ctattn_fault_handler, /* SVCall */
        ctattn_fault_handler, /* debug monitor */
        0,                    /* reserved */
        ctattn_fault_handler, /* PendSV */
        ctattn_fault_handler, /* SysTick */
    },
};

void ctattn_reset_handler(void) {
  /* Paint the reserved stack (link.ld: ctattn_stack_limit up to ctattn_stack_top) below the
   * current stack pointer, before anything else runs. Nothing below sp is live on Cortex-M;
   * the loop calls nothing (volatile stores of a 32-bit pattern are not turned into memset). */
  {
    uint32_t* sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    for (volatile uint32_t* w = ctattn_stack_limit; w < sp; ++w) *w = ctattn_stack_paint;
  }
#if defined(__ARM_FP)
  /* Full access to coprocessors 10 and 11 (the FPU) in CPACR, before any FP instruction. */
  volatile uint32_t* const cpacr = (volatile uint32_t*)0xE000ED88u;
  *cpacr |= 0xFu << 20;
  __asm__ volatile("dsb\n\tisb" : : : "memory");
#endif
  const uint32_t* src = ctattn_data_load;
  for (uint32_t* dst = ctattn_data_start; dst < ctattn_data_end;) *dst++ = *src++;
  for (uint32_t* dst = ctattn_bss_start; dst < ctattn_bss_end;) *dst++ = 0;
  for (handler* f = ctattn_init_array_start; f < ctattn_init_array_end; ++f) (*f)();
  stop(main() == 0);
}

void ctattn_fault_handler(void) {
  semihost(sys_write0, (uintptr_t) "ctattn firmware: unexpected exception (fault)\n");
  stop(0);
}
