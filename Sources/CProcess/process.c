/* Child processes that die with their runner, and stop signals recorded for the runner to act on. */
#define _GNU_SOURCE
#include "process.h"
#include <limits.h>
#include <malloc.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t stop_signal = 0;

static void record_stop(int signal) {
    if (stop_signal == 0) stop_signal = signal;
}

void sl_catch_stop_signals(void) {
    stop_signal = 0;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = record_stop;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGTERM, &action, NULL);
    /* A parent may have started us with the two blocked (test harnesses do): unblock them here, so that they are
     * delivered to this thread at least (the threads it starts inherit its mask). */
    sigset_t stops;
    sigemptyset(&stops);
    sigaddset(&stops, SIGINT);
    sigaddset(&stops, SIGTERM);
    pthread_sigmask(SIG_UNBLOCK, &stops, NULL);
}

void sl_release_stop_signals(void) {
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
}

int sl_stop_signal(void) { return stop_signal; }

/* Writes errno into the status pipe and leaves: the parent reads why exec did not happen. */
static void fail_in_child(int status_pipe) {
    int error = errno;
    ssize_t ignored = write(status_pipe, &error, sizeof error);
    (void)ignored;
    _exit(127);
}

int sl_spawn(char *const argv[], const char *stdout_path, const char *stderr_path, pid_t *pid) {
    int status_pipe[2];
    if (pipe2(status_pipe, O_CLOEXEC) != 0) return errno;
    pid_t parent = getpid();
    pid_t child = fork();
    if (child < 0) {
        int error = errno;
        close(status_pipe[0]); close(status_pipe[1]);
        return error;
    }
    if (child == 0) {
        close(status_pipe[0]);
        setpgid(0, 0);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent) _exit(127);  /* the runner died before the line above took effect */
        /* The runner's caught signals revert to their defaults at exec; its blocked ones must be unblocked here. */
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        int out = open(stdout_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        int err = open(stderr_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (out < 0 || err < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0) fail_in_child(status_pipe[1]);
        execvp(argv[0], argv);
        fail_in_child(status_pipe[1]);
    }
    close(status_pipe[1]);
    /* The pipe closes at a successful exec (O_CLOEXEC) with nothing written; otherwise it carries the errno. */
    int error = 0;
    ssize_t got;
    do { got = read(status_pipe[0], &error, sizeof error); } while (got < 0 && errno == EINTR);
    close(status_pipe[0]);
    if (got == (ssize_t)sizeof error) {
        int status;
        while (waitpid(child, &status, 0) < 0 && errno == EINTR) {}
        return error;
    }
    *pid = child;
    return 0;
}

void sl_keep_freed_memory(void) {
    mallopt(M_MMAP_MAX, 0);
    mallopt(M_TRIM_THRESHOLD, INT_MAX);
}
