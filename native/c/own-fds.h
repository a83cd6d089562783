// Closing the descriptors a helper was not given on purpose. The kernel may
// hold listening sockets (sockbook-listen) and other descriptors Node does not
// mark close-on-exec; a helper that outlives the kernel must not keep them,
// or the kernel's ports stay taken when Jupyter starts it again.
#ifndef SOCKBOOK_OWN_FDS_H
#define SOCKBOOK_OWN_FDS_H
#include <sys/syscall.h>
#include <unistd.h>

static inline void close_range_or_loop(unsigned first, unsigned last) {
  if (first > last) return;
  if (syscall(SYS_close_range, first, last, 0U) == 0) return;
  for (unsigned fd = first; fd <= last && fd < 65536; fd++) close((int)fd);
}

// Closes every descriptor from `first` on, except `keep` (-1: none).
static inline void close_fds_from(int first, int keep) {
  if (keep >= first) {
    close_range_or_loop((unsigned)first, (unsigned)keep - 1);
    close_range_or_loop((unsigned)keep + 1, ~0U);
  } else {
    close_range_or_loop((unsigned)first, ~0U);
  }
}
#endif
