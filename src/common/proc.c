/* SPDX-License-Identifier: Apache-2.0 */
/*
 * proc.c -- posix_spawn of helper programs with stderr captured via a pipe.
 */
#include "sl_common.h"

#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

sl_err sl_proc_run(const char *const *argv, struct sl_buf *diag, int *status,
                   struct sl_error *err)
{
    int pipefd[2] = {-1, -1};
    if (pipe2(pipefd, O_CLOEXEC) != 0)
        return sl_error_set(err, SL_EIO, "pipe: %s", strerror(errno));
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, pipefd[1], 2);
    pid_t pid;
    int rc = posix_spawn(&pid, argv[0], &fa, NULL, (char *const *)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(pipefd[1]);
    if (rc != 0) {
        close(pipefd[0]);
        return sl_error_set(err, SL_EIO, "cannot run '%s': %s", argv[0], strerror(rc));
    }
    char chunk[4096];
    for (;;) {
        ssize_t n = read(pipefd[0], chunk, sizeof(chunk));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        if (diag != NULL && diag->len < (1u << 20))
            sl_buf_append(diag, chunk, (size_t)n);
    }
    close(pipefd[0]);
    while (waitpid(pid, status, 0) < 0) {
        if (errno != EINTR)
            return sl_error_set(err, SL_EIO, "waiting for '%s': %s", argv[0], strerror(errno));
    }
    return SL_OK;
}

void sl_proc_status_text(int status, char *buf, size_t size)
{
    if (WIFEXITED(status))
        snprintf(buf, size, "exit status %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(buf, size, "killed by signal %d (%s)", WTERMSIG(status),
                 strsignal(WTERMSIG(status)));
    else
        snprintf(buf, size, "wait status %d", status);
}
