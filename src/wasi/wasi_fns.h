/* SPDX-License-Identifier: Apache-2.0 */
/*
 * wasi_fns.h -- the WASI host functions themselves, one C function per wasm
 * import (wasi_table.c lists them with their signatures). Exposed so that
 * unit tests can call them on a fake instance. Every function returns a WASI
 * errno (wasi_types.h) and never traps: a bad guest pointer is WASI_EFAULT.
 * sl_wasi0_* are the preview 0 (wasi_unstable) variants whose layout or
 * numbering differs; all others serve both modules.
 */
#ifndef SL_WASI_WASI_FNS_H
#define SL_WASI_WASI_FNS_H

#include "sl_common.h"

#include "engine/instance.h"

/* wasi_proc.c: args, environment, randomness, process. */
uint32_t sl_wasi_args_get(struct sl_instance *inst, uint32_t argv, uint32_t argv_buf);
uint32_t sl_wasi_args_sizes_get(struct sl_instance *inst, uint32_t argc_ptr, uint32_t size_ptr);
uint32_t sl_wasi_environ_get(struct sl_instance *inst, uint32_t environ, uint32_t environ_buf);
uint32_t sl_wasi_environ_sizes_get(struct sl_instance *inst, uint32_t count_ptr,
                                   uint32_t size_ptr);
uint32_t sl_wasi_random_get(struct sl_instance *inst, uint32_t buf, uint32_t len);
void sl_wasi_proc_exit(struct sl_instance *inst, uint32_t code);
uint32_t sl_wasi_proc_raise(struct sl_instance *inst, uint32_t sig);
uint32_t sl_wasi_sched_yield(struct sl_instance *inst);

/* wasi_clock.c */
uint32_t sl_wasi_clock_res_get(struct sl_instance *inst, uint32_t id, uint32_t res_ptr);
uint32_t sl_wasi_clock_time_get(struct sl_instance *inst, uint32_t id, uint64_t precision,
                                uint32_t time_ptr);

/* wasi_fd.c */
uint32_t sl_wasi_fd_advise(struct sl_instance *inst, uint32_t fd, uint64_t offset, uint64_t len,
                           uint32_t advice);
uint32_t sl_wasi_fd_allocate(struct sl_instance *inst, uint32_t fd, uint64_t offset,
                             uint64_t len);
uint32_t sl_wasi_fd_close(struct sl_instance *inst, uint32_t fd);
uint32_t sl_wasi_fd_datasync(struct sl_instance *inst, uint32_t fd);
uint32_t sl_wasi_fd_fdstat_get(struct sl_instance *inst, uint32_t fd, uint32_t buf);
uint32_t sl_wasi_fd_fdstat_set_flags(struct sl_instance *inst, uint32_t fd, uint32_t flags);
uint32_t sl_wasi_fd_fdstat_set_rights(struct sl_instance *inst, uint32_t fd, uint64_t base,
                                      uint64_t inheriting);
uint32_t sl_wasi_fd_filestat_get(struct sl_instance *inst, uint32_t fd, uint32_t buf);
uint32_t sl_wasi0_fd_filestat_get(struct sl_instance *inst, uint32_t fd, uint32_t buf);
uint32_t sl_wasi_fd_filestat_set_size(struct sl_instance *inst, uint32_t fd, uint64_t size);
uint32_t sl_wasi_fd_filestat_set_times(struct sl_instance *inst, uint32_t fd, uint64_t atim,
                                       uint64_t mtim, uint32_t fst_flags);
uint32_t sl_wasi_fd_pread(struct sl_instance *inst, uint32_t fd, uint32_t iovs, uint32_t iovs_len,
                          uint64_t offset, uint32_t nread_ptr);
uint32_t sl_wasi_fd_prestat_get(struct sl_instance *inst, uint32_t fd, uint32_t buf);
uint32_t sl_wasi_fd_prestat_dir_name(struct sl_instance *inst, uint32_t fd, uint32_t path,
                                     uint32_t path_len);
uint32_t sl_wasi_fd_pwrite(struct sl_instance *inst, uint32_t fd, uint32_t iovs,
                           uint32_t iovs_len, uint64_t offset, uint32_t nwritten_ptr);
uint32_t sl_wasi_fd_read(struct sl_instance *inst, uint32_t fd, uint32_t iovs, uint32_t iovs_len,
                         uint32_t nread_ptr);
uint32_t sl_wasi_fd_readdir(struct sl_instance *inst, uint32_t fd, uint32_t buf, uint32_t buf_len,
                            uint64_t cookie, uint32_t bufused_ptr);
