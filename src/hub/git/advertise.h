/* The protocol v0 ref advertisement of `git upload-pack --stateless-rpc --advertise-refs`, written
 * in process with libgit2 byte for byte as the installed git writes it: spawning git for it cost
 * half of a small fetch's time. The capability string is git's own, learnt once per process from
 * the installed git (advertising a repository made for the purpose), never guessed. Whatever
 * could make git's answer differ (configuration that hides refs or adds capabilities, a shallow
 * repository, a capability string this module cannot take apart) leaves the answer to git. */
#ifndef WEFT_HUB_GIT_ADVERTISE_H
#define WEFT_HUB_GIT_ADVERTISE_H

#include "base/arena.h"
#include "base/buf.h"

/* Appends the advertisement of the bare repository at dir to out: each ref's pkt-line (HEAD
 * first, then refs/ in byte order, each annotated tag followed by its peeled "^{}" line, the
 * first line carrying the capabilities), or the "capabilities^{}" line of an empty repository,
 * then a flush-pkt; the smart-HTTP "# service=" preamble is the caller's. env is the environment
 * git runs in for learning the capabilities (its first call only; its HOME's configuration
 * counts). WEFT_ENOTFOUND (no message): git must answer for this repository (nothing was
 * appended), also when reading it failed (logged): git then says what it makes of it. */
int hub_git_advertise(buf *out, arena *a, const char *dir, char *const *env);

/* Forgets the learnt capabilities, so that the next hub_git_advertise learns them again (tests
 * that change the configuration of git's HOME). Not while another thread advertises. */
void hub_git_advertise_reset(void);

#endif
