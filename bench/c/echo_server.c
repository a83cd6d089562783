// The epoll echo server of the epoll lesson, in C: a non-blocking listening
// socket on 127.0.0.1:PORT and one level-triggered epoll instance; accepts
// connections, echoes what they send, closes them at end of file. Ends once
// CLIENTS connections have been served, or after MAX_SECONDS.
//
// usage: echo_server PORT CLIENTS MAX_SECONDS
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

int main(int argc, char* argv[]) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s PORT CLIENTS MAX_SECONDS\n", argv[0]);
        return 2;
    }
    int port = atoi(argv[1]);
    int clients = atoi(argv[2]);
    double deadline = now_s() + atof(argv[3]);

    int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(port)};
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    if (listener == -1 || bind(listener, (struct sockaddr*)&addr, sizeof(addr)) == -1 || listen(listener, SOMAXCONN) == -1) {
        perror("server: listen");
        return 1;
    }
    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event event = {.events = EPOLLIN, .data.fd = listener};
    epoll_ctl(ep, EPOLL_CTL_ADD, listener, &event);

    int served = 0;
    long echoed = 0;
    struct epoll_event ready[16];
    char buffer[65536];
    while (served < clients) {
        int left_ms = (int)((deadline - now_s()) * 1000);
        if (left_ms <= 0) {
            break;
        }
        int count = epoll_wait(ep, ready, 16, left_ms);
        if (count == -1 && errno == EINTR) {
            continue;
        }
        for (int i = 0; i < count; ++i) {
            int fd = ready[i].data.fd;
            if (fd == listener) {
                int connection;
                while ((connection = accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) != -1) {
                    setsockopt(connection, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
                    struct epoll_event e = {.events = EPOLLIN | EPOLLRDHUP, .data.fd = connection};
                    epoll_ctl(ep, EPOLL_CTL_ADD, connection, &e);
                }
                continue;
            }
            ssize_t n = read(fd, buffer, sizeof(buffer));
            if (n > 0) {
                // Small messages on loopback: the socket buffer takes the whole echo.
                ssize_t w = write(fd, buffer, n);
                if (w > 0) {
                    echoed += w;
                }
            } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
                epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
                close(fd);
                served += 1;
            }
        }
    }
    printf("served %d clients, echoed %ld bytes\n", served, echoed);
    close(listener);
    close(ep);
    return served == clients ? 0 : 1;
}