uint32_t sl_wasi_fd_renumber(struct sl_instance *inst, uint32_t fd, uint32_t to);
uint32_t sl_wasi_fd_seek(struct sl_instance *inst, uint32_t fd, uint64_t offset, uint32_t whence,
                         uint32_t newoffset_ptr);
uint32_t sl_wasi0_fd_seek(struct sl_instance *inst, uint32_t fd, uint64_t offset, uint32_t whence,
                          uint32_t newoffset_ptr);
uint32_t sl_wasi_fd_sync(struct sl_instance *inst, uint32_t fd);
uint32_t sl_wasi_fd_tell(struct sl_instance *inst, uint32_t fd, uint32_t offset_ptr);
uint32_t sl_wasi_fd_write(struct sl_instance *inst, uint32_t fd, uint32_t iovs, uint32_t iovs_len,
                          uint32_t nwritten_ptr);

/* wasi_path.c */
uint32_t sl_wasi_path_create_directory(struct sl_instance *inst, uint32_t fd, uint32_t path,
                                       uint32_t path_len);
uint32_t sl_wasi_path_filestat_get(struct sl_instance *inst, uint32_t fd, uint32_t flags,
                                   uint32_t path, uint32_t path_len, uint32_t buf);
uint32_t sl_wasi0_path_filestat_get(struct sl_instance *inst, uint32_t fd, uint32_t flags,
                                    uint32_t path, uint32_t path_len, uint32_t buf);
uint32_t sl_wasi_path_filestat_set_times(struct sl_instance *inst, uint32_t fd, uint32_t flags,
                                         uint32_t path, uint32_t path_len, uint64_t atim,
                                         uint64_t mtim, uint32_t fst_flags);
uint32_t sl_wasi_path_link(struct sl_instance *inst, uint32_t old_fd, uint32_t old_flags,
                           uint32_t old_path, uint32_t old_len, uint32_t new_fd,
                           uint32_t new_path, uint32_t new_len);
uint32_t sl_wasi_path_open(struct sl_instance *inst, uint32_t fd, uint32_t dirflags,
                           uint32_t path, uint32_t path_len, uint32_t oflags, uint64_t rights_base,
                           uint64_t rights_inheriting, uint32_t fdflags, uint32_t fd_ptr);
uint32_t sl_wasi_path_readlink(struct sl_instance *inst, uint32_t fd, uint32_t path,
                               uint32_t path_len, uint32_t buf, uint32_t buf_len,
                               uint32_t bufused_ptr);
uint32_t sl_wasi_path_remove_directory(struct sl_instance *inst, uint32_t fd, uint32_t path,
                                       uint32_t path_len);
uint32_t sl_wasi_path_rename(struct sl_instance *inst, uint32_t fd, uint32_t old_path,
                             uint32_t old_len, uint32_t new_fd, uint32_t new_path,
                             uint32_t new_len);
uint32_t sl_wasi_path_symlink(struct sl_instance *inst, uint32_t old_path, uint32_t old_len,
                              uint32_t fd, uint32_t new_path, uint32_t new_len);
uint32_t sl_wasi_path_unlink_file(struct sl_instance *inst, uint32_t fd, uint32_t path,
                                  uint32_t path_len);

/* wasi_poll.c */
uint32_t sl_wasi_poll_oneoff(struct sl_instance *inst, uint32_t in, uint32_t out, uint32_t nsubs,
                             uint32_t nevents_ptr);
uint32_t sl_wasi0_poll_oneoff(struct sl_instance *inst, uint32_t in, uint32_t out,
                              uint32_t nsubs, uint32_t nevents_ptr);

/* wasi_sock.c */
uint32_t sl_wasi_sock_accept(struct sl_instance *inst, uint32_t fd, uint32_t flags,
                             uint32_t fd_ptr);
uint32_t sl_wasi_sock_recv(struct sl_instance *inst, uint32_t fd, uint32_t ri_data,
                           uint32_t ri_data_len, uint32_t ri_flags, uint32_t ro_datalen_ptr,
                           uint32_t ro_flags_ptr);
uint32_t sl_wasi_sock_send(struct sl_instance *inst, uint32_t fd, uint32_t si_data,
                           uint32_t si_data_len, uint32_t si_flags, uint32_t so_datalen_ptr);
uint32_t sl_wasi_sock_shutdown(struct sl_instance *inst, uint32_t fd, uint32_t how);

#endif /* SL_WASI_WASI_FNS_H */
