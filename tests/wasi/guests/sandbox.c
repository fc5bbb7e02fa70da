/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sandbox.c -- escape attempts from the preopened directory "." (the runner
 * puts secret.txt next to it and pre-creates link_out -> ../secret.txt and
 * loop -> loop). Every attempt must fail with ENOTCAPABLE (or ELOOP).
 */
#include "check.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void)
{
    struct stat st;
    FAILS_WITH(open("../secret.txt", O_RDONLY), ENOTCAPABLE);
    FAILS_WITH(open("../secret.txt", O_WRONLY | O_TRUNC), ENOTCAPABLE);
    FAILS_WITH(stat("../secret.txt", &st), ENOTCAPABLE);
    FAILS_WITH(open("sub/../../secret.txt", O_RDONLY), ENOTCAPABLE);
    FAILS_WITH(open("link_out", O_RDONLY), ENOTCAPABLE);
    FAILS_WITH(stat("link_out", &st), ENOTCAPABLE);
    CHECK(lstat("link_out", &st) == 0 && S_ISLNK(st.st_mode));
    FAILS_WITH(open("loop", O_RDONLY), ELOOP);
    FAILS_WITH(unlink("../secret.txt"), ENOTCAPABLE);
    FAILS_WITH(rename("../secret.txt", "mine.txt"), ENOTCAPABLE);
    FAILS_WITH(link("../secret.txt", "mine.txt"), ENOTCAPABLE);
    FAILS_WITH(mkdir("../newdir", 0755), ENOTCAPABLE);
    /* Links the guest makes itself. */
    CHECK(symlink("../secret.txt", "made_out") == 0);
    FAILS_WITH(open("made_out", O_RDONLY), ENOTCAPABLE);
    FAILS_WITH(open("made_out", O_WRONLY | O_CREAT, 0644), ENOTCAPABLE);
    CHECK(symlink("../created_outside", "dangling") == 0);
    FAILS_WITH(open("dangling", O_WRONLY | O_CREAT, 0644), ENOTCAPABLE);
    /* A hard link to the link is still a link pointing out. */
    CHECK(link("made_out", "hard") == 0);
    FAILS_WITH(open("hard", O_RDONLY), ENOTCAPABLE);
    /* Absolute paths: wasi-libc matches them against the preopen names ("." only) and
     * answers ENOENT itself when none matches; the host never sees them. */
    CHECK((errno = 0, open("/etc/passwd", O_RDONLY) < 0 && (errno == ENOENT || errno == ENOTCAPABLE)));
    printf("failures=%d\n", failures);
    return failures;
}
