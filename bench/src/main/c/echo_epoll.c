/*
 * echo_epoll: the C reference for `jsock bench` -- a single-threaded, level-triggered epoll(7)
 * echo server (RFC 862) over non-blocking sockets, as close to what the kernel allows as a plain
 * program gets. Usage: echo_epoll [ADDR:PORT]  (default 127.0.0.1:0)
 * Prints "listening on ADDR:PORT" on stderr once the socket listens; SIGTERM/SIGINT end it.
 *
 * Data is read into one shared buffer and written straight back; only what the kernel does not
 * take at once is copied into a per-connection pending buffer (so an idle connection costs no
 * user memory), and reading from that connection stops until the pending bytes are gone.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

struct pending { size_t off, len; char data[]; };

static struct pending **pend;   /* indexed by connfd; NULL when nothing waits to be written */
static size_t npend;
static volatile sig_atomic_t stop;

static void on_signal(int sig) { (void) sig; stop = 1; }

static void die(const char *call) {
    fprintf(stderr, "echo_epoll: %s: %s\n", call, strerror(errno));
    exit(1);
}

static void drop(int ep, int fd) {
    epoll_ctl(ep, EPOLL_CTL_DEL, fd, NULL);
    if ((size_t) fd < npend) { free(pend[fd]); pend[fd] = NULL; }
    close(fd);
}

/* Writes what the kernel takes; keeps the rest. Returns 0, or -1 when the connection failed. */
static int send_or_keep(int ep, int fd, const char *p, size_t n) {
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w > 0) { p += w; n -= (size_t) w; continue; }
        if (w < 0 && errno == EINTR) continue;
        if (w < 0 && errno == EAGAIN) break;
        return -1;
    }
    if (n == 0) return 0;
    struct pending *q = malloc(sizeof *q + n);
    if (!q) return -1;
    q->off = 0; q->len = n; memcpy(q->data, p, n);
    pend[fd] = q;
    struct epoll_event ev = {.events = EPOLLOUT, .data.fd = fd};
    return epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev);
}

int main(int argc, char **argv) {
    const char *spec = argc > 1 ? argv[1] : "127.0.0.1:0";
    char host[64];
    const char *colon = strrchr(spec, ':');
    if (!colon || (size_t) (colon - spec) >= sizeof host) {
        fprintf(stderr, "echo_epoll: bad address %s (want IPv4:PORT, e.g. 127.0.0.1:0)\n", spec);
        return 2;
    }
    memcpy(host, spec, (size_t) (colon - spec));
    host[colon - spec] = 0;

    struct rlimit rl;   /* as the JVM does: the soft descriptor limit up to the hard one */
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) { rl.rlim_cur = rl.rlim_max; setrlimit(RLIMIT_NOFILE, &rl); }
    npend = rl.rlim_cur > 1048576 ? 1048576 : rl.rlim_cur;
    pend = calloc(npend, sizeof *pend);
    signal(SIGPIPE, SIG_IGN);
    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((unsigned short) atoi(colon + 1))};
    if (inet_pton(AF_INET, host, &a.sin_addr) != 1) {
        fprintf(stderr, "echo_epoll: bad address %s (want IPv4:PORT)\n", spec);
        return 2;
    }
    int l = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (l < 0) die("socket");
    int one = 1;
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(l, (struct sockaddr *) &a, sizeof a) < 0) die("bind");
    if (listen(l, 4096) < 0) die("listen");
    socklen_t alen = sizeof a;
    getsockname(l, (struct sockaddr *) &a, &alen);
    char shown[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &a.sin_addr, shown, sizeof shown);
    fprintf(stderr, "listening on %s:%d (echo_epoll, 1 thread)\n", shown, ntohs(a.sin_port));

    int ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) die("epoll_create1");
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = l};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, l, &ev) < 0) die("epoll_ctl");

    static char buf[65536];
    struct epoll_event ready[256];
    while (!stop) {
        int n = epoll_wait(ep, ready, 256, -1);
        if (n < 0) { if (errno == EINTR) continue; die("epoll_wait"); }
        for (int i = 0; i < n; i++) {
            int fd = ready[i].data.fd;
            if (fd == l) {
                for (;;) {
                    int c = accept4(l, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
                    if (c < 0) break;  /* EAGAIN: queue empty; EMFILE etc.: try again on the next event */
                    if ((size_t) c >= npend) { close(c); continue; }
                    setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    struct epoll_event cev = {.events = EPOLLIN, .data.fd = c};
                    if (epoll_ctl(ep, EPOLL_CTL_ADD, c, &cev) < 0) close(c);
                }
                continue;
            }
            struct pending *q = pend[fd];
            if (q) {  /* writable again: flush what waits, then read again */
                ssize_t w = send(fd, q->data + q->off, q->len - q->off, MSG_NOSIGNAL);
                if (w < 0 && errno != EAGAIN && errno != EINTR) { drop(ep, fd); continue; }
                if (w > 0) q->off += (size_t) w;
                if (q->off == q->len) {
                    free(q); pend[fd] = NULL;
                    struct epoll_event cev = {.events = EPOLLIN, .data.fd = fd};
                    epoll_ctl(ep, EPOLL_CTL_MOD, fd, &cev);
                }
                continue;
            }
            ssize_t r = recv(fd, buf, sizeof buf, 0);
            if (r > 0) {
                if (send_or_keep(ep, fd, buf, (size_t) r) < 0) drop(ep, fd);
            } else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
                drop(ep, fd);  /* FIN or reset: done with this client */
            }
        }
    }
    return 0;
}
