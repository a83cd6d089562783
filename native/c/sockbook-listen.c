// sockbook-listen: listens on the kernel's TCP ports before the kernel's
// runtime has started, then runs the kernel.
//
//   sockbook-listen CONNECTION_FILE -- PROGRAM [ARG]...
//
// Jupyter starts a kernel and connects to the ports of its connection file at
// once. A refused connection is tried again by ZeroMQ only 100 ms or more
// later, and Node takes 60 to 100 ms to start: most connections were refused
// once. The sockets made here (bound, listening, non-blocking) queue those
// connections instead; the kernel takes them over (ZMQ_USE_FD). They are
// passed in SOCKBOOK_LISTEN_FDS as "CHANNEL:PORT:FD" items separated by
// commas. What cannot be done here (another transport, an unreadable file, a
// port taken) is left to the kernel, which then binds that port itself.
#define _GNU_SOURCE
#include <ctype.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BACKLOG 100  // ZeroMQ's own default (ZMQ_BACKLOG)

static char text[65536];

// The value after "key": in the connection file (a flat JSON object written by Jupyter): a string or a number.
static int json_value(const char *key, char *out, size_t size) {
  char quoted[64];
  snprintf(quoted, sizeof quoted, "\"%s\"", key);
  const char *at = strstr(text, quoted);
  if (!at) return -1;
  at += strlen(quoted);
  while (isspace((unsigned char)*at)) at++;
  if (*at++ != ':') return -1;
  while (isspace((unsigned char)*at)) at++;
  size_t n = 0;
  if (*at == '"') {
    for (at++; *at && *at != '"' && n + 1 < size; at++) out[n++] = *at;
    if (*at != '"') return -1;
  } else {
    for (; isdigit((unsigned char)*at) && n + 1 < size; at++) out[n++] = *at;
    if (n == 0) return -1;
  }
  out[n] = 0;
  return 0;
}

static int listen_on(const char *ip, const char *port) {
  struct addrinfo hints = {0}, *found = NULL;
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  const char *host = strcmp(ip, "*") == 0 ? "0.0.0.0" : ip;  // ZeroMQ's "*" is IPv4's any address
  if (getaddrinfo(host, port, &hints, &found) != 0 || !found) return -1;
  int fd = socket(found->ai_family, SOCK_STREAM | SOCK_NONBLOCK, 0);
  int one = 1;
  if (fd >= 0 && (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
                  bind(fd, found->ai_addr, found->ai_addrlen) < 0 || listen(fd, BACKLOG) < 0)) {
    close(fd);
    fd = -1;
  }
  freeaddrinfo(found);
  return fd;
}

static void bind_ports(const char *connection_file) {
  int file = open(connection_file, O_RDONLY | O_CLOEXEC);
  if (file < 0) return;
  ssize_t n = read(file, text, sizeof text - 1);
  close(file);
  if (n <= 0) return;
  text[n] = 0;
  char transport[16], ip[256];
  if (json_value("transport", transport, sizeof transport) < 0 || strcmp(transport, "tcp") != 0) return;
  if (json_value("ip", ip, sizeof ip) < 0) return;
  static const char *channels[] = {"shell", "control", "stdin", "iopub", "hb"};
  char listed[512] = "";
  size_t used = 0;
  for (size_t i = 0; i < sizeof channels / sizeof channels[0]; i++) {
    char key[32], port[16];
    snprintf(key, sizeof key, "%s_port", channels[i]);
    if (json_value(key, port, sizeof port) < 0 || atoi(port) <= 0) continue;
    int fd = listen_on(ip, port);
    if (fd < 0) continue;
    used += (size_t)snprintf(listed + used, sizeof listed - used, "%s%s:%s:%d", used ? "," : "", channels[i], port, fd);
  }
  if (used > 0) setenv("SOCKBOOK_LISTEN_FDS", listed, 1);
}

int main(int argc, char **argv) {
  if (argc < 4 || strcmp(argv[2], "--") != 0) {
    fprintf(stderr, "usage: sockbook-listen CONNECTION_FILE -- PROGRAM [ARG]...\n");
    return 2;
  }
  unsetenv("SOCKBOOK_LISTEN_FDS");
  bind_ports(argv[1]);
  execvp(argv[3], argv + 3);
  fprintf(stderr, "sockbook-listen: cannot run %s: %m\n", argv[3]);
  return 127;
}
