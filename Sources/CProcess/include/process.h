#ifndef STYLELAB_PROCESS_H
#define STYLELAB_PROCESS_H
/*
 * Child processes for the comparison runner, and the signals that stop it.
 *
 * A child runs in its own process group (so that a timeout or an interruption can stop everything it started) and
 * is killed by the kernel when the thread that started it dies (PR_SET_PDEATHSIG): a runner killed with SIGKILL,
 * which can forward nothing, leaves no child writing into a cell that a rerun is redoing. Only async-signal-safe
 * calls run between fork and exec.
 */
#include <sys/types.h>

/* Starts argv (argv[0] a path, or a name looked up in PATH) with stdout and stderr written to the two files.
 * Returns 0 and the child's pid, or an errno value: from fork, from opening the files, or from exec. */
int sl_spawn(char *const argv[], const char *stdout_path, const char *stderr_path, pid_t *pid);

/* Catch SIGINT and SIGTERM from now on: they are only recorded, for the runner to stop between steps. */
void sl_catch_stop_signals(void);

/* SIGINT and SIGTERM back to their default actions. */
void sl_release_stop_signals(void);

/* The first SIGINT or SIGTERM caught since sl_catch_stop_signals, or 0. */
int sl_stop_signal(void);

/* Make malloc keep freed blocks in the heap for reuse: no block gets its own mapping, and the heap's top is never
 * returned to the system (glibc's mallopt; see keepFreedMemoryForReuse). */
void sl_keep_freed_memory(void);
#endif
