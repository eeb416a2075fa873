import CProcess

/// Makes glibc keep freed memory for the process's next allocations instead of returning it to the system.
///
/// Why: glibc serves every block over 32 MB with its own mmap and unmaps it when freed, so each large tensor a
/// network pass allocates is fresh memory that the kernel must fault in and zero page by page. A WCT cascade
/// allocates many such tensors one after another: at 512² the page faults took more time than the arithmetic
/// (relu5_1 alone: 5.2 → 3.7 s, measured with `stylelab wct --levels relu5_1`). Freed blocks kept in the heap are
/// reused without faults; the price is that the resident size stays at its peak until the process ends.
package func keepFreedMemoryForReuse() {
    sl_keep_freed_memory()
}
