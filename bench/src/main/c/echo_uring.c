/*
 * echo_uring: the second C reference for `jsock bench` -- a single-threaded io_uring echo server
 * (RFC 862) on liburing (Debian's liburing-dev): one multishot accept, then per connection a recv
 * whose completion submits a send of what came, whose completion submits the next recv. One
 * io_uring_enter per batch of completions. Usage: echo_uring [ADDR:PORT]  (default 127.0.0.1:0)
 * Prints "listening on ADDR:PORT" on stderr once the socket listens; SIGTERM/SIGINT end it.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <liburing.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUF 4096
enum { OP_ACCEPT = 0, OP_RECV = 1, OP_SEND = 2 };

struct conn { int fd; unsigned off, len; char buf[BUF]; };

static volatile sig_atomic_t stop;
static void on_signal(int sig) { (void) sig; stop = 1; }

static void die(const char *call, int err) {
    fprintf(stderr, "echo_uring: %s: %s\n", call, strerror(err));
    exit(1);
}

static struct io_uring_sqe *sqe(struct io_uring *ring) {
    struct io_uring_sqe *s = io_uring_get_sqe(ring);
    if (!s) { io_uring_submit(ring); s = io_uring_get_sqe(ring); }
    if (!s) die("io_uring_get_sqe", EBUSY);
    return s;
}

static void post_accept(struct io_uring *ring, int l) {
    struct io_uring_sqe *s = sqe(ring);
    io_uring_prep_multishot_accept(s, l, NULL, NULL, SOCK_CLOEXEC);
    io_uring_sqe_set_data64(s, OP_ACCEPT);
}

static void post_recv(struct io_uring *ring, struct conn *c) {
    struct io_uring_sqe *s = sqe(ring);
    io_uring_prep_recv(s, c->fd, c->buf, BUF, 0);
    io_uring_sqe_set_data64(s, (uint64_t) (uintptr_t) c | OP_RECV);
}

static void post_send(struct io_uring *ring, struct conn *c) {
    struct io_uring_sqe *s = sqe(ring);
    io_uring_prep_send(s, c->fd, c->buf + c->off, c->len - c->off, MSG_NOSIGNAL);
    io_uring_sqe_set_data64(s, (uint64_t) (uintptr_t) c | OP_SEND);
}

static void drop(struct conn *c) {
    close(c->fd);
    free(c);
}

int main(int argc, char **argv) {
    const char *spec = argc > 1 ? argv[1] : "127.0.0.1:0";
    char host[64];
    const char *colon = strrchr(spec, ':');
    if (!colon || (size_t) (colon - spec) >= sizeof host) {
        fprintf(stderr, "echo_uring: bad address %s (want IPv4:PORT, e.g. 127.0.0.1:0)\n", spec);
        return 2;
    }
    memcpy(host, spec, (size_t) (colon - spec));
    host[colon - spec] = 0;

    struct rlimit rl;   /* as the JVM does: the soft descriptor limit up to the hard one */
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) { rl.rlim_cur = rl.rlim_max; setrlimit(RLIMIT_NOFILE, &rl); }
    signal(SIGPIPE, SIG_IGN);
    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((unsigned short) atoi(colon + 1))};
    if (inet_pton(AF_INET, host, &a.sin_addr) != 1) {
        fprintf(stderr, "echo_uring: bad address %s (want IPv4:PORT)\n", spec);
        return 2;
    }
    int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (l < 0) die("socket", errno);
    int one = 1;
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(l, (struct sockaddr *) &a, sizeof a) < 0) die("bind", errno);
    if (listen(l, 4096) < 0) die("listen", errno);

    struct io_uring ring;
    struct io_uring_params p = {.flags = IORING_SETUP_SUBMIT_ALL | IORING_SETUP_COOP_TASKRUN};
    int rc = io_uring_queue_init_params(4096, &ring, &p);
    if (rc == -EINVAL) { memset(&p, 0, sizeof p); rc = io_uring_queue_init_params(4096, &ring, &p); }
    if (rc < 0) die("io_uring_queue_init", -rc);
    post_accept(&ring, l);

    socklen_t alen = sizeof a;
    getsockname(l, (struct sockaddr *) &a, &alen);
    char shown[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &a.sin_addr, shown, sizeof shown);
    fprintf(stderr, "listening on %s:%d (echo_uring, 1 thread)\n", shown, ntohs(a.sin_port));

    while (!stop) {
        struct io_uring_cqe *cqe;
        rc = io_uring_submit_and_wait(&ring, 1);
        if (rc < 0 && rc != -EINTR && rc != -EAGAIN && rc != -EBUSY) die("io_uring_submit_and_wait", -rc);
        unsigned head, seen = 0;
        io_uring_for_each_cqe(&ring, head, cqe) {
            seen++;
            uint64_t ud = io_uring_cqe_get_data64(cqe);
            int res = cqe->res;
            if ((ud & 3) == OP_ACCEPT) {
                if (res >= 0) {
                    struct conn *c = malloc(sizeof *c);
                    if (!c) { close(res); }
                    else {
                        c->fd = res;
                        setsockopt(res, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                        post_recv(&ring, c);
                    }
                }
                if (!(cqe->flags & IORING_CQE_F_MORE)) post_accept(&ring, l); /* EMFILE etc. ended the multishot */
                continue;
            }
            struct conn *c = (struct conn *) (uintptr_t) (ud & ~(uint64_t) 3);
            if ((ud & 3) == OP_RECV) {
                if (res <= 0) { drop(c); continue; }  /* FIN or error: done with this client */
                c->off = 0; c->len = (unsigned) res;
                post_send(&ring, c);
            } else {
                if (res < 0) { drop(c); continue; }
                c->off += (unsigned) res;
                if (c->off < c->len) post_send(&ring, c); else post_recv(&ring, c);
            }
        }
        io_uring_cq_advance(&ring, seen);
    }
    io_uring_queue_exit(&ring);
    return 0;
}
