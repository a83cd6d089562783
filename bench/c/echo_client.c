// An echo client for the benchmarks: connects to 127.0.0.1:PORT (retrying
// for up to 10 s while nobody listens yet), then sends up to COUNT small
// messages one at a time, reading each echo back in full before the next,
// for at most MAX_SECONDS. Prints "requests N seconds S rate R" (requests/s
// from the first send to the last echo), then closes.
//
// usage: echo_client PORT COUNT MAX_SECONDS
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static int connect_with_retry(int port) {
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(port)};
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    for (int attempt = 0; attempt < 1000; ++attempt) {
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd == -1) {
            return -1;
        }
        if (connect(fd, (struct sockaddr*)&addr, sizeof(addr)) == 0) {
            return fd;
        }
        int error = errno;
        close(fd);
        if (error != ECONNREFUSED) {
            errno = error;
            return -1;
        }
        struct timespec pause = {.tv_sec = 0, .tv_nsec = 10 * 1000000};
        nanosleep(&pause, NULL);
    }
    errno = ECONNREFUSED;
    return -1;
}

int main(int argc, char* argv[]) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s PORT COUNT MAX_SECONDS\n", argv[0]);
        return 2;
    }
    int port = atoi(argv[1]);
    long count = atol(argv[2]);
    double max_seconds = atof(argv[3]);
    int fd = connect_with_retry(port);
    if (fd == -1) {
        perror("client: connect");
        return 1;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    double start = now_s();
    double deadline = start + max_seconds;
    long done = 0;
    char message[64];
    char echo[64];
    while (done < count && now_s() < deadline) {
        int size = snprintf(message, sizeof(message), "request %ld\n", done);
        if (write(fd, message, size) != size) {
            perror("client: write");
            return 1;
        }
        int got = 0;
        while (got < size) {
            ssize_t n = read(fd, echo + got, sizeof(echo) - got);
            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (n <= 0) {
                fprintf(stderr, "client: the server went away after %ld requests\n", done);
                return 1;
            }
            got += n;
        }
        if (memcmp(echo, message, size) != 0) {
            fprintf(stderr, "client: wrong echo\n");
            return 1;
        }
        done += 1;
    }
    double seconds = now_s() - start;
    close(fd);
    printf("requests %ld seconds %.6f rate %.1f\n", done, seconds, done / seconds);
    return 0;
}
